"""The class usual for a child's age and the school days, without the app."""

from datetime import date

import pytest

from portail_famille.domaine import scolarite


@pytest.mark.parametrize(("aujourd_hui", "rentree", "avant"), [
    (date(2026, 12, 2), 2026, False), (date(2027, 3, 1), 2026, False),
    (date(2027, 7, 15), 2027, True), (date(2027, 9, 2), 2027, False),
])
def test_annee_de_la_rentree(aujourd_hui, rentree, avant):
    assert scolarite.annee_de_la_rentree(aujourd_hui) == rentree
    assert scolarite.avant_la_rentree(aujourd_hui) is avant


@pytest.mark.parametrize(("naissance", "attendus"), [
    (date(2026, 11, 30), ("non_scolarise",)),  # two days old
    (date(2024, 5, 1), ("non_scolarise", "tps")),
    (date(2023, 12, 31), ("ps",)),
    (date(2020, 1, 1), ("cp",)),
    (date(2016, 6, 1), ("cm2",)),
    (date(2012, 6, 1), ("autre",)),
])
def test_niveaux_attendus_a_la_rentree_2026(naissance, attendus):
    assert scolarite.niveaux_attendus(naissance, 2026) == attendus


def test_inhabituel():
    assert scolarite.inhabituel("cp", date(2026, 11, 30), 2026)
    assert scolarite.inhabituel("ce1", date(2020, 1, 1), 2026)  # a year skipped: to confirm
    assert not scolarite.inhabituel("cp", date(2020, 12, 31), 2026)


def test_jours_de_classe():
    feries = {date(2026, 12, 25)}
    assert scolarite.jour_de_classe(date(2026, 12, 2), feries)
    assert not scolarite.jour_de_classe(date(2026, 12, 5), feries)  # a Saturday
    assert not scolarite.jour_de_classe(date(2026, 12, 25), feries)
    assert scolarite.prochain_jour_de_classe(date(2026, 12, 25), feries) == date(2026, 12, 28)
