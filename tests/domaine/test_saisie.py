"""Arguments typed as text (command line, JSON API), without the app."""

from datetime import date
from decimal import Decimal

import pytest

from portail_famille.domaine import saisie
from portail_famille.domaine.quotient import QuotientIncalculable


def test_un_seul_des_trois():
    assert saisie.lire_qf(qf="1258.674") == Decimal("1258.67")
    assert saisie.lire_qf(rfr="37760", parts="2.5") == Decimal("1258.67")
    assert saisie.lire_qf(sans_quotient=True) is None
    for arguments in ({}, {"qf": "1", "sans_quotient": True}, {"qf": "1", "rfr": "2"},
                      {"rfr": "37760"}):
        with pytest.raises(ValueError, match=r"[a-z]"):
            saisie.lire_qf(**arguments)


@pytest.mark.parametrize("texte", ["-1", "abc", "NaN", "Infinity"])
def test_qf_invalides(texte):
    with pytest.raises(ValueError):
        saisie.lire_qf(qf=texte)


def test_revenus_demesures():
    with pytest.raises(QuotientIncalculable):
        saisie.lire_qf(rfr="1e999999", parts="1e-999999")


def test_date_et_rang():
    assert saisie.lire_date("", date(2026, 1, 1)) == date(2026, 1, 1)
    assert saisie.lire_date("2026-09-01", date(2026, 1, 1)) == date(2026, 9, 1)
    with pytest.raises(ValueError, match="AAAA-MM-JJ"):
        saisie.lire_date("01/09/2026", date(2026, 1, 1))
    assert saisie.lire_rang("3") == 3
    for texte in ("0", "-1", "1.5", "", "x"):
        with pytest.raises(ValueError):
            saisie.lire_rang(texte)
