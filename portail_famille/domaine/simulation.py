"""What-if prices: the CLI's JSON object (tarifs.md §5) and the points of a price curve."""

import json
from datetime import date
from decimal import ROUND_CEILING
from decimal import Decimal
from typing import NamedTuple

from portail_famille.domaine.grille import Bareme
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.montants import formater_montant
from portail_famille.domaine.quotient import quotient_retenu
from portail_famille.domaine.tarification import calculer_tarif

QF_NUL = Decimal("0.00")
# The charts run to at least this QF, so that families compare on one familiar scale.
QF_MAX_GRAPHIQUE = Decimal("2500")


def simuler(grille: Grille, le: date, qf: Decimal | None, hors_commune: bool = False,
            rang: int = 1) -> dict:
    """Every service of the period in force on `le`, priced; raise PeriodeIntrouvable."""
    periode = grille.periode_a(le)
    services = {}
    for code, service in periode.services.items():
        tarif = calculer_tarif(periode, code, qf, hors_commune=hors_commune, rang=rang)
        services[code] = {
            "libelle": service.libelle,
            "unite": service.unite,
            "prix": formater_montant(tarif.prix),
            "explication": tarif.explication,
        }
    return {
        "periode": periode.libelle,
        "qf": None if qf is None else formater_montant(quotient_retenu(qf)),
        "services": services,
    }


def en_json(simulation: dict) -> str:
    """The simulation as the CLI prints it: one line of JSON, accents kept."""
    return json.dumps(simulation, ensure_ascii=False)


def points_de_courbe(bareme: Bareme, qf_max: Decimal) -> list[tuple[Decimal, Decimal]]:
    """(QF, price) from QF 0 to `qf_max`, at least 2 points; a bracket's jump is 2 points."""
    if qf_max < 0:
        raise ValueError(f"la courbe s’arrête à un QF positif ou nul, pas {qf_max}")
    points = [(QF_NUL, bareme.prix_de_base(QF_NUL).prix)]
    for point in bareme.cassures():
        if point[0] < qf_max and point != points[-1]:
            points.append(point)
    points.append((qf_max, bareme.prix_de_base(quotient_retenu(qf_max)).prix))
    return points


def echelle(bareme: Bareme, qf: Decimal | None) -> Decimal:
    """The chart's last QF, a multiple of 500: past the barème's last change of slope and the
    family's QF, and at least QF_MAX_GRAPHIQUE."""
    cassures = [qf_cassure for qf_cassure, _ in bareme.cassures()]
    plus_grand = max([QF_MAX_GRAPHIQUE, (qf or 0) * Decimal("1.1"),
                      *(c * Decimal("1.2") for c in cassures)])
    return (plus_grand / 500).to_integral_value(rounding=ROUND_CEILING) * 500


class Comparaison(NamedTuple):
    """Two barèmes on one scale: their curves, and their prices where either one bends."""

    qf_max: Decimal
    courbe_avant: list[tuple[Decimal, Decimal]]
    courbe_apres: list[tuple[Decimal, Decimal]]
    lignes: list[tuple[Decimal, Decimal | None, Decimal]]  # QF, price before (or None), after


def comparer_baremes(avant: Bareme | None, apres: Bareme) -> Comparaison:
    """The proposed barème beside the one in force (None: a new service), for a chart and its
    table: a row at QF 0, at each bend of either curve (and the cent after a bracket's bound,
    where the next price starts) and at the chart's last QF."""
    baremes = [b for b in (avant, apres) if b is not None]
    qf_max = max(echelle(b, None) for b in baremes)
    abscisses = {QF_NUL, qf_max}
    for bareme in baremes:
        for qf, _ in bareme.cassures():
            if qf < qf_max:
                abscisses.add(quotient_retenu(qf))
                if bareme.mode == "tranches":
                    abscisses.add(quotient_retenu(qf) + Decimal("0.01"))
    lignes = [(qf, None if avant is None else avant.prix_de_base(qf).prix,
               apres.prix_de_base(qf).prix) for qf in sorted(abscisses)]
    return Comparaison(qf_max, [] if avant is None else points_de_courbe(avant, qf_max),
                       points_de_courbe(apres, qf_max), lignes)
