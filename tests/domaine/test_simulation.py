"""The CLI's JSON object of tarifs.md §5 and the points of the price curves."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portail_famille.domaine.chargement import charger_fichier
from portail_famille.domaine.grille import BaremeLineaire
from portail_famille.domaine.grille import BaremeTauxEffort
from portail_famille.domaine.grille import BaremeTranches
from portail_famille.domaine.grille import PeriodeIntrouvable
from portail_famille.domaine.grille import Point
from portail_famille.domaine.grille import Tranche
from portail_famille.domaine.quotient import quotient_municipal
from portail_famille.domaine.simulation import comparer_baremes
from portail_famille.domaine.simulation import en_json
from portail_famille.domaine.simulation import points_de_courbe
from portail_famille.domaine.simulation import simuler

GRILLES = Path(__file__).parent / "grilles"
GRILLE = charger_fichier(GRILLES / "exemple.yaml")
RENTREE = date(2025, 9, 1)

D = Decimal


def test_simulation_de_tarifs_md_5_octet_pour_octet():
    simulation = simuler(GRILLE, RENTREE, quotient_municipal(37760, D("2.5")))
    assert en_json(simulation) == (
        '{"periode": "Année scolaire 2025-2026", "qf": "1258.67", "services": '
        '{"restauration_scolaire": {"libelle": "Restauration scolaire", "unite": "repas", '
        '"prix": "6.90", "explication": "QF 1258.67 > 800 : tranche 3"}, '
        '"accueil_soir": {"libelle": "Accueil du soir", "unite": "soir", "prix": "4.50", '
        '"explication": "QF 1258.67 × 0.36 % = 4.531212, ramené au plafond 4.50"}, '
        '"ateliers_mercredi": {"libelle": "Ateliers du mercredi", "unite": "demi-journée", '
        '"prix": "3.94", "explication": "QF 1258.67 entre 0 (1.05) et 2100 (5.88) : 3.94"}}}'
    )


def test_cles_dans_l_ordre_et_services_dans_l_ordre_du_fichier():
    simulation = simuler(GRILLE, RENTREE, D(500))
    assert list(simulation) == ["periode", "qf", "services"]
    assert list(simulation["services"]) == ["restauration_scolaire", "accueil_soir",
                                            "ateliers_mercredi"]
    for service in simulation["services"].values():
        assert list(service) == ["libelle", "unite", "prix", "explication"]


def test_sans_quotient_qf_null():
    simulation = simuler(GRILLE, RENTREE, None)
    assert simulation["qf"] is None
    assert '"qf": null' in en_json(simulation)
    assert [s["prix"] for s in simulation["services"].values()] == ["6.90", "4.50", "5.88"]


def test_qf_et_prix_toujours_deux_decimales():
    simulation = simuler(GRILLE, RENTREE, D("400.005"))
    assert simulation["qf"] == "400.01"
    assert simulation["services"]["restauration_scolaire"]["prix"] == "2.00"
    assert simuler(GRILLE, RENTREE, D(0))["qf"] == "0.00"
    assert simuler(GRILLE, RENTREE, 812)["qf"] == "812.00"


def test_hors_commune_et_rang():
    simulation = simuler(GRILLE, RENTREE, D(500), hors_commune=True, rang=3)
    restauration = simulation["services"]["restauration_scolaire"]
    assert restauration["prix"] == "3.75"
    assert restauration["explication"] == ("QF 500.00 ≤ 800 : tranche 2 ; hors commune : "
                                           "tarif 7.50 ; rang 3 : −50 %")


def test_date_hors_periode():
    with pytest.raises(PeriodeIntrouvable):
        simuler(GRILLE, date(2026, 9, 1), D(500))


def test_json_sur_une_ligne_accents_gardes():
    texte = en_json(simuler(GRILLE, RENTREE, D(500)))
    assert "\n" not in texte
    assert "é" in texte
    assert "\\u" not in texte
    assert json.loads(texte) == simuler(GRILLE, RENTREE, D(500))


# -- curves --------------------------------------------------------------------------------


def test_courbe_en_escalier_des_tranches():
    bareme = GRILLE.periodes[0].services["restauration_scolaire"].bareme
    assert points_de_courbe(bareme, D(2500)) == [
        (D(0), D("0.80")), (D(400), D("0.80")), (D(400), D("2.00")), (D(800), D("2.00")),
        (D(800), D("6.90")), (D(2500), D("6.90"))]


def test_courbe_coupee_au_qf_maximal():
    bareme = GRILLE.periodes[0].services["restauration_scolaire"].bareme
    assert points_de_courbe(bareme, D(600)) == [
        (D(0), D("0.80")), (D(400), D("0.80")), (D(400), D("2.00")), (D(600), D("2.00"))]
    assert points_de_courbe(bareme, D(400)) == [(D(0), D("0.80")), (D(400), D("0.80"))]


def test_courbe_du_taux_d_effort_et_ses_deux_coudes():
    bareme = GRILLE.periodes[0].services["accueil_soir"].bareme
    assert points_de_courbe(bareme, D(2500)) == [
        (D(0), D("0.50")), (D("138.89"), D("0.50")), (D(1250), D("4.50")), (D(2500), D("4.50"))]
    assert points_de_courbe(bareme, D(1000)) == [
        (D(0), D("0.50")), (D("138.89"), D("0.50")), (D(1000), D("3.60"))]


def test_courbe_du_taux_nul_ou_sans_plancher():
    assert points_de_courbe(BaremeTauxEffort(D(0), D(1), D(2)), D(100)) == [
        (D(0), D(1)), (D(100), D(1))]
    assert points_de_courbe(BaremeTauxEffort(D(1), D(0), D(2)), D(500)) == [
        (D(0), D("0.00")), (D(200), D(2)), (D(500), D(2))]


def test_courbe_lineaire():
    bareme = GRILLE.periodes[0].services["ateliers_mercredi"].bareme
    assert points_de_courbe(bareme, D(2500)) == [
        (D(0), D("1.05")), (D(2100), D("5.88")), (D(2500), D("5.88"))]
    decale = BaremeLineaire((Point(D(500), D(1)), Point(D(1000), D(3))))
    assert points_de_courbe(decale, D(800)) == [(D(0), D(1)), (D(500), D(1)), (D(800), D("2.20"))]


def test_courbe_au_moins_deux_points_et_derniere_cassure_en_avant_dernier():
    bareme = BaremeTranches((Tranche(None, D(3), 1),))
    assert points_de_courbe(bareme, D(0)) == [(D(0), D(3)), (D(0), D(3))]
    # the rate service computes its chart's scale from the last break, points[-2]
    tranches = GRILLE.periodes[0].services["restauration_scolaire"].bareme
    assert points_de_courbe(tranches, D(2500))[-2][0] == D(800)


def test_courbe_qf_maximal_negatif():
    with pytest.raises(ValueError, match="positif ou nul"):
        points_de_courbe(BaremeTranches((Tranche(None, D(3), 1),)), D(-1))


def test_deux_baremes_compares_sur_la_meme_echelle():
    avant = BaremeTranches((Tranche(Decimal(400), Decimal("1.00"), 1),
                            Tranche(None, Decimal("4.00"), 2)))
    apres = BaremeTranches((Tranche(Decimal(400), Decimal("1.00"), 1),
                            Tranche(Decimal(3000), Decimal("3.00"), 2),
                            Tranche(None, Decimal("4.20"), 3)))
    comparaison = comparer_baremes(avant, apres)
    assert comparaison.qf_max == Decimal(4000)  # past the new bound of 3000 (× 1.2)
    assert (Decimal("400.01"), Decimal("4.00"), Decimal("3.00")) in comparaison.lignes
    assert (Decimal("3000.01"), Decimal("4.00"), Decimal("4.20")) in comparaison.lignes
    assert comparaison.courbe_avant[-1] == (Decimal(4000), Decimal("4.00"))
    nouveau = comparer_baremes(None, apres)
    assert nouveau.courbe_avant == [] and nouveau.lignes[0][1] is None
