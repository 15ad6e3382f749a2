"""R1: the household is edited by the family (its address) and by agents (a QF set at the
counter, a rate decided): a form loaded before the other's change gets a 409 page that keeps
what was typed and shows the newer values, and writes nothing. Both directions."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Famille
from portail_famille.models import QuotientFamilial
from portail_famille.models import TarifDecide
from portail_famille.services import foyers as services_foyers
from tests.aides import Page
from tests.fabriques import EnfantPrevu
from tests.fabriques import QuotientCAF
from tests.fabriques import creer_foyer
from tests.familles.conftest import connecter

from .conftest import connecter_agent
from .conftest import ouvrir

FIN = (date.today() + timedelta(days=30)).isoformat()
NOUVELLE_ADRESSE = {"adresse_voie": "8 avenue du Port", "adresse_complement": "",
                    "code_postal": "35000", "commune_residence": "Villeneuve-sur-Test",
                    "reside": "oui"}


@pytest.fixture
def foyer(app):
    return creer_foyer(app, prenom="Hélène", nom="LEFÈVRE", quotients=(QuotientCAF(1400),),
                       enfants=(EnfantPrevu("Maël", date(2016, 2, 14)),))


@pytest.fixture
def famille(app, foyer):
    client = app.test_client()
    connecter(client, foyer.compte_id)
    return client


def version_du_formulaire(reponse) -> str:
    return Page(reponse.text).par_id("version").get("value")


def etat(app, famille_id):
    with app.app_context():
        famille = db.session.get(Famille, famille_id)
        return (famille.version, famille.adresse_voie,
                db.session.scalar(sa.select(sa.func.count()).select_from(QuotientFamilial)),
                db.session.scalar(sa.select(sa.func.count()).select_from(TarifDecide)))


def test_r1_la_famille_puis_l_agent_409_pour_l_agent(app, client, agent, foyer, famille):
    ouvrir(client, foyer.famille_id)
    formulaire = client.get(f"/mairie/familles/{foyer.famille_id}/quotient")
    assert version_du_formulaire(formulaire) == "1"
    # The family moves house while the agent types.
    famille_page = famille.get("/espace-famille/foyer")
    assert famille.post("/espace-famille/foyer", data={
        **NOUVELLE_ADRESSE, "version": version_du_formulaire(famille_page)}).status_code == 303
    avant = etat(app, foyer.famille_id)

    saisie = {"valeur": "812,40", "motif": "Attestation CAF de novembre", "expire_le": FIN,
              "version": "1"}
    reponse = client.post(f"/mairie/familles/{foyer.famille_id}/quotient", data=saisie)
    assert reponse.status_code == 409
    assert etat(app, foyer.famille_id) == avant  # nothing written
    page = Page(reponse.text)
    # The newer values, and what was typed kept.
    assert "8 avenue du Port" in page.par_id("conflit").texte
    assert page.par_id("valeur").get("value") == "812,40"
    assert page.par_id("motif").texte == "Attestation CAF de novembre"
    assert page.par_id("expire_le").get("value") == FIN
    # Saving again, knowingly, from the 409 page's form works.
    assert version_du_formulaire(reponse) == "2"
    assert client.post(f"/mairie/familles/{foyer.famille_id}/quotient", data={
        **saisie, "version": version_du_formulaire(reponse)}).status_code == 303


def test_r1_l_agent_puis_la_famille_409_pour_la_famille(app, client, agent, foyer, famille):
    formulaire = famille.get("/espace-famille/foyer")
    assert version_du_formulaire(formulaire) == "1"
    ouvrir(client, foyer.famille_id)
    assert client.post(f"/mairie/familles/{foyer.famille_id}/quotient", data={
        "valeur": "812,40", "motif": "Attestation CAF de novembre", "expire_le": FIN,
        "version": "1"}).status_code == 303
    avant = etat(app, foyer.famille_id)

    reponse = famille.post("/espace-famille/foyer", data={**NOUVELLE_ADRESSE, "version": "1"})
    assert reponse.status_code == 409
    assert etat(app, foyer.famille_id) == avant
    page = Page(reponse.text)
    conflit = page.par_id("conflit").texte
    assert "modifié entre-temps" in conflit
    assert "812,40\u00a0€, saisi par la mairie le " in conflit
    assert "3 rue des Écoles" in conflit  # the address as it is now
    assert page.par_id("adresse_voie").get("value") == "8 avenue du Port"  # as typed
    assert version_du_formulaire(reponse) == "2"
    assert famille.post("/espace-famille/foyer", data={
        **NOUVELLE_ADRESSE, "version": "2"}).status_code == 303


def test_r1_deux_agents_sur_un_tarif_decide(app, client, agent, foyer):
    autre = app.test_client()
    connecter_agent(app, autre)
    ouvrir(client, foyer.famille_id)
    ouvrir(autre, foyer.famille_id)
    donnees = {"enfant": str(foyer.enfants[0]), "service": "cantine", "prix": "0,50",
               "motif": "Décision du CCAS", "fin": FIN, "version": "1"}
    assert client.post(f"/mairie/familles/{foyer.famille_id}/tarif",
                       data=donnees).status_code == 303
    reponse = autre.post(f"/mairie/familles/{foyer.famille_id}/tarif",
                         data={**donnees, "prix": "0,80"})
    assert reponse.status_code == 409
    assert "0,50\u00a0€ (cantine)" in Page(reponse.text).par_id("conflit").texte
    assert Page(reponse.text).par_id("prix").get("value") == "0,80"
    with app.app_context():
        assert list(db.session.scalars(sa.select(TarifDecide.prix))) == [Decimal("0.50")]


def test_r1_changement_entre_lecture_et_ecriture_409(app, client, agent, foyer, monkeypatch):
    """The version column catches a change committed after the check, before the write."""
    ouvrir(client, foyer.famille_id)
    verifier = services_foyers.verifier_version

    def puis_un_autre_ecrit(objet, version):
        verifier(objet, version)
        with db.engine.begin() as connexion:
            connexion.execute(sa.update(Famille).where(Famille.id == foyer.famille_id)
                              .values(version=Famille.version + 1))

    monkeypatch.setattr(services_foyers, "verifier_version", puis_un_autre_ecrit)
    reponse = client.post(f"/mairie/familles/{foyer.famille_id}/quotient", data={
        "valeur": "812,40", "motif": "Attestation CAF", "expire_le": FIN, "version": "1"})
    assert reponse.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuotientFamilial)
                                 .where(QuotientFamilial.source == "mairie")) == 0


def test_r1_formulaire_sans_version_409_sans_rien_ecrire(app, client, agent, foyer, famille):
    avant = etat(app, foyer.famille_id)
    reponse = famille.post("/espace-famille/foyer", data=NOUVELLE_ADRESSE)
    assert reponse.status_code == 409
    assert Page(reponse.text).par_id("adresse_voie").get("value") == "8 avenue du Port"
    ouvrir(client, foyer.famille_id)
    assert client.post(f"/mairie/familles/{foyer.famille_id}/quotient", data={
        "valeur": "812,40", "motif": "Attestation CAF", "expire_le": FIN}).status_code == 409
    assert etat(app, foyer.famille_id) == avant
