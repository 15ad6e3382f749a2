"""The price of a service for one family, with the reasons a family or an agent can read."""

from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import localcontext

from portail_famille.domaine.grille import Majoration
from portail_famille.domaine.grille import Periode
from portail_famille.domaine.grille import Service
from portail_famille.domaine.montants import CONTEXTE_EXACT
from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.montants import formater_montant
from portail_famille.domaine.montants import formater_tel_quel
from portail_famille.domaine.quotient import quotient_retenu

REGLE_BAREME = "bareme"
REGLE_SANS_QUOTIENT = "sans_quotient"
REGLE_HORS_COMMUNE = "hors_commune"
REGLE_DECISION = "decision_mairie"
# A typical month, for the estimate only: four weeks of the days the child attends.
SEMAINES_PAR_MOIS = 4


@dataclass(frozen=True)
class Decision:
    """A price the town hall set outside the grid for one child and service (a CCAS social
    decision): it replaces the grid's from `decide_le` to `fin`, its last day."""

    prix: Decimal
    motif: str
    decide_le: datetime
    fin: date


@dataclass(frozen=True)
class Tarif:
    """A computed price: `explication` in one line, `etapes` for a « Pourquoi ce tarif ? » panel."""

    prix: Decimal
    explication: str
    etapes: tuple[str, ...]
    tranche: int | None
    regle: str
    reduction_pourcent: Decimal
    prix_de_base: Decimal  # before the non-resident rule and the sibling reduction
    qf: Decimal | None  # the QF used, to the cent; None without a valid QF
    # Set when the town hall's decision replaced the grid's price (`prix_de_grille` then).
    decision: Decision | None = None
    prix_de_grille: Decimal | None = None


class ServiceIntrouvable(LookupError):
    """The period has no service with this code."""


def calculer_tarif(periode: Periode, code_service: str, qf: Decimal | None,
                   hors_commune: bool = False, rang: int = 1, expliquer: bool = True) -> Tarif:
    """The price of tarifs.md §3; raise ServiceIntrouvable, QuotientIncalculable or ValueError.

    Without `expliquer`, the same price without its words (`explication` and `etapes` empty):
    the billing export and the impact of a grid price a town, and read only the figures."""
    service = periode.services.get(code_service)
    if service is None:
        raise ServiceIntrouvable(
            f"le service « {code_service} » n’existe pas dans la période « {periode.libelle} »"
        )
    if rang < 1:
        raise ValueError(f"rang d’enfant invalide ({rang}) : l’aîné est le rang 1")
    etapes = []
    if qf is None:
        prix = arrondir(service.sans_quotient)
        tranche, regle, explication = None, REGLE_SANS_QUOTIENT, ""
        if expliquer:
            maximal = service.sans_quotient == service.bareme.prix_maximal()
            explication = (f"sans quotient familial : tarif {'maximal ' if maximal else ''}"
                           f"{formater_montant(prix)}")
            etapes.append(f"Pas de quotient familial valide : le tarif sans quotient "
                          f"s’applique, {_euros(prix)}"
                          f"{', le plus élevé du barème' if maximal else ''}.")
    else:
        qf = quotient_retenu(qf)
        prix, explication, tranche = service.bareme.prix_de_base(qf, expliquer)
        if expliquer:
            etapes += [f"Quotient familial retenu : {_euros(qf)}.",
                       f"{service.bareme.nom.capitalize()} : {explication}, "
                       f"soit {_euros(prix)}."]
        regle = REGLE_BAREME
    prix_de_base = prix
    if hors_commune:
        prix, suffixe, etape = _hors_commune(service, prix, expliquer)
        explication += suffixe
        if expliquer:
            etapes.append(etape)
        regle = REGLE_HORS_COMMUNE
    pourcent = Decimal(0)
    reduction = periode.reduction_fratrie
    if reduction is not None and code_service in reduction.services:
        pourcent = reduction.pourcentage(rang)
    if pourcent:
        avant = prix
        with localcontext(CONTEXTE_EXACT):
            prix = arrondir(prix * (100 - pourcent) / 100)
        if expliquer:
            explication += f" ; rang {rang} : −{formater_tel_quel(pourcent)} %"
            etapes.append(f"Réduction fratrie, enfant de rang {rang} : "
                          f"−{formater_tel_quel(pourcent)} %, {_euros(avant)} devient "
                          f"{_euros(prix)}.")
    elif rang > 1 and expliquer:
        etapes.append(f"Pas de réduction fratrie pour un enfant de rang {rang} à ce service.")
    return Tarif(prix, explication, tuple(etapes), tranche, regle, pourcent, prix_de_base, qf)


def appliquer_decision(tarif: Tarif, decision: Decision) -> Tarif:
    """The price decided by the town hall instead of the grid's; the grid's stays known, and
    the one-line explanation says who set it."""
    prix = arrondir(decision.prix)
    return replace(tarif, prix=prix, regle=REGLE_DECISION, decision=decision,
                   prix_de_grille=tarif.prix,
                   explication=f"{tarif.explication} ; tarif fixé par la mairie : "
                               f"{formater_montant(prix)}")


def estimer_mois(prix: Decimal, jours_par_semaine: int) -> Decimal:
    """A typical month's cost: price × days a week × 4 (an estimate, not an invoice)."""
    return prix * jours_par_semaine * SEMAINES_PAR_MOIS


def sans_quotient_le_plus_eleve(periodes) -> bool:
    """Whether, in every one of `periodes`, no family with a QF pays more than one without:
    only then may the sans_quotient price be called « le plus élevé ». A grid may set it lower
    than the top of the barème (tarifs.md §3)."""
    return all(service.sans_quotient >= service.bareme.prix_maximal()
               for periode in periodes for service in periode.services.values())


def _hors_commune(service: Service, prix: Decimal,
                  expliquer: bool) -> tuple[Decimal, str, str]:
    """The non-resident price, the suffix of the one-line explanation, and the detailed step
    (both empty without `expliquer`)."""
    regle = service.hors_commune
    if isinstance(regle, Majoration):
        with localcontext(CONTEXTE_EXACT):
            majore = arrondir(prix * (100 + regle.pourcent) / 100)
        if not expliquer:
            return majore, "", ""
        pourcent = formater_tel_quel(regle.pourcent)
        return (majore, f" ; hors commune +{pourcent} %",
                f"Famille domiciliée hors de la commune : +{pourcent} %, "
                f"{_euros(prix)} devient {_euros(majore)}.")
    if not expliquer:
        return arrondir(regle), "", ""
    origine = ("le tarif hors commune" if service.hors_commune_explicite
               else "le tarif sans quotient, faute de tarif hors commune propre au service,")
    return (arrondir(regle), f" ; hors commune : tarif {formater_montant(regle)}",
            f"Famille domiciliée hors de la commune : {origine} remplace le tarif calculé, "
            f"soit {_euros(regle)}.")


def _euros(x: Decimal) -> str:
    """An amount of the detailed steps, with its unit: `3.62 €` (a no-break space, so that the
    unit never starts a line). The one-line explication keeps bare amounts (tarifs.md §5)."""
    return f"{formater_montant(x)}\u00a0€"
