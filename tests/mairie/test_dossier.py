"""A family's file (issue 10 §3): the reason asked once per file and session, exactly one
consultation row per opening (A5), every QF with its provenance, enrolments with their
history, and the prices of « Mes tarifs » with the same explanation."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import Evenement
from portail_famille.models import QuotientFamilial
from tests.aides import Page
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.fabriques import QuotientDGFiP
from tests.fabriques import creer_foyer
from tests.familles.aides_tarifs import pourquoi
from tests.familles.aides_tarifs import prix_affiches
from tests.familles.conftest import DEBUT
from tests.familles.conftest import connecter

from .conftest import connecter_agent
from .conftest import ouvrir


def consultations(app, famille_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return list(db.session.execute(
            sa.select(Evenement.compte_id, Evenement.detail).where(
                Evenement.famille_id == famille_id, Evenement.type == "consultation_agent")
            .order_by(Evenement.id)).all())


@pytest.fixture
def foyer(app):
    return creer_foyer(
        app, prenom="Hélène", nom="LEFÈVRE", naissance="1985-04-02",
        enfants=(EnfantPrevu("Maël", date(2016, 2, 14), nom="LEFÈVRE", inscriptions=(
            InscriptionPrevue("cantine", DEBUT, jours="lundi,jeudi", statut="validee"),)),
            EnfantPrevu("Lina", date(2019, 5, 1), nom="LEFÈVRE")),
        quotients=(QuotientCAF(640, datetime(2026, 1, 5, tzinfo=UTC), reference="req-ancien"),
                   QuotientDGFiP(37760, "2.5", "1258.67", reference="correlation-42")),
        second_adulte={"nom": "LEFÈVRE", "prenoms": "Thomas", "telephone": "0612345678"})


def test_a5_motif_demande_puis_une_seule_consultation(app, client, agent, foyer):
    url = f"/mairie/familles/{foyer.famille_id}"
    demande = client.get(url)
    assert demande.status_code == 200
    # Nothing of the household before the reason is given, and nothing journaled.
    assert "LEFÈVRE" not in demande.text and "1\u202f258,67" not in demande.text
    assert [o.get("value") for o in Page(demande.text).tous("input", name="motif")] == [
        "guichet", "telephone", "justificatif", "inscription", "facturation"]
    assert consultations(app, foyer.famille_id) == []

    assert client.post(url, data={"motif": "telephone"}).status_code == 303
    for _ in range(3):
        assert "Hélène" in client.get(url).text
    # The reason sent again (a double click) is not a second opening.
    assert client.post(url, data={"motif": "telephone"}).status_code == 303
    assert consultations(app, foyer.famille_id) == [(agent, "Appel téléphonique de la famille")]

    # Another session of the same agent asks again, and traces again.
    autre = app.test_client()
    connecter_agent(app, autre)
    ouvrir(autre, foyer.famille_id, "facturation")
    assert len(consultations(app, foyer.famille_id)) == 2


def test_a5_motif_en_francais_dans_mes_donnees(app, client, agent, foyer):
    ouvrir(client, foyer.famille_id, "justificatif")
    famille = app.test_client()
    connecter(famille, foyer.compte_id)
    page = Page(famille.get("/espace-famille/donnees").text)
    (section,) = [s for s in page.tous("section") if s.get("aria-labelledby") ==
                  "titre-consultations"]
    motifs = [td.texte for td in section.tous("td") if td.get("data-label") == "Motif"]
    assert motifs == ["Examen d’un justificatif"]


@pytest.mark.parametrize("motif", ["", "autre", "guichet\u0000"])
def test_motif_invalide_422_rien_enregistre(app, client, agent, foyer, motif):
    reponse = client.post(f"/mairie/familles/{foyer.famille_id}", data={"motif": motif})
    assert reponse.status_code in (400, 422)
    if reponse.status_code == 422:
        assert Page(reponse.text).par_id("motif-erreur").texte
    assert consultations(app, foyer.famille_id) == []
    assert 'name="motif"' in client.get(f"/mairie/familles/{foyer.famille_id}").text


def test_dossier_inconnu_404(app, client, agent):
    assert client.get("/mairie/familles/999999").status_code == 404
    assert client.get("/mairie/familles/99999999999").status_code == 404


def test_contenu_et_provenance(app, client, agent, foyer):
    with app.app_context():
        qf = db.session.scalars(sa.select(QuotientFamilial).where(
            QuotientFamilial.famille_id == foyer.famille_id,
            QuotientFamilial.source == "dgfip")).one()
        qf.valide_par_id = agent
        db.session.commit()
    page = Page(ouvrir(client, foyer.famille_id).text)
    assert page.tous("h1")[0].texte == f"Dossier F-{foyer.famille_id:06d} – Hélène LEFÈVRE"
    texte = page.racine.texte
    assert "3 rue des Écoles, 35000 Villeneuve-sur-Test" in texte
    assert "Thomas LEFÈVRE" in texte and "06\u00a012\u00a034\u00a056\u00a078" in texte
    assert "Maël LEFÈVRE" in texte and "Lina LEFÈVRE" in texte
    # Every QF, most recent first, with provider, mode, period, date, reference and agent.
    (table,) = [t for t in page.tous("table")
                if "quotients familiaux" in t.tous("caption")[0].texte]
    lignes = [{td.get("data-label"): td.texte for td in tr.tous("td")}
              for tr in table.tous("tbody")[0].tous("tr")]
    assert [ligne["Référence"] for ligne in lignes] == ["correlation-42", "req-ancien"]
    recent, ancien = lignes
    assert recent["Quotient"].startswith("1\u202f258,67\u00a0€")
    assert "37\u202f760 € ÷ 12 ÷ 2,5 parts" in recent["Quotient"]
    assert recent["Organisme"] == "DGFiP"
    assert recent["Provenance"] == "Impôts (DGFiP), FranceConnect"
    assert recent["Période"] == "revenus 2025"
    assert recent["Saisi ou vérifié par"] == "Agnès DURAND"
    assert "en vigueur" in recent["Obtenu le"]
    assert (ancien["Organisme"], ancien["Période"], ancien["Saisi ou vérifié par"]) == (
        "CNAF", "octobre 2026", "—")
    assert ancien["Obtenu le"].startswith("5 janvier 2026")
    # The enrolment and its history.
    (historique,) = page.tous("ol", class_="historique")
    assert "Demande d’inscription par un adulte du foyer : lundi, jeudi à partir du " \
        in historique.texte
    assert historique.texte.endswith(", validée")


def test_prix_et_explication_egaux_a_mes_tarifs(app, client, agent, foyer):
    famille = app.test_client()
    connecter(famille, foyer.compte_id)
    mes_tarifs = famille.get("/espace-famille/tarifs").text
    dossier = ouvrir(client, foyer.famille_id).text
    assert prix_affiches(dossier) == prix_affiches(mes_tarifs)
    assert len(prix_affiches(dossier)) == 2 * 3 + 2 * 2
    for (periode, enfant, service) in prix_affiches(dossier):
        le = date.fromisoformat(periode)
        assert pourquoi(dossier, le, enfant, service) == pourquoi(mes_tarifs, le, enfant,
                                                                  service)
    # The family's own links are not offered to the agent.
    assert "/espace-famille/" not in dossier


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(motif=st.text(max_size=40))
def test_hypothese_motif(app, client, agent, foyer, motif):
    reponse = client.post(f"/mairie/familles/{foyer.famille_id}", data={"motif": motif})
    assert reponse.status_code in (303, 400, 422)
    # At most the one opening with a reason, whatever was sent before or after it.
    assert len(consultations(app, foyer.famille_id)) <= 1
    if reponse.status_code == 422:
        assert Page(reponse.text).par_id("motif-erreur").texte
