"""The impact of a proposed grid before it is saved (issue 11.4): who pays more, who pays
less, and what it does to the monthly receipts.

The billing export's lines (`lignes_tarifaires`) of the real households and active enrolments
are priced twice, under the grid in force and under the proposed one, from one fetch: the
impact's totals are, by construction, the sums of the export's lines under each grid. A month
is the « Mes tarifs » estimate (price × days a week × 4).
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from decimal import ROUND_HALF_UP
from decimal import Decimal

from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine import recherche
from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.montants import formater_montant
from portail_famille.domaine.tarification import estimer_mois
from portail_famille.services import inscriptions
from portail_famille.services import lignes_tarifaires
from portail_famille.services.grilles import GrilleChargee
from portail_famille.services.lignes_tarifaires import DemandeInvalide

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
    avant: Decimal
    apres: Decimal

    @property
    def foyer(self) -> str:
        return recherche.formater_numero(self.famille_id)

    @property
    def ecart(self) -> Decimal:
        return self.apres - self.avant


@dataclass
class Sommes:
    """Monthly estimates summed by household and by child."""

    familles: dict[int, Decimal] = field(default_factory=dict)
    enfants: dict[int, Decimal] = field(default_factory=dict)

    def ajouter(self, famille_id: int, enfant_id: int, mensuel: Decimal) -> None:
        self.familles[famille_id] = self.familles.get(famille_id, ZERO) + mensuel
        self.enfants[enfant_id] = self.enfants.get(enfant_id, ZERO) + mensuel


@dataclass
class SommesDeLaGrille:
    """The export's lines under one grid, summed in total and per service code."""

    total: Sommes = field(default_factory=Sommes)
    par_service: dict[str, Sommes] = field(default_factory=dict)

    def ajouter(self, famille_id: int, enfant_id: int, service: str, mensuel: Decimal) -> None:
        self.total.ajouter(famille_id, enfant_id, mensuel)
        self.par_service.setdefault(service, Sommes()).ajouter(famille_id, enfant_id, mensuel)


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


def _sens(avant: dict, apres: dict) -> tuple[int, int, int]:
    """How many keys of `avant` ∪ `apres` rise, fall, stay (a missing sum counts as zero)."""
    hausses = baisses = 0
    cles = avant.keys() | apres.keys()
    for cle in cles:
        ecart = apres.get(cle, ZERO) - avant.get(cle, ZERO)
        hausses += ecart > 0
        baisses += ecart < 0
    return hausses, baisses, len(cles) - hausses - baisses


def bilan(avant: Sommes, apres: Sommes) -> Bilan:
    hausses, baisses, inchanges = _sens(avant.familles, apres.familles)
    enfants_hausses, enfants_baisses, enfants_inchanges = _sens(avant.enfants, apres.enfants)
    return Bilan(len(avant.familles.keys() | apres.familles.keys()),
                 len(avant.enfants.keys() | apres.enfants.keys()), hausses, baisses, inchanges,
                 enfants_hausses, enfants_baisses, enfants_inchanges,
                 sum(avant.familles.values(), ZERO), sum(apres.familles.values(), ZERO))


def mediane(valeurs: list[Decimal]) -> Decimal:
    """The median, to the cent (half-up); zero for no value."""
    if not valeurs:
        return ZERO
    triees = sorted(valeurs)
    milieu = len(triees) // 2
    if len(triees) % 2:
        return arrondir(triees[milieu])
    return ((triees[milieu - 1] + triees[milieu]) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)


def comparer(periode: grille_domaine.Periode, mois: str, avant: SommesDeLaGrille,
             apres: SommesDeLaGrille, seuil: Decimal) -> Impact:
    """The impact from the export's lines summed under each grid (pure: no query)."""
    variations = [Variation(famille_id, avant.total.familles.get(famille_id, ZERO),
                            apres.total.familles.get(famille_id, ZERO))
                  for famille_id in sorted(avant.total.familles.keys()
                                           | apres.total.familles.keys())]
    # A service only one grid prices counts as zero under the other.
    par_service = {code: bilan(avant.par_service.get(code, Sommes()),
                               apres.par_service.get(code, Sommes()))
                   for code in dict.fromkeys([*avant.par_service, *apres.par_service])}
    hausses = sorted((v for v in variations if v.ecart > 0), key=lambda v: (-v.ecart,
                                                                            v.famille_id))
    return Impact(
        periode=periode, mois=mois,
        total=bilan(avant.total, apres.total),
        par_service=par_service, mediane=mediane([v.ecart for v in variations]),
        plus_fortes_hausses=tuple(hausses[:PLUS_FORTES]), seuil=seuil,
        au_dela_du_seuil=tuple(sorted((v for v in variations if abs(v.ecart) > seuil),
                                      key=lambda v: (-abs(v.ecart), v.famille_id))),
        ecarts=tuple(v.ecart for v in variations),
        services_retires=tuple(sorted(avant.par_service.keys() - apres.par_service.keys())),
    )


def _sommes(situations: list[lignes_tarifaires.Situation], periode: grille_domaine.Periode,
            moment: lignes_tarifaires.Moment) -> SommesDeLaGrille:
    """The export's lines under one grid, summed as they are priced: a town's worth of `Ligne`
    is not built for the totals."""
    sommes = SommesDeLaGrille()
    for situation, tarif in lignes_tarifaires.tarifer(situations, periode, moment):
        inscrite = situation.inscrite
        sommes.ajouter(inscrite.famille_id, inscrite.enfant_id, inscrite.service,
                       estimer_mois(tarif.prix, situation.jours_par_semaine))
    return sommes


def calculer(chargee: GrilleChargee, proposee: grille_domaine.Grille,
             periode: grille_domaine.Periode, mois: str, maintenant_: datetime,
             seuil: Decimal = SEUIL_PAR_DEFAUT) -> Impact:
    """The impact on `periode` (of the grid in force) for the month, under the proposed grid's
    period that starts the same day; DemandeInvalide when it has none or the month is wrong."""
    nouvelle = next((p for p in proposee.periodes if p.debut == periode.debut), None)
    if nouvelle is None:
        raise DemandeInvalide(f"la grille proposée n’a pas de période qui commence le "
                              f"{periode.debut:%d/%m/%Y}, comme « {periode.libelle} »")
    moment = lignes_tarifaires.moment_du_mois(periode, mois, maintenant_)
    population = lignes_tarifaires.charger(periode)
    avant = lignes_tarifaires.situations(population, chargee.grille, moment)
    # Most new grids change prices, not whose QF counts or who lives in the commune.
    apres = (avant if lignes_tarifaires.regles(proposee) == lignes_tarifaires.regles(
        chargee.grille) else lignes_tarifaires.situations(population, proposee, moment))
    return comparer(periode, mois, _sommes(avant, periode, moment),
                    _sommes(apres, nouvelle, moment), seuil)


def mois_par_defaut(periode: grille_domaine.Periode, aujourd_hui: date) -> str:
    """The month an impact looks at: the current one in the period in force, else its first."""
    return f"{aujourd_hui if periode.couvre(aujourd_hui) else periode.debut:%Y-%m}"


def dans_les_periodes_ouvertes(chargee: GrilleChargee, proposee: grille_domaine.Grille,
                               maintenant_: datetime,
                               seuil: Decimal = SEUIL_PAR_DEFAUT) -> list[Impact]:
    """The impact on each period families may enrol in today that both grids hold: the one
    in force, and next year's once it is entered."""
    aujourd_hui = maintenant_.date()
    debuts = {p.debut for p in proposee.periodes}
    return [calculer(chargee, proposee, periode,
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
