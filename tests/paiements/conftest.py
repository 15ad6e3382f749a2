"""The portal served on a loopback port with its PayFiP simulator, and a payer's browser."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from portail_famille.connecteurs.payfip import ClientPayFiP

PAGE = "/bac-a-sable/payfip/tpa/paiementws.web"


@pytest.fixture
def portail(serveur):
    return serveur(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)


def payfip(app) -> ClientPayFiP:
    return app.extensions["payfip"]


def id_op_de(url: str) -> str:
    return parse_qs(urlsplit(url).query)["idop"][0]


def choisir(app, id_op: str, choix: str) -> requests.Response:
    """The payer's choice on the simulator's page; the answer is not followed."""
    return requests.post(app.extensions["portail"].portail_url + PAGE,
                         data={"idop": id_op, "choix": choix}, allow_redirects=False,
                         timeout=20)
