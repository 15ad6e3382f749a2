"""PayFiP's SOAP client against the documented wire format (payfip.md), with stubbed HTTP:
fields refused before any call, faults P5 and P1 told apart, no email in the logs."""

import logging

import pytest
import requests
import responses

from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs import soap
from portail_famille.connecteurs.payfip import ClientPayFiP

BASE = "https://payfip.exemple/tpa"
SERVICE = BASE + "/services/securite"
COURRIEL = "parent.martin@exemple.fr"
DEMANDE = {"exer": 2026, "refdet": "F2026000012", "montant_centimes": 4250, "mel": COURRIEL,
           "objet": "Facture novembre cantine", "urlnotif": "https://portail.exemple/notif",
           "urlredirect": "https://portail.exemple/retour"}


def client(**options) -> ClientPayFiP:
    return ClientPayFiP(BASE, "123456", "T", attendre=lambda _: None, **options)


def enveloppe(corps: str) -> str:
    return (f'<soap:Envelope xmlns:soap="{soap.ENVELOPPE}"><soap:Body>{corps}</soap:Body>'
            "</soap:Envelope>")


def defaut(code: str) -> str:
    return enveloppe(
        "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa."
        "webservice.exceptions.FonctionnelleErreur</faultstring><detail>"
        '<ns2:FonctionnelleErreur xmlns:ns2="http://securite.service.tpa.cp.finances.gouv.fr/'
        f'reponse"><code>{code}</code><descriptif>d</descriptif><libelle>l</libelle>'
        "</ns2:FonctionnelleErreur></detail></soap:Fault>")


def detail(resultrans="P", montant="4250", id_op="op-1") -> str:
    champs = {"dattrans": "03122026", "exer": "2026", "heurtrans": "1412", "idOp": id_op,
              "mel": COURRIEL, "montant": montant, "numauto": "123456", "numcli": "123456",
              "objet": "Facture", "refdet": "F2026000012", "resultrans": resultrans,
              "saisie": "T"}
    valeurs = "".join(f"<r:{n}>{v}</r:{n}>" for n, v in champs.items())
    return enveloppe(f'<ns:recupererDetailPaiementSecuriseResponse xmlns:ns="x" xmlns:r="y">'
                     f"<return>{valeurs}</return></ns:recupererDetailPaiementSecuriseResponse>")


@pytest.mark.parametrize(("champ", "valeur", "message"), [
    ("refdet", "F-2026-12", "1 à 30 lettres"),
    ("refdet", "F" * 31, "1 à 30 lettres"),
    ("refdet", "", "1 à 30 lettres"),
    ("montant_centimes", 99, "de 1,00 € à 100 000,00 €"),
    ("montant_centimes", 10_000_001, "de 1,00 € à 100 000,00 €"),
    ("montant_centimes", 42.5, "de 1,00 € à 100 000,00 €"),
    ("mel", "a@b.c", "de 6 à 80 caractères"),
    ("mel", "x" * 75 + "@exemple.fr", "de 6 à 80 caractères"),
    ("mel", "sans-arobase.fr", "de 6 à 80 caractères"),
    ("objet", "Facture n° 12", "sans accent"),
    ("objet", "x" * 101, "100 au plus"),
    ("exer", 26, "quatre chiffres"),
    ("urlnotif", "javascript:alert(1)", "adresse web"),
])
@responses.activate
def test_champs_refuses_avant_tout_appel_en_francais(champ, valeur, message):
    with pytest.raises(exceptions.ChampDePaiementInvalide) as refus:
        client().creer_paiement_securise(**{**DEMANDE, champ: valeur})
    assert message in str(refus.value)
    assert refus.value.champ == {"montant_centimes": "montant"}.get(champ, champ)
    assert len(responses.calls) == 0


def test_reglages_verifies_au_constructeur():
    with pytest.raises(ValueError, match="6 chiffres"):
        ClientPayFiP(BASE, "12345", "T")
    with pytest.raises(ValueError, match="T \\(test\\)"):
        ClientPayFiP(BASE, "123456", "P")


@responses.activate
def test_creation_envoie_l_enveloppe_et_lit_l_idop_sans_journaliser_le_courriel(caplog):
    responses.post(SERVICE, body=enveloppe(
        '<ns:creerPaiementSecuriseResponse xmlns:ns="x"><return><idOp xmlns="y">op-42</idOp>'
        "</return></ns:creerPaiementSecuriseResponse>"), content_type="text/xml")
    with caplog.at_level(logging.DEBUG):
        id_op = client().creer_paiement_securise(**DEMANDE)
    assert id_op == "op-42"
    envoye = responses.calls[0].request
    corps = envoye.body.decode()
    assert "<numcli>123456</numcli>" in corps and "<montant>4250</montant>" in corps
    assert "<saisie>T</saisie>" in corps and "<refdet>F2026000012</refdet>" in corps
    assert envoye.headers["Content-Type"].startswith("text/xml")
    assert COURRIEL not in caplog.text
    assert "creerPaiementSecurise" in caplog.text
    assert client().url_de_paiement("op-42") == BASE + "/paiementws.web?idop=op-42"


@pytest.mark.parametrize(("resultrans", "paye", "refuse", "annule"), [
    ("P", True, False, False), ("V", True, False, False), ("R", False, True, False),
    ("Z", False, True, False), ("A", False, False, True)])
@responses.activate
def test_detail_lu(resultrans, paye, refuse, annule):
    responses.post(SERVICE, body=detail(resultrans), content_type="text/xml")
    lu = client().recuperer_detail_paiement_securise("op-1")
    assert (lu.paye, lu.refuse, lu.annule) == (paye, refuse, annule)
    assert (lu.refdet, lu.exer, lu.montant_centimes, lu.numauto) == (
        "F2026000012", 2026, 4250, "123456")
    assert lu.transaction_le.isoformat() == "2026-12-03T14:12:00"
    assert COURRIEL not in repr(lu)


@pytest.mark.parametrize(("code", "exception"), [
    ("P5", exceptions.PaiementEnAttente), ("P1", exceptions.OperationInconnue),
    ("R3", exceptions.RequeteRefusee)])
@responses.activate
def test_defauts_fonctionnels_distincts(code, exception):
    responses.post(SERVICE, body=defaut(code), status=500, content_type="text/xml")
    with pytest.raises(exception) as erreur:
        client().recuperer_detail_paiement_securise("op-1")
    assert erreur.value.code == code
    assert len(responses.calls) == 1  # a fault is an answer: never retried


@responses.activate
def test_defaut_technique_et_reponses_illisibles():
    responses.post(SERVICE, body=enveloppe(
        "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>NPE</faultstring>"
        "</soap:Fault>"), status=500)
    with pytest.raises(exceptions.ServiceIndisponible):
        client().recuperer_detail_paiement_securise("op-1")
    responses.replace(responses.POST, SERVICE, body=(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + detail()))
    with pytest.raises(exceptions.ReponseInvalide):
        client().recuperer_detail_paiement_securise("op-1")
    responses.replace(responses.POST, SERVICE, body=detail(resultrans="Q"))
    with pytest.raises(exceptions.ReponseInvalide):
        client().recuperer_detail_paiement_securise("op-1")
    responses.replace(responses.POST, SERVICE, body=detail(id_op="autre"))
    with pytest.raises(exceptions.ReponseInvalide):
        client().recuperer_detail_paiement_securise("op-1")


@responses.activate
def test_delai_depasse_puis_injoignable():
    responses.post(SERVICE, body=requests.exceptions.ReadTimeout("lent"))
    with pytest.raises(exceptions.APIInjoignable):
        client(timeout=(1, 1)).recuperer_detail_paiement_securise("op-1")
    assert len(responses.calls) == 2  # tentatives=2 by default


def test_idop_mal_forme_refuse_sans_appel():
    with pytest.raises(exceptions.ChampDePaiementInvalide):
        client().recuperer_detail_paiement_securise("<script>")
