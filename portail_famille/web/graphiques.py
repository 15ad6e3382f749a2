"""Server-side SVG charts of price against QF: coordinates only, the template draws them."""

from dataclasses import dataclass
from decimal import Decimal

LARGEUR = 600
HAUTEUR = 280
MARGE_GAUCHE = 64
MARGE_DROITE = 20
MARGE_HAUT = 20
MARGE_BAS = 48


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
    points: str
    graduations_x: list[Graduation]
    graduations_y: list[Graduation]
    repere: tuple[float, float] | None
    origine: tuple[float, float]
    fin_x: float
    haut_y: float


def _pas(maximum: Decimal, nombre: int) -> Decimal:
    for pas in (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20),
                Decimal(50), Decimal(100), Decimal(250), Decimal(500), Decimal(1000)):
        if maximum / pas <= nombre:
            return pas
    return (maximum / nombre).to_integral_value(rounding="ROUND_CEILING")


def tracer(identifiant: str, courbe: list[tuple[Decimal, Decimal]], qf_max: Decimal,
           repere: tuple[Decimal, Decimal] | None) -> Graphique:
    """Scale `courbe` (QF, price) into the drawing area; `repere` marks the family's position."""
    prix_max = max(prix for _, prix in courbe)
    pas_y = _pas(max(prix_max, Decimal(1)), 5)
    haut = ((prix_max / pas_y).to_integral_value(rounding="ROUND_CEILING") or 1) * pas_y
    pas_x = _pas(qf_max, 6)
    zone_l = LARGEUR - MARGE_GAUCHE - MARGE_DROITE
    zone_h = HAUTEUR - MARGE_HAUT - MARGE_BAS

    def x(qf: Decimal) -> float:
        return round(MARGE_GAUCHE + float(qf / qf_max) * zone_l, 1)

    def y(prix: Decimal) -> float:
        return round(MARGE_HAUT + zone_h - float(prix / haut) * zone_h, 1)

    graduations_x = [Graduation(x(pas_x * i), pas_x * i)
                     for i in range(int(qf_max / pas_x) + 1)]
    graduations_y = [Graduation(y(pas_y * i), pas_y * i) for i in range(int(haut / pas_y) + 1)]
    return Graphique(
        identifiant=identifiant,
        largeur=LARGEUR,
        hauteur=HAUTEUR,
        points=" ".join(f"{x(qf)},{y(prix)}" for qf, prix in courbe),
        graduations_x=graduations_x,
        graduations_y=graduations_y,
        repere=(x(min(repere[0], qf_max)), y(repere[1])) if repere else None,
        origine=(x(Decimal(0)), y(Decimal(0))),
        fin_x=x(qf_max),
        haut_y=y(haut),
    )
