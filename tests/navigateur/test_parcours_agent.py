"""Issue 10's agent journey in Chromium, axe checked on every page (no serious or critical
violation): an agent signs in with password and TOTP, finds a family by a child's first name
typed without accents, opens the file (the reason is asked), reviews the attestation the family
uploaded and accepts it typing the QF, sees the family's prices become those `flask tarifs
simuler` gives for that QF, and corrects a rate with a reason (a CCAS decision)."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portail_famille.domaine import francais
from portail_famille.domaine import recherche
from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.documents import PNG
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.fabriques import creer_foyer
from tests.familles.conftest import DEBUT
from tests.familles.conftest import GRILLE
from tests.mairie.listes.conftest import deposer
from tests.navigateur.outils import LARGEURS
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel

pytestmark = pytest.mark.navigateur

QF_LU = Decimal("812.50")


@pytest.fixture
def portail(serveur, tmp_path):
    """A household whose CAF QF expired (it pays the sans_quotient prices) and which uploaded
    an attestation, an image, waiting for an agent."""
    grille = tmp_path / "grille-parcours-agent.yaml"
    grille.write_text(GRILLE, encoding="utf-8")
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille)
    foyer = creer_foyer(
        app, prenom="Sébastien", nom="BÉRAUD",
        quotients=(QuotientCAF(1450, le=datetime.now(UTC) - timedelta(days=400)),),
        enfants=(EnfantPrevu("Anaïs", date(2017, 9, 12), nom="BÉRAUD", inscriptions=(
            InscriptionPrevue("cantine", DEBUT, jours="lundi,mardi,jeudi,vendredi",
                              statut="validee"),
            InscriptionPrevue("garderie", DEBUT, jours="mardi", statut="validee"))),))
    deposer(app, foyer.famille_id, contenu=PNG, type_mime="image/png")
    creer_personnel(app, "agent", identifiant="agent.parcours", prenoms="Agnès",
                    nom_naissance="DURAND")
    return app, grille, foyer


def simuler(app, grille, *options: str) -> dict[str, str]:
    """Each service's price in force today, as `flask tarifs simuler --json` gives it."""
    resultat = app.test_cli_runner().invoke(
        args=["tarifs", "simuler", "--fichier", str(grille), "--json", *options])
    assert resultat.exit_code == 0, resultat.output
    return {code: service["prix"]
            for code, service in json.loads(resultat.output)["services"].items()}


def prix_affiches(page, enfant_id: int) -> dict[str, str]:
    """The child's prices in the file's « Tarifs de la famille », for the period in force."""
    cartes = page.locator(f'li.tarif[data-periode="{DEBUT.isoformat()}"]'
                          f'[data-enfant="{enfant_id}"]')
    return {carte.get_attribute("data-service"): carte.locator(".prix").inner_text()
            for carte in cartes.all()}


def en_euros(prix: dict[str, str]) -> dict[str, str]:
    return {code: francais.euros(Decimal(valeur)) for code, valeur in prix.items()}


@LARGEURS
def test_parcours_de_l_agent(portail, navigateur):
    app, grille, foyer = portail
    page = navigateur
    base = app.extensions["portail"].portail_url
    auditeur = Auditeur(page, "parcours-agent")
    [enfant_id] = foyer.enfants

    # 1. Sign in: the password, then the code of the authenticator app.
    connecter_personnel(page, base, "agent.parcours", MOT_DE_PASSE, auditeur=auditeur)
    expect(page).to_have_url(f"{base}/mairie/")
    expect(page.get_by_role("link", name="1 justificatif à vérifier")).to_be_visible()
    auditeur.auditer()

    # 2. Find the family by the child's first name, typed without its accent.
    page.get_by_label("Rechercher une famille").fill("anais")
    page.get_by_label("Rechercher une famille").press("Enter")
    expect(page.locator("#nombre-resultats")).to_contain_text("1 famille trouvée")
    expect(page.locator("main table")).to_contain_text("Anaïs")
    auditeur.auditer()

    # 3. Open the file: the reason is asked first.
    page.get_by_role("link", name="Sébastien BÉRAUD").first.click()
    expect(page.get_by_role("group", name="Pourquoi ouvrez-vous ce dossier ?")).to_be_visible()
    auditeur.auditer()
    page.get_by_label("Examen d’un justificatif").check()
    page.get_by_role("button", name="Ouvrir le dossier").click()
    numero = recherche.formater_numero(foyer.famille_id)
    expect(page.locator("h1")).to_have_text(f"Dossier {numero} – Sébastien BÉRAUD")
    expect(page.locator("main")).to_contain_text(
        "Motif de la consultation : Examen d’un justificatif")
    fiche = page.url
    # Its QF expired: the family pays what the grid asks without one.
    assert prix_affiches(page, enfant_id) == en_euros(simuler(app, grille, "--sans-quotient"))
    auditeur.auditer()

    # 4. Review the uploaded attestation, from the file, and accept it typing its QF.
    page.locator("#justificatifs").get_by_role("link", name="Examiner").click()
    expect(page.locator("h1")).to_have_text("Justificatif n° " + page.url.rsplit("/", 1)[1])
    page.wait_for_function("document.querySelector('img.examen__image').naturalWidth > 0")
    auditeur.auditer()
    page.get_by_label("Quotient familial, en euros").fill("812,50")
    page.get_by_role("button", name="Accepter le justificatif").click()
    expect(page.get_by_text("Le justificatif est accepté")).to_be_visible()
    auditeur.auditer()

    # 5. The family's prices are now the grid's for that QF, as `flask tarifs simuler` says.
    page.goto(fiche)
    expect(page.locator("#quotients")).to_contain_text(francais.euros(QF_LU))
    attendus = en_euros(simuler(app, grille, "--qf", str(QF_LU)))
    assert prix_affiches(page, enfant_id) == attendus
    assert attendus != en_euros(simuler(app, grille, "--sans-quotient"))
    expect(page.locator("#justificatifs")).to_contain_text("Accepté le")
    auditeur.auditer()

    # 6. Correct a rate with a reason: the CCAS decided the canteen's price.
    page.get_by_role("link", name="Appliquer un tarif décidé (CCAS)").click()
    expect(page.locator("h1")).to_have_text("Appliquer un tarif décidé hors de la grille")
    auditeur.auditer()
    page.get_by_label("Service").select_option("cantine")
    page.get_by_label("Prix décidé (€)").fill("0,50")
    page.get_by_label("Jusqu’au (inclus)").fill((date.today() + timedelta(days=90)).isoformat())
    page.get_by_label("Motif").fill("Décision du CCAS n° 2026-118 (aide exceptionnelle)")
    page.get_by_role("button", name="Appliquer ce tarif").click()
    expect(page.get_by_text("Le tarif décidé est enregistré")).to_be_visible()
    page.goto(fiche)
    expect(page.locator("#decisions")).to_contain_text(
        "Décision du CCAS n° 2026-118 (aide exceptionnelle)")
    assert prix_affiches(page, enfant_id) == {**attendus, "cantine": francais.euros(
        Decimal("0.50"))}
    expect(page.locator(f'li.tarif[data-periode="{DEBUT.isoformat()}"][data-service="cantine"]')
           ).to_contain_text("Tarif fixé par la mairie")
    auditeur.auditer()

    # 7. Export the month for billing: the rows carry the prices just checked.
    page.goto(f"{base}/mairie/")
    page.get_by_role("link", name="Export de facturation").click()
    expect(page.locator("h1")).to_have_text("Export de facturation")
    auditeur.auditer()
    page.get_by_label("Mois facturé").fill(f"{date.today():%Y-%m}")
    page.get_by_label("CSV (tableur, séparateur « ; »)").check()
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger l’export").click()
    contenu = telechargement.value.path().read_bytes().decode("utf-8")
    assert contenu.startswith("\ufeff")
    entete, *lignes = [ligne.split(";") for ligne in contenu[1:].splitlines()]
    prix = {ligne[entete.index("service")]: ligne[entete.index("prix_unitaire")]
            for ligne in lignes if "Anaïs" in ligne[entete.index("enfant")]}
    assert prix == {"cantine": "0,50",
                    "garderie": attendus["garderie"].removesuffix("\u00a0€")}

    auditeur.verifier()
