"""The family home page prices « Vos tarifs » with the residence rule of « Mes tarifs » (R2): a
household that lives elsewhere, or has not said where it lives, never sees a resident price."""

import pytest

from tests.aides import Page
from tests.fabriques import ajouter_qf_caf
from tests.fabriques import creer_famille
from tests.fabriques import famille_de

from .conftest import connecter

# QF 640 on the test grid, computed by hand:
# - cantine, bracket 501–1000: 2.40; non-resident: the fixed 6.75;
# - garderie, 640 × 0.25 % = 1.60; non-resident +25 %: 2.00;
# - ateliers, 1.20 + (6.60 − 1.20) × 640 / 2000 = 2.928 → 2.93; no non-resident rule of its
#   own, so its sans_quotient, by default the top of the curve: 6.60.
RESIDENT = {"Cantine": "2,40\u00a0€", "Garderie du soir": "1,60\u00a0€", "Ateliers": "2,93\u00a0€"}
HORS_COMMUNE = {"Cantine": "6,75\u00a0€", "Garderie du soir": "2,00\u00a0€",
                "Ateliers": "6,60\u00a0€"}


def cartes_de_l_accueil(html: str) -> dict[str, str]:
    """Each service of « Vos tarifs » and the price its card shows."""
    section = next(s for s in Page(html).tous("section")
                   if s.get("aria-labelledby") == "titre-tarifs")
    return {carte.tous("h3")[0].texte: carte.tous("span")[0].texte
            for carte in section.tous("div") if carte.get("class") == "carte"}


@pytest.mark.parametrize(("reside", "attendus"), [
    (True, RESIDENT), (False, HORS_COMMUNE), (None, HORS_COMMUNE)])
def test_b1_vos_tarifs_suivent_la_residence(app, client, reside, attendus):
    compte = creer_famille(app, reside=reside)
    connecter(client, compte)
    ajouter_qf_caf(app, famille_de(app, compte), 640)

    page = client.get("/espace-famille/").text
    assert cartes_de_l_accueil(page) == attendus
    assert "Prix pour un enfant, avant toute réduction fratrie" in page
    assert ('Le tarif de chacun de vos enfants, avec le détail du calcul : '
            '<a href="/espace-famille/tarifs">Mes tarifs</a>') in page
    assert ("tarif hors commune appliqué" in page) is (reside is not True)
