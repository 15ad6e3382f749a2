"""The childcare tax credit (CGI art. 200 quater B) from plain values: what a household paid in a
calendar year for the care of its children under six on 1 January of that year, outside the home.

Only supervision counts: meals are excluded (BOI-IR-RICI-300), so the canteen's lines never enter,
whatever the invoice groups them with. Credit notes enter with their negative amount in the year
they were issued, as the payments they cancel did.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portail_famille.domaine.montants import arrondir


@dataclass(frozen=True)
class SommeVersee:
    """One paid invoice line (or credit-note line, negative) for one child and one service."""

    enfant_id: int
    naissance: date
    garde: bool  # the service is supervision (accueil du soir, mercredi), not a meal
    montant: Decimal
    versee_le: date


def moins_de_six_ans(naissance: date, annee: int) -> bool:
    """Under six on 1 January of `annee`: a child born on 1 January six years before is six."""
    return naissance > date(annee - 6, 1, 1)


def montants_par_enfant(sommes: Iterable[SommeVersee], annee: int) -> dict[int, Decimal]:
    """What was paid in `annee` for each eligible child, to the cent; children whose net is zero
    or less (everything credited back) are left out."""
    totaux: dict[int, Decimal] = defaultdict(Decimal)
    for somme in sommes:
        if somme.garde and somme.versee_le.year == annee \
                and moins_de_six_ans(somme.naissance, annee):
            totaux[somme.enfant_id] += somme.montant
    return {enfant: arrondir(total) for enfant, total in sorted(totaux.items()) if total > 0}
