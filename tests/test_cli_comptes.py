"""`flask comptes creer`: the first admin's account, created from the command line in French,
refused with a message and exit 1, never a traceback (issue 9)."""

import pytest
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from tests.aides import hachage_rapide

MOT_DE_PASSE = "un-long-mot-de-passe"


@pytest.fixture
def runner(app, monkeypatch):
    hachage_rapide(monkeypatch)
    return app.test_cli_runner()


def comptes(app) -> list[tuple[str, str]]:
    with app.app_context():
        return list(db.session.execute(sa.select(Compte.identifiant, Compte.role)).all())


def test_creer_en_francais_avec_le_mot_de_passe_demande_deux_fois(app, runner):
    resultat = runner.invoke(args=["comptes", "creer", "Admin.Mairie", "--role", "admin"],
                             input=f"{MOT_DE_PASSE}\n{MOT_DE_PASSE}\n")
    assert resultat.exit_code == 0, resultat.output
    assert "Mot de passe : " in resultat.output
    assert "Confirmez le mot de passe : " in resultat.output
    assert "Compte admin « admin.mairie » créé." in resultat.output
    assert comptes(app) == [("admin.mairie", "admin")]


def test_deux_saisies_differentes_rien_de_cree(app, runner):
    resultat = runner.invoke(args=["comptes", "creer", "agent.un"],
                             input=f"{MOT_DE_PASSE}\nautre-chose-encore\n")
    assert resultat.exit_code == 1
    assert "les deux mots de passe saisis diffèrent" in resultat.output
    assert comptes(app) == []


def test_identifiant_deja_pris_message_francais_sans_trace(app, runner):
    assert runner.invoke(args=["comptes", "creer", "agent.un", "--mot-de-passe",
                               MOT_DE_PASSE]).exit_code == 0
    resultat = runner.invoke(args=["comptes", "creer", "AGENT.UN", "--mot-de-passe",
                                   "un-autre-mot-de-passe"])
    assert resultat.exit_code == 1
    assert "l’identifiant « agent.un » est déjà pris" in resultat.output
    for interdit in ("Traceback", "IntegrityError", "scrypt", "pbkdf2", "INSERT"):
        assert interdit not in resultat.output
    assert comptes(app) == [("agent.un", "agent")]


@pytest.mark.parametrize("identifiant", ["é.lise", "a b", "x;drop", "a", ".agent", "a@b.fr",
                                         "x" * 65])
def test_identifiants_refuses(app, runner, identifiant):
    resultat = runner.invoke(args=["comptes", "creer", identifiant, "--mot-de-passe",
                                   MOT_DE_PASSE])
    assert resultat.exit_code == 1
    assert "l’identifiant ne peut contenir que des lettres sans accent" in resultat.output
    assert comptes(app) == []


def test_mot_de_passe_trop_court_et_role_inconnu(app, runner):
    court = runner.invoke(args=["comptes", "creer", "agent.deux", "--mot-de-passe", "court"])
    assert (court.exit_code, "au moins 12 caractères" in court.output) == (1, True)
    role = runner.invoke(args=["comptes", "creer", "agent.deux", "--role", "maire",
                               "--mot-de-passe", MOT_DE_PASSE])
    assert (role.exit_code, "rôle « maire » inconnu" in role.output) == (2, True)
    assert comptes(app) == []


@pytest.mark.parametrize("mot_de_passe", ["motdepasse123", "Azertyuiop12", "aaaaaaaaaaaaaa"])
def test_mot_de_passe_courant_refuse(app, runner, mot_de_passe):
    resultat = runner.invoke(args=["comptes", "creer", "agent.trois", "--mot-de-passe",
                                   mot_de_passe])
    assert resultat.exit_code == 1
    assert "trop courant ou trop simple" in resultat.output
    assert comptes(app) == []


def test_premier_admin_proconnect_par_son_courriel(app, runner):
    resultat = runner.invoke(args=["comptes", "creer", "--courriel", " Marie.Curie@Mairie.fr",
                                   "--role", "admin"])
    assert resultat.exit_code == 0, resultat.output
    assert "Compte admin ProConnect « marie.curie@mairie.fr » créé" in resultat.output
    with app.app_context():
        compte = db.session.scalars(sa.select(Compte)).one()
        assert (compte.role, compte.email, compte.identifiant, compte.mot_de_passe) == (
            "admin", "marie.curie@mairie.fr", None, None)
    deuxieme = runner.invoke(args=["comptes", "creer", "--courriel", "marie.curie@mairie.fr"])
    assert deuxieme.exit_code == 1 and "a déjà un compte" in deuxieme.output


@pytest.mark.parametrize("arguments", [
    [], ["agent.un", "--courriel", "a@b.fr"], ["--courriel", "a@b.fr", "--mot-de-passe", "x"]])
def test_local_ou_proconnect_pas_les_deux(app, runner, arguments):
    resultat = runner.invoke(args=["comptes", "creer", *arguments])
    assert resultat.exit_code == 2
    assert "Erreur" in resultat.output
    assert comptes(app) == []


def test_courriel_invalide(app, runner):
    resultat = runner.invoke(args=["comptes", "creer", "--courriel", "pas-une-adresse"])
    assert resultat.exit_code == 1 and "n’est pas valide" in resultat.output
