"""The family pages as a reader sees them (issue 9): typographic apostrophes, proper nouns with
their capitals, the plural of « part »."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine

from portail_famille.extensions import db
from portail_famille.models import Enfant
from portail_famille.models import Inscription
from tests.aides import Page
from tests.aides import connecter as connecter_audience
from tests.aides import est_un_document
from tests.aides import routes_sans_parametre
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.fabriques import QuotientDGFiP
from tests.fabriques import ajouter_enfant
from tests.fabriques import ajouter_qf
from tests.familles.conftest import DEBUT
from tests.familles.conftest import JOUR_DE_CLASSE


class _Texte(HTMLParser):
    """The visible text of a page: what is between tags, outside scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.morceaux: list[str] = []
        self._cache = 0

    def handle_starttag(self, tag, attrs):
        self._cache += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._cache -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._cache:
            self.morceaux.append(data)


def texte_visible(html: str) -> str:
    lecteur = _Texte()
    lecteur.feed(html)
    return " ".join(lecteur.morceaux)


def test_chaque_page_de_la_famille_est_bien_ecrite(app, client, famille):
    _, famille_id = famille
    ajouter_enfant(app, famille_id, "Léo", date(2018, 5, 3))
    ajouter_qf(app, famille_id, QuotientCAF(640))
    ajouter_qf(app, famille_id, QuotientDGFiP(12000, "1", "1000.00"))
    pages = [url for endpoint, url in routes_sans_parametre(app)
             if endpoint.startswith("familles.") and not url.endswith(".json")]
    assert len(pages) > 6
    for url in pages:
        reponse = client.get(url)
        if est_un_document(reponse):
            continue
        texte = texte_visible(reponse.text)
        assert not re.search(r"[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ]", texte), (url, re.findall(
            r".{20}[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ].{20}", texte))
        assert not re.search(r"\b(franceconnect|dgfip|caf|msa)\b", texte), url
        assert not re.search(r"÷ 1(,\d+)? parts", texte), url



def test_une_session_expiree_le_dit(app, client, famille):
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=31)):
        reponse = client.get("/espace-famille/tarifs", follow_redirects=True)
    assert reponse.request.path == "/connexion"
    assert reponse.request.args["expiree"] == "1"
    assert "Votre session a expiré" in reponse.text
    # A visitor who never signed in is not told so.
    neuf = app.test_client().get("/espace-famille/tarifs", follow_redirects=True)
    assert "Votre session a expiré" not in neuf.text


def test_annuler_une_inscription_se_confirme(app, client, famille):
    _, famille_id = famille
    enfant = ajouter_enfant(app, famille_id, "Léo", date(2018, 5, 3), inscriptions=(
        InscriptionPrevue("cantine", DEBUT, date_debut=JOUR_DE_CLASSE),))
    with app.app_context():
        (inscription,) = db.session.get(Enfant, enfant).inscriptions
        adresse = f"/espace-famille/inscriptions/{inscription.id}"
    page = Page(client.get(adresse).text)
    assert not [f for f in page.tous("form") if f.get("action", "").endswith("/annuler")]
    confirmation = client.get(f"{adresse}/annuler")
    assert confirmation.status_code == 200
    assert "Confirmer l’annulation" in confirmation.text
    with app.app_context():
        assert db.session.get(Inscription, inscription.id).statut == "demandee"
    client.post(f"{adresse}/annuler", data={"annulation-version": "1"})
    with app.app_context():
        assert db.session.get(Inscription, inscription.id).statut == "annulee"


@pytest.mark.parametrize(("role", "accueil"), [
    ("anonyme", "/"), ("famille", "/espace-famille/"), ("agent", "/mairie/"),
    ("admin", "/admin/"),
])
def test_revenir_a_l_accueil_mene_a_l_accueil_de_chacun(app, role, accueil):
    client = app.test_client()
    connecter_audience(app, client, role)
    page = Page(client.get("/page-qui-n-existe-pas").text)
    (lien,) = [a for a in page.tous("a") if a.texte == "Revenir à l’accueil"]
    assert lien.get("href") == accueil
