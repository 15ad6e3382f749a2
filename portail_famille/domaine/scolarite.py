"""School levels and school days: the checks a clerk makes of a child's class and of an
enrolment's first day."""

from collections.abc import Container
from datetime import date
from datetime import timedelta

# The classes in order; a child enters petite section the year it turns 3, CP the year it
# turns 6 (Code de l'éducation, L131-1 and D113-1). Toute petite section takes 2-year-olds.
NIVEAUX = ("non_scolarise", "tps", "ps", "ms", "gs", "cp", "ce1", "ce2", "cm1", "cm2", "autre")
AGE_DU_NIVEAU = {"tps": 2, "ps": 3, "ms": 4, "gs": 5, "cp": 6, "ce1": 7, "ce2": 8, "cm1": 9,
                 "cm2": 10}


def annee_de_la_rentree(aujourd_hui: date) -> int:
    """The year of the school year's start a class is asked for: this September from July on
    (« à la rentrée »), else the one of the school year under way."""
    return aujourd_hui.year if aujourd_hui.month >= 7 else aujourd_hui.year - 1


def avant_la_rentree(aujourd_hui: date) -> bool:
    """Whether the class asked is the one of the coming school year (July and August)."""
    return aujourd_hui.month in (7, 8)


def niveaux_attendus(naissance: date, rentree: int) -> tuple[str, ...]:
    """The classes a child born on `naissance` usually attends the school year starting in
    `rentree`: by the age it reaches that calendar year."""
    age = rentree - naissance.year
    if age <= 1:
        return ("non_scolarise",)
    if age == 2:
        return ("non_scolarise", "tps")
    if age >= 11:
        return ("autre",)
    return next((niveau,) for niveau, son_age in AGE_DU_NIVEAU.items()
                if son_age == age and niveau != "tps")


def inhabituel(niveau: str, naissance: date, rentree: int) -> bool:
    """Whether `niveau` is not a class usual at that age: a year skipped or repeated, or a
    typing mistake; the family confirms it and an agent checks it."""
    return niveau not in niveaux_attendus(naissance, rentree)


def prochain_jour_de_classe(jour: date, feries: Container[date]) -> date:
    """`jour` itself when it is a school day, else the next one."""
    while not jour_de_classe(jour, feries):
        jour += timedelta(days=1)
    return jour


def jour_de_classe(jour: date, feries: Container[date]) -> bool:
    """Monday to Friday, not one of the public holidays `feries` (the school holidays are the
    commune's calendar's to say)."""
    return jour.weekday() < 5 and jour not in feries
