"""The childcare tax credit's amounts (CGI art. 200 quater B), without the app."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portail_famille.domaine.frais_de_garde import SommeVersee
from portail_famille.domaine.frais_de_garde import moins_de_six_ans
from portail_famille.domaine.frais_de_garde import montants_par_enfant


def _somme(enfant=1, naissance=date(2021, 5, 4), garde=True, montant="10.00",
           versee_le=date(2026, 3, 10)):
    return SommeVersee(enfant, naissance, garde, Decimal(montant), versee_le)


def test_six_ans_le_premier_janvier_n_ouvre_plus_droit():
    assert moins_de_six_ans(date(2020, 1, 2), 2026)
    assert not moins_de_six_ans(date(2020, 1, 1), 2026)
    assert not moins_de_six_ans(date(2019, 12, 31), 2026)


def test_repas_exclus_annee_de_versement_et_age():
    sommes = [
        _somme(montant="30.50"),
        _somme(garde=False, montant="100.00"),  # the canteen
        _somme(versee_le=date(2025, 12, 31), montant="7.00"),  # paid the year before
        _somme(enfant=2, naissance=date(2019, 6, 1), montant="40.00"),  # six on 1 January
        _somme(enfant=3, naissance=date(2024, 2, 1), montant="12.345"),
    ]
    assert montants_par_enfant(sommes, 2026) == {1: Decimal("30.50"), 3: Decimal("12.35")}


def test_un_avoir_se_deduit_et_un_total_nul_disparait():
    sommes = [_somme(montant="20.00"), _somme(montant="-5.00"),
              _somme(enfant=2, montant="8.00"), _somme(enfant=2, montant="-8.00")]
    assert montants_par_enfant(sommes, 2026) == {1: Decimal("15.00")}


@given(st.lists(st.decimals(min_value=0, max_value=1000, places=2), max_size=20))
def test_le_total_est_la_somme_des_versements_de_garde(montants):
    sommes = [_somme(montant=str(m)) for m in montants]
    attendu = sum(montants, Decimal(0))
    assert montants_par_enfant(sommes, 2026).get(1, Decimal(0)) == attendu
