"""Server-side SVG charts of price against QF: coordinates only, the template draws them.

The SVG scales to the width of its container (a viewBox, `width: 100%`): a text of
TAILLE_TEXTE user units is drawn at TAILLE_TEXTE × (rendered width ÷ LARGEUR) pixels. On a
390 px phone the chart is 316 px wide (the page's and the card's margins taken off): 16 × 316
÷ 400 ≈ 12.6 px. On wider screens the stylesheet draws the text smaller in user units (the
chart grows, its text should not), so margins sized for TAILLE_TEXTE always leave room.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING
from decimal import ROUND_FLOOR
from decimal import Decimal

from portail_famille.domaine import francais

LARGEUR = 400
HAUTEUR = 280
TAILLE_TEXTE = 16  # user units; see the module's docstring
# An average glyph of the interface's sans-serif fonts, as a share of the font size (digits
# are about 0.55 em, DejaVu Sans's 0.64 em): an estimate, used only to leave room for labels.
CHASSE = 0.6
ECART_ETIQUETTE = 8  # between a y label and the axis
MARGE_HAUT = 28  # room for « Vous » above a marker at the top of the chart
MARGE_BAS = 56  # the x labels, then the axis' title
GRADUATIONS_X = 5  # intervals at most; fewer when their labels would touch
GRADUATIONS_Y = 5
ECART_GRADUATIONS_X = 12  # at least, between two x labels


@dataclass(frozen=True)
class Graduation:
    position: float
    libelle: Decimal


@dataclass(frozen=True)
class Graphique:
    """A chart ready to draw: the polyline, the axes' ticks and the family's marker, if any."""

    identifiant: str
    largeur: int
    hauteur: int
    taille_texte: int
    points: str
    graduations_x: list[Graduation]
    graduations_y: list[Graduation]
    repere: tuple[float, float] | None
    origine: tuple[float, float]
    fin_x: float
    haut_y: float
    # A second curve on the same axes (the grid in force, beside a proposed one); "" if none.
    points_compares: str = ""

    @property
    def ligne_graduations_x(self) -> float:
        """The baseline of the x labels, under the axis."""
        return self.origine[1] + self.taille_texte + 6

    @property
    def ligne_titre_x(self) -> int:
        """The baseline of the x axis' title, at the bottom."""
        return self.hauteur - 8

    @property
    def decalage_graduations_y(self) -> float:
        """From a y tick to its label's baseline: the label centred on the tick."""
        return round(self.taille_texte * 0.35, 1)


def _pas(maximum: Decimal, nombre: int) -> Decimal:
    """The smallest round step that cuts `maximum` into at most `nombre` intervals."""
    for pas in (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20),
                Decimal(50), Decimal(100), Decimal(250), Decimal(500), Decimal(1000)):
        if maximum / pas <= nombre:
            return pas
    puissance = Decimal(1000)
    while True:  # 2 500, 5 000, 10 000, 25 000…: labels a family reads at a glance
        for facteur in (Decimal("2.5"), Decimal(5), Decimal(10)):
            if maximum / (puissance * facteur) <= nombre:
                return (puissance * facteur).to_integral_value()
        puissance *= 10


def largeur_texte(texte: str, taille: int = TAILLE_TEXTE) -> float:
    """An estimate of the width of `texte` at `taille` user units."""
    return len(texte) * CHASSE * taille


def _valeurs_x(qf_max: Decimal, zone_l: float) -> list[Decimal]:
    """The x ticks: as many as GRADUATIONS_X intervals allow while their labels do not touch."""
    for nombre in range(GRADUATIONS_X, 0, -1):
        pas = _pas(qf_max, nombre)
        valeurs = [pas * i for i in range(int(qf_max / pas) + 1)]
        plus_large = max(largeur_texte(francais.nombre(v, 0)) for v in valeurs)
        if zone_l * float(pas / qf_max) >= plus_large + ECART_GRADUATIONS_X:
            break
    return valeurs


def tracer(identifiant: str, courbe: list[tuple[Decimal, Decimal]], qf_max: Decimal,
           repere: tuple[Decimal, Decimal] | None,
           comparee: list[tuple[Decimal, Decimal]] | None = None) -> Graphique:
    """Scale `courbe` (QF, price) into the drawing area; `repere` marks the family's position;
    `comparee` is drawn on the same axes, which fit both curves."""
    prix_max = max(prix for _, prix in [*courbe, *(comparee or ())])
    pas_y = _pas(max(prix_max, Decimal(1)), GRADUATIONS_Y)
    haut = ((prix_max / pas_y).to_integral_value(rounding="ROUND_CEILING") or 1) * pas_y
    valeurs_y = [pas_y * i for i in range(int(haut / pas_y) + 1)]
    # The widest y label on the left; on the right, half of the widest label a last x tick may
    # have (centred on its tick, it is at most qf_max): the template writes them with these
    # same filters. Bounded: an absurd QF must not eat the drawing area.
    marge_gauche = min(round(max(largeur_texte(francais.euros(v)) for v in valeurs_y)
                             + ECART_ETIQUETTE + 4), LARGEUR // 3)
    marge_droite = min(round(largeur_texte(francais.nombre(qf_max, 0)) / 2 + 4), LARGEUR // 6)
    zone_l = LARGEUR - marge_gauche - marge_droite
    valeurs_x = _valeurs_x(qf_max, zone_l)
    zone_h = HAUTEUR - MARGE_HAUT - MARGE_BAS

    def x(qf: Decimal) -> float:
        return round(marge_gauche + float(qf / qf_max) * zone_l, 1)

    def y(prix: Decimal) -> float:
        return round(MARGE_HAUT + zone_h - float(prix / haut) * zone_h, 1)

    return Graphique(
        identifiant=identifiant,
        largeur=LARGEUR,
        hauteur=HAUTEUR,
        taille_texte=TAILLE_TEXTE,
        points=" ".join(f"{x(qf)},{y(prix)}" for qf, prix in courbe),
        points_compares=" ".join(f"{x(qf)},{y(prix)}" for qf, prix in comparee or ()),
        graduations_x=[Graduation(x(v), v) for v in valeurs_x],
        graduations_y=[Graduation(y(v), v) for v in valeurs_y],
        repere=(x(min(repere[0], qf_max)), y(repere[1])) if repere else None,
        origine=(x(Decimal(0)), y(Decimal(0))),
        fin_x=x(qf_max),
        haut_y=y(haut),
    )


# --- Histogram of the monthly change per family (the impact of a proposed grid) ---------------

HAUTEUR_BARRE = 26  # user units per class: one row of text
MARGE_ETIQUETTES = 150  # the class labels on the left (« de −10,00 € à −5,00 € »)
MARGE_NOMBRES = 48  # the count after the longest bar


@dataclass(frozen=True)
class Classe:
    """A class of the histogram: its bounds (None for « unchanged »), its count, its bar."""

    de: Decimal | None
    a: Decimal | None
    familles: int
    y: float
    largeur: float

    @property
    def libelle(self) -> str:
        if self.de is None:
            return "inchangé"
        if self.de < 0:
            return f"de −{francais.euros(-self.de)} à −{francais.euros(-self.a)}" \
                if self.a else f"de −{francais.euros(-self.de)} à 0"
        return f"de +{francais.euros(self.de)} à +{francais.euros(self.a)}" \
            if self.de else f"de 0 à +{francais.euros(self.a)}"


@dataclass(frozen=True)
class Histogramme:
    identifiant: str
    largeur: int
    hauteur: int
    taille_texte: int
    x0: float
    classes: list[Classe]
    hauteur_barre: int = HAUTEUR_BARRE


def histogramme(identifiant: str, ecarts: list[Decimal]) -> Histogramme:
    """Horizontal bars, one per class of monthly change: falls first, « unchanged » apart
    (a family whose price does not move is not a rise of zero), then rises. A fall of exactly
    one step belongs to the class below it, a rise of one step to the class above zero."""
    plus_grand = max((abs(e) for e in ecarts), default=Decimal(0))
    pas = _pas(plus_grand, GRADUATIONS_X) if plus_grand else Decimal(1)
    comptes: dict[int | None, int] = {}
    for ecart in ecarts:
        # Rises go to ](i−1)·pas, i·pas], falls to [i·pas, (i+1)·pas[ with i < 0.
        cle = None if ecart == 0 else int((ecart / pas).to_integral_value(
            ROUND_CEILING if ecart > 0 else ROUND_FLOOR))
        comptes[cle] = comptes.get(cle, 0) + 1
    cles = [k for k in comptes if k is not None]
    # Every class between the extremes, empty ones included: the shape is what is read.
    ordre = [*range(min([*cles, 0]), 0), *([None] if None in comptes else []),
             *range(1, max([*cles, 0]) + 1)]
    maximum = max(comptes.values(), default=1)
    zone = LARGEUR - MARGE_ETIQUETTES - MARGE_NOMBRES
    classes = []
    for rang, cle in enumerate(ordre):
        de, a = (None, None) if cle is None else \
            ((cle - 1) * pas, cle * pas) if cle > 0 else (cle * pas, (cle + 1) * pas)
        nombre = comptes.get(cle, 0)
        classes.append(Classe(de, a, nombre, MARGE_HAUT / 2 + rang * HAUTEUR_BARRE,
                              round(zone * nombre / maximum, 1)))
    return Histogramme(identifiant, LARGEUR, round(MARGE_HAUT + len(classes) * HAUTEUR_BARRE),
                       TAILLE_TEXTE, MARGE_ETIQUETTES, classes)
