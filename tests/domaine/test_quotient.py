from decimal import Decimal

import pytest

from portail_famille.domaine.quotient import QuotientIncalculable
from portail_famille.domaine.quotient import quotient_municipal
from portail_famille.domaine.quotient import quotient_retenu


@pytest.mark.parametrize(
    ("rfr", "parts", "attendu"),
    [
        (37760, "2.5", "1258.67"),  # tarifs.md §1
        (44000, "2.75", "1333.33"),
        (61250, "4", "1276.04"),
        (37500, "2.5", "1250.00"),
        (0, "1", "0.00"),
        (Decimal("12.06"), "1", "1.01"),  # exactly 1.005: half-up, not to even
        (1, "3", "0.03"),
        (10**12, "1", "83333333333.33"),
    ],
)
def test_quotient_municipal(rfr, parts, attendu):
    qf = quotient_municipal(rfr, Decimal(parts))
    assert type(qf) is Decimal
    assert str(qf) == attendu


def test_quotient_municipal_arrondi_une_seule_fois():
    # Rounding RFR / 12 to the cent first would give 55.55 (1000 / 12 = 83.33; 83.33 / 1.5).
    assert quotient_municipal(1000, Decimal("1.5")) == Decimal("55.56")
    assert quotient_municipal(1001, Decimal(4)) == Decimal("20.85")  # not 83.42 / 4 = 20.86


@pytest.mark.parametrize(
    ("rfr", "parts", "fragment"),
    [
        (-1, Decimal(1), "revenu fiscal de référence invalide"),
        (Decimal("NaN"), Decimal(1), "revenu fiscal de référence invalide"),
        (Decimal("Infinity"), Decimal(1), "revenu fiscal de référence invalide"),
        (1000, Decimal(0), "nombre de parts invalide"),
        (1000, Decimal("-1"), "nombre de parts invalide"),
        (Decimal("1E+70"), Decimal(1), "quotient familial démesuré"),
        (1000, Decimal("NaN"), "nombre de parts invalide"),
    ],
)
def test_quotient_incalculable(rfr, parts, fragment):
    with pytest.raises(QuotientIncalculable, match=fragment):
        quotient_municipal(rfr, parts)


def test_quotient_incalculable_est_une_valueerror():
    assert issubclass(QuotientIncalculable, ValueError)


@pytest.mark.parametrize(("rfr", "parts"), [(37760.0, Decimal("2.5")), (37760, 2.5)])
def test_jamais_de_float(rfr, parts):
    with pytest.raises(TypeError, match="float"):
        quotient_municipal(rfr, parts)


@pytest.mark.parametrize(
    ("qf", "attendu"),
    [("400.005", "400.01"), ("400.004", "400.00"), ("0", "0.00"), ("1258.67", "1258.67"),
     ("1E+40", "10000000000000000000000000000000000000000.00")],
)
def test_quotient_retenu_au_centime(qf, attendu):
    assert str(quotient_retenu(Decimal(qf))) == attendu


def test_quotient_retenu_accepte_un_entier_caf():
    assert quotient_retenu(812) == Decimal("812.00")


@pytest.mark.parametrize("qf", [Decimal("-0.01"), Decimal("NaN"), Decimal("-Infinity"),
                                Decimal("1E+60"), Decimal("1E+999999")])
def test_quotient_retenu_refuse_negatif_ou_non_fini(qf):
    with pytest.raises(QuotientIncalculable):
        quotient_retenu(qf)


def test_quotient_retenu_refuse_un_float():
    with pytest.raises(TypeError):
        quotient_retenu(812.5)
