"""ProConnect for the staff (proconnect.md, issue 10 §1): only an account an admin created for
the agent's email opens, only for the commune's SIRET, bound to (issuer, sub) at the first
sign-in; every other verified identity is refused with a French page and an audit row.

The token rules of the shared relying party are tested for both federations in
test_franceconnect_rp.py (`rp` fixture); here, what is ProConnect's own.
"""

from datetime import timedelta

import pytest
import responses
import sqlalchemy as sa

from portail_famille.auth import sessions
from portail_famille.config import Configuration
from portail_famille.config import ConfigurationInvalide
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.services import comptes as services_comptes
from portail_famille.services import equipe
from tests.aides import Page
from tests.aides import connecter_personnel
from tests.aides import creer_personnel
from tests.aides import hachage_rapide
from tests.auth.faux_fournisseur import COURRIEL_AGENT
from tests.auth.faux_fournisseur import ISSUER_PROCONNECT
from tests.auth.faux_fournisseur import REGLAGES
from tests.auth.faux_fournisseur import SUB
from tests.auth.faux_fournisseur import FauxProConnect
from tests.auth.test_franceconnect_rp import client_pour
from tests.auth.test_franceconnect_rp import commencer
from tests.auth.test_franceconnect_rp import connecte
from tests.auth.test_franceconnect_rp import parametres
from tests.auth.test_franceconnect_rp import revenir


@pytest.fixture
def app(fabrique):
    return fabrique(**REGLAGES, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)


@pytest.fixture
def client(app):
    return client_pour(app)


@pytest.fixture
def pc():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FauxProConnect(mock)


def creer_agent(app, courriel=COURRIEL_AGENT, role="agent") -> int:
    with app.app_context():
        compte = services_comptes.creer_personnel_proconnect(courriel, role)
        db.session.commit()
        return compte.id


def evenements(app, type_: str) -> list[tuple[int | None, str]]:
    with app.app_context():
        return [(e.compte_id, e.detail) for e in db.session.scalars(
            sa.select(Evenement).where(Evenement.type == type_).order_by(Evenement.id))]


def assert_refus_proconnect(app, client, reponse, code: str, message: str):
    """The French failure page of the staff, no session, the refusal in the journal."""
    assert reponse.status_code == 303 and reponse.location.endswith("/connexion/echec")
    page = client.get(reponse.location)
    assert page.status_code == 200
    assert "Connexion impossible" in page.text and message in page.text
    # The staff page offers the staff sign-in again, not FranceConnect.
    assert "/connexion/personnel" in page.text and "FranceConnect" not in page.text
    assert not connecte(client)
    assert [detail for _, detail in evenements(app, "refus_proconnect")] == [code]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Compte)
                                 .where(Compte.pc_sub.isnot(None))) == 0


def test_premiere_connexion_lie_le_compte_puis_ouvre_la_mairie(app, client, pc):
    compte_id = creer_agent(app)
    demande = commencer(client, pc)
    assert demande["scope"] == "openid email given_name usual_name uid siret"
    assert demande["acr_values"] == "eidas1"
    assert demande["redirect_uri"] == "https://portail.exemple.test/connexion/proconnect/retour"
    reponse = revenir(client, demande)
    assert reponse.status_code == 303 and reponse.location == "/mairie/"
    assert client.get("/mairie/").status_code == 200
    with app.app_context():
        compte = db.session.get(Compte, compte_id)
        assert (compte.pc_issuer, compte.pc_sub) == (ISSUER_PROCONNECT, SUB)
        assert (compte.prenoms, compte.nom_usage) == ("Camille", "Martin")
        # No local second factor: the federation's identity providers apply theirs.
        assert compte.totp_secret is None and compte.mot_de_passe is None
    with client.session_transaction() as session:
        assert session["role"] == "agent" and session["federation"] == "proconnect"
    assert evenements(app, "connexion_proconnect") == [(compte_id, "")]


def test_un_admin_arrive_sur_l_administration(app, client, pc):
    creer_agent(app, role="admin")
    assert revenir(client, commencer(client, pc)).location == "/admin/"


def test_ensuite_le_compte_est_retrouve_par_son_sub_meme_si_l_adresse_change(app, client, pc):
    compte_id = creer_agent(app)
    revenir(client, commencer(client, pc))
    client.post("/deconnexion")
    pc.userinfo_modifs["email"] = "nouvelle.adresse@mairie.exemple.test"
    assert revenir(client, commencer(client, pc)).location == "/mairie/"
    with app.app_context():
        assert db.session.get(Compte, compte_id).email == COURRIEL_AGENT


def test_meme_adresse_autre_sub_refusee_une_fois_le_compte_lie(app, client, pc):
    # A stranger with the same email elsewhere cannot take a bound account (proconnect.md).
    creer_agent(app)
    revenir(client, commencer(client, pc))
    client.post("/deconnexion")
    pc.id_token_modifs["sub"] = pc.userinfo_modifs["sub"] = "e" * 64
    reponse = revenir(client, commencer(client, pc))
    assert reponse.location.endswith("/connexion/echec")
    assert "Aucun compte du personnel" in client.get(reponse.location).text
    assert [d for _, d in evenements(app, "refus_proconnect")] == ["proconnect_compte_inconnu"]


def test_adresse_inconnue_refusee(app, client, pc):
    creer_agent(app, courriel="quelqu.un.autre@mairie.exemple.test")
    assert_refus_proconnect(app, client, revenir(client, commencer(client, pc)),
                            "proconnect_compte_inconnu", "Aucun compte du personnel")


@pytest.mark.parametrize("siret", ["13002526500013", "", None])
def test_siret_d_une_autre_organisation_refuse(app, client, pc, siret):
    compte_id = creer_agent(app)
    pc.userinfo_modifs["siret"] = siret
    assert_refus_proconnect(app, client, revenir(client, commencer(client, pc)),
                            "proconnect_siret_autre", "pour une autre organisation")
    assert evenements(app, "refus_proconnect")[0][0] == compte_id


def test_compte_desactive_refuse(app, client, pc):
    compte_id = creer_agent(app)
    admin = creer_personnel(app, "admin")
    with app.app_context():
        equipe.desactiver(admin, db.session.get(Compte, compte_id))
        db.session.commit()
    assert_refus_proconnect(app, client, revenir(client, commencer(client, pc)),
                            "proconnect_compte_desactive", "Votre compte du personnel est "
                                                           "désactivé")


def test_un_compte_local_ne_s_ouvre_jamais_par_proconnect(app, client, pc):
    # Its password and TOTP are its only way in, even with the same email.
    creer_personnel(app, "admin", email=COURRIEL_AGENT)
    assert_refus_proconnect(app, client, revenir(client, commencer(client, pc)),
                            "proconnect_compte_inconnu", "Aucun compte du personnel")


def test_une_famille_de_meme_adresse_n_est_jamais_ouverte(app, client, pc):
    with app.app_context():
        db.session.add(Compte(role="famille", email=COURRIEL_AGENT))
        db.session.commit()
    assert_refus_proconnect(app, client, revenir(client, commencer(client, pc)),
                            "proconnect_compte_inconnu", "Aucun compte du personnel")


def test_session_de_l_agent_aux_delais_du_personnel(app, client, pc):
    creer_agent(app)
    revenir(client, commencer(client, pc))
    with client.session_transaction() as session:
        role = session["role"]
    inactivite, absolu = sessions.DELAIS[role]
    assert (inactivite, absolu) == (timedelta(minutes=15), timedelta(hours=8))
    assert inactivite < sessions.DELAIS["famille"][0]


def test_deconnexion_par_le_session_end_de_proconnect(app, client, pc):
    creer_agent(app)
    revenir(client, commencer(client, pc))
    reponse = client.post("/deconnexion")
    assert reponse.location.startswith(f"{ISSUER_PROCONNECT}/session/end?")
    fin = parametres(reponse.location)
    assert fin["id_token_hint"] == pc.id_token_emis[-1]
    assert "Vous êtes déconnecté" in client.get(
        "/deconnexion/retour", query_string={"state": fin["state"]}).text


def test_page_du_personnel_avec_le_bouton_proconnect(client):
    page = client.get("/connexion/personnel")
    assert "S’identifier avec" in page.text and "ProConnect" in page.text
    formulaire = Page(page.text).tous("form", action="/connexion/proconnect")
    assert len(formulaire) == 1


@pytest.mark.parametrize("manquant", ["proconnect_issuer", "proconnect_client_id",
                                      "proconnect_client_secret"])
def test_sans_configuration_seul_le_formulaire_local(fabrique, manquant):
    app = fabrique(**{**REGLAGES, manquant: ""}, WTF_CSRF_ENABLED=False,
                   RATELIMIT_ENABLED=False)
    client = client_pour(app)
    page = client.get("/connexion/personnel")
    assert page.status_code == 200
    assert "ProConnect" not in page.text and 'name="identifiant"' in page.text
    assert client.get("/connexion/proconnect").status_code == 404
    assert client.get("/connexion/proconnect/retour").status_code == 404


def test_le_mot_de_passe_n_ouvre_pas_un_compte_proconnect(app, monkeypatch):
    hachage_rapide(monkeypatch)
    creer_agent(app)
    reponse = connecter_personnel(client_pour(app), COURRIEL_AGENT, "un mot de passe au hasard")
    assert reponse.status_code == 422


def test_pas_de_proconnect_sans_le_siret_de_la_commune():
    with pytest.raises(ConfigurationInvalide, match="PROCONNECT_ISSUER exige "
                                                    "API_PARTICULIER_RECIPIENT"):
        Configuration.depuis_environnement({"PROCONNECT_ISSUER": ISSUER_PROCONNECT})


def test_sans_siret_configure_tout_agent_est_refuse(fabrique, pc):
    # Fail closed where the boot check does not apply (sandbox, tests).
    app = fabrique(**{**REGLAGES, "api_particulier_recipient": ""}, WTF_CSRF_ENABLED=False,
                   RATELIMIT_ENABLED=False)
    creer_agent(app)
    pc.userinfo_modifs["siret"] = ""
    client = client_pour(app)
    assert_refus_proconnect(app, client, revenir(client, commencer(client, pc)),
                            "proconnect_siret_autre", "pour une autre organisation")


def test_le_bac_a_sable_refuse_le_proconnect_de_production():
    with pytest.raises(ConfigurationInvalide, match="ProConnect de production"):
        Configuration.depuis_environnement(
            {"PROCONNECT_ISSUER": "https://auth.proconnect.gouv.fr/api/v2"}, bac_a_sable=True,
            pour_servir=False)
