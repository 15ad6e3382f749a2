"""The real PayFiP connector against the sandbox simulator over loopback HTTP: each outcome of
the payment page, the late notification, the pending and unknown-idOp faults."""

import pytest
import requests

from portail_famille.bac_a_sable import simulateur_payfip
from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.payfip import ClientPayFiP
from tests.paiements.conftest import PAGE
from tests.paiements.conftest import choisir
from tests.paiements.conftest import payfip

COURRIEL = "parent.martin@exemple.fr"


def creer(app, refdet="F2026000012", montant=4250, client=None) -> str:
    portail_url = app.extensions["portail"].portail_url
    return (client or payfip(app)).creer_paiement_securise(
        exer=2026, refdet=refdet, montant_centimes=montant, mel=COURRIEL, objet="Facture",
        urlnotif=portail_url + "/paiements/payfip/notification",
        urlredirect=portail_url + "/paiements/payfip/retour/abc")


@pytest.mark.parametrize(("choix", "resultrans", "paye", "numauto"), [
    ("carte", "P", True, True), ("prelevement", "V", True, True),
    ("refus", "R", False, False), ("annulation", "A", False, False)])
def test_chaque_issue_de_la_page(portail, choix, resultrans, paye, numauto):
    client = payfip(portail)
    id_op = creer(portail)
    with pytest.raises(exceptions.PaiementEnAttente):
        client.recuperer_detail_paiement_securise(id_op)

    page = requests.get(portail.extensions["portail"].portail_url + PAGE,
                        params={"idop": id_op}, timeout=10)
    reponse = choisir(portail, id_op, choix)
    detail = client.recuperer_detail_paiement_securise(id_op)

    assert page.status_code == 200 and "42,50 €" in page.text
    assert 'lang="fr"' in page.text and "<legend>Issue du paiement</legend>" in page.text
    assert reponse.status_code == 303
    assert reponse.headers["Location"].endswith("/paiements/payfip/retour/abc")
    assert (detail.resultrans, detail.paye, bool(detail.numauto)) == (resultrans, paye, numauto)
    assert (detail.refdet, detail.exer, detail.montant_centimes, detail.numcli) == (
        "F2026000012", 2026, 4250, "123456")


def test_notification_en_retard_en_attente_jusqu_a_sa_liberation(portail):
    client = payfip(portail)
    id_op = creer(portail)

    reponse = choisir(portail, id_op, "retard")
    with pytest.raises(exceptions.PaiementEnAttente):
        client.recuperer_detail_paiement_securise(id_op)
    liberation = requests.post(
        f"{portail.extensions['portail'].portail_url}/bac-a-sable/payfip/notifications/{id_op}",
        allow_redirects=False, timeout=20)

    assert reponse.status_code == 200 and "Envoyer la notification" in reponse.text
    assert liberation.status_code == 303
    assert client.recuperer_detail_paiement_securise(id_op).paye


def test_idop_inconnu_et_champs_refuses_par_le_simulateur(portail):
    client = payfip(portail)
    with pytest.raises(exceptions.OperationInconnue):
        client.recuperer_detail_paiement_securise("inconnu")
    autre_commune = ClientPayFiP(portail.extensions["portail"].payfip_url, "654321", "T")
    with pytest.raises(exceptions.RequeteRefusee) as refus:
        creer(portail, client=autre_commune)
    assert refus.value.code == simulateur_payfip.CODE_PARAMETRE


def test_choix_absent_ou_operation_deja_traitee(portail):
    id_op = creer(portail)
    absent = choisir(portail, id_op, "")
    choisir(portail, id_op, "annulation")
    deja = choisir(portail, id_op, "carte")

    assert absent.status_code == 422 and 'aria-describedby="choix-erreur"' in absent.text
    assert deja.status_code == 200 and "terminée" in deja.text
    assert payfip(portail).recuperer_detail_paiement_securise(id_op).annule
