"""Staff accounts managed by admins (/admin/comptes, issue 11 §7): ProConnect or local
creation under the password policy, role change, deactivation that ends sessions at once,
reactivation, TOTP reset; the last active admin stays; every change audited."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import CodeSecours
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.models import SessionServeur
from tests.aides import ETAPE_ENROLEMENT
from tests.aides import MOT_DE_PASSE
from tests.aides import Page
from tests.aides import connecter_personnel
from tests.aides import creer_famille
from tests.aides import creer_personnel


def compte(app, **critere) -> Compte | None:
    with app.app_context():
        trouve = db.session.scalars(sa.select(Compte).filter_by(**critere)).first()
        if trouve is not None:
            db.session.expunge(trouve)
        return trouve


def audits(app) -> list[tuple[str, int | None, str]]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            sa.select(Evenement.type, Evenement.compte_id, Evenement.detail)
            .where(Evenement.type.like("compte_%") | (Evenement.type == "totp_reinitialise"))
            .order_by(Evenement.id))]


def sessions_de(app, compte_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(SessionServeur)
                                 .where(SessionServeur.compte_id == compte_id))


def erreur_du_champ(reponse, champ: str) -> str:
    return Page(reponse.text).par_id(f"{champ}-erreur").texte


def test_la_liste_montre_chaque_compte_du_personnel_sans_les_familles(app, admin):
    creer_personnel(app, "agent", identifiant="agent.liste", totp=None)
    creer_famille(app, prenoms="Zoé", nom_naissance="FAMILLE")
    reponse = admin.get("/admin/comptes")
    assert reponse.status_code == 200
    page = Page(reponse.text)
    lignes = [[c.texte for c in tr.tous("td")][:3] for tr in page.tous("tbody")[0].tous("tr")]
    assert lignes == [
        ["admin.durand", "Locale, double authentification activée", "Administrateur"],
        ["agent.liste", "Locale, double authentification à activer", "Agent"]]
    assert "FAMILLE" not in reponse.text
    ids = [e.get("id") for e in page.elements if e.get("id")]
    assert len(ids) == len(set(ids))


def test_creer_un_compte_proconnect(app, admin):
    reponse = admin.post("/admin/comptes", data={
        "nature": "proconnect", "courriel": "Jeanne.Agent@Mairie.fr", "role": "agent"})
    assert reponse.status_code == 303
    cree = compte(app, email="jeanne.agent@mairie.fr")
    assert (cree.role, cree.identifiant, cree.mot_de_passe, cree.actif) == (
        "agent", None, None, True)
    assert "Il se connecte avec ProConnect" in admin.get("/admin/comptes").text
    assert audits(app) == [("compte_cree", admin.compte_id, f"compte n° {cree.id} agent "
                                                            "ProConnect")]


def test_creer_un_compte_local_qui_active_sa_double_authentification(app, admin):
    reponse = admin.post("/admin/comptes", data={
        "nature": "local", "identifiant": "agent.neuf", "mot_de_passe": MOT_DE_PASSE,
        "role": "admin"})
    assert reponse.status_code == 303
    assert compte(app, identifiant="agent.neuf").role == "admin"
    agent = app.test_client()
    assert agent.post("/connexion/personnel", data={
        "identifiant": "agent.neuf", "mot_de_passe": MOT_DE_PASSE}).location == ETAPE_ENROLEMENT


@pytest.mark.parametrize(("donnees", "champ", "message"), [
    ({"nature": "local", "identifiant": "agent.x", "mot_de_passe": "motdepasse123"},
     "mot_de_passe", "trop courant"),
    ({"nature": "local", "identifiant": "agent.x", "mot_de_passe": "court"},
     "mot_de_passe", "au moins 12 caractères"),
    ({"nature": "local", "identifiant": "é lise", "mot_de_passe": MOT_DE_PASSE},
     "identifiant", "lettres sans accent"),
    ({"nature": "local", "identifiant": "admin.durand", "mot_de_passe": MOT_DE_PASSE},
     "identifiant", "déjà pris"),
    ({"nature": "local", "identifiant": "", "mot_de_passe": ""},
     "identifiant", "Indiquez l’identifiant"),
    ({"nature": "proconnect", "courriel": "pas-une-adresse"}, "courriel", "n’est pas valide"),
    ({"nature": "proconnect", "courriel": ""}, "courriel", "Indiquez l’adresse"),
    ({"nature": "autre"}, "nature", "choix valide"),
])
def test_creation_refusee_message_a_cote_du_champ_rien_de_cree(app, admin, donnees, champ,
                                                               message):
    reponse = admin.post("/admin/comptes", data={"role": "agent", **donnees})
    assert reponse.status_code == 422
    assert message in erreur_du_champ(reponse, champ)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Compte)) == 1
    assert audits(app) == []


def test_changer_le_role_ferme_les_sessions(app, admin):
    agent_id = creer_personnel(app, "agent", identifiant="agent.role")
    agent = app.test_client()
    assert connecter_personnel(agent, "agent.role").status_code == 303
    assert admin.post(f"/admin/comptes/{agent_id}/role",
                      data={"role": "admin"}).status_code == 303
    assert compte(app, id=agent_id).role == "admin"
    assert sessions_de(app, agent_id) == 0
    assert agent.get("/mairie/").status_code == 302
    assert audits(app) == [("compte_role", admin.compte_id, f"compte n° {agent_id} agent → admin")]
    assert admin.post(f"/admin/comptes/{agent_id}/role",
                      data={"role": "maire"}).status_code == 422


def test_desactiver_ferme_les_sessions_tout_de_suite_puis_reactiver(app, admin):
    agent_id = creer_personnel(app, "agent", identifiant="agent.parti")
    agent = app.test_client()
    connecter_personnel(agent, "agent.parti")
    assert agent.get("/mairie/").status_code == 200
    assert admin.post(f"/admin/comptes/{agent_id}/desactiver").status_code == 303
    assert sessions_de(app, agent_id) == 0
    assert agent.get("/mairie/").status_code == 302
    assert connecter_personnel(app.test_client(), "agent.parti").status_code == 422
    assert "Désactivé" in admin.get("/admin/comptes").text
    assert admin.post(f"/admin/comptes/{agent_id}/reactiver").status_code == 303
    assert compte(app, id=agent_id).actif
    assert [t for t, *_ in audits(app)] == ["compte_desactive", "compte_reactive"]


def test_le_dernier_administrateur_actif_reste(app, admin):
    for chemin, donnees in ((f"/admin/comptes/{admin.compte_id}/desactiver", {}),
                            (f"/admin/comptes/{admin.compte_id}/role", {"role": "agent"})):
        reponse = admin.post(chemin, data=donnees)
        assert reponse.status_code == 409
        assert "au moins un administrateur actif" in reponse.text
    assert compte(app, id=admin.compte_id).actif
    assert compte(app, id=admin.compte_id).role == "admin"
    # A deactivated admin does not count.
    autre = creer_personnel(app, "admin", identifiant="admin.absent", actif=False)
    assert admin.post(f"/admin/comptes/{admin.compte_id}/desactiver").status_code == 409
    assert admin.post(f"/admin/comptes/{autre}/reactiver").status_code == 303
    assert admin.post(f"/admin/comptes/{admin.compte_id}/role",
                      data={"role": "agent"}).status_code == 303
    assert audits(app)[-1][0] == "compte_role"


def test_reinitialiser_la_double_authentification(app, admin):
    agent_id = creer_personnel(app, "agent", identifiant="agent.perdu", totp=None)
    assert connecter_personnel(app.test_client(), "agent.perdu").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CodeSecours)) == 10
    assert admin.post(f"/admin/comptes/{agent_id}/totp").status_code == 303
    assert compte(app, id=agent_id).totp_secret is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CodeSecours)) == 0
    assert app.test_client().post("/connexion/personnel", data={
        "identifiant": "agent.perdu", "mot_de_passe": MOT_DE_PASSE}).location == ETAPE_ENROLEMENT
    assert audits(app) == [("totp_reinitialise", admin.compte_id, f"compte n° {agent_id}")]


def test_un_compte_proconnect_n_a_pas_de_totp_a_reinitialiser(app, admin):
    admin.post("/admin/comptes", data={"nature": "proconnect", "courriel": "a@mairie.fr",
                                       "role": "agent"})
    cible = compte(app, email="a@mairie.fr")
    assert admin.post(f"/admin/comptes/{cible.id}/totp").status_code == 409


def test_un_compte_de_famille_ou_inconnu_n_est_pas_gere_ici(app, admin):
    famille = creer_famille(app)
    for chemin in ("desactiver", "reactiver", "totp", "role"):
        assert admin.post(f"/admin/comptes/{famille}/{chemin}",
                          data={"role": "agent"}).status_code == 404
        assert admin.post(f"/admin/comptes/999999/{chemin}",
                          data={"role": "agent"}).status_code == 404


def test_caracteres_de_controle_refuses(app, admin):
    reponse = admin.post("/admin/comptes", data={
        "nature": "local", "identifiant": "agent\x00x", "mot_de_passe": MOT_DE_PASSE,
        "role": "agent"})
    assert reponse.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Compte)) == 1


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nature=st.sampled_from(["local", "proconnect", "", "x"]), texte=st.text(max_size=30),
       role=st.sampled_from(["agent", "admin", "famille", ""]))
def test_formulaire_de_creation_jamais_500(app, admin, nature, texte, role):
    reponse = admin.post("/admin/comptes", data={
        "nature": nature, "identifiant": texte, "courriel": texte, "mot_de_passe": texte,
        "role": role})
    assert reponse.status_code in (303, 400, 422)
    with app.app_context():
        if reponse.status_code != 303:
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Compte)
                                     .where(Compte.role == role)) == (role == "admin")
        db.session.execute(sa.delete(Compte).where(Compte.id != admin.compte_id))
        db.session.execute(sa.delete(Evenement))
        db.session.commit()
