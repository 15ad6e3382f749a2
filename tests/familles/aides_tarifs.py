"""Reading « Mes tarifs » and asking `flask tarifs simuler` the same question, for the tests that
compare the two (issue 5: the page gives the price the command line gives)."""

import json
import re
from datetime import date
from decimal import Decimal

from tests.aides import Page
from tests.familles.conftest import JOUR_DE_CLASSE

CELLULE = re.compile(
    r'data-periode="([\d-]+)" data-enfant="(\d+)" data-service="(\w+)">\s*<h[45]>[^<]*</h[45]>\s*'
    r'<p><span class="prix">([^<]+)</span>')


def prix_affiches(page: str) -> dict[tuple[str, int, str], Decimal]:
    """Every price of the page by (period start, child id, service code)."""
    return {(periode, int(enfant), service): montant(texte)
            for periode, enfant, service, texte in CELLULE.findall(page)}


def montant(texte: str) -> Decimal:
    """`1 258,67 €` (thin no-break spaces) → Decimal('1258.67'); the page formats the French way."""
    assert re.fullmatch(r"\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€", texte), texte
    return Decimal(re.sub(r"[\u202f\u00a0€]", "", texte).replace(",", "."))


def pourquoi(page: str, periode: date, enfant: int, service: str) -> list[str]:
    """The steps of one card's « Pourquoi ce tarif ? » panel, as text."""
    (carte,) = Page(page).tous("li", data_periode=periode.isoformat(), data_enfant=str(enfant),
                               data_service=service)
    (etapes,) = carte.tous("ol")
    return [etape.texte for etape in etapes.tous("li")]


def simuler(app, fichier, le: date, *, qf: str | None, rang: int = 1,
            hors_commune: bool = False) -> dict:
    """The stable command line of tarifs.md §5, on the same grid file."""
    arguments = ["tarifs", "simuler", "--fichier", str(fichier), "--date", le.isoformat(),
                 "--rang", str(rang), "--json"]
    arguments += ["--qf", qf] if qf is not None else ["--sans-quotient"]
    if hors_commune:
        arguments.append("--hors-commune")
    resultat = app.test_cli_runner().invoke(args=arguments)
    assert resultat.exit_code == 0, resultat.output
    return json.loads(resultat.output)


def inscrire(client, enfants: list[int], periode: date, service: str, jours=("lundi",)):
    reponse = client.post("/espace-famille/inscriptions/nouvelle", data={
        "enfants": enfants, "service": f"{periode.isoformat()}:{service}", "jours": list(jours),
        "date_debut": max(JOUR_DE_CLASSE, periode).isoformat()})
    assert reponse.status_code == 303, reponse.text


def verifier_contre_le_simulateur(app, fichier, page, qf, rangs, hors_commune, qfs=None):
    """Every price shown equals the command line's for the rank expected of that cell.

    `qfs` gives another QF for some periods (by start date), `qf` is for the others.
    """
    affiches = prix_affiches(page)
    assert affiches, "aucun prix sur la page"
    for (periode, enfant, service), prix in affiches.items():
        rang = rangs.get((periode, enfant, service), 1)
        attendu = simuler(app, fichier, date.fromisoformat(periode),
                          qf=(qfs or {}).get(periode, qf), rang=rang, hors_commune=hors_commune)
        assert prix == Decimal(attendu["services"][service]["prix"]), (periode, enfant, service)
