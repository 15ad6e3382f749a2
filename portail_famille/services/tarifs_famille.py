"""« Mes tarifs »: the price of each child in each service, for the period in force and the
next one when the grid already holds it, with everything needed to explain it.

The inputs are the ones `flask tarifs simuler` takes (tarifs.md §5): the QF that counts today
(services.quotients), the household's residence, and the child's sibling rank.
"""

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal

from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine import tarification
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import TarifDecide
from portail_famille.services import corrections
from portail_famille.services import foyers
from portail_famille.services import inscriptions
from portail_famille.services import quotients


@dataclass(frozen=True)
class Correction:
    """What the family can do to pay the right price, and the page where it does it."""

    texte: str
    lien: str
    libelle: str


@dataclass(frozen=True)
class Liens:
    """The pages the corrections point to, given by the view (services build no URL)."""

    quotient: str
    foyer: str


@dataclass(frozen=True)
class PrixService:
    """One child's price in one service, and what it rests on."""

    code: str
    service: grille_domaine.Service
    tarif: tarification.Tarif
    rang: int
    aines: tuple[Enfant, ...]  # the siblings ranked before, enrolled in the same service
    jumeaux: tuple[Enfant, ...]  # those of `aines` born the same day, ranked before by record
    fratrie: bool  # whether the period grants a sibling reduction in this service
    inscription: Inscription | None
    estimation_mensuelle: Decimal | None  # price × days a week × 4, for a current enrolment


@dataclass(frozen=True)
class TarifsEnfant:
    enfant: Enfant
    prix: tuple[PrixService, ...]


@dataclass(frozen=True)
class TarifsPeriode:
    periode: grille_domaine.Periode
    en_vigueur: bool
    # The QF as it counts for this period: today for the one in force, on its first day for
    # one to come (a QF valid today may have expired by then).
    etat: quotients.EtatQuotient
    expire_avant_le_debut: bool  # valid today, expired on the period's first day
    enfants: tuple[TarifsEnfant, ...]


@dataclass(frozen=True)
class TarifsFoyer:
    """Every price of the household, and the situation they all follow from."""

    etat: quotients.EtatQuotient
    hors_commune: bool
    residence_declaree: bool
    # Why the highest price may apply, and how to fix it: None when there is nothing to fix.
    correction_quotient: Correction | None
    correction_residence: Correction | None
    periodes: tuple[TarifsPeriode, ...]


def est_hors_commune(famille: Famille, grille: grille_domaine.Grille) -> bool:
    """Whether the grid's hors_commune rule applies to the household: unless it is known to
    live in the commune, it does (`domaine.residence`)."""
    return foyers.residence_du_foyer(famille, grille).hors_commune


def sans_quotient_le_plus_eleve(grille: grille_domaine.Grille, aujourd_hui: date) -> bool:
    """Whether the pages may call the sans_quotient price « le plus élevé » in the periods
    open today (`domaine.tarification`)."""
    return tarification.sans_quotient_le_plus_eleve(
        inscriptions.periodes_ouvertes(grille, aujourd_hui))


def _correction_quotient(etat: quotients.EtatQuotient, liens: Liens) -> Correction | None:
    if etat.qf is not None:
        return None
    return Correction("Transmettez votre quotient familial (avec FranceConnect, votre numéro "
                      "fiscal ou un justificatif) : vos tarifs seront calculés d’après vos "
                      "revenus.", liens.quotient, "Transmettre mon quotient familial")


def _correction_residence(connue: bool, liens: Liens, commune: str) -> Correction | None:
    if connue:
        return None
    return Correction(f"Indiquez votre adresse : tant que nous ne savons pas si vous habitez "
                      f"{commune}, le tarif hors commune s’applique.", liens.foyer,
                      "Indiquer mon adresse")


def tarif_de(periode: grille_domaine.Periode, code: str, enfant_id: int, qf: Decimal | None,
             hors_commune: bool, rang: int, decisions: list[TarifDecide], le: date,
             calculer=tarification.calculer_tarif) -> tarification.Tarif:
    """One child's price in one service on `le`: the grid's, unless the town hall decided
    another (a CCAS decision), which replaces it here only. The family's pages, the agents'
    file, the billing export and the impact of a new grid all price through here; the last
    two pass `calculer_tarif` memoized, as a town holds thousands of identical situations."""
    tarif = calculer(periode, code, qf, hors_commune=hors_commune, rang=rang)
    decision = corrections.decision_en_vigueur(decisions, enfant_id, code, le)
    return tarif if decision is None else tarification.appliquer_decision(tarif, decision)


def _tarifer(periode: grille_domaine.Periode, enfants: list[Enfant],
             inscrites: list[Inscription], qf: Decimal | None, hors_commune: bool,
             decisions: list[TarifDecide], le: date) -> tuple[TarifsEnfant, ...]:
    rangs = {code: inscriptions.rangs_dans_la_fratrie(enfants, inscrites, code, periode.debut)
             for code in periode.services}
    fratrie = periode.reduction_fratrie
    resultat = []
    for concerne in enfants:
        prix = []
        for code, service in periode.services.items():
            rang, aines = rangs[code][concerne.id]
            tarif = tarif_de(periode, code, concerne.id, qf, hors_commune, rang, decisions, le)
            inscrite = next((i for i in inscrites if i.enfant_id == concerne.id
                             and i.service == code and i.periode_debut == periode.debut
                             and i.active), None)
            estimation = None if inscrite is None else tarification.estimer_mois(
                tarif.prix, len(inscrite.liste_jours))
            jumeaux = tuple(a for a in aines if a.date_naissance == concerne.date_naissance)
            prix.append(PrixService(code, service, tarif, rang, tuple(aines), jumeaux,
                                    fratrie is not None and code in fratrie.services,
                                    inscrite, estimation))
        # The services the child attends first: they are what the family pays.
        prix.sort(key=lambda p: p.inscription is None)
        resultat.append(TarifsEnfant(concerne, tuple(prix)))
    return tuple(resultat)


def tarifs_du_foyer(famille: Famille, grille: grille_domaine.Grille,
                    etat: quotients.EtatQuotient, aujourd_hui: date, liens: Liens) -> TarifsFoyer:
    """Price every child of the household in every service of the open periods.

    Without a valid QF the grid's sans_quotient price applies (R2); until the family says
    where it lives, the hors_commune rule applies: neither is ever quietly cheaper. A period
    to come is priced with the QF, and the town hall's decisions, that will count on its
    first day.
    """
    residence = foyers.residence_du_foyer(famille, grille)
    hors_commune = residence.hors_commune
    enfants = foyers.lister_enfants(famille.id)
    inscrites = inscriptions.lister_inscriptions(famille.id)
    decisions = corrections.lister_tarifs_decides(famille.id)

    def bloc(periode: grille_domaine.Periode) -> TarifsPeriode:
        en_vigueur = periode.couvre(aujourd_hui)
        etat_periode = etat if en_vigueur else quotients.etat_quotient(
            famille, grille.sources, grille.validite_mois,
            datetime.combine(periode.debut, time(), UTC))
        return TarifsPeriode(
            periode, en_vigueur, etat_periode,
            etat.qf is not None and etat_periode.raison == "perime",
            _tarifer(periode, enfants, inscrites, etat_periode.qf, hors_commune, decisions,
                     aujourd_hui if en_vigueur else periode.debut))

    return TarifsFoyer(
        etat=etat,
        hors_commune=hors_commune,
        residence_declaree=residence.connue,
        correction_quotient=_correction_quotient(etat, liens),
        correction_residence=_correction_residence(residence.connue, liens, grille.commune),
        periodes=tuple(map(bloc, inscriptions.periodes_ouvertes(grille, aujourd_hui))),
    )
