"""The agents' worklists in Chromium, on a phone, a tablet and a desk screen: an agent signs
in, sees the four lists with their counts, the expiring QFs and a deletion request, reviews a
document (shown inline) and accepts it, refuses an enrolment with a reason; axe finds
nothing serious and no page scrolls sideways (X2)."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portail_famille.extensions import db
from portail_famille.models import DemandeSuppression
from tests import fabriques
from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.documents import PNG
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.familles.conftest import DEBUT
from tests.familles.conftest import GRILLE
from tests.mairie.listes.conftest import deposer
from tests.navigateur.outils import BUREAU
from tests.navigateur.outils import TABLETTE
from tests.navigateur.outils import TELEPHONE
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel

pytestmark = pytest.mark.navigateur


@pytest.fixture
def portail(serveur, tmp_path):
    grille = tmp_path / "grille-listes.yaml"
    grille.write_text(GRILLE, encoding="utf-8")
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille)
    creer_personnel(app, "agent", identifiant="agent.listes", prenoms="Dominique",
                    nom_usage="DUPONT")
    # Retrieved 11 months and a half ago: with the grid's 12 months, it ends within 30 days.
    ancien = datetime.now(UTC) - timedelta(days=335)
    foyer = fabriques.creer_foyer(
        app, prenom="Camille", nom="MARTIN", quotients=(QuotientCAF(640, le=ancien),),
        enfants=(EnfantPrevu("Léo", date(2018, 5, 3), inscriptions=(
            InscriptionPrevue("cantine", DEBUT, jours="lundi,jeudi"),)),))
    deposer(app, foyer.famille_id, contenu=PNG, type_mime="image/png")
    with app.app_context():
        db.session.add(DemandeSuppression(famille_id=foyer.famille_id,
                                          precisions="Nous déménageons."))
        db.session.commit()
    return app


@pytest.mark.parametrize("navigateur", [TELEPHONE, TABLETTE, BUREAU], indirect=True,
                         ids=[f"{TELEPHONE}px", f"{TABLETTE}px", f"{BUREAU}px"])
def test_x2_les_listes_de_travail(portail, navigateur):
    page = navigateur
    base = portail.extensions["portail"].portail_url
    auditeur = Auditeur(page, "listes-de-travail")
    connecter_personnel(page, base, "agent.listes", MOT_DE_PASSE)
    expect(page.get_by_role("heading", name="Listes de travail")).to_be_visible()
    for libelle in ("1 justificatif à vérifier", "1 demande d’inscription",
                    "1 demande de suppression", "1 quotient familial à échéance"):
        expect(page.get_by_role("link", name=libelle)).to_be_visible()
    auditeur.auditer()

    page.goto(f"{base}/mairie/quotients-a-echeance")
    expect(page.get_by_text("Camille MARTIN")).to_be_visible()
    auditeur.auditer()

    page.goto(f"{base}/mairie/suppressions")
    auditeur.auditer()
    page.get_by_role("link", name="Examiner").click()
    expect(page.get_by_role("heading", name="Ce que la loi impose de conserver")).to_be_visible()
    auditeur.auditer()

    page.goto(f"{base}/mairie/")

    page.get_by_role("link", name="1 justificatif à vérifier").click()
    auditeur.auditer()
    page.get_by_role("link", name="Examiner").click()
    image = page.locator("img.examen__image")
    expect(image).to_be_visible()
    # The document really shows: served as an image, it decodes (the page's CSP allows it).
    page.wait_for_function("document.querySelector('img.examen__image').naturalWidth > 0")
    auditeur.auditer()
    page.get_by_label("Quotient familial, en euros").fill("abc")
    page.get_by_role("button", name="Accepter le justificatif").click()
    expect(page.locator("#accepter-qf-erreur")).to_contain_text("Saisissez un nombre")
    auditeur.auditer()
    page.get_by_label("Quotient familial, en euros").fill("812,50")
    page.get_by_role("button", name="Accepter le justificatif").click()
    expect(page.get_by_text("Le justificatif est accepté")).to_be_visible()

    page.goto(f"{base}/mairie/inscriptions")
    auditeur.auditer()
    page.get_by_role("link", name="Refuser… l’inscription de Léo MARTIN (Cantine)").click()
    auditeur.auditer()
    page.get_by_label("Motif du refus").fill("Plus de place le jeudi.")
    page.get_by_role("button", name="Refuser l’inscription").click()
    expect(page.get_by_text("est refusée")).to_be_visible()
    auditeur.verifier()
