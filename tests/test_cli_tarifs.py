"""`flask tarifs verifier|simuler|importer|exporter`: the stable interface of tarifs.md §5–§6.

Expected JSON lines are written out by hand (tests/grilles_essai.py explains every amount); a
few tests run the real `flask` executable, from another directory, without SECRET_KEY nor the
sandbox, as a council's IT department would.
"""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
import time_machine

from portail_famille.extensions import db
from portail_famille.models import GrilleVersion
from portail_famille.services import grilles
from tests.conftest import fabriquer_app
from tests.grilles_essai import ERREURS_GRILLE_CASSEE
from tests.grilles_essai import GRILLE_CASSEE
from tests.grilles_essai import GRILLE_ESSAI
from tests.grilles_essai import PERIODE_A
from tests.grilles_essai import PERIODE_B
from tests.grilles_essai import RENTREE
from tests.grilles_essai import ateliers
from tests.grilles_essai import cantine
from tests.grilles_essai import ecrire
from tests.grilles_essai import ligne_json
from tests.grilles_essai import soir

FLASK = Path(sys.executable).with_name("flask")

QF_1001 = ligne_json(
    PERIODE_A, "1001.00",
    cantine("4.00", "QF 1001.00 > 800 : tranche 3"),
    soir("5.01", "QF 1001.00 × 0.5 % = 5.005, arrondi à 5.01"),
    ateliers("2.01", "QF 1001.00 ≥ 1000 : prix du dernier point 2.01"),
)
QF_500 = ligne_json(
    PERIODE_A, "500.00",
    cantine("2.55", "QF 500.00 ≤ 800 : tranche 2"),
    soir("2.50", "QF 500.00 × 0.5 % = 2.50"),
    ateliers("1.51", "QF 500.00 entre 0 (1.00) et 1000 (2.01) : 1.51"),
)
SANS_QUOTIENT = ligne_json(
    PERIODE_A, None,
    cantine("4.50", "sans quotient familial : tarif 4.50"),
    soir("9.00", "sans quotient familial : tarif maximal 9.00"),
    ateliers("2.01", "sans quotient familial : tarif maximal 2.01"),
)

CAS_JSON = {
    "qf_sur_la_borne_incluse": (["--qf", "400"], ligne_json(
        PERIODE_A, "400.00",
        cantine("1.00", "QF 400.00 ≤ 400 : tranche 1"),
        soir("2.00", "QF 400.00 × 0.5 % = 2.00"),
        ateliers("1.40", "QF 400.00 entre 0 (1.00) et 1000 (2.01) : 1.40"),
    )),
    "qf_un_centime_au_dessus_de_la_borne": (["--qf", "400.01"], ligne_json(
        PERIODE_A, "400.01",
        cantine("2.55", "QF 400.01 ≤ 800 : tranche 2"),
        soir("2.00", "QF 400.01 × 0.5 % = 2.00005, arrondi à 2.00"),
        ateliers("1.40", "QF 400.01 entre 0 (1.00) et 1000 (2.01) : 1.40"),
    )),
    "taux_effort_5_005_arrondi_au_centime_superieur": (["--qf", "1001"], QF_1001),
    "lineaire_sur_un_demi_centime": (["--qf", "500"], QF_500),
    "qf_ecrit_en_notation_ingenieur": (["--qf", "1.001E+3"], QF_1001),
    "sans_quotient_qf_null": (["--sans-quotient"], SANS_QUOTIENT),
    "hors_commune_prix_et_majoration": (["--qf", "1001", "--hors-commune"], ligne_json(
        PERIODE_A, "1001.00",
        cantine("7.00", "QF 1001.00 > 800 : tranche 3 ; hors commune : tarif 7.00"),
        soir("6.01", "QF 1001.00 × 0.5 % = 5.005, arrondi à 5.01 ; hors commune +20 %"),
        ateliers("2.01", "QF 1001.00 ≥ 1000 : prix du dernier point 2.01 ; "
                         "hors commune : tarif 2.01"),
    )),
    "hors_commune_sans_quotient": (["--sans-quotient", "--hors-commune"], ligne_json(
        PERIODE_A, None,
        cantine("7.00", "sans quotient familial : tarif 4.50 ; hors commune : tarif 7.00"),
        soir("10.80", "sans quotient familial : tarif maximal 9.00 ; hors commune +20 %"),
        ateliers("2.01", "sans quotient familial : tarif maximal 2.01 ; "
                         "hors commune : tarif 2.01"),
    )),
    "rang_2_moins_20_pourcent": (["--qf", "500", "--rang", "2"], ligne_json(
        PERIODE_A, "500.00",
        cantine("2.04", "QF 500.00 ≤ 800 : tranche 2 ; rang 2 : −20 %"),
        soir("2.50", "QF 500.00 × 0.5 % = 2.50"),
        ateliers("1.51", "QF 500.00 entre 0 (1.00) et 1000 (2.01) : 1.51"),
    )),
    "rang_3_moins_50_pourcent_arrondi": (["--qf", "500", "--rang", "3"], ligne_json(
        PERIODE_A, "500.00",
        cantine("1.28", "QF 500.00 ≤ 800 : tranche 2 ; rang 3 : −50 %"),
        soir("2.50", "QF 500.00 × 0.5 % = 2.50"),
        ateliers("1.51", "QF 500.00 entre 0 (1.00) et 1000 (2.01) : 1.51"),
    )),
    "rang_7_garde_le_plus_grand_rang_inferieur": (["--qf", "500", "--rang", "7"], ligne_json(
        PERIODE_A, "500.00",
        cantine("1.28", "QF 500.00 ≤ 800 : tranche 2 ; rang 7 : −50 %"),
        soir("2.50", "QF 500.00 × 0.5 % = 2.50"),
        ateliers("1.51", "QF 500.00 entre 0 (1.00) et 1000 (2.01) : 1.51"),
    )),
    "rfr_et_parts_qf_municipal": (["--rfr", "37760", "--parts", "2.5"], ligne_json(
        PERIODE_A, "1258.67",
        cantine("4.00", "QF 1258.67 > 800 : tranche 3"),
        soir("6.29", "QF 1258.67 × 0.5 % = 6.29335, arrondi à 6.29"),
        ateliers("2.01", "QF 1258.67 ≥ 1000 : prix du dernier point 2.01"),
    )),
}


@pytest.fixture
def grille(tmp_path) -> Path:
    return ecrire(tmp_path)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def simuler(runner, grille: Path, *args: str, date: str | None = RENTREE):
    options = ["--fichier", str(grille), *args]
    if date:
        options += ["--date", date]
    return runner.invoke(args=["tarifs", "simuler", *options])


def nombre_de_versions(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(GrilleVersion))


# ---------------------------------------------------------------------------------------------
# simuler
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "attendu"), CAS_JSON.values(), ids=CAS_JSON.keys())
def test_simuler_json_octet_pour_octet(runner, grille, args, attendu):
    resultat = simuler(runner, grille, *args, "--json")
    assert resultat.exit_code == 0, resultat.stderr
    assert resultat.stdout == attendu
    assert resultat.stderr == ""


@pytest.mark.parametrize(("date", "attendu"), [
    ("2031-08-31", QF_500),  # last day of the first period
    ("2031-09-01", ligne_json(PERIODE_B, "500.00", cantine("1.10", "QF 500.00 ≤ 500 : tranche 1"))),
])
def test_simuler_date_choisit_la_periode(runner, grille, date, attendu):
    resultat = simuler(runner, grille, "--qf", "500", "--json", date=date)
    assert resultat.exit_code == 0, resultat.stderr
    assert resultat.stdout == attendu


def test_simuler_sans_date_prend_la_periode_du_jour(runner, grille):
    with time_machine.travel(datetime(2031, 10, 15, 12), tick=False):
        resultat = simuler(runner, grille, "--qf", "500", "--json", date=None)
    assert resultat.exit_code == 0, resultat.stderr
    assert resultat.stdout.startswith(f'{{"periode": "{PERIODE_B}"')


def test_simuler_en_texte(runner, grille):
    resultat = simuler(runner, grille, "--qf", "1001")
    assert resultat.exit_code == 0, resultat.stderr
    assert resultat.stdout == (
        f"{PERIODE_A} – QF 1001.00\n"
        "  Restauration scolaire (cantine) : 4.00 € par repas – QF 1001.00 > 800 : tranche 3\n"
        "  Accueil du soir (soir) : 5.01 € par soir – QF 1001.00 × 0.5 % = 5.005, "
        "arrondi à 5.01\n"
        "  Ateliers du mercredi (ateliers) : 2.01 € par demi-journée – QF 1001.00 ≥ 1000 : "
        "prix du dernier point 2.01\n"
    )


def test_simuler_sans_fichier_utilise_la_grille_en_vigueur(fabrique, grille):
    app = fabrique(tarifs_fichier=grille)
    resultat = app.test_cli_runner().invoke(
        args=["tarifs", "simuler", "--qf", "1001", "--date", RENTREE, "--json"])
    assert resultat.exit_code == 0, resultat.stderr
    assert resultat.stdout == QF_1001


ARGUMENTS_INVALIDES = {
    "aucun_quotient": ([], "indiquez exactement un de"),
    "qf_et_sans_quotient": (["--qf", "1", "--sans-quotient"], "indiquez exactement un de"),
    "qf_et_rfr": (["--qf", "1", "--rfr", "2", "--parts", "1"], "indiquez exactement un de"),
    "trois_a_la_fois": (["--qf", "1", "--rfr", "2", "--parts", "1", "--sans-quotient"],
                        "indiquez exactement un de"),
    "rfr_sans_parts": (["--rfr", "37760"], "rfr et parts vont ensemble"),
    "parts_sans_rfr": (["--parts", "2.5"], "rfr et parts vont ensemble"),
    "qf_negatif": (["--qf=-5"], "qf doit être un nombre positif ou nul (reçu « -5 »)"),
    "qf_negatif_en_argument_separe": (["--qf", "-0.01"], "positif ou nul"),
    "qf_non_numerique": (["--qf", "abc"], "qf doit être un nombre (reçu « abc »)"),
    "qf_a_la_francaise": (["--qf", "1258,67"], "qf doit être un nombre"),
    "qf_infini": (["--qf", "Infinity"], "positif ou nul"),
    "qf_demesure": (["--qf", "9" * 60], "quotient familial démesuré"),
    "parts_demesurees": (["--rfr", "1e999999", "--parts", "1e-999999"], "démesuré"),
    "qf_nan": (["--qf", "NaN"], "positif ou nul"),
    "rfr_negatif": (["--rfr=-1", "--parts", "1"], "rfr doit être un nombre positif ou nul"),
    "parts_nulles": (["--rfr", "37760", "--parts", "0"], "nombre de parts invalide"),
    "date_inexistante": (["--qf", "1", "--date", "2030-02-30"],
                         "date invalide « 2030-02-30 » (format attendu AAAA-MM-JJ)"),
    "date_mal_ecrite": (["--qf", "1", "--date", "01/09/2030"], "date invalide"),
    "date_hors_periode": (["--qf", "1", "--date", "2029-12-31"],
                          "aucune période de la grille ne couvre le 2029-12-31"),
    "rang_zero": (["--qf", "1", "--rang", "0"], "rang invalide « 0 »"),
    "rang_negatif": (["--qf", "1", "--rang=-1"], "rang invalide"),
    "rang_non_entier": (["--qf", "1", "--rang", "deux"], "rang invalide"),
}


@pytest.mark.parametrize(("args", "message"), ARGUMENTS_INVALIDES.values(),
                         ids=ARGUMENTS_INVALIDES.keys())
def test_simuler_arguments_invalides_code_2_message_francais_rien_sur_stdout(
        runner, grille, args, message):
    date = None if "--date" in args else RENTREE
    resultat = simuler(runner, grille, *args, "--json", date=date)
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert resultat.stderr.startswith("Erreur : ")
    assert message in resultat.stderr


def test_simuler_fichier_illisible_code_2(runner, tmp_path):
    resultat = simuler(runner, tmp_path / "absent.yaml", "--qf", "1", "--json")
    assert resultat.exit_code == 2
    assert resultat.stdout == ""
    assert "lecture impossible" in resultat.stderr


def test_simuler_grille_invalide_code_1_erreurs_sur_stderr(runner, tmp_path):
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    resultat = simuler(runner, cassee, "--qf", "1", "--json")
    assert resultat.exit_code == 1
    assert resultat.stdout == ""
    for ligne in ERREURS_GRILLE_CASSEE:
        assert ligne.format(f=cassee) in resultat.stderr


# ---------------------------------------------------------------------------------------------
# verifier
# ---------------------------------------------------------------------------------------------


def test_verifier_grille_valide(runner, grille):
    resultat = runner.invoke(args=["tarifs", "verifier", str(grille)])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout == (
        f"{grille} : grille valide – Essai-sur-Loire (45234), 2 périodes, 3 services\n")


def test_verifier_grille_cassee_liste_toutes_les_erreurs_avec_ligne_et_colonne(runner, tmp_path):
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    resultat = runner.invoke(args=["tarifs", "verifier", str(cassee)])
    assert resultat.exit_code == 1
    assert resultat.stdout.splitlines() == [
        *(ligne.format(f=cassee) for ligne in ERREURS_GRILLE_CASSEE),
        "3 erreurs : grille refusée.",
    ]


def test_verifier_refuse_une_etiquette_python(runner, tmp_path):
    piegee = ecrire(tmp_path, GRILLE_ESSAI.replace(
        "commune: Essai-sur-Loire", "commune: !!python/object/apply:os.system ['true']"),
        "piegee.yaml")
    resultat = runner.invoke(args=["tarifs", "verifier", str(piegee)])
    assert resultat.exit_code == 1
    assert f"{piegee}:3:10: " in resultat.stdout


def test_verifier_sans_argument_verifie_la_grille_en_vigueur(fabrique, grille):
    app = fabrique(tarifs_fichier=grille, grille_rafraichissement_s=0)
    with app.app_context():
        version = grilles.ajouter_version(
            GRILLE_ESSAI.replace("Essai-sur-Loire", "Autre-Commune"), source="admin",
            auteur="admin.test")
        db.session.commit()
        numero = version.id
    resultat = app.test_cli_runner().invoke(args=["tarifs", "verifier"])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout == (
        f"version {numero} : grille valide – Autre-Commune (45234), 2 périodes, 3 services\n")


# ---------------------------------------------------------------------------------------------
# importer, exporter
# ---------------------------------------------------------------------------------------------


def test_importer_ajoute_une_version_en_vigueur(fabrique, grille, tmp_path):
    app = fabrique(tarifs_fichier=grille)
    nouvelle = GRILLE_ESSAI.replace("prix: 4.00   # au-delà de 800", "prix: 4.20   # révisé")
    fichier = ecrire(tmp_path, nouvelle, "deliberation.yaml")
    avant = nombre_de_versions(app)
    resultat = app.test_cli_runner().invoke(
        args=["tarifs", "importer", str(fichier), "--commentaire", "délibération n° 2030/7"])
    assert resultat.exit_code == 0, resultat.output
    assert nombre_de_versions(app) == avant + 1
    with app.app_context():
        version = db.session.scalars(
            sa.select(GrilleVersion).order_by(GrilleVersion.id.desc())).first()
        assert version.texte == nouvelle
        assert version.sha256 == grilles.empreinte(nouvelle)
        assert (version.source, version.commentaire) == ("import", "délibération n° 2030/7")
        assert resultat.stdout == (
            f"Version {version.id} importée ({version.sha256[:12]}) : elle est en vigueur.\n")


def test_importer_refuse_un_fichier_invalide_et_n_ajoute_rien(fabrique, grille, tmp_path):
    app = fabrique(tarifs_fichier=grille)
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    avant = nombre_de_versions(app)
    resultat = app.test_cli_runner().invoke(args=["tarifs", "importer", str(cassee)])
    assert resultat.exit_code == 1
    assert ERREURS_GRILLE_CASSEE[0].format(f=cassee) in resultat.stderr
    assert resultat.stdout == ""
    assert nombre_de_versions(app) == avant


def test_exporter_affiche_exactement_le_texte_en_vigueur(fabrique, grille):
    app = fabrique(tarifs_fichier=grille)
    resultat = app.test_cli_runner().invoke(args=["tarifs", "exporter"])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout == GRILLE_ESSAI
    assert "# Ce commentaire doit survivre à l'import et à l'export." in resultat.stdout


def test_exporter_suit_un_import_fait_dans_le_meme_processus(fabrique, grille, tmp_path):
    # The interval is long: only the import itself can make this process see its version.
    app = fabrique(tarifs_fichier=grille, grille_rafraichissement_s=3600)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tarifs", "exporter"]).stdout == GRILLE_ESSAI
    nouvelle = "# Version importée, sans saut de ligne final\n" + GRILLE_ESSAI.rstrip("\n")
    fichier = ecrire(tmp_path, nouvelle, "nouvelle.yaml")
    assert runner.invoke(args=["tarifs", "importer", str(fichier)]).exit_code == 0
    assert runner.invoke(args=["tarifs", "exporter"]).stdout == nouvelle


# ---------------------------------------------------------------------------------------------
# The real executable, elsewhere, without SECRET_KEY nor sandbox
# ---------------------------------------------------------------------------------------------

REGLAGES_A_RETIRER = ("SECRET_KEY", "PORTAIL_BAC_A_SABLE", "PORTAIL_URL", "DATABASE_URL",
                      "TARIFS_FICHIER", "FLASK_APP", "FLASK_DEBUG", "REDIS_URL")


def flask_reel(tmp_path: Path, *args: str, **env) -> subprocess.CompletedProcess:
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir(exist_ok=True)
    environnement = {
        cle: valeur for cle, valeur in os.environ.items()
        if cle not in REGLAGES_A_RETIRER
        and not cle.startswith(("FRANCECONNECT_", "API_PARTICULIER_", "IMPOT_PARTICULIER_"))
    }
    environnement.update(PYTHONIOENCODING="utf-8",
                         DATABASE_URL=f"sqlite:///{tmp_path / 'cli-vierge.db'}", **env)
    return subprocess.run(  # noqa: S603 (our own executable, fixed arguments)
        [str(FLASK), "--app", "portail_famille", *args], cwd=ailleurs, env=environnement,
        capture_output=True, encoding="utf-8", timeout=60, check=False)


def test_executable_simuler_json_octet_pour_octet(tmp_path, grille):
    fini = flask_reel(tmp_path, "tarifs", "simuler", "--fichier", str(grille), "--qf", "1001",
                      "--date", RENTREE, "--json")
    assert fini.returncode == 0, fini.stderr
    assert fini.stdout == QF_1001


def test_executable_simuler_grille_en_vigueur_sans_quotient(tmp_path, grille):
    fini = flask_reel(tmp_path, "tarifs", "simuler", "--sans-quotient", "--date", RENTREE,
                      "--json", TARIFS_FICHIER=str(grille))
    assert fini.returncode == 0, fini.stderr
    assert fini.stdout == SANS_QUOTIENT


def test_executable_arguments_invalides_code_2(tmp_path, grille):
    fini = flask_reel(tmp_path, "tarifs", "simuler", "--fichier", str(grille), "--rfr", "37760",
                      "--json")
    assert fini.returncode == 2
    assert fini.stdout == ""
    assert "Erreur : rfr et parts vont ensemble" in fini.stderr


def test_executable_verifier_grille_cassee_code_1(tmp_path):
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    fini = flask_reel(tmp_path, "tarifs", "verifier", str(cassee))
    assert fini.returncode == 1, fini.stderr
    assert fini.stdout.splitlines()[:3] == [
        ligne.format(f=cassee) for ligne in ERREURS_GRILLE_CASSEE]


def test_executable_semence_cassee_verifier_liste_ses_erreurs_code_1(tmp_path):
    # The Procfile's release step: the file deployed with the code is broken.
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    fini = flask_reel(tmp_path, "tarifs", "verifier", TARIFS_FICHIER=str(cassee))
    assert fini.returncode == 1, fini.stderr
    assert fini.stdout.splitlines() == [
        *(ligne.format(f=cassee) for ligne in ERREURS_GRILLE_CASSEE),
        "3 erreurs : grille refusée.",
    ]
    assert "Traceback" not in fini.stderr


def test_executable_semence_cassee_n_empeche_pas_de_verifier_un_autre_fichier(tmp_path, grille):
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    verifie = flask_reel(tmp_path, "tarifs", "verifier", str(grille), TARIFS_FICHIER=str(cassee))
    simule = flask_reel(tmp_path, "tarifs", "simuler", "--fichier", str(grille), "--qf", "1001",
                        "--date", RENTREE, "--json", TARIFS_FICHIER=str(cassee))
    assert verifie.returncode == 0, verifie.stderr
    assert (simule.returncode, simule.stdout) == (0, QF_1001)


def test_executable_semence_cassee_simuler_en_vigueur_code_1_erreurs_sur_stderr(tmp_path):
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    fini = flask_reel(tmp_path, "tarifs", "simuler", "--qf", "500", "--json",
                      TARIFS_FICHIER=str(cassee))
    assert (fini.returncode, fini.stdout) == (1, "")
    assert fini.stderr.splitlines()[-1] == "3 erreurs : grille refusée."


def test_executable_semence_absente_code_2(tmp_path):
    absente = tmp_path / "absente.yaml"
    fini = flask_reel(tmp_path, "tarifs", "verifier", TARIFS_FICHIER=str(absente))
    assert fini.returncode == 2
    assert fini.stderr == f"{absente} : lecture impossible (FileNotFoundError)\n"


def test_executable_sans_base_migree_aucun_avertissement(tmp_path, grille):
    # A read-only check says nothing of a database it does not need.
    fini = flask_reel(tmp_path, "tarifs", "verifier", str(grille))
    assert (fini.returncode, fini.stderr) == (0, "")


# ---------------------------------------------------------------------------------------------
# A file that is not UTF-8: exit 2 and the offending byte's position, on every command
# ---------------------------------------------------------------------------------------------

# One « é » written in Latin-1, on line 3, column 22 of an otherwise valid UTF-8 grid.
NON_UTF8 = GRILLE_ESSAI.encode().replace(b"Essai-sur-Loire", b"Essai-sur-Lo\xe9re")


@pytest.fixture
def latin1(tmp_path) -> Path:
    chemin = tmp_path / "latin1.yaml"
    chemin.write_bytes(NON_UTF8)
    return chemin


def _illisible(resultat, chemin: Path) -> None:
    assert resultat.exit_code == 2, resultat.output
    assert resultat.stdout == ""
    assert resultat.stderr == (f"{chemin}:3:22: octet 0xE9 invalide : enregistrez le fichier "
                               "en UTF-8\n")


@pytest.mark.parametrize("commande", [
    ["verifier", "{f}"],
    ["simuler", "--fichier", "{f}", "--qf", "1", "--date", RENTREE, "--json"],
    ["importer", "{f}"],
])
def test_fichier_non_utf8_code_2_et_position(fabrique, grille, latin1, commande):
    app = fabrique(tarifs_fichier=grille)
    avant = nombre_de_versions(app)
    resultat = app.test_cli_runner().invoke(
        args=["tarifs", *(a.format(f=latin1) for a in commande)])
    _illisible(resultat, latin1)
    assert nombre_de_versions(app) == avant


@pytest.mark.parametrize("commande", [
    ["verifier"], ["simuler", "--qf", "1", "--json"], ["exporter"],
])
def test_semence_non_utf8_code_2_et_position(base_migree, tmp_path, latin1, commande):
    # Built as `flask` builds it for a command: a broken seed does not stop the command line.
    with click.Context(click.Command("tarifs"), info_name="tarifs"):
        app = fabriquer_app(base_migree, tmp_path, tarifs_fichier=latin1)
    resultat = app.test_cli_runner().invoke(args=["tarifs", *commande])
    _illisible(resultat, latin1)
