"""Where a household lives for the tariff (tarifs.md §2–§3), without the app."""

import pytest

from portail_famille.domaine import residence
from portail_famille.domaine.grille import CodePostal

LYON = (CodePostal("69001"), CodePostal("69002"),
        CodePostal("69250", ("Neuville-sur-Saône", "Montanay")))


def test_sans_codes_postaux_la_famille_declare_sinon_hors_commune():
    assert residence.decider(None, "69002", "Lyon", None) == residence.INCONNUE
    assert residence.INCONNUE.hors_commune
    assert residence.decider(None, "", "", True) == residence.Residence(True, True, "declaration")
    assert residence.decider(None, "", "", False).hors_commune


@pytest.mark.parametrize(("code", "commune", "dans"), [
    ("69002", "Lyon", True),
    ("69002", "Lyon 2e", True),  # the postcode alone decides when it is the commune's only
    ("35000", "Lyon", False),  # Rennes, whatever the family writes as commune
    ("69250", "Neuville sur Saone", True),  # a shared postcode: the listed communes only
    ("69250", "NEUVILLE-SUR-SAÔNE", True),
    ("69250", "Fleurieu-sur-Saône", False),
])
def test_l_adresse_decide_quand_la_grille_nomme_ses_codes_postaux(code, commune, dans):
    decidee = residence.decider(LYON, code, commune, declaree=not dans)
    assert decidee == residence.Residence(True, dans, "adresse")


def test_sans_adresse_la_residence_reste_inconnue():
    assert residence.decider(LYON, "", "", declaree=True) == residence.INCONNUE


@pytest.mark.parametrize(("saisi", "valide"), [
    ("69 002", True), ("69002", True), ("20000", True), ("97411", True), ("98000", True),
    ("00000", False), ("99000", False), ("6900", False), ("690021", False), ("69O02", False),
])
def test_code_postal(saisi, valide):
    assert residence.code_postal_valide(residence.normaliser_code_postal(saisi)) is valide


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
