"""From each worklist to the household's file, and the file's history of the town hall's
refusals: a refused document and a refused enrolment show with the reason the agent gave."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from portail_famille.extensions import db
from portail_famille.models import DemandeSuppression
from tests import fabriques
from tests.aides import Page
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.familles.conftest import DEBUT
from tests.familles.conftest import JOUR_DE_CLASSE
from tests.mairie.conftest import ouvrir
from tests.mairie.listes.conftest import deposer


@pytest.fixture
def foyer(app):
    """A household on every worklist: a document, an enrolment asked, a deletion request and a
    QF retrieved 11 months and a half ago (the grid's 12 months end within 30 days)."""
    ancien = datetime.now(UTC) - timedelta(days=335)
    foyer = fabriques.creer_foyer(
        app, prenom="Camille", nom="MARTIN", quotients=(QuotientCAF(640, le=ancien),),
        enfants=(EnfantPrevu("Léo", date(2018, 5, 3), inscriptions=(
            InscriptionPrevue("cantine", DEBUT, jours="lundi,jeudi",
                              date_debut=JOUR_DE_CLASSE),)),))
    deposer(app, foyer.famille_id)
    with app.app_context():
        db.session.add(DemandeSuppression(famille_id=foyer.famille_id))
        db.session.commit()
    return foyer


@pytest.mark.parametrize("liste", ["/mairie/justificatifs", "/mairie/inscriptions",
                                   "/mairie/suppressions", "/mairie/quotients-a-echeance"])
def test_chaque_ligne_mene_au_dossier_du_foyer(app, agent, foyer, liste):
    page = agent.get(liste)
    assert page.status_code == 200
    [ligne] = Page(page.text).tous("tbody")[0].tous("tr")
    [cellule] = [td for td in ligne.tous("td") if td.get("data-label") == "Foyer"]
    [lien] = cellule.tous("a")
    assert lien.get("href") == f"/mairie/familles/{foyer.famille_id}"
    assert lien.texte == "Camille MARTIN"
    # The file asks the reason first, as from the search.
    assert 'name="motif"' in agent.get(lien.get("href")).text


def test_le_dossier_montre_les_refus_et_leur_motif(app, agent, foyer):
    piece = deposer(app, foyer.famille_id, nature="avis_impot")
    assert agent.post(f"/mairie/justificatifs/{piece}/refuser", data={
        "refuser-motif": "Avis illisible, merci d’en déposer un autre."}).status_code == 303
    [inscription] = foyer.inscriptions
    assert agent.post(f"/mairie/inscriptions/{inscription}/refus", data={
        "version": "1", "motif": "Plus de place le jeudi."}).status_code == 303

    page = Page(ouvrir(agent, foyer.famille_id).text)
    section = page.par_id("justificatifs")
    lignes = section.tous("tbody")[0].tous("tr")
    assert len(lignes) == 2  # the refused one first, the one still to review after
    refuse = {td.get("data-label"): td.texte for td in lignes[0].tous("td")}
    assert refuse["Document"] == "Avis d’impôt sur le revenu"
    assert refuse["État"].startswith("Refusé le ")
    assert refuse["Traité par"] == "Dominique DUPONT"
    assert refuse["Motif du refus"] == "Avis illisible, merci d’en déposer un autre."
    en_attente = {td.get("data-label"): td for td in lignes[1].tous("td")}
    assert en_attente["État"].texte.startswith("À vérifier Examiner")
    assert en_attente["Motif du refus"].texte == "—"

    [etat] = [td for td in page.tous("td") if td.get("data-label") == "État"
              and "Refusée" in td.texte]
    assert etat.texte == "Refusée Motif : Plus de place le jeudi."
    [refus] = [li for li in page.tous("li") if "Refusée par la mairie" in li.texte]
    assert refus.texte.endswith("refusée – motif : « Plus de place le jeudi. »")
