"""The month's invoicing in Chromium, axe clean: an agent at a desk computes November's
campaign, checks the draft and issues it, then records a cheque taken at the counter; on a
390 px phone the family opens « Mes factures », reads its invoice, downloads the PDF and pays
it in the sandbox PayFiP: the balance is zero."""

import pytest
from playwright.sync_api import expect

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.services import factures
from portail_famille.web import contexte
from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.aides import horloge_a
from tests.factures.conftest import MAINTENANT
from tests.factures.conftest import NOVEMBRE
from tests.factures.conftest import foyer
from tests.factures.conftest import jours_de_classe
from tests.factures.conftest import reserver
from tests.navigateur.outils import BUREAU
from tests.navigateur.outils import TELEPHONE
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel
from tests.navigateur.test_reservations import ouvrir_une_session_de_famille

pytestmark = pytest.mark.navigateur


horloge = horloge_a(MAINTENANT, tick=True)


@pytest.mark.parametrize("navigateur", [BUREAU], indirect=True, ids=[f"{BUREAU}px"])
def test_un_agent_emet_la_campagne_du_mois(portail, navigateur):
    page, base = navigateur, portail.extensions["portail"].portail_url
    martin = foyer(portail)
    reserver(portail, martin.inscriptions[0], jours_de_classe(portail)[:4])
    creer_personnel(portail, "agent", identifiant="agent.facturation")
    auditeur = Auditeur(page, "facturation")

    connecter_personnel(page, base, "agent.facturation", MOT_DE_PASSE)
    page.get_by_role("link", name="Facturation mensuelle").click()
    auditeur.auditer()
    page.get_by_label("Mois à facturer").fill("2026-11")
    page.get_by_role("button", name="Calculer le brouillon").click()
    expect(page.get_by_role("heading", name="Facturation de novembre 2026")).to_be_visible()
    expect(page.locator("table")).to_contain_text("11,04")
    auditeur.auditer()
    page.get_by_role("button", name="Émettre les 1 factures").click()
    expect(page.get_by_text("1 facture émise")).to_be_visible()
    expect(page.locator("table")).to_contain_text("F2026-000001")
    expect(page.get_by_role("link", name="CSV", exact=True)).to_be_visible()
    auditeur.auditer()
    # The family pays 5 € by cheque at the régie's counter: the agent records it.
    page.get_by_role("link", name="Détail de la facture").first.click()
    page.get_by_label("Facturation", exact=True).check()
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_role("heading", name="Facture F2026-000001")).to_be_visible()
    page.get_by_label("Montant reçu (€)").fill("5")
    page.get_by_label("Chèque", exact=True).check()
    page.get_by_label("Numéro du chèque ou du reçu (facultatif)").fill("0012345")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text("il reste 6,04")).to_be_visible()
    expect(page.locator("table").last).to_contain_text("Chèque au guichet")
    auditeur.auditer()
    auditeur.verifier()


@pytest.mark.parametrize("navigateur", [TELEPHONE], indirect=True, ids=[f"{TELEPHONE}px"])
def test_la_famille_lit_sa_facture_et_la_paie_sur_un_telephone(portail, navigateur):
    page, base = navigateur, portail.extensions["portail"].portail_url
    martin = foyer(portail)
    reserver(portail, martin.inscriptions[0], jours_de_classe(portail)[:4])
    agent_id = creer_personnel(portail, "agent")
    with portail.test_request_context():
        chargee = contexte.grille_chargee()
        campagne = factures.calculer(NOVEMBRE, chargee.grille,
                                     chargee.sha256, contexte.calendrier(),
                                     db.session.get(Compte, agent_id), MAINTENANT)
        factures.emettre(campagne, db.session.get(Compte, agent_id),
                         MAINTENANT, contexte.calendrier())
        db.session.commit()
    ouvrir_une_session_de_famille(portail, page, martin.compte_id)
    auditeur = Auditeur(page, "factures")

    page.goto(f"{base}/espace-famille/factures")
    expect(page.get_by_text("Solde à payer : 11,04")).to_be_visible()
    auditeur.auditer()
    page.get_by_role("link", name="Détail de la facture F2026-000001").click()
    expect(page.get_by_role("heading", name="Facture F2026-000001")).to_be_visible()
    auditeur.auditer()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger la facture (PDF)").click()
    assert telechargement.value.suggested_filename == "facture-F2026-000001.pdf"

    page.get_by_role("button", name="Payer 11,04 € en ligne").click()
    expect(page.get_by_role("heading", name="PayFiP simulé : paiement d’une facture")
           ).to_be_visible()
    expect(page.locator("dl")).to_contain_text("F2026000001 (2026)")
    auditeur.auditer()
    page.get_by_label("Payé par carte", exact=True).check()
    page.get_by_role("button", name="Valider").click()
    # Back on the portal: what PayFiP's detail call says, whether the notification came first.
    expect(page.get_by_role("heading", name="Paiement reçu")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "La DGFiP a confirmé votre paiement de 11,04 € par carte")
    auditeur.auditer()
    page.get_by_text("Menu", exact=True).click()  # the phone's folded menu
    page.get_by_role("navigation").get_by_role("link", name="Mes factures").click()
    expect(page.get_by_text("Solde à payer : 0,00 €")).to_be_visible()
    auditeur.auditer()
    page.get_by_role("link", name="Détail de la facture F2026-000001").click()
    expect(page.get_by_text("Cette facture est réglée.")).to_be_visible()
    expect(page.get_by_role("button", name="Payer")).to_have_count(0)
    auditeur.verifier()
