"""The household's address read from the CAF and the hors_commune rule, without the app."""

from portail_famille.domaine import residence


def test_hors_commune_sauf_residence_connue():
    assert residence.hors_commune(None) is True
    assert residence.hors_commune(False) is True
    assert residence.hors_commune(True) is False


def test_lignes_de_la_caf():
    adresse = residence.depuis_lignes_caf({
        "numero_libelle_voie": "4 IMPASSE DES LILAS", "lieu_dit": "LE BOURG",
        "complement_information": "BAT B", "code_postal_ville": "69002 LYON"})
    assert adresse == residence.AdressePostale("4 IMPASSE DES LILAS", "BAT B LE BOURG", "69002",
                                               "LYON")
    assert residence.depuis_lignes_caf({"code_postal_ville": "LYON CEDEX"}).code_postal == ""
    assert residence.depuis_lignes_caf(None) is None


def test_meme_commune():
    assert residence.meme_commune("Villeneuve-sur-Test", "VILLENEUVE SUR TEST")
    assert not residence.meme_commune("Lyon", "Villeurbanne")
