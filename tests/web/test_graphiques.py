"""The simulator's charts, drawn by web/graphiques.py: readable on a 390 px phone.

The SVG spans its card (316 px on a 390 px phone: the page's 2 × 16 px and the card's
2 × 21 px taken off), so a text of `taille_texte` user units is drawn at
taille_texte × 316 ÷ largeur px. The browser test measures it; these tests hold the numbers
and the room left for the labels.
"""

from decimal import Decimal
from itertools import pairwise

import pytest

from portail_famille.domaine import francais
from portail_famille.web import graphiques

CARTE_SUR_UN_TELEPHONE = 390 - 2 * 16 - 2 * (20 + 1)  # px: page margins, card padding, border


def courbe(qf_max: str, prix_max: str = "4.10"):
    return [(Decimal(0), Decimal("0.80")), (Decimal(qf_max) / 2, Decimal(prix_max)),
            (Decimal(qf_max), Decimal(prix_max))]


def test_le_texte_fait_au_moins_12_px_sur_un_telephone_de_390_px():
    g = graphiques.tracer("g", courbe("2500"), Decimal(2500), None)
    assert CARTE_SUR_UN_TELEPHONE == 316
    rendu = g.taille_texte * CARTE_SUR_UN_TELEPHONE / g.largeur
    assert rendu >= 12, rendu
    # Before: 12 user units in a 600-wide viewBox, 236 px wide (the figure's margins): 4.7 px.
    assert 12 * 236 / 600 < 5


@pytest.mark.parametrize("qf_max", ["1500", "2500", "3000", "10000", "110000"])
@pytest.mark.parametrize("prix_max", ["4.10", "9.00", "85.50"])
def test_les_etiquettes_tiennent_dans_le_dessin_et_ne_se_touchent_pas(qf_max, prix_max):
    g = graphiques.tracer("g", courbe(qf_max, prix_max), Decimal(qf_max),
                          (Decimal(qf_max) / 3, Decimal(prix_max)))
    largeur = graphiques.largeur_texte
    # y labels: right-aligned 8 units left of the axis, never past the left edge.
    for t in g.graduations_y:
        assert g.origine[0] - 8 - largeur(francais.euros(t.libelle)) >= 0, t
    # x labels: centred on their ticks, inside the drawing, apart from each other.
    bords = [(t.position - largeur(francais.nombre(t.libelle, 0)) / 2,
              t.position + largeur(francais.nombre(t.libelle, 0)) / 2) for t in g.graduations_x]
    assert len(bords) >= 2
    assert bords[0][0] >= 0 and bords[-1][1] <= g.largeur
    for (_, fin), (debut, _) in pairwise(bords):
        assert debut - fin >= graphiques.ECART_GRADUATIONS_X, bords
    # The axis' title and the x labels below the axis, inside the viewBox.
    assert g.origine[1] < g.ligne_graduations_x - g.taille_texte
    assert g.ligne_graduations_x < g.ligne_titre_x - g.taille_texte <= g.hauteur
    # « Vous », 12 units above the marker, stays inside.
    assert g.repere[1] - 12 - g.taille_texte >= 0


def test_graduations_rondes_meme_pour_un_grand_quotient():
    g = graphiques.tracer("g", courbe("110000"), Decimal(110000), None)
    assert [t.libelle for t in g.graduations_x] == [0, 50000, 100000]


def test_une_courbe_comparee_tient_sur_les_memes_axes():
    haute = [(Decimal(0), Decimal("1.00")), (Decimal(2500), Decimal("12.00"))]
    g = graphiques.tracer("g", courbe("2500"), Decimal(2500), None, comparee=haute)
    assert g.graduations_y[-1].libelle >= Decimal(12)
    sommet = min(float(p.split(",")[1]) for p in g.points_compares.split())
    assert sommet >= g.haut_y
    assert graphiques.tracer("g", courbe("2500"), Decimal(2500), None).points_compares == ""
