"""The sibling rank of tarifs.md §3 from plain values, without the app."""

from datetime import date

from portail_famille.domaine import fratrie

AINE, CADET, BENJAMIN = (1, date(2015, 3, 1)), (2, date(2017, 6, 1)), (3, date(2020, 1, 1))


def test_rang_par_date_de_naissance_parmi_les_inscrits():
    rangs = fratrie.rangs([BENJAMIN, AINE, CADET], {1, 2, 3})
    assert {i: r.rang for i, r in rangs.items()} == {1: 1, 2: 2, 3: 3}
    assert rangs[3].aines == (1, 2)


def test_un_enfant_non_inscrit_ne_compte_pas_mais_recoit_son_rang_futur():
    rangs = fratrie.rangs([AINE, CADET, BENJAMIN], {2, 3})
    assert rangs[1].rang == 1  # not enrolled: the rank it would have
    assert rangs[2].rang == 1 and rangs[3].rang == 2


def test_jumeaux_ranges_dans_l_ordre_de_leurs_fiches():
    jumeau_b, jumeau_a = (8, date(2018, 5, 5)), (5, date(2018, 5, 5))
    rangs = fratrie.rangs([jumeau_b, jumeau_a], {5, 8})
    assert (rangs[5].rang, rangs[8].rang) == (1, 2)
    assert rangs[8].aines == (5,)
