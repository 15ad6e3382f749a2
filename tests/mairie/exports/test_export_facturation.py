"""The billing export (issue 10.7): its lines are, price for price, what each family sees on
« Mes tarifs »; its formats; its form; the command line."""

import csv
import io
import json
from datetime import UTC
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import Evenement
from portail_famille.models import Famille
from portail_famille.services import lignes_tarifaires
from portail_famille.services import quotients
from portail_famille.services import tarifs_famille
from portail_famille.web import contexte
from tests.familles.conftest import AUJOURD_HUI
from tests.familles.conftest import DEBUT
from tests.familles.conftest import FIN
from tests.mairie.exports.population import peupler

MOIS = f"{AUJOURD_HUI:%Y-%m}"
LIENS = tarifs_famille.Liens(quotient="/q", foyer="/f")


@pytest.fixture
def foyers(app, agent):
    return peupler(app, agent)


def lignes_export(app):
    with app.app_context():
        chargee = contexte.grille_chargee()
        periode = lignes_tarifaires.trouver_periode(chargee.grille, DEBUT.isoformat())
        return lignes_tarifaires.lignes(chargee, periode, MOIS, datetime.now(UTC))


def mes_tarifs(app, famille_id: int) -> set[tuple]:
    """What « Mes tarifs » shows for the period in force: child, service, price, estimate."""
    with app.app_context():
        famille = db.session.get(Famille, famille_id)
        grille = contexte.grille()
        etat = quotients.etat_quotient(famille, grille.sources, grille.validite_mois,
                                       datetime.now(UTC))
        resultat = tarifs_famille.tarifs_du_foyer(famille, grille, etat, AUJOURD_HUI, LIENS)
        en_vigueur = next(p for p in resultat.periodes if p.en_vigueur)
        return {(t.enfant.id, p.code, p.tarif.prix, p.estimation_mensuelle, p.rang,
                 p.tarif.regle, p.tarif.qf)
                for t in en_vigueur.enfants for p in t.prix if p.inscription is not None}


def test_les_lignes_sont_les_prix_de_mes_tarifs(app, foyers):
    lignes = lignes_export(app)
    for nom, famille_id in foyers.items():
        exportees = {(ligne.enfant_id, ligne.service, ligne.prix_unitaire,
                      ligne.estimation_mensuelle, ligne.rang_fratrie, ligne.regle_tarif,
                      ligne.qf)
                     for ligne in lignes if ligne.famille_id == famille_id}
        assert exportees == mes_tarifs(app, famille_id), nom
    assert len(lignes) == 2 + 2 + 5 + 2 + 2  # the cancelled enrolment is not billed
    par_foyer = {}
    for ligne in lignes:
        par_foyer.setdefault(ligne.famille_id, []).append(ligne)
    sans, hors, fratrie, corrige, ccas = (par_foyer[foyers[n]] for n in (
        "sans_quotient", "hors_commune", "fratrie", "corrige", "ccas"))
    assert {(ligne.source_qf, ligne.regle_tarif) for ligne in sans} == {
        ("aucun", "sans_quotient")}
    assert {ligne.regle_residence for ligne in hors} == {"hors_commune"}
    assert {ligne.regle_residence for ligne in fratrie} == {"commune"}
    assert [(ligne.enfant, ligne.service, ligne.rang_fratrie) for ligne in fratrie] == [
        ("Aîné MARTIN", "cantine", 1), ("Aîné MARTIN", "ateliers", 1),
        ("Cadet MARTIN", "cantine", 2), ("Benjamin MARTIN", "cantine", 3),
        ("Benjamin MARTIN", "ateliers", 2)]
    # QF 1258.67: cantine 3.62, −10 % for the 2nd child, −40 % for the 3rd.
    assert [ligne.prix_unitaire for ligne in fratrie if ligne.service == "cantine"] == [
        Decimal("3.62"), Decimal("3.26"), Decimal("2.17")]
    assert fratrie[-1].jours_par_semaine == 1
    assert {(ligne.qf, ligne.source_qf) for ligne in corrige} == {(Decimal("640.00"),
                                                                   "mairie")}
    assert next((ligne.service, ligne.prix_unitaire, ligne.regle_tarif) for ligne in ccas) == (
        "cantine", Decimal("0.50"), "decision_mairie")
    with app.app_context():
        sha = contexte.grille_chargee().sha256
    assert {ligne.version_grille for ligne in lignes} == {sha}
    assert fratrie[0].foyer == f"F-{foyers['fratrie']:06d}"


def _requetes(app) -> int:
    with app.app_context():
        requetes = []

        def compter(*_args):
            requetes.append(1)

        chargee = contexte.grille_chargee()
        periode = lignes_tarifaires.trouver_periode(chargee.grille, DEBUT.isoformat())
        sa.event.listen(db.engine, "before_cursor_execute", compter)
        try:
            lignes_tarifaires.lignes(chargee, periode, MOIS, datetime.now(UTC))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", compter)
        return len(requetes)


def test_un_nombre_fixe_de_requetes(app, foyers, agent):
    une_fois = _requetes(app)
    peupler(app, agent)
    peupler(app, agent)
    assert _requetes(app) == une_fois <= 6


def test_csv_pour_les_tableurs_francais(app, client, agent, foyers):
    reponse = client.get("/mairie/exports", query_string={
        "periode": DEBUT.isoformat(), "mois": MOIS, "format": "csv"})
    assert reponse.status_code == 200
    assert reponse.mimetype == "text/csv"
    assert reponse.headers["Content-Disposition"].startswith("attachment; filename=")
    assert reponse.data.startswith("\ufeff".encode())
    lignes = list(csv.DictReader(io.StringIO(reponse.data.decode("utf-8-sig")), delimiter=";"))
    assert list(lignes[0]) == list(lignes_tarifaires.COLONNES)
    attendues = lignes_export(app)
    assert len(lignes) == len(attendues)
    for lue, attendue in zip(lignes, attendues, strict=True):
        assert lue["prix_unitaire"] == f"{attendue.prix_unitaire}".replace(".", ",")
        assert lue["foyer"] == attendue.foyer
    assert any(ligne["qf"] == "1258,67" for ligne in lignes)
    with app.app_context():
        evenement = db.session.scalars(sa.select(Evenement).where(
            Evenement.type == "export_facturation")).one()
        assert evenement.compte_id == agent
        assert evenement.detail == f"{DEBUT.isoformat()} {MOIS} csv, {len(attendues)} lignes"


def test_xlsx(app, client, foyers):
    reponse = client.get("/mairie/exports", query_string={
        "periode": DEBUT.isoformat(), "mois": MOIS, "format": "xlsx"})
    assert reponse.status_code == 200
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.data)).active
    rangees = list(feuille.values)
    assert rangees[0] == lignes_tarifaires.COLONNES
    attendues = lignes_export(app)
    assert [Decimal(str(r[4])).quantize(Decimal("0.01")) for r in rangees[1:]] == [
        ligne.prix_unitaire for ligne in attendues]


def test_la_page_et_le_lien_de_l_accueil(client, agent):
    assert 'href="/mairie/exports"' in client.get("/mairie/").text
    page = client.get("/mairie/exports")
    assert page.status_code == 200
    assert f'value="{MOIS}"' in page.text
    assert "Année en cours" in page.text


@pytest.mark.parametrize(("donnees", "message"), [
    ({"periode": DEBUT.isoformat(), "mois": "2026-13", "format": "csv"}, "AAAA-MM"),
    ({"periode": DEBUT.isoformat(), "mois": "septembre", "format": "csv"}, "AAAA-MM"),
    ({"periode": DEBUT.isoformat(), "mois": f"{FIN.year + 3}-01", "format": "csv"},
     "n’est pas dans la période"),
    ({"periode": "1999-01-01", "mois": MOIS, "format": "csv"}, "valide"),
    ({"periode": DEBUT.isoformat(), "mois": MOIS, "format": "pdf"}, "valide"),
    ({"periode": DEBUT.isoformat(), "mois": "", "format": "csv"}, "Indiquez le mois"),
    ({"periode": DEBUT.isoformat(), "mois": "2026-9", "format": "csv"}, "AAAA-MM"),
])
def test_saisie_invalide_message_en_francais(client, agent, donnees, message):
    reponse = client.get("/mairie/exports", query_string=donnees)
    assert reponse.status_code == 422
    assert reponse.mimetype == "text/html"
    assert message in reponse.text
    assert 'class="champ__erreur"' in reponse.text


def test_une_famille_n_y_a_pas_acces(app):
    from tests.aides import planter_session
    from tests.fabriques import creer_famille

    client = app.test_client()
    planter_session(client, creer_famille(app), "famille")
    assert client.get("/mairie/exports", query_string={
        "periode": DEBUT.isoformat(), "mois": MOIS, "format": "csv"}).status_code == 403
    anonyme = app.test_client().get("/mairie/exports")
    assert anonyme.status_code == 302


def test_ligne_de_commande_json_et_csv(app, foyers):
    coureur = app.test_cli_runner()
    resultat = coureur.invoke(args=["mairie", "export-facturation", "--periode",
                                    DEBUT.isoformat(), "--mois", MOIS, "--format", "json"])
    assert resultat.exit_code == 0, resultat.output
    objets = json.loads(resultat.output)
    attendues = lignes_export(app)
    assert [list(o) for o in objets] == [list(lignes_tarifaires.COLONNES)] * len(attendues)
    assert [o["prix_unitaire"] for o in objets] == [f"{ligne.prix_unitaire:.2f}"
                                                    for ligne in attendues]
    assert all(o["qf"] is None or len(o["qf"].split(".")[1]) == 2 for o in objets)
    assert all(isinstance(o["jours_par_semaine"], int) for o in objets)
    en_csv = coureur.invoke(args=["mairie", "export-facturation", "--periode", "Année en cours",
                                  "--mois", MOIS])
    assert en_csv.exit_code == 0
    assert en_csv.stdout_bytes.startswith("\ufeff".encode())
    assert en_csv.stdout_bytes.count(b"\r\n") == len(attendues) + 1


@pytest.mark.parametrize("arguments", [
    ["--periode", "2001-09-01", "--mois", MOIS],
    ["--periode", DEBUT.isoformat(), "--mois", "2026-9"],
    ["--periode", DEBUT.isoformat(), "--mois", f"{FIN.year + 3}-01"],
])
def test_ligne_de_commande_arguments_invalides(app, arguments):
    resultat = app.test_cli_runner().invoke(args=["mairie", "export-facturation", *arguments])
    assert resultat.exit_code == 2
    assert resultat.output.startswith("Erreur : ")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(periode=st.one_of(st.just(DEBUT.isoformat()), st.text(max_size=20)),
       mois=st.one_of(st.just(MOIS), st.text(max_size=12),
                      st.from_regex(r"\A[0-9]{4}-[0-9]{2}\Z")),
       format_=st.one_of(st.sampled_from(["csv", "xlsx"]), st.text(max_size=6)))
def test_hypothese_jamais_de_500(client, agent, periode, mois, format_):
    reponse = client.get("/mairie/exports", query_string={
        "periode": periode, "mois": mois, "format": format_})
    assert reponse.status_code in (200, 400, 422), reponse.status_code
    if reponse.status_code == 422:
        assert 'class="champ__erreur"' in reponse.text
