"""Comparing people across sources (securite.md A6), without the app."""

from datetime import date

import pytest

from portail_famille.domaine import identite
from portail_famille.domaine.identite import Personne

ANGELA = Personne("DUBOIS", "Angela Claire Louise", "1962-08-24")


@pytest.mark.parametrize("ecrit", [
    "d'Artagnan-Lefèvre", "D’ARTAGNAN LEFEVRE", "d’artagnan lefèvre", "D ARTAGNAN-LEFEVRE",
    "  d'Artagnan   Lefèvre ",
])
def test_une_seule_normalisation_plie_les_deux_apostrophes_et_les_traits_d_union(ecrit):
    assert identite.normaliser(ecrit) == "D ARTAGNAN LEFEVRE"


def test_les_ligatures_ne_disparaissent_pas():
    assert identite.normaliser("Cœur-Lætitia") == "COEUR LAETITIA"
    assert identite.normaliser("CŒUR") != identite.normaliser("CUR")


def test_premier_prenom():
    assert identite.premier_prenom("Anne-Laure Marie") == "ANNE"
    assert identite.premier_prenom(None) == ""


@pytest.mark.parametrize(("connue", "autre", "concorde"), [
    ("1962-08-24", "1962-08-24", True),
    ("1962-08-24", "1962-00-00", True),
    ("1962-08-24", "1962-08-00", True),
    ("1962-08-24", "1962-09-24", False),
    ("1962-08-24", "1963-00-00", False),
    ("1962-08-24", None, False),
    ("1962-08-24", "24/08/1962", False),
])
def test_date_concorde(connue, autre, concorde):
    assert identite.date_concorde(connue, autre) is concorde


def test_est_parmi_sur_nom_premier_prenom_et_date():
    assert identite.est_parmi(ANGELA, [Personne("MERCIER", "Pierre", "1969-03-17"),
                                       Personne("Dubois", "ANGELA", "1962-00-00")])
    assert not identite.est_parmi(ANGELA, [Personne("DUBOIS", "Claire", "1962-08-24")])
    assert not identite.est_parmi(ANGELA, [Personne("DUBOIS", "Angela", "1962-08-25")])
    assert not identite.est_parmi(ANGELA, [])


def test_est_parmi_avec_l_apostrophe_du_telephone_et_celle_du_clavier():
    connue = Personne("N’DIAYE", "Aïssatou", "1990-01-02")
    assert identite.est_parmi(connue, [Personne("N'DIAYE", "AISSATOU", "1990-01-02")])
    assert identite.est_parmi(Personne("N'DIAYE", "Aïssatou", "1990-01-02"),
                              [Personne("N’DIAYE", "AISSATOU", "1990-01-02")])


@pytest.mark.parametrize(("texte", "attendu"), [
    ("2016-02-14", (date(2016, 2, 14), None)),
    ("2019-00-00", (None, 2019)),
    ("0000-00-00", (None, None)),
    ("", (None, None)),
    (None, (None, None)),
    ("abcd-00-00", (None, None)),
])
def test_date_partielle(texte, attendu):
    assert identite.date_partielle(texte) == attendu
