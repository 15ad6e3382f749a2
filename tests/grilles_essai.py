"""Tariff grids written for the tests, with amounts chosen for the rounding traps.

Expected prices are computed by hand in the tests, never by the code under test:

- `cantine` (tranches 400 / 800, inclusive): QF 400.00 → tranche 1, 400.01 → tranche 2;
  sans_quotient 4.50, hors_commune 7; sibling reduction −20 % from rank 2, −50 % from rank 3.
- `soir` (taux d'effort 0.5 %, 0.50–9.00): QF 1001 × 0.5 % = 5.005 → 5.01 half-up (a binary
  float gives 5.00, banker's rounding too); hors commune +20 %.
- `ateliers` (lineaire 0 → 1.00, 1000 → 2.01): QF 500 → 1.505 → 1.51 half-up.
"""

from datetime import date
from pathlib import Path

from tests import grilles
from tests.grilles import grille
from tests.grilles import lineaire
from tests.grilles import periode
from tests.grilles import service
from tests.grilles import taux_effort
from tests.grilles import tranches

GRILLE_ESSAI = grille(
    periode("Année scolaire 2030-2031", date(2030, 9, 1), date(2031, 8, 31), [
        service("cantine", "Restauration scolaire", "repas",
                tranches(("400", "1.00"), ("800", "2.55"), (None, "4.00"),
                         commentaire="au-delà de 800"),
                sans_quotient="4.50", hors_commune="7"),
        service("soir", "Accueil du soir", "soir", taux_effort("0.5", "0.50", "9.00"),
                hors_commune="{majoration_pourcent: 20}"),
        service("ateliers", "Ateliers du mercredi", "demi-journée",
                lineaire(("0", "1.00"), ("1000", "2.01"))),
    ], deliberation="n° 2030/1 du 30 juin 2030", fratrie=(("cantine",), {2: 20, 3: 50})),
    periode("Année scolaire 2031-2032", date(2031, 9, 1), date(2032, 8, 31), [
        service("cantine", "Restauration scolaire", "repas",
                tranches(("500", "1.10"), (None, "4.40"))),
    ]),
    commune="Essai-sur-Loire", code_insee="45234",
    commentaires=("Grille d'essai des tests : montants choisis pour les pièges d'arrondi.",
                  "Ce commentaire doit survivre à l'import et à l'export."),
)

# Broken on purpose, so written out by hand; the positions are those of the offending keys
# (checked by hand).
GRILLE_CASSEE = """\
commune: Essai
code_insee: "45234"

quotient_familial:
  sources: [caf]
  validite_mois: 12

periodes:
  - libelle: Année scolaire 2030-2031
    debut: 2030-09-01
    fin: 2031-08-31
    services:
      cantine:
        libelle: Restauration scolaire
        unite: repas
        bareme:
          mode: tranches
          tranches:
            - jusqu_a: 900
              prix: 1.00
            - jusqu_a: 800
              prix: 2.00
            - prix: 3.00
      soir:
        libelle: Accueil du soir
        unite: soir
        bareme:
          mode: taux_effort
          taux_pourcent: 0.36
          plancer: 0.50
          plafond: 4.50
"""

ERREURS_GRILLE_CASSEE = (
    # line 21, column 15: the `jusqu_a` key of the second bracket
    "{f}:21:15: cantine : la borne 800 doit être supérieure à la précédente (900)",
    # line 28, column 11: the barème mapping that lacks `plancher`
    "{f}:28:11: soir : clé « plancher » manquante dans le barème taux_effort",
    # line 30, column 11: the misspelt key
    "{f}:30:11: soir : clé inconnue « plancer » (vouliez-vous dire « plancher » ?)",
)

RENTREE = "2030-09-01"
PERIODE_A = "Année scolaire 2030-2031"
PERIODE_B = "Année scolaire 2031-2032"


def ecrire(dossier: Path, texte: str = GRILLE_ESSAI, nom: str = "tarifs.yaml") -> Path:
    return grilles.ecrire(dossier, texte, nom)


def ligne_json(periode: str, qf: str | None, *services: tuple[str, str, str, str, str]) -> str:
    """The CLI's JSON line, written out by hand: (code, libelle, unite, prix, explication)."""
    corps = ", ".join(
        f'"{code}": {{"libelle": "{libelle}", "unite": "{unite}", "prix": "{prix}", '
        f'"explication": "{explication}"}}'
        for code, libelle, unite, prix, explication in services
    )
    texte_qf = "null" if qf is None else f'"{qf}"'
    return f'{{"periode": "{periode}", "qf": {texte_qf}, "services": {{{corps}}}}}\n'


def cantine(prix: str, explication: str):
    return ("cantine", "Restauration scolaire", "repas", prix, explication)


def soir(prix: str, explication: str):
    return ("soir", "Accueil du soir", "soir", prix, explication)


def ateliers(prix: str, explication: str):
    return ("ateliers", "Ateliers du mercredi", "demi-journée", prix, explication)
