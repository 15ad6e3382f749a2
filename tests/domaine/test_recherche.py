"""Reading the back office's search box, without the app."""

from datetime import date

import pytest

from portail_famille.domaine import recherche


def test_mots_normalises_dates_codes_et_numeros():
    criteres = recherche.lire("Hélène d’Artagnan-Lefèvre 14/02/2016 35000 F-000042 7")
    assert criteres.mots == ("HELENE", "D", "ARTAGNAN", "LEFEVRE")
    assert criteres.date_naissance == date(2016, 2, 14)
    assert criteres.cinq_chiffres == ("35000",)
    assert criteres.numeros == (42, 7)
    assert criteres.personne


def test_numero_formate_et_relu():
    assert recherche.formater_numero(42) == "F-000042"
    assert recherche.lire(recherche.formater_numero(1234567)).numeros == (1234567,)
    assert not recherche.lire("f42").personne


@pytest.mark.parametrize("texte", ["30/02/2020", "2020-02-14", "1/2", "", "  ", "'-’",
                                   "01/01/2000 02/02/2000"])
def test_refus(texte):
    with pytest.raises(recherche.RechercheInvalide):
        recherche.lire(texte)
