"""The whole demo journey in Chromium, against the portal served over HTTP with its sandbox:
sign in through the sandbox FranceConnect, QF fetched, household and two children, enrolment,
rates and their explanation, data export; axe finds nothing serious on any page (X2), and a
keyboard alone goes from the sign-in to the rates with a visible focus (X3).

Both on a 390 px phone and at 1280 px: no page scrolls sideways, the tables become cards on
the phone with every cell and action in view, the family menu folds into a « Menu » button,
the charts' text is at least 12 px, « Se déconnecter » stays on the brand's row. A full-page
screenshot of each page at each width goes to tests/navigateur/captures/ (not committed; CI
keeps them), with the charts' measures in mesures-<width>.json.
"""

import json
import re
from datetime import date
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portail_famille.domaine import scolarite
from tests.grilles import grille
from tests.grilles import periode
from tests.grilles import service
from tests.grilles import taux_effort
from tests.grilles import tranches
from tests.navigateur.outils import CAPTURES
from tests.navigateur.outils import LARGEURS
from tests.navigateur.outils import TELEPHONE
from tests.navigateur.outils import Auditeur

pytestmark = pytest.mark.navigateur

PRIX = re.compile(r"\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€")
TEXTE_MINIMAL = 12  # px, the charts' text on a phone
DATE_FRANCAISE = re.compile(r"(1er|\d{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|"
                            r"septembre|octobre|novembre|décembre) \d{4}")


def classe_attendue(naissance: date) -> str:
    """The class usual at that age this school year: an unusual one asks for a confirmation."""
    return scolarite.niveaux_attendus(naissance, scolarite.annee_de_la_rentree(date.today()))[0]


# A grid written for the journey, whose period follows today's date (tarifs.yaml's periods run
# out). Prices for the sandbox's QF 480, computed by hand: canteen bracket 351–600, 1.65 for
# the eldest and 1.65 − 20 % = 1.32 for the second child; evening care 480 × 0.30 % = 1.44.
GRILLE = grille(
    periode("Année scolaire du parcours", date.today() - timedelta(days=60),
            date.today() + timedelta(days=200), [
                service("restauration_scolaire", "Restauration scolaire", "repas",
                        tranches(("350", "0.80"), ("600", "1.65"), ("900", "2.70"),
                                 (None, "4.10"))),
                service("accueil_soir", "Accueil du soir", "soir",
                        taux_effort("0.30", "0.50", "3.20")),
            ], deliberation="n° 2026/0042 du 29 juin 2026 (essai)",
            fratrie=(("restauration_scolaire",), {2: 20})),
    commune="Lyon", code_insee="69123", sources=("dgfip", "caf"),
)


@pytest.fixture
def portail(serveur, tmp_path):
    """The portal with its sandbox (FranceConnect and both APIs), CSRF on as in production."""
    grille = tmp_path / "grille-parcours.yaml"
    grille.write_text(GRILLE, encoding="utf-8")
    return serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille)


def ouvrir_le_menu(page) -> None:
    """On a phone the family menu is a « Menu » button (<details>): open it."""
    menu = page.get_by_role("navigation", name="Menu principal").locator("details")
    if menu.count() and menu.is_visible() and menu.get_attribute("open") is None:
        menu.locator("summary").click()


def aller(page, auditeur, libelle: str):
    """Follow a link of the family menu, then audit the page."""
    ouvrir_le_menu(page)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name=libelle, exact=True).click()
    auditeur.auditer()


def boite(locator) -> dict:
    b = locator.bounding_box()
    assert b is not None, f"{locator} n’est pas affiché"
    return b


def verifier_le_menu(page, largeur: int) -> None:
    """The family menu: a « Menu » button on a phone, whose links are those of the wide screen;
    inline links at 1280 px; the current page marked in either (aria-current)."""
    navigation = page.get_by_role("navigation", name="Menu principal")
    bouton = navigation.locator("summary")
    en_ligne = navigation.locator("ul.navigation__liens")
    if largeur == TELEPHONE:
        expect(bouton).to_be_visible()
        expect(bouton).to_have_text("Menu")
        expect(en_ligne).to_be_hidden()
        expect(navigation.get_by_role("link")).to_have_count(0)  # folded
        bouton.click()
        expect(navigation.get_by_role("link")).to_have_count(9)
        boite_lien = boite(navigation.get_by_role("link", name="Mes données"))
        assert boite_lien["x"] + boite_lien["width"] <= largeur
        bouton.click()
        expect(navigation.get_by_role("link")).to_have_count(0)
    else:
        expect(bouton).to_be_hidden()
        expect(navigation.get_by_role("link")).to_have_count(9)
        hauts = {round(boite(lien)["y"]) for lien in navigation.get_by_role("link").all()}
        assert len(hauts) == 1, f"les liens du menu tiennent sur une ligne : {hauts}"
    ouvrir_le_menu(page)
    courant = navigation.locator('a[aria-current="page"]:visible')
    expect(courant).to_have_count(1)
    expect(courant).to_have_text("Mon espace")


def verifier_l_entete(page) -> None:
    """« Se déconnecter » on the brand's row, not alone on a line of its own."""
    marque = boite(page.locator(".entete__marque"))
    bouton = boite(page.get_by_role("button", name=re.compile("Se déconnecter")))
    milieu = bouton["y"] + bouton["height"] / 2
    assert marque["y"] <= milieu <= marque["y"] + marque["height"], (marque, bouton)
    assert bouton["x"] >= marque["x"] + marque["width"], (marque, bouton)
    assert bouton["x"] + bouton["width"] <= page.viewport_size["width"]


def verifier_le_tableau_des_inscriptions(page, largeur: int) -> None:
    """Each enrolment's « État » and its only link are in view: no sideways scrolling box."""
    assert page.locator(".tableau-defilant").count() == 0
    lignes = page.locator("main table tbody tr")
    assert lignes.count() >= 2
    for ligne in lignes.all():
        for cellule in (ligne.locator('td[data-label="État"]'),
                        ligne.get_by_role("link", name=re.compile("Voir ou modifier"))):
            b = boite(cellule)
            assert b["x"] >= 0 and b["x"] + b["width"] <= largeur, (cellule, b)
    if largeur == TELEPHONE:
        # Stacked: the header row is out of sight, each cell shows its column's name.
        etiquette = page.locator('main td[data-label="État"]').first.evaluate(
            "e => getComputedStyle(e, '::before').content")
        assert etiquette == '"État"'


MESURES_DES_GRAPHIQUES = """() => [...document.querySelectorAll('figure.graphique')].map(f => {
    const svg = f.querySelector('svg');
    const carte = f.parentElement;
    const style = getComputedStyle(carte);
    const interieur = carte.clientWidth - parseFloat(style.paddingLeft)
                      - parseFloat(style.paddingRight);
    const textes = [...svg.querySelectorAll('text')].map(t => ({
        texte: t.textContent,
        taille: t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize),
        hauteur: t.getBoundingClientRect().height,
        droite: t.getBoundingClientRect().right,
    }));
    return {largeur: svg.getBoundingClientRect().width, conteneur: interieur,
            droite_svg: svg.getBoundingClientRect().right, textes};
})"""


def verifier_les_graphiques(page, largeur: int) -> dict:
    """Charts as wide as their card on a phone, their text at least 12 px on screen."""
    graphiques = page.evaluate(MESURES_DES_GRAPHIQUES)
    assert len(graphiques) >= 2
    for g in graphiques:
        if largeur == TELEPHONE:
            assert abs(g["largeur"] - g["conteneur"]) <= 1, g
        assert g["textes"]
        for texte in g["textes"]:
            assert texte["taille"] >= TEXTE_MINIMAL, texte
            assert texte["droite"] <= g["droite_svg"] + 1, texte
    tailles = [t["taille"] for g in graphiques for t in g["textes"]]
    mesures = {"largeur_fenetre": largeur, "largeur_graphique": graphiques[0]["largeur"],
               "taille_texte_min": round(min(tailles), 2),
               "taille_texte_max": round(max(tailles), 2),
               "hauteur_boite_texte_min": round(min(t["hauteur"] for g in graphiques
                                                    for t in g["textes"]), 2)}
    (CAPTURES / f"mesures-{largeur}.json").write_text(json.dumps(mesures, indent=2),
                                                      encoding="utf-8")
    return mesures


def verifier_le_bareme(page) -> None:
    """The barème, opened, stays inside its card (its price column was cut on a phone)."""
    carte = page.locator("section.carte").filter(has=page.locator("figure")).first
    details = carte.locator("figcaption details")
    details.locator("summary").click()
    tableau = details.locator("table")
    expect(tableau).to_be_visible()
    bord = boite(carte)
    for cellule in tableau.locator("td, caption").all():
        b = boite(cellule)
        assert b["x"] + b["width"] <= bord["x"] + bord["width"], (cellule.inner_text(), b, bord)


@LARGEURS
def test_parcours_de_demonstration(portail, navigateur):
    page = navigateur
    largeur = page.viewport_size["width"]
    base = portail.extensions["portail"].portail_url
    auditeur = Auditeur(page, "famille")

    page.goto(f"{base}/")
    expect(page.locator("footer")).to_contain_text("Connexion du personnel")
    auditeur.auditer()
    page.goto(f"{base}/simulateur")
    auditeur.auditer()

    # The simulator: only the chosen mode's fields (CSS :has(), no JavaScript), then prices
    # from an RFR with its charts, their text readable on a phone.
    expect(page.get_by_label("Quotient familial, en euros")).to_be_visible()
    expect(page.get_by_label("Revenu fiscal de référence, en euros")).to_be_hidden()
    page.get_by_label("J’ai mon avis d’impôt (revenu fiscal de référence)").check()
    expect(page.get_by_label("Quotient familial, en euros")).to_be_hidden()
    page.get_by_label("Revenu fiscal de référence, en euros").fill("37 760")
    page.get_by_label("Nombre de parts fiscales").fill("2,5")
    page.get_by_role("button", name="Voir mes tarifs").click()
    expect(page.locator("main")).to_contain_text("÷ 12 ÷ 2,5 parts")
    auditeur.auditer()
    mesures = verifier_les_graphiques(page, largeur)
    print(f"\nGraphiques à {largeur} px : {mesures}")
    verifier_le_bareme(page)
    auditeur.auditer()

    page.get_by_role("link", name="Espace famille").click()
    expect(page).to_have_url(f"{base}/connexion")
    auditeur.auditer()

    # Consent on the portal's page, then the sandbox FranceConnect. Ermengardi GODIN has no
    # tax file: the DGFiP fails, the CAF answers with her QF, her child and her address.
    expect(page.get_by_label("Récupérer automatiquement mon quotient familial")).to_be_checked()
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    expect(page).to_have_title(re.compile("FranceConnect simulé"))
    auditeur.auditer()
    page.get_by_role("button", name=re.compile("Ermengardi GODIN")).click()

    expect(page).to_have_url(f"{base}/espace-famille/")
    expect(page.locator("main")).to_contain_text("480,00\u00a0€")
    # Signed in: the staff's sign-in leaves the footer; the header and its menu.
    expect(page.locator("footer")).not_to_contain_text("Connexion du personnel")
    verifier_l_entete(page)
    verifier_le_menu(page, largeur)
    auditeur.auditer()
    aller(page, auditeur, "Mon quotient")
    expect(page.locator("main")).to_contain_text("transmis par la CAF via FranceConnect")
    # Its history, a table: cards on a phone, no scrolling box (axe's scrollable-region-focusable).
    expect(page.locator("main table")).to_have_count(1)
    assert page.locator(".tableau-defilant").count() == 0

    # The household: the CAF's address prefills the form, the family saves it.
    aller(page, auditeur, "Mon foyer")
    expect(page.get_by_label("Numéro et voie")).to_have_value("31 AVENUE BERTHELOT")
    expect(page.get_by_label("Oui, nous habitons Lyon")).to_be_checked()
    page.get_by_role("button", name="Enregistrer l’adresse").click()
    expect(page.locator(".messages")).to_contain_text("Votre adresse est enregistrée.")
    auditeur.auditer()

    # Two children: the CAF's, confirmed, and one typed (after a mistake, kept as typed).
    aller(page, auditeur, "Mes enfants")
    expect(page.locator("main")).to_contain_text("Enfants connus de la CAF")
    page.get_by_role("link", name="Vérifier et ajouter Yasmine").click()
    expect(page.get_by_label("Date de naissance")).to_have_value("2018-07-07")
    page.get_by_label(re.compile("^Classe")).select_option(classe_attendue(date(2018, 7, 7)))
    page.get_by_label("École").fill("École Berthelot")
    auditeur.auditer()
    page.get_by_role("button", name="Ajouter l’enfant").click()
    # Kept as the CAF wrote it (« YASMINE »): the family may correct it on the form.
    expect(page.locator(".messages")).to_contain_text(
        "La fiche de YASMINE est ajoutée à votre foyer.")
    expect(page.locator("main")).not_to_contain_text("Enfants connus de la CAF")

    page.get_by_role("link", name="Ajouter un enfant").click()
    page.get_by_label("Prénom(s)").fill("Nour")
    page.get_by_label("Nom", exact=True).fill("GODIN3")
    page.get_by_label("Date de naissance").fill("2021-03-15")
    page.get_by_label(re.compile("^Classe")).select_option(
        classe_attendue(date(2021, 3, 15)))
    page.get_by_label("École").fill("École maternelle Berthelot")
    page.get_by_role("button", name="Ajouter l’enfant").click()
    expect(page.locator("#resume-erreurs")).to_contain_text("Le formulaire contient 1 erreur")
    expect(page.get_by_label("Prénom(s)")).to_have_value("Nour")
    auditeur.auditer()
    page.get_by_label("Nom", exact=True).fill("GODIN")
    page.get_by_role("button", name="Ajouter l’enfant").click()
    expect(page.locator(".messages")).to_contain_text("La fiche de Nour est ajoutée à votre foyer.")

    # Both enrolled at once in the canteen, then one at the evening care.
    aller(page, auditeur, "Inscriptions")
    page.get_by_role("link", name="Demander une inscription").click()
    page.get_by_label("YASMINE GODIN").check()
    page.get_by_label("Nour GODIN").check()
    page.get_by_label("Service").select_option(label="Restauration scolaire")
    for jour in ("Lundi", "Mardi", "Jeudi", "Vendredi"):
        page.get_by_label(jour, exact=True).check()
    auditeur.auditer()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator(".messages")).to_contain_text("Votre demande d’inscription est envoyée")
    verifier_le_tableau_des_inscriptions(page, largeur)
    auditeur.auditer()
    page.get_by_role("link", name=re.compile("Voir ou modifier l’inscription de Nour")).click()
    expect(page.locator("main")).to_contain_text("Demande d’inscription")
    auditeur.auditer()

    # Rates: French amounts and dates, and « Pourquoi ce tarif ? » opened.
    aller(page, auditeur, "Mes tarifs")
    principal = page.locator("main")
    expect(principal).to_contain_text("YASMINE GODIN")
    texte = principal.inner_text()
    assert PRIX.search(texte), texte
    # QF 480 on the journey's grid: YASMINE first, Nour second (−20 %), four days a week.
    for prix in ("1,65\u00a0€", "1,32\u00a0€", "1,44\u00a0€", "26,40\u00a0€", "21,12\u00a0€"):
        assert prix in texte, prix
    assert DATE_FRANCAISE.search(texte), texte
    assert "Estimation pour un mois type" in texte
    carte = page.locator('li.tarif[data-service="restauration_scolaire"]').first
    explication = carte.locator("details")
    explication.locator("summary").click()
    expect(explication.locator("ol")).to_be_visible()
    expect(explication).to_contain_text("transmis par la CAF via FranceConnect")
    expect(explication).to_contain_text("Délibération")
    auditeur.auditer()

    # Personal data: the page, then the JSON download.
    aller(page, auditeur, "Mes données")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger toutes mes données").click()
    export = json.loads(Path(telechargement.value.path()).read_text(encoding="utf-8"))
    tables = export["tables"]
    assert sorted(e["prenoms"] for e in tables["enfant"]["lignes"]) == ["Nour", "YASMINE"]
    assert [q["valeur"] for q in tables["quotient_familial"]["lignes"]] == ["480.00"]
    assert len(tables["inscription"]["lignes"]) == 2

    # An error page of the family area.
    page.goto(f"{base}/espace-famille/enfants/999999")
    expect(page.locator("h1")).to_have_text("Page introuvable")
    auditeur.auditer()

    chemins = {urlsplit(url).path for url in auditeur.pages}
    assert chemins >= {"/", "/connexion", "/simulateur",
                       "/bac-a-sable/franceconnect/api/v2/authorize", "/espace-famille/",
                       "/espace-famille/quotient", "/espace-famille/foyer",
                       "/espace-famille/enfants", "/espace-famille/enfants/ajouter",
                       "/espace-famille/inscriptions", "/espace-famille/inscriptions/nouvelle",
                       "/espace-famille/tarifs", "/espace-famille/donnees",
                       "/espace-famille/enfants/999999"}, chemins
    assert auditeur.graves == []
    assert auditeur.debordements == [], "pages plus larges que la fenêtre"


def focalise(page) -> dict:
    """The focused element, its accessible text and whether its focus ring is drawn."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        const s = getComputedStyle(e);
        return {texte: (e.innerText || e.value || '').trim(), balise: e.tagName,
                visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
    }""")


def tabuler_jusqu_a(page, cible: re.Pattern, maximum: int = 80) -> None:
    """Press Tab until the focus is on `cible`, checking every stop shows its focus (X3)."""
    for _ in range(maximum):
        page.keyboard.press("Tab")
        element = focalise(page)
        assert element["visible"], f"focus invisible sur {element}"
        if cible.search(element["texte"]):
            return
    raise AssertionError(f"« {cible.pattern} » jamais atteint au clavier")


@LARGEURS
def test_x3_au_clavier_de_la_connexion_aux_tarifs(portail, navigateur):
    page = navigateur
    base = portail.extensions["portail"].portail_url
    page.goto(f"{base}/connexion")
    tabuler_jusqu_a(page, re.compile("S’identifier avec"))
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("FranceConnect simulé"))
    tabuler_jusqu_a(page, re.compile("Se connecter avec cette identité"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/espace-famille/")
    if page.viewport_size["width"] == TELEPHONE:
        # The menu is a button: Enter unfolds it, the links follow in the tab order.
        tabuler_jusqu_a(page, re.compile("^Menu$"))
        page.keyboard.press("Enter")
    tabuler_jusqu_a(page, re.compile("^Mes tarifs$"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/espace-famille/tarifs")
    expect(page.locator("h1")).to_have_text("Mes tarifs")
    expect(page.locator("main")).to_contain_text("Ce qui fixe vos tarifs")
