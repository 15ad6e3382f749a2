"""What the pages of the family area hold for a phone (issue 9, point 5): tables stacked as
cards (each cell names its column: data-label), no sideways scrolling box, a « Menu » button
that works without JavaScript, the staff's sign-in only for visitors. The browser test
(tests/navigateur) measures the result at 390 and 1280 px."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from portail_famille.web.contexte import NAVIGATION
from tests.aides import Element
from tests.aides import Page
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.fabriques import QuotientDGFiP
from tests.fabriques import consigner_consultation
from tests.fabriques import creer_foyer
from tests.grilles import ecrire
from tests.grilles import grille
from tests.grilles import periode
from tests.grilles import service
from tests.grilles import taux_effort
from tests.grilles import tranches

FEUILLE = Path(__file__).resolve().parents[2] / "static" / "css" / "portail.css"
DEBUT = date.today() - timedelta(days=30)
GRILLE = grille(
    periode("Année en cours", DEBUT, date.today() + timedelta(days=200), [
        service("cantine", "Restauration scolaire", "repas",
                tranches(("500", "0.95"), (None, "3.10"))),
        service("garderie", "Garderie du soir", "soir", taux_effort("0.25", "0.60", "3.40")),
    ]),
    commune="Villeneuve-sur-Test", code_insee="35238",
)
PAGES_A_TABLEAUX = ("/espace-famille/inscriptions", "/espace-famille/quotient",
                    "/espace-famille/donnees")


@pytest.fixture
def app(fabrique_du_module, tmp_path_factory):
    fichier = ecrire(tmp_path_factory.mktemp("grille"), GRILLE)
    partagee = fabrique_du_module(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                                  tarifs_fichier=fichier)
    with partagee.pour_un_test() as app:
        yield app


@pytest.fixture
def foyer(app):
    """A household with two enrolled children, two QF records and an agent's consultation."""
    inscriptions = (InscriptionPrevue("cantine", DEBUT, jours="lundi,mardi,jeudi,vendredi"),
                    InscriptionPrevue("garderie", DEBUT, jours="lundi"))
    foyer = creer_foyer(app, enfants=(
        EnfantPrevu("Léo", date(2016, 5, 3), inscriptions=inscriptions),
        EnfantPrevu("Jade", date(2019, 11, 20), inscriptions=inscriptions[:1]),
    ), quotients=(QuotientCAF(480, datetime.now(UTC) - timedelta(days=40)),
                  QuotientDGFiP(37760, "2.5", "1258.67")))
    consigner_consultation(app, foyer.famille_id, creer_personnel(app), "Vérification")
    return foyer


@pytest.fixture
def client(app, foyer):
    client = app.test_client()
    planter_session(client, foyer.compte_id, "famille", _fresh=True)
    return client


def page(client, url: str) -> Page:
    reponse = client.get(url)
    assert reponse.status_code == 200, (url, reponse.status_code)
    return Page(reponse.text)


def classes(element: Element) -> list[str]:
    return element.get("class", "").split()


def verifier_les_tableaux(page: Page, url: str) -> int:
    """Every table of `page` stacks; each cell names its column, or is an action or a note."""
    assert not [e for e in page.elements if "tableau-defilant" in classes(e)], url
    tableaux = page.tous("table")
    for tableau in tableaux:
        assert "tableau-empilable" in classes(tableau), url
        entetes = [th.texte for th in tableau.tous("thead")[0].tous("th")]
        for ligne in tableau.tous("tbody")[0].tous("tr"):
            cellules = ligne.tous("td")
            for indice, cellule in enumerate(cellules):
                if cellule.get("colspan"):
                    assert cellule.get("data-label") is None  # a note across the columns
                elif "tableau-empilable__action" in classes(cellule):
                    assert cellule.tous("a"), (url, cellule.texte)  # its link says what it does
                else:
                    assert cellule.get("data-label") == entetes[indice], (url, cellule.texte)
    return len(tableaux)


@pytest.mark.parametrize("url", PAGES_A_TABLEAUX)
def test_chaque_tableau_s_empile_et_chaque_cellule_nomme_sa_colonne(client, url):
    assert verifier_les_tableaux(page(client, url), url) >= 1


def test_historique_d_une_inscription_empilable(client, foyer):
    url = f"/espace-famille/inscriptions/{foyer.inscriptions[0]}"
    assert verifier_les_tableaux(page(client, url), url) == 1


def test_la_liste_des_inscriptions_montre_l_etat_et_le_lien_dans_chaque_carte(client):
    [tableau] = page(client, "/espace-famille/inscriptions").tous("table")
    lignes = tableau.tous("tbody")[0].tous("tr")
    assert len(lignes) == 3
    for ligne in lignes:
        [etat] = [td for td in ligne.tous("td") if td.get("data-label") == "État"]
        assert etat.texte == "Demandée"
        [lien] = ligne.tous("a")
        assert lien.texte.startswith("Voir ou modifier l’inscription de ")


def test_la_feuille_de_style_n_a_plus_de_boite_defilante_et_etiquette_les_cellules():
    css = FEUILLE.read_text(encoding="utf-8")
    assert "tableau-defilant" not in css
    assert "overflow-x" not in css
    assert "content: attr(data-label)" in css


def navigation(page: Page) -> Element:
    [nav] = [n for n in page.tous("nav") if n.get("aria-label") == "Menu principal"]
    return nav


def liens(liste: Element) -> list[tuple[str, str | None]]:
    return [(a.texte, a.get("aria-current")) for a in liste.tous("a")]


def test_le_menu_de_la_famille_est_un_bouton_details_summary(client):
    nav = navigation(page(client, "/espace-famille/inscriptions"))
    [details] = nav.tous("details")
    [resume] = details.tous("summary")
    assert resume.texte == "Menu"
    attendus = [(libelle, "page" if libelle == "Inscriptions" else None)
                for _, libelle, _ in NAVIGATION["famille"]]
    # Folded on a phone, the same links inline on a wide screen (CSS shows one or the other).
    [plie] = details.tous("ul")
    [en_ligne] = [ul for ul in nav.tous("ul") if "navigation__liens" in classes(ul)]
    assert liens(plie) == liens(en_ligne) == attendus
    assert "navigation--repliable" in classes(nav)


def test_un_menu_court_reste_en_ligne(app):
    nav = navigation(Page(app.test_client().get("/").text))
    assert not nav.tous("details")
    assert [texte for texte, _ in liens(nav)] == ["Simulateur de tarifs", "Espace famille"]


def test_la_deconnexion_est_a_cote_de_la_marque_hors_du_menu(client):
    html = page(client, "/espace-famille/")
    [entete] = html.tous("header")
    [interieur] = [d for d in entete.enfants if "entete__interieur" in classes(d)]
    assert [e.tag for e in interieur.enfants] == ["a", "form", "nav"]
    assert "entete__interieur--connecte" in classes(interieur)
    assert html.formulaires_de_deconnexion() == interieur.tous("form")
    assert not navigation(html).tous("form")


def pied(page: Page) -> list[str]:
    [pied] = page.tous("footer")
    return [a.texte for a in pied.tous("a")]


def test_connexion_du_personnel_seulement_pour_les_visiteurs(app, client):
    assert "Connexion du personnel" in pied(Page(app.test_client().get("/").text))
    for url in ("/", "/simulateur", "/espace-famille/", "/espace-famille/inscriptions"):
        assert "Connexion du personnel" not in pied(page(client, url)), url


def test_pas_de_connexion_du_personnel_pour_un_agent_connecte(app):
    agent = app.test_client()
    planter_session(agent, creer_personnel(app), "agent")
    assert "Connexion du personnel" not in pied(page(agent, "/mairie/"))
