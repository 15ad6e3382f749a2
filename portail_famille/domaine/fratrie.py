"""The sibling rank of tarifs.md §3, from plain values: each child's id and birth date."""

from collections.abc import Collection
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Rang:
    """A child's rank in a service (1 = the eldest enrolled) and the elder siblings it counts."""

    rang: int
    aines: tuple[int, ...]


def rangs(enfants: Iterable[tuple[int, date]], inscrits: Collection[int]) -> dict[int, Rang]:
    """Each child's rank among the household's children enrolled in one service and period.

    `enfants` are (id, birth date); `inscrits` the ids enrolled there (not cancelled). Ranked by
    birth date, eldest = 1. Children born the same day (twins) have no elder: they are ranked in
    the order their records were created (the id), so that the ranks never change from one page
    to the next and the household pays the same total whichever twin comes first. A child not
    enrolled gets the rank it would have once enrolled.
    """
    resultat = {}
    aines: list[int] = []
    for identifiant, _naissance in sorted(enfants, key=lambda enfant: (enfant[1], enfant[0])):
        resultat[identifiant] = Rang(len(aines) + 1, tuple(aines))
        if identifiant in inscrits:
            aines.append(identifiant)
    return resultat
