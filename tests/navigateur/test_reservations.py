"""Bookings and attendance in Chromium, axe clean: on a 390 px phone a family cancels a day
before its cut-off, then cannot book it again once the cut-off has passed (the page still
showed the button: the server refuses); on an 820 px tablet an agent marks a child present
(the mark sent by the page's script, kept after a reload), with buttons of at least 44 px."""

import re
from datetime import UTC
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.aides import horloge_a
from tests.aides import planter_session
from tests.navigateur.outils import TABLETTE
from tests.navigateur.outils import TELEPHONE
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel
from tests.reservations.conftest import inscrire

pytestmark = pytest.mark.navigateur

# Tuesday 17 November 2026 in Paris: the canteen of Thursday 19 changes until noon.
AVANT_LA_LIMITE = datetime(2026, 11, 17, 10, 50, tzinfo=UTC)  # 11:50
APRES_LA_LIMITE = datetime(2026, 11, 17, 11, 5, tzinfo=UTC)  # 12:05


horloge = horloge_a(AVANT_LA_LIMITE, tick=True)


def ouvrir_une_session_de_famille(app, page, compte_id: int) -> None:
    """The family's server session, opened without the sandbox FranceConnect (its journey is
    test_parcours.py's), handed to the browser as its cookie."""
    client = app.test_client()
    planter_session(client, compte_id, "famille")
    nom = app.config["SESSION_COOKIE_NAME"]
    page.context.add_cookies([{"name": nom, "value": client.get_cookie(nom).value,
                               "url": app.extensions["portail"].portail_url}])


@pytest.mark.parametrize("navigateur", [TELEPHONE], indirect=True, ids=[f"{TELEPHONE}px"])
def test_une_famille_annule_avant_la_limite_et_plus_apres(portail, navigateur, horloge):
    page, base = navigateur, portail.extensions["portail"].portail_url
    foyer = inscrire(portail)
    ouvrir_une_session_de_famille(portail, page, foyer.compte_id)
    auditeur = Auditeur(page, "reservations")

    page.goto(f"{base}/espace-famille/inscriptions")
    page.get_by_role("link", name="Réserver ou annuler des jours").click()
    expect(page.get_by_role("heading", name="Novembre 2026")).to_be_visible()
    jeudi = page.locator(f"#jour-{foyer.inscriptions[0]}-2026-11-19")
    expect(jeudi).to_contain_text("Réservé")
    expect(jeudi).to_contain_text("Modifiable jusqu’à 12:00 aujourd’hui")
    # A list on the phone: the days one under the other, in view.
    boite = jeudi.bounding_box()
    assert boite["x"] >= 0 and boite["x"] + boite["width"] <= TELEPHONE
    auditeur.auditer()

    page.get_by_role("button", name=re.compile(r"^Annuler le jeudi 19 novembre 2026")).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Léa : le jeudi 19 novembre 2026 est annulé.")
    expect(jeudi).to_contain_text("Non réservé")
    auditeur.auditer()

    # The page stays open past the cut-off: its button is still there, the server refuses.
    horloge.move_to(APRES_LA_LIMITE)
    page.get_by_role("button", name=re.compile(r"^Réserver le jeudi 19 novembre 2026")).click()
    expect(page.get_by_role("alert")).to_have_text(
        "Le jeudi 19 novembre 2026 n’est plus modifiable : la limite était le mardi 17 novembre "
        "2026 à 12:00.")
    expect(jeudi).to_contain_text("Non réservé")
    expect(jeudi).to_contain_text("Plus modifiable depuis aujourd’hui 12:00")
    expect(jeudi.get_by_role("button")).to_have_count(0)
    auditeur.auditer()
    auditeur.verifier()


@pytest.mark.parametrize("navigateur", [TABLETTE], indirect=True, ids=[f"{TABLETTE}px"])
def test_un_agent_pointe_sur_une_tablette(portail, navigateur):
    page, base = navigateur, portail.extensions["portail"].portail_url
    foyer = inscrire(portail)
    inscrire(portail, prenoms="Hugo", nom="BERNARD", jours="mardi")
    creer_personnel(portail, "agent", identifiant="agent.pointage")
    auditeur = Auditeur(page, "pointage")

    connecter_personnel(page, base, "agent.pointage", MOT_DE_PASSE)
    page.get_by_role("link", name="Pointage des présences").click()
    page.get_by_label("École").select_option("École Jean-Macé")
    page.get_by_label("Service").select_option(label="Restauration scolaire")
    page.get_by_label("Jour").fill("2026-11-19")
    page.get_by_role("button", name="Afficher la liste").click()
    ligne = page.locator(f"#enfant-{foyer.enfants[0]}")
    expect(ligne).to_contain_text("Non pointé")
    auditeur.auditer()

    present = ligne.get_by_role("button", name="Présent : Léa MARTIN")
    for bouton in ligne.get_by_role("button").all():
        assert bouton.bounding_box()["height"] >= 44
        assert bouton.bounding_box()["width"] >= 44
    present.click()
    expect(present).to_have_attribute("aria-pressed", "true")
    expect(ligne.locator("[data-pointage-etat]")).to_have_text("Présent")
    expect(page.locator("[data-pointage-file]")).to_be_hidden()  # nothing left queued
    page.reload()
    expect(page.locator(f"#enfant-{foyer.enfants[0]}")).to_contain_text("Présent")
    auditeur.auditer()
    auditeur.verifier()
