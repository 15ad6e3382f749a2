"""The semantics of tarifs.md §3: every rule, its bounds and its rounding traps."""

from decimal import Decimal
from pathlib import Path
from textwrap import dedent
from textwrap import indent

import pytest

from portail_famille.domaine import tarification
from portail_famille.domaine.chargement import charger_fichier
from portail_famille.domaine.chargement import charger_grille
from portail_famille.domaine.grille import Periode
from portail_famille.domaine.quotient import QuotientIncalculable
from portail_famille.domaine.quotient import quotient_municipal
from portail_famille.domaine.tarification import ServiceIntrouvable
from portail_famille.domaine.tarification import Tarif
from portail_famille.domaine.tarification import calculer_tarif

GRILLES = Path(__file__).parent / "grilles"
EXEMPLE = charger_fichier(GRILLES / "exemple.yaml").periodes[0]


def periode(services: str, suite: str = "") -> Periode:
    """A one-period grid whose `services` mapping is given as YAML."""
    texte = dedent("""\
        commune: Test
        code_insee: "69123"
        quotient_familial: {sources: [caf], validite_mois: 12}
        periodes:
          - libelle: P
            debut: 2025-09-01
            fin: 2026-08-31
            services:
        """) + indent(dedent(services), " " * 6) + indent(dedent(suite), " " * 4)
    return charger_grille(texte).periodes[0]


def un_service(bareme: str, autres_cles: str = "", suite: str = "") -> Periode:
    return periode("s:\n  libelle: S\n  unite: u\n  bareme: " + bareme + "\n" + autres_cles,
                   suite)


def prix(periode: Periode, qf: str | None, **options) -> Decimal:
    tarif = calculer_tarif(periode, next(iter(periode.services)),
                           None if qf is None else Decimal(qf), **options)
    assert type(tarif.prix) is Decimal
    return tarif.prix


# -- the example of tarifs.md §2 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "qf", "attendu", "tranche", "explication"),
    [
        ("restauration_scolaire", "0", "0.80", 1, "QF 0.00 ≤ 400 : tranche 1"),
        ("restauration_scolaire", "400.00", "0.80", 1, "QF 400.00 ≤ 400 : tranche 1"),
        ("restauration_scolaire", "400.01", "2.00", 2, "QF 400.01 ≤ 800 : tranche 2"),
        ("restauration_scolaire", "400.004", "0.80", 1, "QF 400.00 ≤ 400 : tranche 1"),
        ("restauration_scolaire", "400.005", "2.00", 2, "QF 400.01 ≤ 800 : tranche 2"),
        ("restauration_scolaire", "800", "2.00", 2, "QF 800.00 ≤ 800 : tranche 2"),
        ("restauration_scolaire", "800.01", "6.90", 3, "QF 800.01 > 800 : tranche 3"),
        ("restauration_scolaire", "1258.67", "6.90", 3, "QF 1258.67 > 800 : tranche 3"),
        ("restauration_scolaire", "1E+30", "6.90", 3,
         "QF 1000000000000000000000000000000.00 > 800 : tranche 3"),
        ("accueil_soir", "0", "0.50", None, "QF 0.00 × 0.36 % = 0.00, relevé au plancher 0.50"),
        ("accueil_soir", "138.88", "0.50", None,
         "QF 138.88 × 0.36 % = 0.499968, relevé au plancher 0.50"),
        ("accueil_soir", "400", "1.44", None, "QF 400.00 × 0.36 % = 1.44"),
        ("accueil_soir", "1001", "3.60", None, "QF 1001.00 × 0.36 % = 3.6036, arrondi à 3.60"),
        ("accueil_soir", "1250", "4.50", None, "QF 1250.00 × 0.36 % = 4.50"),
        ("accueil_soir", "1258.67", "4.50", None,
         "QF 1258.67 × 0.36 % = 4.531212, ramené au plafond 4.50"),
        ("accueil_soir", "1E+30", "4.50", None,
         "QF 1000000000000000000000000000000.00 × 0.36 % = 3600000000000000000000000000.00, "
         "ramené au plafond 4.50"),
        ("ateliers_mercredi", "0", "1.05", None, "QF 0.00 ≤ 0 : prix du premier point 1.05"),
        ("ateliers_mercredi", "1000", "3.35", None,
         "QF 1000.00 entre 0 (1.05) et 2100 (5.88) : 3.35"),
        ("ateliers_mercredi", "1258.67", "3.94", None,
         "QF 1258.67 entre 0 (1.05) et 2100 (5.88) : 3.94"),
        ("ateliers_mercredi", "2100", "5.88", None,
         "QF 2100.00 ≥ 2100 : prix du dernier point 5.88"),
        ("ateliers_mercredi", "9999", "5.88", None,
         "QF 9999.00 ≥ 2100 : prix du dernier point 5.88"),
    ],
)
def test_exemple_prix_connus(code, qf, attendu, tranche, explication):
    tarif = calculer_tarif(EXEMPLE, code, Decimal(qf))
    assert str(tarif.prix) == attendu
    assert tarif.tranche == tranche
    assert tarif.explication == explication
    assert tarif.regle == "bareme"
    assert tarif.reduction_pourcent == 0


def test_qf_municipal_de_tarifs_md_jusqu_au_prix():
    qf = quotient_municipal(37760, Decimal("2.5"))
    tarif = calculer_tarif(EXEMPLE, "restauration_scolaire", qf)
    assert tarif == Tarif(
        prix=Decimal("6.90"),
        explication="QF 1258.67 > 800 : tranche 3",
        etapes=("Quotient familial retenu : 1258.67\u00a0€.",
                "Barème par tranches : QF 1258.67 > 800 : tranche 3, soit 6.90\u00a0€."),
        tranche=3,
        regle="bareme",
        reduction_pourcent=Decimal(0),
        prix_de_base=Decimal("6.90"),
        qf=Decimal("1258.67"),
    )


def test_qf_caf_entier():
    assert calculer_tarif(EXEMPLE, "restauration_scolaire", 400).tranche == 1


# -- tranches ------------------------------------------------------------------------------


def test_tranche_unique():
    tarif = calculer_tarif(un_service("{mode: tranches, tranches: [{prix: 3}]}"), "s",
                           Decimal(5))
    assert (tarif.prix, tarif.tranche, tarif.explication) == (3, 1, "QF 5.00 : tranche 1")


def test_premiere_borne_a_zero():
    p = un_service("{mode: tranches, tranches: [{jusqu_a: 0, prix: 0}, {prix: 2}]}")
    assert prix(p, "0") == 0
    assert prix(p, "0.01") == 2
    assert calculer_tarif(p, "s", Decimal(0)).explication == "QF 0.00 ≤ 0 : tranche 1"


def test_borne_ecrite_avec_decimales_dans_l_explication():
    p = un_service("{mode: tranches, tranches: [{jusqu_a: 400.50, prix: 1}, {prix: 2}]}")
    assert calculer_tarif(p, "s", Decimal("400.5")).explication == "QF 400.50 ≤ 400.50 : tranche 1"
    assert calculer_tarif(p, "s", Decimal("401")).explication == "QF 401.00 > 400.50 : tranche 2"


def test_dix_tranches_chaque_borne():
    tranches = ", ".join(f"{{jusqu_a: {borne}, prix: {i}}}"
                         for i, borne in enumerate(range(100, 1000, 100), 1))
    p = un_service(f"{{mode: tranches, tranches: [{tranches}, {{prix: 10}}]}}")
    for i, borne in enumerate(range(100, 1000, 100), 1):
        assert calculer_tarif(p, "s", Decimal(borne)).tranche == i
        assert calculer_tarif(p, "s", Decimal(borne) + Decimal("0.01")).tranche == i + 1


# -- taux d'effort -------------------------------------------------------------------------


def test_taux_effort_arrondi_au_centime_superieur_a_mi_chemin():
    p = un_service("{mode: taux_effort, taux_pourcent: 0.5, plancher: 0, plafond: 10}")
    tarif = calculer_tarif(p, "s", Decimal(1001))
    assert tarif.prix == Decimal("5.01")  # 5.005: the banker's rounding would give 5.00
    assert tarif.explication == "QF 1001.00 × 0.5 % = 5.005, arrondi à 5.01"


def test_taux_effort_fay_aux_loges():
    p = un_service("{mode: taux_effort, taux_pourcent: 0.36, plancher: 2.60, plafond: 4.50}")
    assert [prix(p, qf) for qf in ("0", "722.22", "722.23", "1000", "1250", "2000")] == [
        Decimal("2.60"), Decimal("2.60"), Decimal("2.60"), Decimal("3.60"), Decimal("4.50"),
        Decimal("4.50")]
    assert prix(p, "723.62") == Decimal("2.61")  # 2.605032


def test_taux_effort_a_quatre_decimales():
    p = un_service("{mode: taux_effort, taux_pourcent: 0.3625, plancher: 0, plafond: 100}")
    tarif = calculer_tarif(p, "s", Decimal("1234.56"))
    assert tarif.prix == Decimal("4.48")  # 4.475280
    assert tarif.explication == "QF 1234.56 × 0.3625 % = 4.47528, arrondi à 4.48"


def test_taux_nul_donne_le_plancher():
    p = un_service("{mode: taux_effort, taux_pourcent: 0, plancher: 1.20, plafond: 3}")
    assert prix(p, "0") == prix(p, "1E+9") == Decimal("1.20")


def test_plancher_egal_au_plafond():
    p = un_service("{mode: taux_effort, taux_pourcent: 1, plancher: 3, plafond: 3}")
    assert prix(p, "0") == prix(p, "300") == prix(p, "900") == 3


# -- linéaire ------------------------------------------------------------------------------


def test_interpolation_arrondie_au_centime_superieur_a_mi_chemin():
    p = un_service("{mode: lineaire, points: [{qf: 0, prix: 0}, {qf: 1000, prix: 0.01}]}")
    assert prix(p, "500") == Decimal("0.01")  # exactly 0.005
    assert prix(p, "499.99") == Decimal("0.00")  # 0.0049999


def test_interpolation_exacte_sans_float():
    # In floats 0.1 + 0.3 × 2 / 3 is 0.30000000000000004: a Decimal gives exactly 0.3.
    p = un_service("{mode: lineaire, points: [{qf: 0, prix: 0.1}, {qf: 3, prix: 0.4}]}")
    assert prix(p, "2") == Decimal("0.30")
    assert prix(p, "1.5") == Decimal("0.25")


def test_lineaire_avant_le_premier_point_entre_et_apres():
    p = un_service("{mode: lineaire, points: [{qf: 500, prix: 1}, {qf: 1000, prix: 2}, "
                   "{qf: 2000, prix: 2.50}]}")
    assert [prix(p, qf) for qf in ("0", "499.99", "500", "750", "1000", "1500", "1999.99",
                                   "2000", "5000")] == [
        Decimal(1), Decimal(1), Decimal(1), Decimal("1.50"), Decimal(2), Decimal("2.25"),
        Decimal("2.50"), Decimal("2.50"), Decimal("2.50")]
    assert (calculer_tarif(p, "s", Decimal(1500)).explication
            == "QF 1500.00 entre 1000 (2.00) et 2000 (2.50) : 2.25")
    assert (calculer_tarif(p, "s", Decimal(100)).explication
            == "QF 100.00 ≤ 500 : prix du premier point 1.00")


def test_palier_plat_au_milieu_de_la_courbe():
    p = un_service("{mode: lineaire, points: [{qf: 0, prix: 1}, {qf: 100, prix: 2}, "
                   "{qf: 200, prix: 2}, {qf: 300, prix: 3}]}")
    assert [prix(p, qf) for qf in ("50", "100", "150", "200", "250")] == [
        Decimal("1.50"), Decimal(2), Decimal(2), Decimal(2), Decimal("2.50")]


# -- sans quotient -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "attendu"),
    [("restauration_scolaire", "6.90"), ("accueil_soir", "4.50"), ("ateliers_mercredi", "5.88")],
)
def test_sans_quotient_le_prix_maximal(code, attendu):
    tarif = calculer_tarif(EXEMPLE, code, None)
    assert str(tarif.prix) == attendu
    assert tarif.regle == "sans_quotient"
    assert tarif.tranche is None
    assert tarif.qf is None
    assert tarif.explication == f"sans quotient familial : tarif maximal {attendu}"
    assert tarif.etapes == (f"Pas de quotient familial valide : le tarif sans quotient "
                            f"s’applique, {attendu}\u00a0€, le plus élevé du barème.",)


def test_sans_quotient_explicite_autre_que_le_maximum():
    p = un_service("{mode: tranches, tranches: [{prix: 3}]}", "  sans_quotient: 4\n")
    tarif = calculer_tarif(p, "s", None)
    assert tarif.prix == 4
    assert tarif.explication == "sans quotient familial : tarif 4.00"
    assert tarif.etapes == ("Pas de quotient familial valide : le tarif sans quotient "
                            "s’applique, 4.00\u00a0€.",)


# -- hors commune --------------------------------------------------------------------------


def test_hors_commune_prix_fixe_remplace_le_prix_calcule():
    tarif = calculer_tarif(EXEMPLE, "restauration_scolaire", Decimal(100), hors_commune=True)
    assert tarif.prix == Decimal("7.50")
    assert tarif.prix_de_base == Decimal("0.80")
    assert tarif.regle == "hors_commune"
    assert tarif.tranche == 1
    assert tarif.explication == "QF 100.00 ≤ 400 : tranche 1 ; hors commune : tarif 7.50"
    assert tarif.etapes[-1] == ("Famille domiciliée hors de la commune : le tarif hors commune "
                                "remplace le tarif calculé, soit 7.50\u00a0€.")


def test_hors_commune_par_defaut_le_tarif_sans_quotient():
    tarif = calculer_tarif(EXEMPLE, "accueil_soir", Decimal(100), hors_commune=True)
    assert tarif.prix == Decimal("4.50")
    assert tarif.explication.endswith(" ; hors commune : tarif 4.50")
    assert "faute de tarif hors commune propre au service" in tarif.etapes[-1]


def test_hors_commune_majoration_arrondie_au_centime_superieur():
    p = un_service("{mode: tranches, tranches: [{jusqu_a: 500, prix: 1.30}, {prix: 4}]}",
                   "  hors_commune: {majoration_pourcent: 25}\n")
    tarif = calculer_tarif(p, "s", Decimal(100), hors_commune=True)
    assert tarif.prix == Decimal("1.63")  # 1.625: the banker's rounding would give 1.62
    assert tarif.explication == "QF 100.00 ≤ 500 : tranche 1 ; hors commune +25 %"
    assert tarif.etapes[-1] == ("Famille domiciliée hors de la commune : +25 %, 1.30\u00a0€ "
                                "devient 1.63\u00a0€.")
    assert prix(p, None, hors_commune=True) == Decimal("5.00")  # on sans_quotient
    assert prix(p, "100") == Decimal("1.30")  # residents unaffected


def test_hors_commune_majoration_decimale():
    p = un_service("{mode: tranches, tranches: [{prix: 10}]}",
                   "  hors_commune: {majoration_pourcent: 12.5}\n")
    assert prix(p, "1", hors_commune=True) == Decimal("11.25")


# -- réduction fratrie ---------------------------------------------------------------------


def test_fratrie_du_rang_3_et_au_dela_seulement_sur_les_services_listes():
    assert [prix(EXEMPLE, "1258.67", rang=rang) for rang in (1, 2, 3, 4, 9)] == [
        Decimal("6.90"), Decimal("6.90"), Decimal("3.45"), Decimal("3.45"), Decimal("3.45")]
    accueil = calculer_tarif(EXEMPLE, "accueil_soir", Decimal(1000), rang=3)
    assert accueil.prix == Decimal("3.60")
    assert accueil.reduction_pourcent == 0
    assert accueil.etapes[-1] == "Pas de réduction fratrie pour un enfant de rang 3 à ce service."


def test_fratrie_explication_et_etapes():
    tarif = calculer_tarif(EXEMPLE, "restauration_scolaire", Decimal(500), rang=3)
    assert tarif.prix == Decimal("1.00")
    assert tarif.prix_de_base == Decimal("2.00")
    assert tarif.reduction_pourcent == Decimal(50)
    assert tarif.explication == "QF 500.00 ≤ 800 : tranche 2 ; rang 3 : −50 %"
    assert tarif.etapes[-1] == ("Réduction fratrie, enfant de rang 3 : −50 %, 2.00\u00a0€ devient "
                                "1.00\u00a0€.")
    rang_2 = calculer_tarif(EXEMPLE, "restauration_scolaire", Decimal(500), rang=2)
    assert rang_2.etapes[-1] == "Pas de réduction fratrie pour un enfant de rang 2 à ce service."


def test_fratrie_appliquee_en_dernier_apres_hors_commune():
    tarif = calculer_tarif(EXEMPLE, "restauration_scolaire", None, hors_commune=True, rang=3)
    assert tarif.prix == Decimal("3.75")  # 7.50 − 50 %
    assert tarif.regle == "hors_commune"
    assert tarif.explication == ("sans quotient familial : tarif maximal 6.90 ; hors commune : "
                                 "tarif 7.50 ; rang 3 : −50 %")
    assert len(tarif.etapes) == 3


def test_fratrie_arrondie_au_centime_superieur_et_paliers():
    p = un_service("{mode: tranches, tranches: [{prix: 0.25}]}",
                   suite="reduction_fratrie: {services: [s], rangs: {2: 20, 3: 50}}\n")
    assert [prix(p, "1", rang=rang) for rang in (1, 2, 3, 4)] == [
        Decimal("0.25"), Decimal("0.20"), Decimal("0.13"), Decimal("0.13")]  # 0.125 → 0.13


def test_fratrie_cent_pour_cent():
    p = un_service("{mode: tranches, tranches: [{prix: 2.50}]}",
                   suite="reduction_fratrie: {services: [s], rangs: {4: 100}}\n")
    assert prix(p, "1", rang=4) == Decimal("0.00")


# -- refusals ------------------------------------------------------------------------------


def test_service_introuvable():
    with pytest.raises(ServiceIntrouvable, match="« piscine » n’existe pas dans la période"):
        calculer_tarif(EXEMPLE, "piscine", Decimal(1))


@pytest.mark.parametrize("rang", [0, -1])
def test_rang_commence_a_1(rang):
    with pytest.raises(ValueError, match="l’aîné est le rang 1"):
        calculer_tarif(EXEMPLE, "restauration_scolaire", Decimal(1), rang=rang)


@pytest.mark.parametrize("qf", [Decimal("-0.01"), Decimal("NaN"), Decimal("Infinity")])
def test_qf_negatif_ou_non_fini_refuse(qf):
    with pytest.raises(QuotientIncalculable):
        calculer_tarif(EXEMPLE, "restauration_scolaire", qf)


def test_qf_float_refuse():
    with pytest.raises(TypeError, match="float"):
        calculer_tarif(EXEMPLE, "restauration_scolaire", 400.0)


def test_estimation_mensuelle_quatre_semaines_des_jours_choisis():
    assert tarification.estimer_mois(Decimal("3.62"), 3) == Decimal("43.44")
    assert tarification.estimer_mois(Decimal("0.00"), 5) == Decimal("0.00")


def test_le_plus_eleve_seulement_si_aucun_qf_ne_paie_plus():
    assert tarification.sans_quotient_le_plus_eleve([EXEMPLE])
    plus_bas = un_service("{mode: tranches, tranches: [{jusqu_a: 400, prix: 1}, {prix: 5}]}",
                          "  sans_quotient: 4\n")
    assert not tarification.sans_quotient_le_plus_eleve([EXEMPLE, plus_bas])
