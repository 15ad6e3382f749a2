"""The childcare tax certificate (issue 13 §7): the supervision paid in the year for children
under six on 1 January, meals excluded, a partial payment counted pro rata; the family's page
and its PDF."""

from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Encaissement
from portail_famille.models import Facture
from portail_famille.services import attestation_garde
from portail_famille.web import contexte
from tests.aides import planter_session
from tests.fabriques import EnfantPrevu
from tests.fabriques import LignePrevue
from tests.fabriques import PaiementPrevu
from tests.fabriques import creer_facture
from tests.fabriques import creer_foyer

AN_DERNIER = date.today().year - 1


@pytest.fixture
def payee(app):
    """An invoice of last year for a child of three and one of nine, paid `centimes`."""
    def creer(centimes: int):
        foyer = creer_foyer(app, enfants=(EnfantPrevu("Léo", date(AN_DERNIER - 3, 5, 1)),
                                          EnfantPrevu("Zoé", date(AN_DERNIER - 9, 5, 1))))
        petit, grande = foyer.enfants
        creer_facture(
            app, foyer.famille_id, LignePrevue(petit, "10.00", "restauration_scolaire"),
            LignePrevue(petit, "6.00", "accueil_soir"),
            LignePrevue(grande, "14.00", "accueil_soir"), numero=f"F{AN_DERNIER}-000001",
            mois=date(AN_DERNIER, 3, 1),
            paiement=PaiementPrevu(centimes=centimes,
                                   termine_le=datetime(AN_DERNIER, 4, 20, tzinfo=UTC)))
        return foyer
    return creer


def _attestation(app, famille_id):
    with app.app_context():
        return attestation_garde.attestation(famille_id, AN_DERNIER, contexte.calendrier())


def test_garde_seule_des_moins_de_six_ans(app, payee):
    foyer = payee(3000)
    attestation = _attestation(app, foyer.famille_id)
    assert [(e.nom, e.montant) for e in attestation.enfants] == [("MARTIN Léo", Decimal("6.00"))]
    # Another household's payments never count.
    assert _attestation(app, creer_foyer(app).famille_id).enfants == ()


def test_un_paiement_partiel_compte_au_prorata(app, payee):
    assert _attestation(app, payee(1500).famille_id).total == Decimal("3.00")


def test_un_paiement_au_guichet_compte_l_annee_de_sa_reception(app, payee):
    foyer = payee(1500)  # half paid online
    with app.app_context():
        facture_id = db.session.scalars(sa.select(Facture.id).where(
            Facture.famille_id == foyer.famille_id)).one()
        db.session.add_all([
            Encaissement(facture_id=facture_id, montant=Decimal("10.00"), mode="cheque",
                         recu_le=date(AN_DERNIER, 6, 3)),
            # Received in January: next year's certificate.
            Encaissement(facture_id=facture_id, montant=Decimal("3.00"), mode="especes",
                         recu_le=date(AN_DERNIER + 1, 1, 4)),
            # Cancelled: never counts.
            Encaissement(facture_id=facture_id, montant=Decimal("2.00"), mode="especes",
                         recu_le=date(AN_DERNIER, 6, 3), motif_annulation="Saisie en double",
                         annule_le=datetime(AN_DERNIER, 6, 4, tzinfo=UTC))])
        db.session.commit()
    # 6.00 of supervision on a 30.00 invoice: (15 + 10) / 30 of it.
    assert _attestation(app, foyer.famille_id).total == Decimal("5.00")


def test_la_famille_telecharge_son_attestation(app, payee):
    foyer = payee(3000)
    client = app.test_client()
    planter_session(client, foyer.compte_id, "famille")
    page = client.get("/espace-famille/factures")
    assert f"Crédit d’impôt pour frais de garde {AN_DERNIER}" in page.text
    assert "6,00" in page.text
    pdf = client.get("/espace-famille/factures/attestation-frais-de-garde.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Type"] == "application/pdf"


def test_sans_somme_eligible_la_page_le_dit_sans_lien(app):
    foyer = creer_foyer(app)
    client = app.test_client()
    planter_session(client, foyer.compte_id, "famille")
    page = client.get("/espace-famille/factures").text
    assert "Aucune somme versée" in page and "attestation-frais-de-garde.pdf" not in page
