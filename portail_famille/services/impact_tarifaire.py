"""The impact of a proposed grid before it is saved (issue 11.4): who pays more, who pays
less, and what it does to the monthly receipts.

The billing export's lines (`lignes_tarifaires`) of the real households and active enrolments
are priced twice, under the grid in force and under the proposed one, from one fetch: the
impact's totals are, by construction, the sums of the export's lines under each grid. A month
is the « Mes tarifs » estimate (price × days a week × 4).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import ROUND_HALF_UP
from decimal import Decimal

from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.montants import formater_montant
from portail_famille.services import inscriptions
from portail_famille.services import lignes_tarifaires
from portail_famille.services.grilles import GrilleChargee
from portail_famille.services.lignes_tarifaires import DemandeInvalide
from portail_famille.services.lignes_tarifaires import Ligne

# The families shown whose monthly change is the largest rise.
PLUS_FORTES = 10
SEUIL_PAR_DEFAUT = Decimal(10)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Bilan:
    """Counts and monthly receipts, for the whole population or one service. A family (a
    child) pays more, less or the same by the sum of its lines."""

    familles: int
    enfants: int
    hausses: int
    baisses: int
    inchanges: int
    enfants_hausses: int
    enfants_baisses: int
    enfants_inchanges: int
    recette_mensuelle_avant: Decimal
    recette_mensuelle_apres: Decimal

    @property
    def ecart(self) -> Decimal:
        return self.recette_mensuelle_apres - self.recette_mensuelle_avant


@dataclass(frozen=True)
class Variation:
    """A household's monthly estimate under each grid."""

    famille_id: int
    foyer: str
    avant: Decimal
    apres: Decimal

    @property
    def ecart(self) -> Decimal:
        return self.apres - self.avant


@dataclass(frozen=True)
class Impact:
    periode: grille_domaine.Periode
    mois: str  # AAAA-MM
    total: Bilan
    par_service: dict[str, Bilan]
    mediane: Decimal  # of the monthly change per family
    plus_fortes_hausses: tuple[Variation, ...]
    seuil: Decimal
    au_dela_du_seuil: tuple[Variation, ...]  # |change| > seuil, largest first
    ecarts: tuple[Decimal, ...]  # every family's monthly change, for the histogram
    # Services with enrolments that the proposed grid no longer prices: nobody pays them.
    services_retires: tuple[str, ...]


def _par(lignes: Iterable[Ligne], cle) -> dict:
    sommes: dict = {}
    for ligne in lignes:
        sommes[cle(ligne)] = sommes.get(cle(ligne), ZERO) + ligne.estimation_mensuelle
    return sommes


def _sens(avant: dict, apres: dict) -> tuple[int, int, int]:
    """How many keys of `avant` ∪ `apres` rise, fall, stay (a missing sum counts as zero)."""
    hausses = baisses = 0
    cles = avant.keys() | apres.keys()
    for cle in cles:
        ecart = apres.get(cle, ZERO) - avant.get(cle, ZERO)
        hausses += ecart > 0
        baisses += ecart < 0
    return hausses, baisses, len(cles) - hausses - baisses


def bilan(avant: list[Ligne], apres: list[Ligne]) -> Bilan:
    familles_avant, familles_apres = (_par(lignes, lambda ligne: ligne.famille_id)
                                      for lignes in (avant, apres))
    enfants_avant, enfants_apres = (_par(lignes, lambda ligne: ligne.enfant_id)
                                    for lignes in (avant, apres))
    hausses, baisses, inchanges = _sens(familles_avant, familles_apres)
    enfants_hausses, enfants_baisses, enfants_inchanges = _sens(enfants_avant, enfants_apres)
    return Bilan(len(familles_avant.keys() | familles_apres.keys()),
                 len(enfants_avant.keys() | enfants_apres.keys()), hausses, baisses, inchanges,
                 enfants_hausses, enfants_baisses, enfants_inchanges,
                 sum(familles_avant.values(), ZERO), sum(familles_apres.values(), ZERO))


def mediane(valeurs: list[Decimal]) -> Decimal:
    """The median, to the cent (half-up); zero for no value."""
    if not valeurs:
        return ZERO
    triees = sorted(valeurs)
    milieu = len(triees) // 2
    if len(triees) % 2:
        return arrondir(triees[milieu])
    return ((triees[milieu - 1] + triees[milieu]) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)


def comparer(periode: grille_domaine.Periode, mois: str, avant: list[Ligne],
             apres: list[Ligne], seuil: Decimal) -> Impact:
    """The impact from the export's lines under each grid (pure: no query)."""
    foyers = {ligne.famille_id: ligne.foyer for ligne in (*avant, *apres)}
    par_famille_avant = _par(avant, lambda ligne: ligne.famille_id)
    par_famille_apres = _par(apres, lambda ligne: ligne.famille_id)
    variations = [Variation(famille_id, foyer, par_famille_avant.get(famille_id, ZERO),
                            par_famille_apres.get(famille_id, ZERO))
                  for famille_id, foyer in sorted(foyers.items())]
    codes = list(dict.fromkeys([*(ligne.service for ligne in avant),
                                *(ligne.service for ligne in apres)]))
    par_service = {code: bilan([ligne for ligne in avant if ligne.service == code],
                               [ligne for ligne in apres if ligne.service == code])
                   for code in codes}
    hausses = sorted((v for v in variations if v.ecart > 0), key=lambda v: (-v.ecart,
                                                                            v.famille_id))
    return Impact(
        periode=periode, mois=mois, total=bilan(avant, apres), par_service=par_service,
        mediane=mediane([v.ecart for v in variations]),
        plus_fortes_hausses=tuple(hausses[:PLUS_FORTES]), seuil=seuil,
        au_dela_du_seuil=tuple(sorted((v for v in variations if abs(v.ecart) > seuil),
                                      key=lambda v: (-abs(v.ecart), v.famille_id))),
        ecarts=tuple(v.ecart for v in variations),
        services_retires=tuple(sorted({ligne.service for ligne in avant}
                                      - {ligne.service for ligne in apres})),
    )


def calculer(chargee: GrilleChargee, proposee: grille_domaine.Grille, empreinte: str,
             periode: grille_domaine.Periode, mois: str, maintenant_: datetime,
             seuil: Decimal = SEUIL_PAR_DEFAUT) -> Impact:
    """The impact on `periode` (of the grid in force) for the month, under the proposed grid's
    period that starts the same day; DemandeInvalide when it has none or the month is wrong."""
    nouvelle = next((p for p in proposee.periodes if p.debut == periode.debut), None)
    if nouvelle is None:
        raise DemandeInvalide(f"la grille proposée n’a pas de période qui commence le "
                              f"{periode.debut:%d/%m/%Y}, comme « {periode.libelle} »")
    moment = lignes_tarifaires.moment_du_mois(periode, mois, maintenant_)
    population = lignes_tarifaires.charger(periode.debut)
    return comparer(periode, mois,
                    lignes_tarifaires.calculer(population, chargee.grille, periode, moment,
                                               chargee.sha256),
                    lignes_tarifaires.calculer(population, proposee, nouvelle, moment,
                                               empreinte),
                    seuil)


def mois_par_defaut(periode: grille_domaine.Periode, aujourd_hui: date) -> str:
    """The month an impact looks at: the current one in the period in force, else its first."""
    return f"{aujourd_hui if periode.couvre(aujourd_hui) else periode.debut:%Y-%m}"


def dans_les_periodes_ouvertes(chargee: GrilleChargee, proposee: grille_domaine.Grille,
                               empreinte: str, maintenant_: datetime,
                               seuil: Decimal = SEUIL_PAR_DEFAUT) -> list[Impact]:
    """The impact on each period families may enrol in today that both grids hold: the one
    in force, and next year's once it is entered."""
    aujourd_hui = maintenant_.date()
    debuts = {p.debut for p in proposee.periodes}
    return [calculer(chargee, proposee, empreinte, periode,
                     mois_par_defaut(periode, aujourd_hui), maintenant_, seuil)
            for periode in inscriptions.periodes_ouvertes(chargee.grille, aujourd_hui)
            if periode.debut in debuts]


def bilan_en_json(b: Bilan) -> dict:
    return {"familles": b.familles, "enfants": b.enfants, "hausses": b.hausses,
            "baisses": b.baisses, "inchanges": b.inchanges,
            "enfants_hausses": b.enfants_hausses, "enfants_baisses": b.enfants_baisses,
            "enfants_inchanges": b.enfants_inchanges,
            "recette_mensuelle_avant": formater_montant(b.recette_mensuelle_avant),
            "recette_mensuelle_apres": formater_montant(b.recette_mensuelle_apres)}


def _variation_en_json(v: Variation) -> dict:
    return {"foyer": v.foyer, "avant": formater_montant(v.avant),
            "apres": formater_montant(v.apres), "ecart": formater_montant(v.ecart)}


def en_json(impact: Impact, avant: str, apres: str) -> dict:
    """The command line's object: the totals' keys at the top, the same per service code."""
    return {"periode": impact.periode.libelle, "periode_debut": impact.periode.debut.isoformat(),
            "mois": impact.mois, "version_avant": avant, "version_apres": apres,
            **bilan_en_json(impact.total),
            "mediane": formater_montant(impact.mediane),
            "plus_fortes_hausses": [_variation_en_json(v) for v in impact.plus_fortes_hausses],
            "seuil": formater_montant(impact.seuil),
            "au_dela_du_seuil": [_variation_en_json(v) for v in impact.au_dela_du_seuil],
            "services_retires": list(impact.services_retires),
            "par_service": {code: bilan_en_json(b) for code, b in impact.par_service.items()}}


def _euros(x: Decimal) -> str:
    return f"{formater_montant(x)} €"


def _signe(x: Decimal) -> str:
    return f"+{_euros(x)}" if x > 0 else _euros(x)


def _ligne_bilan(nom: str, b: Bilan) -> str:
    return (f"{nom} : {b.familles} familles, {b.enfants} enfants ; familles en hausse "
            f"{b.hausses}, en baisse {b.baisses}, inchangées {b.inchanges} ; recette "
            f"mensuelle {_euros(b.recette_mensuelle_avant)} → "
            f"{_euros(b.recette_mensuelle_apres)} ({_signe(b.ecart)})")


def en_texte(impact: Impact) -> list[str]:
    """The command line's report without --json, in French."""
    t = impact.total
    lignes = [f"{impact.periode.libelle}, mois {impact.mois} (estimation : prix × jours par "
              f"semaine × 4)",
              _ligne_bilan("Total", t),
              f"Enfants en hausse {t.enfants_hausses}, en baisse {t.enfants_baisses}, "
              f"inchangés {t.enfants_inchanges} ; variation médiane par famille "
              f"{_signe(impact.mediane)} par mois"]
    lignes += [_ligne_bilan(f"  {code}", b) for code, b in impact.par_service.items()]
    if impact.services_retires:
        lignes.append("Services inscrits que la grille proposée ne tarife plus : "
                      + ", ".join(impact.services_retires))
    if impact.plus_fortes_hausses:
        lignes.append("Plus fortes hausses :")
        lignes += [f"  {v.foyer} : {_euros(v.avant)} → {_euros(v.apres)} ({_signe(v.ecart)})"
                   for v in impact.plus_fortes_hausses]
    lignes.append(f"Familles dont l’estimation change de plus de {_euros(impact.seuil)} : "
                  f"{len(impact.au_dela_du_seuil)}")
    return lignes
