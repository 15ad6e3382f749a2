from decimal import Decimal

import pytest

from portail_famille.domaine.montants import CENTIME
from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.montants import formater_montant
from portail_famille.domaine.montants import formater_tel_quel


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        ("5.005", "5.01"),  # half-up, where the banker's rounding would give 5.00
        ("1.625", "1.63"),
        ("0.125", "0.13"),
        ("2.675", "2.68"),  # 2.675 as a float is 2.67499999…: proof that no float is involved
        ("5.0049999999", "5.00"),
        ("6.9", "6.90"),
        ("7", "7.00"),
        ("0", "0.00"),
        ("1258.666666666666666666666666666666", "1258.67"),
        ("123456789012345.995", "123456789012346.00"),
    ],
)
def test_arrondir_au_centime_superieur_a_mi_chemin(valeur, attendu):
    resultat = arrondir(Decimal(valeur))
    assert type(resultat) is Decimal
    assert str(resultat) == attendu
    assert resultat.as_tuple().exponent == -2


def test_centime():
    assert Decimal("0.01") == CENTIME


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [("6.9", "6.90"), ("0", "0.00"), ("1E+3", "1000.00"), ("0.005", "0.01"), ("12", "12.00")],
)
def test_formater_montant_avec_deux_decimales(valeur, attendu):
    assert formater_montant(Decimal(valeur)) == attendu


@pytest.mark.parametrize(("valeur", "attendu"), [("800", "800"), ("400.50", "400.50"),
                                                 ("8E+2", "800"), ("0.36", "0.36")])
def test_formater_tel_quel_garde_les_decimales_ecrites(valeur, attendu):
    assert formater_tel_quel(Decimal(valeur)) == attendu
