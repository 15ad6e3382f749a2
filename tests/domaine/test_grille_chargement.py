"""Loading valid grids into the model, YAML 1.2 semantics, and what the loader refuses outright."""

import os
import subprocess
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portail_famille.domaine.chargement import charger_fichier
from portail_famille.domaine.chargement import charger_grille
from portail_famille.domaine.grille import BaremeLineaire
from portail_famille.domaine.grille import BaremeTauxEffort
from portail_famille.domaine.grille import BaremeTranches
from portail_famille.domaine.grille import ErreurGrille
from portail_famille.domaine.grille import GrilleInvalide
from portail_famille.domaine.grille import Majoration
from portail_famille.domaine.grille import PeriodeIntrouvable
from portail_famille.domaine.grille import Point
from portail_famille.domaine.grille import ReductionFratrie
from portail_famille.domaine.grille import Tranche

GRILLES = Path(__file__).parent / "grilles"
EXEMPLE = (GRILLES / "exemple.yaml").read_text(encoding="utf-8")

MINIMAL = """\
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
        bareme:
          mode: tranches
          tranches:
            - prix: 1
"""


def erreurs(texte: str) -> list[str]:
    with pytest.raises(GrilleInvalide) as exc:
        charger_grille(texte)
    return exc.value.lignes()


def service(texte: str, code: str = "cantine"):
    return charger_grille(texte).periodes[0].services[code]


# -- the example of tarifs.md §2 -------------------------------------------------------------


def test_exemple_grille_et_periode():
    grille = charger_fichier(GRILLES / "exemple.yaml")
    assert grille.commune == "Lyon"
    assert grille.code_insee == "69123"
    assert grille.sources == ("caf", "dgfip")
    assert grille.validite_mois == 12
    (periode,) = grille.periodes
    assert periode.libelle == "Année scolaire 2025-2026"
    assert (periode.debut, periode.fin) == (date(2025, 9, 1), date(2026, 8, 31))
    assert periode.deliberation == "n° 2025/1234 du 30 juin 2025"
    assert list(periode.services) == ["restauration_scolaire", "accueil_soir",
                                      "ateliers_mercredi"]
    assert periode.reduction_fratrie == ReductionFratrie(("restauration_scolaire",),
                                                         ((3, Decimal(50)),))


def test_exemple_tranches_en_decimal_avec_leur_ligne():
    restauration = charger_grille(EXEMPLE).periodes[0].services["restauration_scolaire"]
    assert restauration.code == "restauration_scolaire"
    assert (restauration.libelle, restauration.unite) == ("Restauration scolaire", "repas")
    assert restauration.bareme == BaremeTranches((
        Tranche(Decimal("400"), Decimal("0.80"), 22),
        Tranche(Decimal("800"), Decimal("2.00"), 24),
        Tranche(None, Decimal("6.90"), 26),
    ))
    assert restauration.bareme.mode == "tranches"
    for tranche in restauration.bareme.tranches:
        assert type(tranche.prix) is Decimal
    assert restauration.sans_quotient == Decimal("6.90")
    assert restauration.hors_commune == Decimal("7.50")
    assert restauration.sans_quotient_explicite
    assert restauration.hors_commune_explicite


def test_exemple_taux_effort_et_valeurs_par_defaut():
    accueil = charger_grille(EXEMPLE).periodes[0].services["accueil_soir"]
    assert accueil.bareme == BaremeTauxEffort(Decimal("0.36"), Decimal("0.50"), Decimal("4.50"))
    assert accueil.bareme.mode == "taux_effort"
    assert accueil.sans_quotient == Decimal("4.50")  # the ceiling
    assert accueil.hors_commune == Decimal("4.50")  # defaults to sans_quotient
    assert not accueil.sans_quotient_explicite
    assert not accueil.hors_commune_explicite


def test_exemple_lineaire():
    ateliers = charger_grille(EXEMPLE).periodes[0].services["ateliers_mercredi"]
    assert ateliers.unite == "demi-journée"
    assert ateliers.bareme == BaremeLineaire((Point(Decimal(0), Decimal("1.05")),
                                              Point(Decimal(2100), Decimal("5.88"))))
    assert ateliers.bareme.mode == "lineaire"
    assert ateliers.sans_quotient == Decimal("5.88")  # the last point


def test_prix_maximal_de_chaque_bareme():
    services = charger_grille(EXEMPLE).periodes[0].services
    assert [s.bareme.prix_maximal() for s in services.values()] == [
        Decimal("6.90"), Decimal("4.50"), Decimal("5.88")]


def test_hors_commune_en_majoration_et_sans_quotient_explicite_par_defaut():
    texte = (MINIMAL + "        sans_quotient: 2.5\n"
             "        hors_commune: {majoration_pourcent: 20}\n")
    cantine = service(texte)
    assert cantine.sans_quotient == Decimal("2.5")
    assert cantine.hors_commune == Majoration(Decimal(20))
    cantine = service(MINIMAL + "        sans_quotient: 2.5\n")
    assert cantine.hors_commune == Decimal("2.5")  # defaults to the explicit sans_quotient


def test_une_seule_tranche_et_une_borne_zero():
    assert service(MINIMAL).bareme.tranches == (Tranche(None, Decimal(1), 17),)
    texte = MINIMAL.replace("            - prix: 1\n",
                            "            - {jusqu_a: 0, prix: 0}\n            - prix: 1\n")
    assert service(texte).bareme.tranches[0] == Tranche(Decimal(0), Decimal(0), 17)


def test_prix_egaux_d_une_tranche_a_l_autre_acceptes():
    texte = MINIMAL.replace("            - prix: 1\n",
                            "            - {jusqu_a: 100, prix: 1}\n            - prix: 1\n")
    assert len(service(texte).bareme.tranches) == 2


def test_bornes_et_prix_ecrits_de_plusieurs_facons():
    texte = MINIMAL.replace("            - prix: 1\n",
                            "            - {jusqu_a: 400.5, prix: 7}\n"
                            "            - {jusqu_a: 0800, prix: 7.0}\n"
                            "            - prix: 7.00\n")
    tranches = service(texte).bareme.tranches
    assert [str(t.jusqu_a) for t in tranches] == ["400.5", "800", "None"]
    assert [str(t.prix) for t in tranches] == ["7", "7.0", "7.00"]


def test_taux_a_quatre_decimales_et_taux_nul():
    texte = MINIMAL.replace("mode: tranches\n          tranches:\n            - prix: 1\n",
                            "mode: taux_effort\n          taux_pourcent: 0.3625\n"
                            "          plancher: 1\n          plafond: 1\n")
    assert service(texte).bareme == BaremeTauxEffort(Decimal("0.3625"), Decimal(1), Decimal(1))
    assert service(texte.replace("0.3625", "0")).bareme.taux_pourcent == 0


def test_fratrie_pourcentage_du_plus_grand_rang_inferieur_ou_egal():
    reduction = ReductionFratrie(("cantine",), ((2, Decimal(20)), (4, Decimal(50))))
    assert [reduction.pourcentage(rang) for rang in range(1, 7)] == [
        0, 20, 20, 50, 50, 50]
    assert type(reduction.pourcentage(1)) is Decimal


def test_fratrie_lue_triee_par_rang():
    texte = MINIMAL + "    reduction_fratrie:\n      services: [cantine]\n" \
                      "      rangs: {4: 50, 2: 20.5}\n"
    reduction = charger_grille(texte).periodes[0].reduction_fratrie
    assert reduction.rangs == ((2, Decimal("20.5")), (4, Decimal(50)))
    assert reduction.pourcentage(3) == Decimal("20.5")


def test_grille_et_modele_immuables():
    grille = charger_grille(EXEMPLE)
    with pytest.raises(AttributeError):
        grille.commune = "Paris"
    with pytest.raises(AttributeError):
        grille.periodes[0].services["accueil_soir"].bareme.plafond = Decimal(1)


# -- periods -------------------------------------------------------------------------------


def test_periodes_dans_l_ordre_chronologique_quel_que_soit_le_fichier():
    grille = charger_fichier(GRILLES / "deux_annees.yaml")
    assert [p.libelle for p in grille.periodes] == [
        "Année scolaire 2025-2026", "Année scolaire 2026-2027", "Journée portes ouvertes"]


@pytest.mark.parametrize(
    ("jour", "libelle"),
    [
        (date(2025, 9, 1), "Année scolaire 2025-2026"),
        (date(2026, 8, 31), "Année scolaire 2025-2026"),
        (date(2026, 9, 1), "Année scolaire 2026-2027"),
        (date(2027, 8, 31), "Année scolaire 2026-2027"),
        (date(2027, 9, 1), "Journée portes ouvertes"),  # debut == fin: exactly one day
    ],
)
def test_periode_a_debut_et_fin_inclus(jour, libelle):
    assert charger_fichier(GRILLES / "deux_annees.yaml").periode_a(jour).libelle == libelle


@pytest.mark.parametrize("jour", [date(2025, 8, 31), date(2027, 9, 2), date(1999, 1, 1)])
def test_une_date_hors_de_toute_periode_n_a_pas_de_prix(jour):
    grille = charger_fichier(GRILLES / "deux_annees.yaml")
    with pytest.raises(PeriodeIntrouvable, match=f"aucune période tarifaire ne couvre le {jour}"):
        grille.periode_a(jour)


def test_periode_suivante():
    grille = charger_fichier(GRILLES / "deux_annees.yaml")
    annee, suivante, journee = grille.periodes
    assert grille.periode_suivante(annee) is suivante
    assert grille.periode_suivante(suivante) is journee
    assert grille.periode_suivante(journee) is None


def test_dates_entre_guillemets_et_29_fevrier_bissextile():
    texte = MINIMAL.replace("2025-09-01", '"2027-09-01"').replace("2026-08-31", "'2028-02-29'")
    periode = charger_grille(texte).periodes[0]
    assert (periode.debut, periode.fin) == (date(2027, 9, 1), date(2028, 2, 29))


# -- YAML 1.2, not 1.1 ---------------------------------------------------------------------


@pytest.mark.parametrize("mot", ["no", "NO", "yes", "off", "on", "y", "n", "true", "null!"])
def test_mots_booleens_de_yaml_1_1_restent_du_texte(mot):
    cantine = service(MINIMAL.replace("libelle: Cantine", f"libelle: {mot}"))
    assert cantine.libelle == mot
    grille = charger_grille(MINIMAL.replace("commune: Test", f"commune: {mot}"))
    assert grille.commune == mot


@pytest.mark.parametrize("ecrit", ["2025-09-01", "12", "1.50", "0755", "1_000", "0x1F", "~x"])
def test_un_texte_garde_son_ecriture_exacte(ecrit):
    assert service(MINIMAL.replace("unite: repas", f"unite: {ecrit}")).unite == ecrit


def test_0755_n_est_pas_octal():
    texte = MINIMAL.replace("- prix: 1", "- prix: 0755")
    assert service(texte).bareme.tranches[0].prix == Decimal(755)


@pytest.mark.parametrize("ecrit", ["1_000", "0x10", "0o17", "1e3", "1E3", ".5", "5.", ".inf",
                                   "-.inf", ".nan", "+5", "1 000", "cinq", "true", "2025-09-01",
                                   "5 €"])
def test_ce_qui_n_est_pas_un_montant(ecrit):
    (ligne,) = erreurs(MINIMAL.replace("- prix: 1", f"- prix: {ecrit}"))
    assert ligne == (f"tarifs.yaml:17:15: cantine : « prix » : un nombre comme 12 ou 0.80 est "
                     f"attendu, pas « {ecrit} »")


def test_zeros_en_tete_et_nombres_demesures():
    zeros = "0" * 60
    texte = MINIMAL.replace("- prix: 1", f"- prix: {zeros}0.80")
    assert service(texte).bareme.tranches[0].prix == Decimal("0.80")
    (ligne,) = erreurs(MINIMAL.replace("validite_mois: 12", "validite_mois: " + "9" * 5000))
    assert ligne.startswith("tarifs.yaml:5:3: « validite_mois » doit être un nombre entier")
    assert ligne.endswith(f"pas « {'9' * 40}… »")


def test_virgule_decimale_a_la_francaise():
    (ligne,) = erreurs(MINIMAL.replace("- prix: 1", "- prix: 0,80"))
    assert ligne == "tarifs.yaml:17:15: cantine : « prix » : écrivez 0.80 avec un point décimal"


def test_cle_en_double_meme_ecrite_autrement():
    texte = MINIMAL.replace("- prix: 1", '- {prix: 1, "prix": 2}')
    assert erreurs(texte) == ["tarifs.yaml:17:25: cantine : clé « prix » en double (déjà ligne 17)"]


def test_cle_en_double_a_la_racine_signalee_a_la_seconde():
    assert erreurs(MINIMAL + "commune: Autre\n") == [
        "tarifs.yaml:18:1: clé « commune » en double (déjà ligne 1)"]


def test_cle_qui_n_est_pas_un_mot():
    assert erreurs(MINIMAL + "[a, b]: 1\n") == [
        "tarifs.yaml:18:1: une clé doit être un simple mot, pas une liste"]


# -- what the loader refuses to interpret --------------------------------------------------


def test_etiquette_python_refusee_et_jamais_executee(monkeypatch):
    appels = []
    monkeypatch.setattr(os, "system", lambda *args: appels.append(args))
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kw: appels.append(args))
    texte = MINIMAL.replace("commune: Test", 'commune: !!python/object/apply:os.system ["id"]')
    assert erreurs(texte) == [
        "tarifs.yaml:1:10: étiquette YAML « !!python/object/apply:os.system » refusée : "
        "retirez-la, le fichier ne contient que du texte, des nombres, des listes et des "
        "dictionnaires",
    ]
    assert appels == []


@pytest.mark.parametrize(
    ("etiquette", "affichee"),
    [
        ("!!str", "!!str"),
        ("!!float", "!!float"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!mairie", "!mairie"),
        ("!<tag:yaml.org,2002:python/object/apply:os.system>",
         "tag:yaml.org,2002:python/object/apply:os.system"),
    ],
)
def test_toute_etiquette_explicite_refusee(etiquette, affichee):
    (ligne,) = erreurs(MINIMAL.replace("- prix: 1", f"- prix: {etiquette} 1"))
    assert ligne.startswith(f"tarifs.yaml:17:21: étiquette YAML « {affichee} » refusée")


def test_etiquette_sur_un_dictionnaire_entier():
    texte = MINIMAL.replace("quotient_familial:", "quotient_familial: !!python/object:os.Foo")
    (ligne,) = erreurs(texte)
    assert ligne.startswith("tarifs.yaml:3:20: étiquette YAML « !!python/object:os.Foo »")


def test_ancres_et_alias_refuses():
    texte = MINIMAL.replace("libelle: Cantine", "libelle: &nom Cantine") + \
        "      garderie: {libelle: *nom, unite: soir, bareme: {mode: tranches, " \
        "tranches: [{prix: 1}]}}\n"
    assert erreurs(texte) == [
        "tarifs.yaml:12:18: ancre YAML « &nom » refusée : recopiez la valeur à chaque endroit "
        "où elle sert",
    ]


def test_bombe_d_alias_refusee_sans_tout_deplier():
    lignes = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lignes += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    debut = time.perf_counter()
    with pytest.raises(GrilleInvalide) as exc:
        charger_grille("\n".join(lignes) + "\n")
    assert time.perf_counter() - debut < 2
    assert any("ancre YAML « &a29 » refusée" in ligne for ligne in exc.value.lignes())


def test_cle_de_fusion_de_yaml_1_1_n_est_qu_une_cle_inconnue():
    (ligne,) = erreurs(MINIMAL + "<<: {commune: Autre}\n")
    assert ligne.startswith("tarifs.yaml:18:1: clé inconnue « << »")


def test_directive_yaml_1_1_sans_effet():
    texte = "%YAML 1.1\n---\n" + MINIMAL.replace("libelle: Cantine", "libelle: no")
    assert service(texte).libelle == "no"


# -- syntax errors: one error, positioned, in French ---------------------------------------


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("commune: Test\n\tcode_insee: x\n",
         "tarifs.yaml:2:1: YAML invalide : tabulation interdite : indentez avec des espaces"),
        ("commune: a: b\n",
         "tarifs.yaml:1:11: YAML invalide : « : » inattendu : mettez entre guillemets une "
         "valeur qui contient « : », ou vérifiez l’indentation"),
        ('commune: Lyon\ncode_insee: "69123\n',
         "tarifs.yaml:2:13: YAML invalide : fin de fichier inattendue : un guillemet n’est pas "
         "refermé"),
        ("periodes:\n  - a: 1\n   b: 2\n",
         "tarifs.yaml:3:4: YAML invalide : indentation incohérente avec les lignes précédentes"),
        ("commune: [a, b\n",
         "tarifs.yaml:2:1: YAML invalide : liste ou dictionnaire entre [ ] ou { } mal refermé"),
        ("commune: a\n---\ncommune: b\n",
         "tarifs.yaml:2:1: YAML invalide : un seul document est attendu : retirez le second "
         "« --- »"),
        ("commune: *inconnue\n",
         "tarifs.yaml:1:10: YAML invalide : alias (*…) sans ancre : les ancres et alias ne sont "
         "pas acceptés"),
        ("commune: Ly\x01on\n",
         "tarifs.yaml:1:12: YAML invalide : caractère interdit U+0001"),
        ("commune: " + "[" * 100 + "]" * 100 + "\n",
         "tarifs.yaml:1:59: YAML invalide : imbrication trop profonde"),
        ("commune: `x`\n",
         "tarifs.yaml:1:10: YAML invalide : caractère inattendu en début de valeur : mettez la "
         "valeur entre guillemets"),
    ],
)
def test_erreur_de_syntaxe(texte, attendu):
    assert erreurs(texte) == [attendu]


def test_marque_d_ordre_des_octets_acceptee():
    assert charger_grille("\ufeff" + MINIMAL).commune == "Test"


def test_fins_de_ligne_windows():
    assert charger_grille(MINIMAL.replace("\n", "\r\n")).commune == "Test"
    assert erreurs(MINIMAL.replace("\n", "\r\n").replace("- prix: 1", "- prix: -1")) == [
        "tarifs.yaml:17:15: cantine : « prix » ne peut pas être négatif (-1)"]


# -- files ---------------------------------------------------------------------------------


def test_charger_fichier_nomme_les_erreurs_d_apres_le_chemin_donne(tmp_path):
    chemin = tmp_path / "tarifs.yaml"
    chemin.write_text(MINIMAL.replace("- prix: 1", "- prix: -1"), encoding="utf-8")
    with pytest.raises(GrilleInvalide) as exc:
        charger_fichier(str(chemin))
    assert exc.value.lignes() == [f"{chemin}:17:15: cantine : « prix » ne peut pas être "
                                  "négatif (-1)"]


def test_fichier_qui_n_est_pas_en_utf8(tmp_path):
    chemin = tmp_path / "tarifs.yaml"
    chemin.write_bytes(MINIMAL.replace("Cantine", "Cantine d'été").encode("latin-1"))
    with pytest.raises(GrilleInvalide) as exc:
        charger_fichier(chemin)
    assert exc.value.erreurs == [
        ErreurGrille(12, 28, "octet 0xE9 invalide : enregistrez le fichier en UTF-8")]


def test_fichier_absent():
    with pytest.raises(FileNotFoundError):
        charger_fichier(GRILLES / "absent.yaml")
