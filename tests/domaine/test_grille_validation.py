"""Every validation rule of tarifs.md §2–§4: one small defective grid each, with its position."""

from pathlib import Path
from textwrap import dedent
from textwrap import indent

import pytest

from portail_famille.domaine.chargement import charger_fichier
from portail_famille.domaine.chargement import charger_grille
from portail_famille.domaine.grille import GrilleInvalide

GRILLES = Path(__file__).parent / "grilles"
EXEMPLE = (GRILLES / "exemple.yaml").read_text(encoding="utf-8")

# 13 lines; what `avec_service` adds starts at line 14, column 9 (inside service « cantine »).
ENTETE = """\
commune: Test
code_insee: "69123"
quotient_familial:
  sources: [caf]
  validite_mois: 12
periodes:
  - libelle: P
    debut: 2025-09-01
    fin: 2026-08-31
    services:
      cantine:
        libelle: Cantine
        unite: repas
"""
TRANCHES = """\
bareme:
  mode: tranches
  tranches:
    - prix: 1
"""


def lignes(corps: str, marge: int) -> str:
    return indent(dedent(corps).strip("\n") + "\n", " " * marge)


def avec_service(corps: str) -> str:
    return ENTETE + lignes(corps, 8)


def avec_bareme(corps: str) -> str:
    """The barème's own keys start at line 15, column 11."""
    return avec_service("bareme:\n" + lignes(corps, 2))


def avec_periode(corps: str) -> str:
    """A valid grid (a 4-line barème) plus `corps` in the period's mapping, from line 18."""
    return avec_service(TRANCHES) + lignes(corps, 4)


def periode(libelle: str, debut: str, fin: str, code: str = "cantine") -> str:
    """A 5-line period item with one service, to append after `avec_service(…)`."""
    service = "{libelle: L, unite: u, bareme: {mode: tranches, tranches: [{prix: 1}]}}"
    return lignes(f"""
        - libelle: {libelle}
          debut: {debut}
          fin: {fin}
          services:
            {code}: {service}
        """, 2)


def erreurs(texte: str) -> list[str]:
    with pytest.raises(GrilleInvalide) as exc:
        charger_grille(texte)
    return exc.value.lignes()


def test_les_gabarits_sont_valides():
    charger_grille(avec_service(TRANCHES))
    charger_grille(avec_bareme("mode: lineaire\npoints: [{qf: 0, prix: 1}, {qf: 10, prix: 2}]"))
    charger_grille(avec_periode("deliberation: n° 12"))


def test_exemples_de_tarifs_md_4_a_la_ligne_et_a_la_colonne():
    bornes_inversees = EXEMPLE.replace("- jusqu_a: 400", "- jusqu_a: 900")
    assert erreurs(bornes_inversees) == [
        "tarifs.yaml:24:15: restauration_scolaire : la borne 800 doit être supérieure à la "
        "précédente (900)",
    ]
    faute_de_frappe = EXEMPLE.replace("plancher: 0.50", "plancer: 0.50")
    assert erreurs(faute_de_frappe) == [
        "tarifs.yaml:33:11: accueil_soir : clé « plancher » manquante dans le barème taux_effort",
        "tarifs.yaml:35:11: accueil_soir : clé inconnue « plancer » (vouliez-vous dire "
        "« plancher » ?)",
    ]


def test_le_nom_du_fichier_prefixe_chaque_ligne():
    with pytest.raises(GrilleInvalide) as exc:
        charger_grille("", "config/tarifs-2026.yaml")
    assert exc.value.fichier == "config/tarifs-2026.yaml"
    assert exc.value.lignes() == [
        "config/tarifs-2026.yaml:1:1: le fichier est vide : décrivez commune, code_insee, "
        "quotient_familial et periodes",
    ]
    assert str(exc.value) == exc.value.lignes()[0]


def test_toutes_les_erreurs_a_la_fois_triees_par_position():
    with pytest.raises(GrilleInvalide) as exc:
        charger_fichier(GRILLES / "tous_les_defauts.yaml")
    chemin = str(GRILLES / "tous_les_defauts.yaml")
    assert [ligne.removeprefix(chemin + ":") for ligne in exc.value.lignes()] == [
        "2:1: « code_insee » s’écrit entre guillemets : \"69123\" (sans eux, un code comme "
        "01053 perdrait son zéro)",
        "4:25: « sources » : « caf » cité deux fois (déjà ligne 4)",
        "4:30: source de quotient inconnue « msa » (possibles : caf, dgfip)",
        "5:3: « validite_mois » doit être un nombre entier au moins égal à 1, écrit sans "
        "guillemets, pas « 0 »",
        "19:15: restauration_scolaire : la borne 800 doit être supérieure à la précédente (900)",
        "20:15: restauration_scolaire : le prix 0.50 de la tranche 2 est inférieur à celui de la "
        "tranche 1 (0.80) : un QF plus élevé ne peut pas payer moins",
        "21:15: restauration_scolaire : « prix » : écrivez le nombre 6.90 sans guillemets",
        "22:15: restauration_scolaire : la dernière tranche n’a pas de « jusqu_a » : elle vaut "
        "pour tous les QF au-delà (ajoutez une tranche sans borne après)",
        "23:9: restauration_scolaire : « sans_quotient » ne peut pas être négatif (-3)",
        "24:23: restauration_scolaire : clé « majoration_pourcent » manquante dans "
        "« hors_commune »",
        "24:24: restauration_scolaire : clé inconnue « majoration » (vouliez-vous dire "
        "« majoration_pourcent » ?)",
        "27:9: accueil_soir : « unite » doit être un texte, pas une valeur vide",
        "29:11: accueil_soir : clé « plancher » manquante dans le barème taux_effort",
        "30:11: accueil_soir : « taux_pourcent » : 0.36555 a trop de décimales (4 au plus)",
        "31:11: accueil_soir : clé inconnue « plancer » (vouliez-vous dire « plancher » ?)",
        "32:11: accueil_soir : « plafond » : écrivez 0.45 avec un point décimal",
        "33:7: code de service « Atelier » invalide : lettres minuscules sans accent et « _ » "
        "seulement (par exemple restauration_scolaire)",
        "36:62: Atelier : le qf 0 doit être supérieur au précédent (0)",
        "36:69: Atelier : le prix 1 du point 2 est inférieur à celui du point 1 (2) : un QF plus "
        "élevé ne peut pas payer moins",
        "37:9: Atelier : clé « libelle » en double (déjà ligne 34)",
        "39:18: reduction_fratrie : le service « restauration » n’existe pas dans cette période "
        "(vouliez-vous dire « restauration_scolaire » ?)",
        "40:15: reduction_fratrie : « rang » doit être un nombre entier au moins égal à 1, écrit "
        "sans guillemets, pas « 0 »",
        "40:22: reduction_fratrie : le pourcentage du rang 3 doit être entre 0 (exclu) et 100, "
        "pas 150",
        "40:30: reduction_fratrie : rang 3 en double",
        "41:5: clé « services » manquante dans la période 2",
        "42:5: « debut » : la date 2026-02-30 n’existe pas",
        "44:5: clé « services » manquante dans la période 3",
        "46:5: la période « C » finit le 2026-01-01, avant son début le 2026-08-31",
        "48:5: la période « D » (du 2026-01-01 au 2027-01-01) chevauche la période « A » "
        "(du 2025-09-01 au 2026-08-31)",
        "50:15: étiquette YAML « !!python/object/apply:os.system » refusée : retirez-la, le "
        "fichier ne contient que du texte, des nombres, des listes et des dictionnaires",
        "51:5: clé inconnue « autre » (possibles : libelle, debut, fin, services, deliberation, "
        "reduction_fratrie)",
        "51:12: ancre YAML « &a » refusée : recopiez la valeur à chaque endroit où elle sert",
    ]


UN_DEFAUT = [
    # -- the file ------------------------------------------------------------------------------
    pytest.param("# rien que des commentaires\n", "1:1", "le fichier est vide", id="vide"),
    pytest.param("- commune\n", "1:1", "le fichier doit être un dictionnaire (clé: valeur), "
                 "pas une liste", id="racine-liste"),
    pytest.param("bonjour\n", "1:1", "pas « bonjour »", id="racine-texte"),
    pytest.param(ENTETE.replace("commune: Test\n", "commune: Test\ncomune: Test\n")
                 + indent(TRANCHES, " " * 8), "2:1",
                 "clé inconnue « comune » (vouliez-vous dire « commune » ?)", id="cle-inconnue"),
    pytest.param(ENTETE.replace("commune: Test\n", "commune: Test\ncommune: Autre\n")
                 + indent(TRANCHES, " " * 8), "2:1", "clé « commune » en double (déjà ligne 1)",
                 id="cle-en-double"),
    pytest.param(avec_service(TRANCHES).replace("commune: Test\n", ""), "1:1",
                 "clé « commune » manquante dans le fichier", id="commune-manquante"),
    pytest.param(avec_service(TRANCHES).replace("commune: Test", "commune:"), "1:1",
                 "« commune » doit être un texte, pas une valeur vide", id="commune-vide"),
    pytest.param(avec_service(TRANCHES).replace("commune: Test", "commune: [a, b]"), "1:1",
                 "« commune » doit être un texte, pas une liste", id="commune-liste"),
    pytest.param(avec_service(TRANCHES).replace("commune: Test", "commune: ~"), "1:1",
                 "« commune » doit être un texte, pas une valeur vide", id="commune-nulle"),
    pytest.param(avec_service(TRANCHES).replace('"69123"', "69123"), "2:1",
                 "« code_insee » s’écrit entre guillemets : \"69123\"", id="insee-sans-guillemets"),
    pytest.param(avec_service(TRANCHES).replace('"69123"', '"20123"'), "2:1",
                 "« code_insee » : « 20123 » n’est pas un code commune INSEE", id="insee-corse-20"),
    pytest.param(avec_service(TRANCHES).replace('"69123"', "'6912'"), "2:1",
                 "« 6912 » n’est pas un code commune INSEE", id="insee-4-caracteres"),
    # -- quotient_familial ---------------------------------------------------------------------
    pytest.param(avec_service(TRANCHES).replace("[caf]", "[]"), "4:3",
                 "« sources » : il faut au moins un élément", id="sources-vide"),
    pytest.param(avec_service(TRANCHES).replace("[caf]", "caf"), "4:3",
                 "« sources » doit être une liste, pas « caf »", id="sources-texte"),
    pytest.param(avec_service(TRANCHES).replace("[caf]", "[caf, cnaf]"), "4:18",
                 "source de quotient inconnue « cnaf » (vouliez-vous dire « caf » ?)",
                 id="sources-inconnue"),
    pytest.param(avec_service(TRANCHES).replace("[caf]", "[dgfip, caf, dgfip]"), "4:25",
                 "« sources » : « dgfip » cité deux fois (déjà ligne 4)", id="sources-doublon"),
    pytest.param(avec_service(TRANCHES).replace("validite_mois: 12", "validite_mois: 0"), "5:3",
                 "« validite_mois » doit être un nombre entier au moins égal à 1",
                 id="validite-zero"),
    pytest.param(avec_service(TRANCHES).replace("validite_mois: 12", "validite_mois: 12.5"),
                 "5:3", "pas « 12.5 »", id="validite-decimale"),
    pytest.param(avec_service(TRANCHES).replace("validite_mois: 12", 'validite_mois: "12"'),
                 "5:3", "écrit sans guillemets", id="validite-guillemets"),
    pytest.param(avec_service(TRANCHES).replace("validite_mois: 12", "validite_mois: -1"),
                 "5:3", "pas « -1 »", id="validite-negative"),
    pytest.param(avec_service(TRANCHES).replace("  validite_mois: 12\n", ""), "4:3",
                 "clé « validite_mois » manquante dans « quotient_familial »",
                 id="validite-manquante"),
    pytest.param(avec_service(TRANCHES).replace("quotient_familial:\n  sources: [caf]\n"
                                                "  validite_mois: 12",
                                                "quotient_familial: caf"), "3:1",
                 "« quotient_familial » doit être un dictionnaire (clé: valeur), pas « caf »",
                 id="quotient-texte"),
    # -- periods -------------------------------------------------------------------------------
    pytest.param(ENTETE.split("  - libelle")[0] + "", "6:1",
                 "« periodes » doit être une liste, pas une valeur vide", id="periodes-vide"),
    pytest.param(ENTETE.split("  - libelle")[0].replace("periodes:", "periodes: []"), "6:1",
                 "« periodes » : il faut au moins une période", id="periodes-liste-vide"),
    pytest.param(avec_service(TRANCHES).replace("2025-09-01", "01/09/2025"), "8:5",
                 "« debut » doit être une date AAAA-MM-JJ, pas « 01/09/2025 »",
                 id="date-francaise"),
    pytest.param(avec_service(TRANCHES).replace("2025-09-01", "2025-9-1"), "8:5",
                 "« debut » doit être une date AAAA-MM-JJ", id="date-sans-zeros"),
    pytest.param(avec_service(TRANCHES).replace("2026-08-31", "2026-02-29"), "9:5",
                 "« fin » : la date 2026-02-29 n’existe pas", id="date-29-fevrier"),
    pytest.param(avec_service(TRANCHES).replace("2026-08-31", "2025-08-31"), "9:5",
                 "la période « P » finit le 2025-08-31, avant son début le 2025-09-01",
                 id="fin-avant-debut"),
    pytest.param(avec_service(TRANCHES).replace("    fin: 2026-08-31\n", ""), "7:5",
                 "clé « fin » manquante dans la période 1", id="fin-manquante"),
    pytest.param(avec_periode("deliberation:"), "18:5",
                 "« deliberation » doit être un texte, pas une valeur vide",
                 id="deliberation-vide"),
    pytest.param(avec_periode("commentaire: x"), "18:5", "clé inconnue « commentaire »",
                 id="periode-cle-inconnue"),
    pytest.param(ENTETE.split("      cantine:")[0].replace("services:", "services: {}"), "10:5",
                 "« services » est vide : décrivez au moins un service", id="services-vide"),
    pytest.param(avec_service(TRANCHES).replace("cantine:", "Cantine:"), "11:7",
                 "code de service « Cantine » invalide", id="code-majuscule"),
    pytest.param(avec_service(TRANCHES).replace("cantine:", "cantine2:"), "11:7",
                 "code de service « cantine2 » invalide", id="code-chiffre"),
    pytest.param(avec_service(TRANCHES).replace("cantine:", "cantine-soir:"), "11:7",
                 "code de service « cantine-soir » invalide", id="code-tiret"),
    # -- services ------------------------------------------------------------------------------
    pytest.param(avec_service(TRANCHES).replace("        unite: repas\n", ""), "12:9",
                 "cantine : clé « unite » manquante dans le service", id="unite-manquante"),
    pytest.param(avec_service(TRANCHES + "libelle: Autre\n"), "18:9",
                 "cantine : clé « libelle » en double (déjà ligne 12)", id="libelle-double"),
    pytest.param(avec_service(TRANCHES + "sans_quotien: 3\n"), "18:9",
                 "cantine : clé inconnue « sans_quotien » (vouliez-vous dire « sans_quotient » ?)",
                 id="sans-quotient-faute"),
    pytest.param(ENTETE.replace("      cantine:\n        libelle: Cantine\n        unite: repas\n",
                                "      cantine: 3\n"), "11:7",
                 "cantine : le service doit être un dictionnaire (clé: valeur), pas « 3 »",
                 id="service-texte"),
    pytest.param(avec_service(TRANCHES + 'sans_quotient: "7"\n'), "18:9",
                 "cantine : « sans_quotient » : écrivez le nombre 7 sans guillemets",
                 id="prix-guillemets"),
    pytest.param(avec_service(TRANCHES + "sans_quotient: sept\n"), "18:9",
                 "cantine : « sans_quotient » : un nombre comme 12 ou 0.80 est attendu, "
                 "pas « sept »", id="prix-texte"),
    pytest.param(avec_service(TRANCHES + "hors_commune: [7]\n"), "18:9",
                 "cantine : « hors_commune » doit être un prix ou {majoration_pourcent: N}, "
                 "pas une liste", id="hors-commune-liste"),
    pytest.param(avec_service(TRANCHES + "hors_commune: {majoration_pourcent: -5}\n"), "18:24",
                 "cantine : « majoration_pourcent » ne peut pas être négatif (-5)",
                 id="majoration-negative"),
    pytest.param(avec_service(TRANCHES + "hors_commune: {majoration_pourcent: 20, plafond: 9}\n"),
                 "18:49", "cantine : clé inconnue « plafond » (possibles : majoration_pourcent)",
                 id="majoration-cle-en-trop"),
    pytest.param(avec_service(TRANCHES + "hors_commune: {majoration_pourcent: 12.345}\n"),
                 "18:24", "12.345 a trop de décimales (2 au plus)", id="majoration-decimales"),
    pytest.param(avec_service(TRANCHES + "hors_commune: {}\n"), "18:23",
                 "cantine : clé « majoration_pourcent » manquante dans « hors_commune »",
                 id="majoration-vide"),
    # -- barème --------------------------------------------------------------------------------
    pytest.param(avec_service("bareme: tranches\n"), "14:9",
                 "cantine : « bareme » doit être un dictionnaire (clé: valeur), pas « tranches »",
                 id="bareme-texte"),
    pytest.param(avec_bareme("tranches: [{prix: 1}]"), "15:11",
                 "cantine : clé « mode » manquante dans « bareme »", id="mode-manquant"),
    pytest.param(avec_bareme("mode: tranche\ntranches: [{prix: 1}]"), "15:11",
                 "cantine : mode de barème inconnu « tranche » : tranches, taux_effort ou "
                 "lineaire (vouliez-vous dire « tranches » ?)", id="mode-inconnu"),
    pytest.param(avec_bareme("mode: tranches\ntranches: [{prix: 1}]\nplafond: 3"), "17:11",
                 "cantine : clé « plafond » inutile en mode tranches", id="cle-d-un-autre-mode"),
    pytest.param(avec_bareme("mode: tranches"), "15:11",
                 "cantine : clé « tranches » manquante dans le barème tranches",
                 id="tranches-manquantes"),
    # -- tranches ------------------------------------------------------------------------------
    pytest.param(avec_bareme("mode: tranches\ntranches: []"), "16:11",
                 "cantine : « tranches » : il faut au moins une tranche", id="aucune-tranche"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - prix: 1\n  - prix: 2"), "17:15",
                 "cantine : la tranche 1 doit avoir une borne « jusqu_a » : seule la dernière "
                 "tranche n’en a pas", id="borne-manquante"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {jusqu_a: 400, prix: 1}"), "17:16",
                 "cantine : la dernière tranche n’a pas de « jusqu_a »", id="derniere-bornee"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {jusqu_a: 400, prix: 1}\n"
                             "  - {jusqu_a: 400, prix: 2}\n  - {prix: 3}"), "18:16",
                 "cantine : la borne 400 doit être supérieure à la précédente (400)",
                 id="bornes-egales"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {jusqu_a: 400.00, prix: 1}\n"
                             "  - {jusqu_a: 399.99, prix: 2}\n  - {prix: 3}"), "18:16",
                 "la borne 399.99 doit être supérieure à la précédente (400.00)",
                 id="bornes-ecrites-telles-quelles"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {jusqu_a: 400, prix: 2}\n"
                             "  - {prix: 1.99}"), "18:16",
                 "cantine : le prix 1.99 de la tranche 2 est inférieur à celui de la tranche 1 "
                 "(2) : un QF plus élevé ne peut pas payer moins", id="prix-decroissant"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {jusqu_a: -1, prix: 1}\n"
                             "  - {prix: 2}"), "17:16",
                 "cantine : « jusqu_a » ne peut pas être négatif (-1)", id="borne-negative"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {jusqu_a: 400.005, prix: 1}\n"
                             "  - {prix: 2}"), "17:16", "400.005 a trop de décimales",
                 id="borne-3-decimales"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - 3"), "17:15",
                 "cantine : la tranche 1 doit être un dictionnaire (clé: valeur), pas « 3 »",
                 id="tranche-texte"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {jusqu_a: 3}\n  - {prix: 4}"),
                 "17:15", "cantine : clé « prix » manquante dans la tranche 1",
                 id="prix-manquant"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {prix: 0.805}"), "17:16",
                 "cantine : « prix » : 0.805 a trop de décimales (2 au plus)",
                 id="prix-3-decimales"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {prix: 0.800}"), "17:16",
                 "0.800 a trop de décimales", id="prix-3-decimales-ecrites"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {prix: -0.80}"), "17:16",
                 "cantine : « prix » ne peut pas être négatif (-0.80)", id="prix-negatif"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {prix: 1000000000000000}"), "17:16",
                 "1000000000000000 est trop grand (15 chiffres au plus avant le point)",
                 id="prix-demesure"),
    pytest.param(avec_bareme("mode: tranches\ntranches:\n  - {prix: '}"), "17:22",
                 "YAML invalide : fin de fichier inattendue : un guillemet n’est pas refermé",
                 id="guillemet-non-ferme"),
    # -- taux d'effort -------------------------------------------------------------------------
    pytest.param(avec_bareme("mode: taux_effort\ntaux_pourcent: 0.36\nplancher: 4.50\n"
                             "plafond: 0.50"), "18:11",
                 "cantine : le plafond 0.50 est inférieur au plancher 4.50",
                 id="plafond-sous-plancher"),
    pytest.param(avec_bareme("mode: taux_effort\ntaux_pourcent: 0.36125\nplancher: 0\n"
                             "plafond: 5"), "16:11",
                 "cantine : « taux_pourcent » : 0.36125 a trop de décimales (4 au plus)",
                 id="taux-5-decimales"),
    pytest.param(avec_bareme("mode: taux_effort\ntaux_pourcent: -0.36\nplancher: 0\n"
                             "plafond: 5"), "16:11",
                 "cantine : « taux_pourcent » ne peut pas être négatif (-0.36)",
                 id="taux-negatif"),
    pytest.param(avec_bareme("mode: taux_effort\ntaux_pourcent: 0.36\nplancher: 0"), "15:11",
                 "cantine : clé « plafond » manquante dans le barème taux_effort",
                 id="plafond-manquant"),
    # -- linéaire ------------------------------------------------------------------------------
    pytest.param(avec_bareme("mode: lineaire\npoints: [{qf: 0, prix: 1}]"), "16:11",
                 "cantine : « points » : il faut au moins 2 points", id="un-seul-point"),
    pytest.param(avec_bareme("mode: lineaire\npoints: [{qf: 10, prix: 1}, {qf: 10, prix: 2}]"),
                 "16:40", "cantine : le qf 10 doit être supérieur au précédent (10)",
                 id="points-meme-qf"),
    pytest.param(avec_bareme("mode: lineaire\npoints: [{qf: 10, prix: 1}, {qf: 5, prix: 2}]"),
                 "16:40", "cantine : le qf 5 doit être supérieur au précédent (10)",
                 id="points-qf-decroissant"),
    pytest.param(avec_bareme("mode: lineaire\npoints: [{qf: 0, prix: 2}, {qf: 5, prix: 1}]"),
                 "16:46", "cantine : le prix 1 du point 2 est inférieur à celui du point 1 (2)",
                 id="points-prix-decroissant"),
    pytest.param(avec_bareme("mode: lineaire\npoints: [{qf: 0, prix: 2}, {qf: 5}]"), "16:38",
                 "cantine : clé « prix » manquante dans le point 2", id="point-sans-prix"),
    pytest.param(avec_bareme("mode: lineaire\npoints: {qf: 0, prix: 2}"), "16:11",
                 "cantine : « points » doit être une liste, pas un dictionnaire",
                 id="points-dictionnaire"),
    # -- réduction fratrie ---------------------------------------------------------------------
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantin]\n  rangs: {3: 50}"),
                 "19:18", "reduction_fratrie : le service « cantin » n’existe pas dans cette "
                 "période (vouliez-vous dire « cantine » ?)", id="fratrie-service-inconnu"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine, cantine]\n"
                              "  rangs: {3: 50}"), "19:27",
                 "reduction_fratrie : « services » : « cantine » cité deux fois",
                 id="fratrie-service-double"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: []\n  rangs: {3: 50}"), "19:7",
                 "reduction_fratrie : « services » : il faut au moins un élément",
                 id="fratrie-sans-service"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]"), "19:7",
                 "clé « rangs » manquante dans « reduction_fratrie »", id="fratrie-sans-rangs"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]\n  rangs: {}"), "20:7",
                 "reduction_fratrie : « rangs » est vide", id="fratrie-rangs-vides"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]\n  rangs: {0: 50}"),
                 "20:15", "reduction_fratrie : « rang » doit être un nombre entier au moins "
                 "égal à 1", id="fratrie-rang-zero"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]\n  rangs: {trois: 50}"),
                 "20:15", "pas « trois »", id="fratrie-rang-texte"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]\n"
                              "  rangs: {3: 50, 03: 40}"), "20:22",
                 "reduction_fratrie : rang 3 en double", id="fratrie-rang-double"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]\n  rangs: {3: 0}"),
                 "20:15", "le pourcentage du rang 3 doit être entre 0 (exclu) et 100, pas 0",
                 id="fratrie-zero-pourcent"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]\n  rangs: {3: 100.01}"),
                 "20:15", "pas 100.01", id="fratrie-plus-de-100"),
    pytest.param(avec_periode("reduction_fratrie:\n  services: [cantine]\n  rangs: {3: 33.333}"),
                 "20:15", "33.333 a trop de décimales", id="fratrie-decimales"),
]


@pytest.mark.parametrize(("texte", "position", "fragment"), UN_DEFAUT)
def test_un_defaut_une_erreur_a_sa_place(texte, position, fragment):
    lignes = erreurs(texte)
    assert len(lignes) == 1, lignes
    assert lignes[0].startswith(f"tarifs.yaml:{position}: ")
    assert fragment in lignes[0]


def test_une_faute_de_frappe_dans_un_point_donne_deux_erreurs():
    texte = avec_bareme("mode: lineaire\npoints: [{qf: 0, prix: 2}, {qf: 5, pris: 3}]")
    assert erreurs(texte) == [
        "tarifs.yaml:16:38: cantine : clé « prix » manquante dans le point 2",
        "tarifs.yaml:16:46: cantine : clé inconnue « pris » (vouliez-vous dire « prix » ?)",
    ]


def test_periodes_qui_se_chevauchent_nommees_toutes_les_deux():
    texte = (avec_service(TRANCHES) + periode("Été", "2026-07-01", "2026-09-15")
             + periode("Rentrée", "2026-09-01", "2027-08-31"))
    assert erreurs(texte) == [
        "tarifs.yaml:19:5: la période « Été » (du 2026-07-01 au 2026-09-15) chevauche la "
        "période « P » (du 2025-09-01 au 2026-08-31)",
        "tarifs.yaml:24:5: la période « Rentrée » (du 2026-09-01 au 2027-08-31) chevauche la "
        "période « Été » (du 2026-07-01 au 2026-09-15)",
    ]


def test_une_periode_contenue_dans_une_autre_et_un_jour_commun():
    texte = (avec_service(TRANCHES) + periode("Toussaint", "2025-10-20", "2025-10-31")
             + periode("Lendemain", "2026-08-31", "2026-08-31"))
    lignes = erreurs(texte)
    assert len(lignes) == 2
    assert "« Toussaint » (du 2025-10-20 au 2025-10-31) chevauche la période « P »" in lignes[0]
    assert "« Lendemain » (du 2026-08-31 au 2026-08-31) chevauche la période « P »" in lignes[1]


def test_periodes_adjacentes_acceptees():
    texte = avec_service(TRANCHES) + periode("Suivante", "2026-09-01", "2027-08-31")
    assert len(charger_grille(texte).periodes) == 2


def test_le_service_de_la_fratrie_doit_etre_de_la_meme_periode():
    fratrie = "reduction_fratrie: {services: [cantine], rangs: {2: 10}}"
    texte = (avec_periode(fratrie) + periode("Suivante", "2026-09-01", "2027-08-31", "garderie")
             + lignes(fratrie, 4))
    assert erreurs(texte) == [
        "tarifs.yaml:24:36: reduction_fratrie : le service « cantine » n’existe pas dans cette "
        "période (possibles : garderie)",
    ]


def test_erreurs_d_un_service_et_d_un_autre_toutes_rapportees():
    texte = avec_service("""\
        bareme:
          mode: tranches
          tranches:
            - {jusqu_a: 800, prix: 3}
            - {jusqu_a: 400, prix: 2}
            - {prix: 1}
        garderie:
          libelle: Garderie
          bareme: {mode: lineaire, points: [{qf: 0, prix: 1}]}
        """).replace("        garderie:", "      garderie:")
    assert erreurs(texte) == [
        "tarifs.yaml:18:16: cantine : la borne 400 doit être supérieure à la précédente (800)",
        "tarifs.yaml:18:30: cantine : le prix 2 de la tranche 2 est inférieur à celui de la "
        "tranche 1 (3) : un QF plus élevé ne peut pas payer moins",
        "tarifs.yaml:19:16: cantine : le prix 1 de la tranche 3 est inférieur à celui de la "
        "tranche 2 (2) : un QF plus élevé ne peut pas payer moins",
        "tarifs.yaml:21:11: garderie : clé « unite » manquante dans le service",
        "tarifs.yaml:22:36: garderie : « points » : il faut au moins 2 points",
    ]


def test_un_taux_invalide_ne_masque_pas_un_plafond_sous_le_plancher():
    with pytest.raises(GrilleInvalide) as exc:
        charger_grille(avec_bareme("mode: taux_effort\ntaux_pourcent: abc\nplancher: 4.50\n"
                                   "plafond: 0.50"), "t.yaml")
    assert [ligne.split(": ", 1)[0] for ligne in exc.value.lignes()] == ["t.yaml:16:11",
                                                                         "t.yaml:18:11"]
    assert exc.value.lignes()[1] == (
        "t.yaml:18:11: cantine : le plafond 0.50 est inférieur au plancher 4.50")


def test_codes_postaux_lus_avec_leurs_communes_partagees():
    grille = charger_grille(MINIMAL_CODES.format(codes='["69001", {code: "69250", communes: '
                                                       '[Neuville-sur-Saône, Montanay]}]'))
    assert [(c.code, c.communes) for c in grille.codes_postaux] == [
        ("69001", ()), ("69250", ("Neuville-sur-Saône", "Montanay"))]


def test_sans_codes_postaux_la_famille_declare():
    sans = MINIMAL_CODES.format(codes="[]").replace("codes_postaux: []\n", "")
    assert charger_grille(sans).codes_postaux is None


@pytest.mark.parametrize(("codes", "message"), [
    ("[69001]", "« 69001 » doit être un code postal de 5 chiffres entre guillemets"),
    ('["00000"]', "« 00000 » doit être un code postal de 5 chiffres entre guillemets"),
    ('["6900"]', "« 6900 » doit être un code postal de 5 chiffres entre guillemets"),
    ('["69001", "69001"]', "le code 69001 est cité deux fois"),
    ("[]", "il faut au moins un code postal"),
    ('[{code: "69250"}]', "clé « communes » manquante"),
])
def test_codes_postaux_invalides(codes, message):
    with pytest.raises(GrilleInvalide) as erreur:
        charger_grille(MINIMAL_CODES.format(codes=codes))
    assert any(message in ligne and ligne.startswith("tarifs.yaml:3:")
               for ligne in erreur.value.lignes()), erreur.value.lignes()


def test_jours_d_un_service():
    grille = charger_grille(MINIMAL_CODES.format(codes='["69001"]').replace(
        "        unite: repas\n", "        unite: repas\n        jours: [mercredi, lundi]\n"))
    assert grille.periodes[0].services["cantine"].jours == ("lundi", "mercredi")
    with pytest.raises(GrilleInvalide, match="« samedi » n’est pas un jour de classe"):
        charger_grille(MINIMAL_CODES.format(codes='["69001"]').replace(
            "        unite: repas\n", "        unite: repas\n        jours: [samedi]\n"))


MINIMAL_CODES = """\
commune: Lyon
code_insee: "69123"
codes_postaux: {codes}
quotient_familial: {{sources: [caf], validite_mois: 12}}
periodes:
  - libelle: P
    debut: 2025-09-01
    fin: 2026-08-31
    services:
      cantine:
        libelle: Cantine
        unite: repas
        bareme: {{mode: tranches, tranches: [{{prix: 1}}]}}
"""
