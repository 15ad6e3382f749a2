"""Prices per second of the tariff engine, beside a bare `bisect` lookup on the same grid.

    python bench/tarifs.py [--n 100000] [--graine 2025]

Two grids loaded through `charger_grille`: 10 brackets, and a continuous curve of 6 points.
For each, the same random QFs (fixed seed) are priced three ways, best of 3 runs:
- `calculer_tarif`: the full engine (QF rounding, barème, explanation, steps, Tarif object);
- `prix_de_base`: the barème alone (bracket or interpolation, rounding, one-line explanation);
- bare `bisect`: the lookup (and, for the curve, the interpolation) on the same Decimals.
"""

import argparse
import random
import time
from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Callable
from decimal import Decimal
from decimal import localcontext

from portail_famille.domaine.chargement import charger_grille
from portail_famille.domaine.montants import CONTEXTE_EXACT
from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.tarification import calculer_tarif

ENTETE = """\
commune: Banc d'essai
code_insee: "75056"
quotient_familial: {sources: [caf, dgfip], validite_mois: 12}
periodes:
  - libelle: Année scolaire 2025-2026
    debut: 2025-09-01
    fin: 2026-08-31
    services:
"""
# Ten brackets of about the size of Paris's grid.
BORNES = (234, 384, 548, 959, 1370, 1900, 2500, 3333, 5000)
PRIX = ("0.13", "0.85", "1.62", "2.28", "3.62", "4.61", "4.89", "5.10", "5.19", "7.00")
POINTS = ((0, "0.50"), (400, "0.80"), (800, "2.00"), (1200, "3.50"), (2100, "5.88"),
          (3000, "6.90"))
REPETITIONS = 3


def grille_yaml() -> str:
    """The YAML text of the two services."""
    tranches = [f"{{jusqu_a: {borne}, prix: {prix}}}" for borne, prix in zip(BORNES, PRIX,
                                                                             strict=False)]
    tranches.append(f"{{prix: {PRIX[-1]}}}")
    points = [f"{{qf: {qf}, prix: {prix}}}" for qf, prix in POINTS]
    return (ENTETE
            + "      tranches:\n        libelle: Dix tranches\n        unite: repas\n"
            + "        bareme: {mode: tranches, tranches: [" + ", ".join(tranches) + "]}\n"
            + "      lineaire:\n        libelle: Courbe continue\n        unite: repas\n"
            + "        bareme: {mode: lineaire, points: [" + ", ".join(points) + "]}\n")


def bisect_tranches(bornes: list[Decimal], prix: list[Decimal]) -> Callable[[Decimal], Decimal]:
    def prix_de(qf: Decimal) -> Decimal:
        return prix[bisect_left(bornes, qf)]
    return prix_de


def bisect_lineaire(qfs: list[Decimal], prix: list[Decimal]) -> Callable[[Decimal], Decimal]:
    def prix_de(qf: Decimal) -> Decimal:
        if qf <= qfs[0]:
            return prix[0]
        if qf >= qfs[-1]:
            return prix[-1]
        i = bisect_right(qfs, qf)
        with localcontext(CONTEXTE_EXACT):
            return arrondir(prix[i - 1] + (prix[i] - prix[i - 1]) * (qf - qfs[i - 1])
                            / (qfs[i] - qfs[i - 1]))
    return prix_de


def meilleur_temps(calcul: Callable[[Decimal], Decimal], quotients: list[Decimal]) -> float:
    """The best of REPETITIONS runs, in seconds."""
    temps = []
    for _ in range(REPETITIONS):
        debut = time.perf_counter()
        for qf in quotients:
            calcul(qf)
        temps.append(time.perf_counter() - debut)
    return min(temps)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--n", type=int, default=100_000, help="QF par mesure (100000)")
    arguments.add_argument("--graine", type=int, default=2025, help="graine du hasard (2025)")
    options = arguments.parse_args()

    hasard = random.Random(options.graine)
    # QFs to the cent, from 0 to 6000 €: every bracket and both ends of the curve are hit.
    quotients = [Decimal(hasard.randrange(600_001)).scaleb(-2) for _ in range(options.n)]
    periode = charger_grille(grille_yaml(), "bench.yaml").periodes[0]

    print(f"{options.n} QF aléatoires (graine {options.graine}), meilleur de {REPETITIONS} "
          "passages\n")
    print(f"{'barème':<12} {'méthode':<16} {'secondes':>9} {'prix/s':>12} {'× bisect':>9}")
    for code in ("tranches", "lineaire"):
        bareme = periode.services[code].bareme
        if code == "tranches":
            nu = bisect_tranches([t.jusqu_a for t in bareme.tranches[:-1]],
                                 [t.prix for t in bareme.tranches])
        else:
            nu = bisect_lineaire([p.qf for p in bareme.points], [p.prix for p in bareme.points])
        methodes = {
            "calculer_tarif": lambda qf, code=code: calculer_tarif(periode, code, qf).prix,
            "prix_de_base": lambda qf, bareme=bareme: bareme.prix_de_base(qf).prix,
            "bisect nu": nu,
        }
        # The three must agree on every price before their speeds are compared.
        for qf in quotients:
            assert len({methode(qf) for methode in methodes.values()}) == 1, qf
        temps = {nom: meilleur_temps(methode, quotients) for nom, methode in methodes.items()}
        for nom, secondes in temps.items():
            print(f"{bareme.mode:<12} {nom:<16} {secondes:>9.3f} {options.n / secondes:>12,.0f} "
                  f"{secondes / temps['bisect nu']:>9.1f}")


if __name__ == "__main__":
    main()
