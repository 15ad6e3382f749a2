"""« Payer cette facture en ligne »: from the family's invoice page to PayFiP and back, the
amount taken from the invoice (never the browser), the balance zero once paid (issue 13 §6)."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from portail_famille.extensions import db
from portail_famille.models import Facture
from portail_famille.services import factures
from tests.aides import planter_session
from tests.fabriques import LignePrevue
from tests.fabriques import creer_facture
from tests.fabriques import creer_foyer
from tests.paiements.conftest import PAGE
from tests.paiements.conftest import choisir
from tests.paiements.conftest import id_op_de


@pytest.fixture
def facturee(portail):
    foyer = creer_foyer(portail)
    return foyer, creer_facture(portail, foyer.famille_id, LignePrevue(montant="18.40"),
                                numero="F2026-000007")


def _famille(portail, foyer):
    client = portail.test_client()
    planter_session(client, foyer.compte_id, "famille")
    return client


def test_la_famille_paie_sa_facture_et_son_solde_tombe_a_zero(portail, facturee):
    foyer, facture_id = facturee
    client = _famille(portail, foyer)
    page = client.get(f"/espace-famille/factures/{facture_id}")
    assert "Payer 18,40" in page.text

    # A forged amount in the form is ignored: PayFiP is asked for the invoice's.
    depart = client.post(f"/espace-famille/factures/{facture_id}/payer",
                         data={"montant": "0.01"})
    assert depart.status_code == 303 and urlsplit(depart.location).path == PAGE
    id_op = id_op_de(depart.location)
    assert choisir(portail, id_op, "carte").status_code == 303

    apres = client.get(f"/espace-famille/factures/{facture_id}")
    assert "Cette facture est réglée." in apres.text and "Payer" not in apres.text
    with portail.app_context():
        facture = db.session.get(Facture, facture_id)
        assert factures.reste_a_payer(facture) == Decimal("0.00")
        assert factures.solde(foyer.famille_id) == Decimal("0.00")
        assert factures.reference_payfip(facture) == ("F2026000007", 2026)


def test_une_seconde_tentative_pendant_la_premiere_est_refusee_en_francais(portail, facturee):
    foyer, facture_id = facturee
    client = _famille(portail, foyer)
    assert client.post(f"/espace-famille/factures/{facture_id}/payer").status_code == 303
    seconde = client.post(f"/espace-famille/factures/{facture_id}/payer")
    assert seconde.status_code == 422
    assert 'role="alert"' in seconde.text


def test_la_facture_d_un_autre_foyer_ne_se_paie_pas(portail, facturee):
    _, facture_id = facturee
    autre = creer_foyer(portail)
    reponse = _famille(portail, autre).post(f"/espace-famille/factures/{facture_id}/payer")
    assert reponse.status_code == 404
