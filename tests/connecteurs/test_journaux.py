"""Logs and exceptions carry no personal data nor secret (securite.md E1, E7, E10)."""

import logging
import re
import traceback

import requests
import responses

from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.transport import Requete

from . import ANNREV
from . import BASE_IP
from . import CLIENT_SECRET
from . import JETON_AP
from . import JETON_FC
from . import JETON_PASSERELLE
from . import REQUEST_ID
from . import SPI
from . import URL_FC
from . import URL_IDENTITE
from . import URL_JETON
from . import client_ap
from . import client_ip
from . import corps_erreur
from . import corps_jeton
from . import corps_qf
from . import corps_situation
from . import identite

SECRETS = [JETON_AP, JETON_FC, JETON_PASSERELLE, CLIENT_SECRET, SPI]
IDENTITE = ["OLLIVIER", "JEAN-BAPTISTE", "LOIC", "MARCHAL", "CHLOE", "22278", "Saint-Brieuc"]
IDENTITE += ["1984-01-09", "SAINT-BRIEUC", "GLYCINES", "nomNaissance", "prenoms", "recipient"]
MONTANTS = [r"\b1340\b", r"\b48213\b", r"\b1984\b", r"\b2\.75\b"]


def interdits_dans(texte: str) -> list[str]:
    trouves = [s for s in SECRETS + IDENTITE if s.lower() in texte.lower()]
    trouves += [m for m in MONTANTS if re.search(m, texte)]
    if "?" in texte:
        trouves.append("?")  # a query string
    return trouves


def parcours_complet():
    """Successes and failures of both clients, in every mode; returns the exceptions raised."""
    leves = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as stub:
        entetes = {"X-Request-ID": REQUEST_ID}
        stub.add(responses.GET, URL_IDENTITE, body=corps_qf(), headers=entetes)
        stub.add(responses.GET, URL_IDENTITE, body=corps_erreur("00355"), status=422)
        stub.add(responses.GET, URL_IDENTITE, body=corps_erreur("23003"), status=404)
        stub.add(
            responses.GET,
            URL_IDENTITE,
            body=requests.exceptions.ConnectionError(
                f"HTTPSConnectionPool: Max retries exceeded with url: {URL_IDENTITE}"
                f"?nomNaissance=OLLIVIER&recipient=1"
            ),
        )
        stub.add(responses.GET, URL_FC, body=corps_qf(), headers=entetes)
        stub.add(responses.GET, URL_FC, body="<html>", headers=entetes)
        stub.add(responses.POST, URL_JETON, body=corps_jeton())
        spi = f"{BASE_IP}/spi/{SPI}/situations/ir/assiettes/annrev/{ANNREV}"
        stub.add(responses.GET, spi, body=corps_situation())
        stub.add(
            responses.GET, spi, status=400, body='{"erreur": {"message": "format SPI incorrect"}}'
        )
        stub.add(responses.GET, spi, body=requests.exceptions.ReadTimeout(f"{spi} timed out"))
        fc = f"{BASE_IP}/situations/ir/assiettes/annrev/{ANNREV}"
        stub.add(responses.GET, fc, body=corps_situation())
        stub.add(responses.GET, fc, status=403)

        ap = client_ap(tentatives=1)
        ip = client_ip(tentatives=1)
        essais = [
            lambda: ap.quotient_familial_identite(identite()),
            lambda: ap.quotient_familial_identite(identite(), annee=2025, mois=1),
            lambda: ap.quotient_familial_identite(identite(), mois=2),
            lambda: ap.quotient_familial_identite(identite(), mois=3),
            lambda: ap.quotient_familial_france_connect(JETON_FC),
            lambda: ap.quotient_familial_france_connect(JETON_FC, mois=4),
            lambda: ip.situation_numero_fiscal(SPI, ANNREV),
            lambda: ip.situation_numero_fiscal(SPI, ANNREV),
            lambda: ip.situation_numero_fiscal(SPI, ANNREV),
            lambda: ip.situation_france_connect(JETON_FC, ANNREV),
            lambda: ip.situation_france_connect(JETON_FC, ANNREV),
            lambda: ip.situation_numero_fiscal(SPI[:-1], ANNREV),
        ]
        for essai in essais:
            try:
                essai()
            except (exceptions.ErreurAPI, exceptions.NumeroFiscalInvalide) as exc:
                leves.append(exc)
        # Every call above went out: the logs below cover successes and failures alike.
        assert len(stub.calls) == 12
    return leves


def test_e7_journaux_sans_donnees_personnelles_ni_secrets(caplog):
    caplog.set_level(logging.DEBUG)
    leves = parcours_complet()
    assert len(leves) == 8
    lignes = [r for r in caplog.records if r.name == "portail_famille.connecteurs"]
    assert len(lignes) == 12  # one line per HTTP call
    for ligne in caplog.records:
        assert interdits_dans(ligne.getMessage() + repr(vars(ligne))) == [], ligne.getMessage()


def test_e7_une_ligne_dit_ce_qu_il_faut(caplog):
    caplog.set_level(logging.INFO, logger="portail_famille.connecteurs")
    parcours_complet()
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("GET /v3/dss/quotient_familial/identite 200 ")
    assert f"request_id={REQUEST_ID}" in messages[0]
    assert "code=00355" in messages[1]
    assert "code=ConnectionError" in messages[3]
    assert any(m.startswith("POST /token 200") for m in messages)
    spi = [m for m in messages if "/spi/" in m]
    assert spi[0].startswith("GET /spi/{spi}/situations/ir/assiettes/annrev/{annrev} 200 ")
    assert re.search(r"correlation_id=[0-9a-f-]{36}$", spi[0])
    assert caplog.records[0].statut == 200
    assert caplog.records[0].chemin == "/v3/dss/quotient_familial/identite"


def test_e1_exceptions_sans_secret_ni_identite():
    for exc in parcours_complet():
        texte = "".join(traceback.format_exception(exc)) + repr(exc)
        assert interdits_dans(texte) == [], texte


def test_repr_d_une_requete_sans_secret():
    requete = Requete(
        methode="GET",
        url=f"{BASE_IP}/spi/{SPI}/situations/ir/assiettes/annrev/{ANNREV}",
        gabarit="/spi/{spi}/situations/ir/assiettes/annrev/{annrev}",
        params=(("nomNaissance", "OLLIVIER"),),
        entetes={"Authorization": f"Bearer {JETON_PASSERELLE}"},
        auth=("client", CLIENT_SECRET),
    )
    assert interdits_dans(repr(requete)) == []
