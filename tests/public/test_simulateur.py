"""The public simulator (/simulateur) and its JSON twins (/api/simulation, /api/tarifs).

Prices on the page must be those of the engine and of the CLI for the same inputs, written
the French way; the JSON API must answer exactly what `flask tarifs simuler --json` prints.
"""

import json
import re

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.services import grilles
from portail_famille.web.securite_http import contient_un_controle
from tests.aides import Page
from tests.grilles_essai import GRILLE_ESSAI
from tests.grilles_essai import PERIODE_A
from tests.grilles_essai import RENTREE
from tests.grilles_essai import ecrire

NBSP = "\u00a0"  # between an amount and €
FINE = "\u202f"  # between thousands
ANGLAIS = ("Not a valid", "Invalid Choice", "This field", "could not coerce", "Invalid input")


@pytest.fixture
def app(fabrique_du_module, tmp_path_factory):
    grille = ecrire(tmp_path_factory.mktemp("grille"))
    partagee = fabrique_du_module(tarifs_fichier=grille, WTF_CSRF_ENABLED=False,
                                  RATELIMIT_ENABLED=False)
    with partagee.pour_un_test() as app:
        yield app


def cli(app, *args: str) -> str:
    resultat = app.test_cli_runner().invoke(args=["tarifs", "simuler", *args, "--json"])
    assert resultat.exit_code == 0, resultat.stderr
    return resultat.stdout


def euros(prix_cli: str) -> str:
    """"4.00" (the CLI) → "4,00 €" with a no-break space (the page)."""
    return prix_cli.replace(".", ",") + NBSP + "€"


def prix_affiches(page: Page) -> dict[str, str]:
    prix = {}
    for section in page.tous("section"):
        etiquette = section.get("aria-labelledby", "")
        if etiquette.startswith("service-"):
            [montant] = [s for s in section.tous("span") if s.get("class") == "prix"]
            prix[etiquette.removeprefix("service-")] = montant.texte
    return prix


# (query string, the same situation for the CLI, the prices worked out by hand)
SITUATIONS = {
    "qf_a_la_francaise": (
        {"mode": "qf", "qf": "1 258,67"}, ["--qf", "1258.67"],
        {"cantine": "4,00", "soir": "6,29", "ateliers": "2,01"}),
    "qf_espace_insecable_et_fine": (
        {"mode": "qf", "qf": f"1{NBSP}258,67"}, ["--qf", "1258.67"],
        {"cantine": "4,00", "soir": "6,29", "ateliers": "2,01"}),
    "qf_sur_la_borne": (
        {"mode": "qf", "qf": "400"}, ["--qf", "400"],
        {"cantine": "1,00", "soir": "2,00", "ateliers": "1,40"}),
    "qf_un_centime_au_dessus": (
        {"mode": "qf", "qf": "400,01"}, ["--qf", "400.01"],
        {"cantine": "2,55", "soir": "2,00", "ateliers": "1,40"}),
    "rfr_et_parts": (
        {"mode": "rfr", "rfr": "37 760", "parts": "2,5"}, ["--rfr", "37760", "--parts", "2.5"],
        {"cantine": "4,00", "soir": "6,29", "ateliers": "2,01"}),
    "hors_commune": (
        {"mode": "qf", "qf": "1001", "hors_commune": "y"}, ["--qf", "1001", "--hors-commune"],
        {"cantine": "7,00", "soir": "6,01", "ateliers": "2,01"}),
    "rang_3": (
        {"mode": "qf", "qf": "500", "rang": "3"}, ["--qf", "500", "--rang", "3"],
        {"cantine": "1,28", "soir": "2,50", "ateliers": "1,51"}),
    "autre_annee": (
        {"mode": "qf", "qf": "500", "periode": "2031-09-01"}, ["--qf", "500", "--date",
                                                               "2031-09-01"],
        {"cantine": "1,10"}),
}


@pytest.mark.parametrize(("requete", "arguments", "attendus"), SITUATIONS.values(),
                         ids=SITUATIONS.keys())
def test_prix_affiches_a_la_francaise_comme_la_ligne_de_commande(
        app, requete, arguments, attendus):
    requete = {"periode": RENTREE, **requete}
    if "--date" not in arguments:
        arguments = [*arguments, "--date", RENTREE]
    reponse = app.test_client().get("/simulateur", query_string=requete)
    assert reponse.status_code == 200, reponse.text
    affiches = prix_affiches(Page(reponse.text))
    assert affiches == {code: f"{prix}{NBSP}€" for code, prix in attendus.items()}
    moteur = json.loads(cli(app, *arguments))
    assert affiches == {code: euros(s["prix"]) for code, s in moteur["services"].items()}


def test_le_qf_retenu_est_affiche_avec_son_calcul(app):
    reponse = app.test_client().get("/simulateur", query_string={
        "mode": "rfr", "rfr": "37760", "parts": "2,5", "periode": RENTREE})
    page = Page(reponse.text)
    assert page.par_id("titre-resultats").texte == f"Vos tarifs estimés – {PERIODE_A}"
    assert [p.texte for p in page.tous("p") if p.texte.startswith("Quotient familial retenu")] \
        == [f"Quotient familial retenu : 1{FINE}258,67{NBSP}€ (37{FINE}760 € ÷ 12 ÷ 2,5 parts). "
            "Tarifs votés par la délibération n° 2030/1 du 30 juin 2030."]


# Issue 9, point 6: the radio left on the other mode no longer refuses what was typed.
MODES_DEDUITS = {
    "rfr_tape_sous_le_bouton_qf": ({"mode": "qf", "rfr": "37760", "parts": "2,5"}, "rfr"),
    "rfr_sans_bouton": ({"rfr": "37 760", "parts": "2,5"}, "rfr"),
    "seulement_les_parts_sous_le_bouton_qf": ({"mode": "qf", "rfr": "", "parts": "2,5"}, "rfr"),
    "qf_tape_sous_le_bouton_rfr": ({"mode": "rfr", "qf": "1 258,67"}, "qf"),
}


@pytest.mark.parametrize(("requete", "mode"), MODES_DEDUITS.values(), ids=MODES_DEDUITS.keys())
def test_le_mode_est_deduit_de_ce_qui_est_saisi(app, requete, mode):
    reponse = app.test_client().get("/simulateur", query_string={"periode": RENTREE, **requete})
    page = Page(reponse.text)
    coches = [i.get("value") for i in page.tous("input", name="mode") if "checked" in i.attrs]
    assert coches == [mode]  # the page says which mode it used
    if "parts" in requete and not requete.get("rfr"):
        # Shares alone: the RFR is what is missing, not the QF.
        assert reponse.status_code == 422
        assert page.par_id("rfr-erreur").texte == "Saisissez votre revenu fiscal de référence."
        assert "qf-erreur" not in reponse.text
        return
    assert reponse.status_code == 200, reponse.text
    assert "Saisissez votre quotient familial" not in reponse.text
    # 37 760 € ÷ 12 ÷ 2.5 = 1 258.67 either way: the prices of SITUATIONS["rfr_et_parts"].
    assert prix_affiches(page) == {"cantine": f"4,00{NBSP}€", "soir": f"6,29{NBSP}€",
                                   "ateliers": f"2,01{NBSP}€"}
    assert (" ÷ 2,5 parts)" in reponse.text) == (mode == "rfr")


def test_le_mode_suit_le_bouton_quand_les_deux_sont_saisis(app):
    reponse = app.test_client().get("/simulateur", query_string={
        "mode": "qf", "qf": "400", "rfr": "37760", "parts": "2,5", "periode": RENTREE})
    assert reponse.status_code == 200
    assert prix_affiches(Page(reponse.text))["cantine"] == f"1,00{NBSP}€"  # QF 400


@pytest.mark.parametrize(("requete", "champ"), [
    ({"mode": "qf", "qf": "400", "rfr": "abc", "parts": "0"}, "rfr"),
    ({"mode": "rfr", "rfr": "37760", "parts": "2,5", "qf": "-5"}, "qf"),
], ids=["rfr_faux_en_mode_qf", "qf_faux_en_mode_rfr"])
def test_les_champs_de_l_autre_mode_sont_ignores(app, requete, champ):
    reponse = app.test_client().get("/simulateur", query_string={"periode": RENTREE, **requete})
    assert reponse.status_code == 200, reponse.text
    assert f"{champ}-erreur" not in reponse.text
    assert prix_affiches(Page(reponse.text))


def test_les_champs_de_chaque_mode_sont_groupes_pour_la_feuille_de_style(app):
    page = Page(app.test_client().get("/simulateur").text)
    [formulaire] = [f for f in page.tous("form") if "simulateur" in f.get("class", "").split()]
    groupes = {d.get("class"): [i.get("id") for i in d.tous("input")]
               for d in formulaire.tous("div") if "simulateur__" in d.get("class", "")}
    assert groupes == {"grille-champs simulateur__qf": ["qf"],
                       "simulateur__rfr": ["rfr", "parts"]}


# Issue 9, point 7: « part » up to 2 excluded, « parts » from 2 (French plural).
PARTS = {"1": "1 part", "1,25": "1,25 part", "1,5": "1,5 part", "1,75": "1,75 part",
         "2": "2 parts", "2,5": "2,5 parts", "3": "3 parts"}


@pytest.mark.parametrize(("parts", "attendu"), PARTS.items(), ids=PARTS.keys())
def test_parts_au_pluriel_a_partir_de_2(app, parts, attendu):
    reponse = app.test_client().get("/simulateur", query_string={
        "mode": "rfr", "rfr": "30000", "parts": parts, "periode": RENTREE})
    assert reponse.status_code == 200
    [calcul] = [p.texte for p in Page(reponse.text).tous("p")
                if p.texte.startswith("Quotient familial retenu")]
    assert f"÷ 12 ÷ {attendu})" in calcul


def test_graphique_lisible_sur_un_telephone_et_bareme_empilable(app):
    reponse = app.test_client().get("/simulateur", query_string={
        "mode": "qf", "qf": "500", "periode": RENTREE})
    page = Page(reponse.text)
    assert "tableau-defilant" not in reponse.text
    assert len(page.tous("figure")) == 3
    for figure in page.tous("figure"):
        [svg] = figure.tous("svg")
        largeur = float(svg.get("viewbox").split()[2])  # the parser lowercases names
        # Rendered on a 390 px phone, 316 px wide (its card's width): at least 12 px.
        assert float(svg.get("font-size")) * 316 / largeur >= 12
        assert all(t.get("font-size") is None for t in svg.tous("text"))
        [table] = figure.tous("table")
        assert "tableau-empilable" in table.get("class", "").split()
        entetes = [th.texte for th in table.tous("th")]
        assert entetes[1].startswith("Prix par ")
        for ligne in table.tous("tbody")[0].tous("tr"):
            cellules = ligne.tous("td")
            if cellules[0].get("colspan"):
                assert cellules[0].get("data-label") is None  # a note across both columns
            else:
                assert [td.get("data-label") for td in cellules] == entetes


def test_formulaire_vide(app):
    reponse = app.test_client().get("/simulateur")
    assert reponse.status_code == 200
    page = Page(reponse.text)
    for champ in ("qf", "rfr", "parts"):
        entree = page.par_id(champ)
        assert entree.get("value") == ""
        assert [label for label in page.tous("label") if label.get("for") == champ]
    assert not page.tous("svg")
    assert "titre-resultats" not in reponse.text
    assert "resume-erreurs" not in reponse.text


def test_rang_propose_seulement_si_la_periode_a_une_reduction_fratrie(app):
    client = app.test_client()
    avec = Page(client.get("/simulateur", query_string={"periode": RENTREE}).text)
    sans = Page(client.get("/simulateur", query_string={"periode": "2031-09-01"}).text)
    assert avec.tous("select", id="rang")
    assert not sans.tous("select", id="rang")


def test_un_graphique_accessible_par_service_avec_le_repere_de_la_famille(app):
    reponse = app.test_client().get("/simulateur", query_string={
        "mode": "qf", "qf": "1 258,67", "periode": RENTREE})
    page = Page(reponse.text)
    figures = page.tous("figure")
    assert len(figures) == len(page.tous("svg")) == 3
    for figure, code in zip(figures, ("cantine", "soir", "ateliers"), strict=True):
        [svg] = figure.tous("svg")
        assert svg.get("role") == "img"
        [titre] = svg.tous("title")
        [desc] = svg.tous("desc")
        assert svg.get("aria-labelledby").split() == [titre.get("id"), desc.get("id")]
        assert titre.get("id") == f"graphique-{code}-titre"
        assert titre.texte.endswith(": prix selon le quotient familial")
        assert f"Votre quotient familial, 1{FINE}258,67 €, est marqué d’un point." in desc.texte
        assert len([c for c in svg.tous("circle") if c.get("class") == "repere"]) == 1
        # The text alternative: the barème as a table, next to the chart.
        [table] = figure.tous("table")
        assert table.tous("caption")
    [tableau_cantine] = figures[0].tous("table")
    lignes = [[cellule.texte for cellule in tr.tous("td")] for tr in tableau_cantine.tous("tr")]
    assert [ligne for ligne in lignes if ligne] == [
        [f"jusqu’à 400,00{NBSP}€", f"1,00{NBSP}€"],
        [f"de 400,00{NBSP}€ (exclu) à 800,00{NBSP}€", f"2,55{NBSP}€"],
        [f"au-delà de 800,00{NBSP}€", f"4,00{NBSP}€"],
        ["sans quotient familial valide", f"4,50{NBSP}€"],
    ]


@pytest.mark.parametrize("requete", [
    {},
    {"mode": "qf", "qf": "abc"},
    {"mode": "rfr", "rfr": "37760"},
], ids=["formulaire_vide", "qf_invalide", "parts_manquantes"])
def test_pas_de_repere_sans_quotient(app, requete):
    page = Page(app.test_client().get("/simulateur", query_string=requete).text)
    assert not [c for c in page.tous("circle") if c.get("class") == "repere"]
    assert "Votre quotient familial" not in " ".join(e.texte for e in page.tous("desc"))


SAISIES_INVALIDES = {
    "lettres": ({"mode": "qf", "qf": "abc"}, "qf", "Saisissez un nombre, par exemple 1 258,67."),
    "qf_negatif": ({"mode": "qf", "qf": "-5"}, "qf", "Le quotient ne peut pas être négatif."),
    "trois_decimales": ({"mode": "qf", "qf": "12,345"}, "qf",
                        "Au plus 2 chiffres après la virgule."),
    "qf_manquant": ({"mode": "qf", "qf": ""}, "qf",
                    "Saisissez votre quotient familial, par exemple 850."),
    "qf_demesure": ({"mode": "qf", "qf": "9" * 60}, "qf",
                    "Ce montant est trop grand pour calculer un tarif."),
    "parts_0_3": ({"mode": "rfr", "rfr": "37760", "parts": "0,3"}, "parts",
                  "Le nombre de parts est positif, par quarts : 1 ; 1,5 ; 2,75…"),
    "parts_nulles": ({"mode": "rfr", "rfr": "37760", "parts": "0"}, "parts",
                     "Le nombre de parts est positif, par quarts : 1 ; 1,5 ; 2,75…"),
    "parts_manquantes": ({"mode": "rfr", "rfr": "37760", "parts": ""}, "parts",
                         "Saisissez le nombre de parts, par exemple 2,5."),
    "parts_demesurees": ({"mode": "rfr", "rfr": "37760", "parts": "9" * 60}, "parts",
                         "Le nombre de parts ne peut pas dépasser 99."),
    "rfr_manquant": ({"mode": "rfr", "rfr": "", "parts": "2"}, "rfr",
                     "Saisissez votre revenu fiscal de référence."),
    "rfr_negatif": ({"mode": "rfr", "rfr": "-1", "parts": "2"}, "rfr",
                    "Le revenu ne peut pas être négatif."),
    "rfr_demesure": ({"mode": "rfr", "rfr": "9" * 60, "parts": "1"}, "rfr",
                     "Ce montant est trop grand pour calculer un tarif."),
}


@pytest.mark.parametrize(("requete", "champ", "message"), SAISIES_INVALIDES.values(),
                         ids=SAISIES_INVALIDES.keys())
def test_saisie_invalide_422_message_francais_lie_au_champ_et_saisie_conservee(
        app, requete, champ, message):
    reponse = app.test_client().get("/simulateur", query_string=requete)
    assert reponse.status_code == 422
    page = Page(reponse.text)
    erreur = page.par_id(f"{champ}-erreur")
    assert erreur.texte == message
    entree = page.par_id(champ)
    assert f"{champ}-erreur" in entree.get("aria-describedby", "").split()
    assert entree.get("aria-invalid") == "true"
    assert entree.get("value") == requete[champ]
    assert [a for a in page.tous("a") if a.get("href") == f"#{champ}"]  # error summary
    assert page.tous("title")[0].texte.startswith("Erreur")
    assert "titre-resultats" not in reponse.text


CLES = ["mode", "qf", "rfr", "parts", "hors_commune", "rang", "periode"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requete=st.lists(st.tuples(st.one_of(st.sampled_from(CLES), st.text(max_size=8)),
                                  st.one_of(st.text(max_size=30),
                                            st.decimals(allow_nan=True).map(str),
                                            st.sampled_from(["qf", "rfr", "", "0", "y"]))),
                        max_size=8))
@example(requete=[("mode", "rfr"), ("rfr", "1e999999"), ("parts", "1")])
@example(requete=[("mode", "qf"), ("qf", "9" * 48)])
@example(requete=[("rang", "²"), ("qf", "1")])
@example(requete=[("mode", "rfr"), ("rfr", "1"), ("parts", "9" * 60)])
@example(requete=[("mode", "rfr")])
@example(requete=[("mode", "qf"), ("mode", "rfr"), ("qf", "1")])
def test_jamais_d_erreur_500_et_toujours_en_francais(app, requete):
    reponse = app.test_client().get("/simulateur", query_string=requete)
    if any(contient_un_controle(texte) for paire in requete for texte in paire):
        assert reponse.status_code == 400, requete  # refused before the view (issue 14)
    else:
        assert reponse.status_code in (200, 422), reponse.text
    for anglais in ANGLAIS:
        assert anglais not in reponse.text


# ---------------------------------------------------------------------------------------------
# /api/simulation and /api/tarifs
# ---------------------------------------------------------------------------------------------

API_ET_CLI = {
    "qf": ({"qf": "1001"}, ["--qf", "1001"]),
    "borne": ({"qf": "400.00"}, ["--qf", "400.00"]),
    "rfr_parts": ({"rfr": "37760", "parts": "2.5"}, ["--rfr", "37760", "--parts", "2.5"]),
    "sans_quotient": ({"sans_quotient": "1"}, ["--sans-quotient"]),
    "hors_commune_rang": ({"qf": "500", "hors_commune": "1", "rang": "3"},
                          ["--qf", "500", "--hors-commune", "--rang", "3"]),
    "autre_annee": ({"qf": "500", "date": "2031-09-01"}, ["--qf", "500", "--date", "2031-09-01"]),
    # The simulator's own query string (`hors_commune=y`) gives the same answer through the API.
    "case_cochee": ({"qf": "500", "hors_commune": "y"}, ["--qf", "500", "--hors-commune"]),
    "case_non_cochee": ({"qf": "500", "hors_commune": "non"}, ["--qf", "500"]),
}


@pytest.mark.parametrize(("requete", "arguments"), API_ET_CLI.values(), ids=API_ET_CLI.keys())
def test_api_simulation_repond_exactement_comme_la_ligne_de_commande(app, requete, arguments):
    requete = {"date": RENTREE, **requete}
    if "--date" not in arguments:
        arguments = [*arguments, "--date", RENTREE]
    reponse = app.test_client().get("/api/simulation", query_string=requete)
    assert reponse.status_code == 200
    assert reponse.mimetype == "application/json"
    assert reponse.get_data(as_text=True) == cli(app, *arguments)


ERREURS_API = {
    "rien": ({}, 400, "indiquez exactement un de : qf, rfr et parts, sans quotient"),
    "qf_et_rfr": ({"qf": "1", "rfr": "2", "parts": "1"}, 400, "indiquez exactement un de"),
    "qf_lettres": ({"qf": "abc"}, 400, "qf doit être un nombre (reçu « abc »)"),
    "qf_negatif": ({"qf": "-1"}, 400, "qf doit être un nombre positif ou nul (reçu « -1 »)"),
    "rfr_sans_parts": ({"rfr": "37760"}, 400, "rfr et parts vont ensemble"),
    "parts_nulles": ({"rfr": "37760", "parts": "0"}, 400, "nombre de parts invalide"),
    "parts_demesurees": ({"rfr": "1e999999", "parts": "1e-999999"}, 400, "démesuré"),
    "date_inexistante": ({"qf": "1", "date": "2030-02-30"}, 400,
                         "date invalide « 2030-02-30 » (format attendu AAAA-MM-JJ)"),
    "rang_zero": ({"qf": "1", "rang": "0"}, 400, "rang invalide « 0 » (un entier à partir de 1)"),
    "rang_lettres": ({"qf": "1", "rang": "deux"}, 400, "rang invalide « deux »"),
    # Read as false, an unknown value would quietly give the cheaper resident price.
    "hors_commune_inconnu": ({"qf": "1", "hors_commune": "peut-être"}, 400,
                             "hors_commune invalide « peut-être » (attendu : 1 ou 0)"),
    "sans_quotient_inconnu": ({"sans_quotient": "2"}, 400, "sans_quotient invalide « 2 »"),
    "hors_periode": ({"qf": "1", "date": "2029-12-31"}, 404,
                     "aucune période tarifaire ne couvre le 2029-12-31"),
}


@pytest.mark.parametrize(("requete", "statut", "message"), ERREURS_API.values(),
                         ids=ERREURS_API.keys())
def test_api_simulation_erreurs_json_en_francais(app, requete, statut, message):
    requete = {"date": RENTREE, **requete}
    reponse = app.test_client().get("/api/simulation", query_string=requete)
    assert reponse.status_code == statut
    assert reponse.mimetype == "application/json"
    assert list(reponse.json) == ["erreur"]
    assert message in reponse.json["erreur"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requete=st.dictionaries(
    st.sampled_from(["qf", "rfr", "parts", "sans_quotient", "hors_commune", "rang", "date"]),
    st.one_of(st.text(max_size=20), st.decimals(allow_nan=True).map(str)), max_size=5))
def test_api_simulation_jamais_d_erreur_500(app, requete):
    reponse = app.test_client().get("/api/simulation", query_string=requete)
    assert reponse.status_code in (200, 400, 404)
    assert reponse.mimetype == "application/json"


def test_api_tarifs_forme_montants_en_texte_et_version(app):
    reponse = app.test_client().get("/api/tarifs")
    assert reponse.status_code == 200
    corps = reponse.json
    assert list(corps) == ["version", "commune", "code_insee", "codes_postaux",
                           "quotient_familial", "periodes"]
    assert corps["codes_postaux"] is None  # the test grid lets families declare residence
    assert corps["version"] == grilles.empreinte(GRILLE_ESSAI)
    assert re.fullmatch(r"[0-9a-f]{64}", corps["version"])
    assert (corps["commune"], corps["code_insee"]) == ("Essai-sur-Loire", "45234")
    assert corps["quotient_familial"] == {"sources": ["caf", "dgfip"], "validite_mois": 12}
    premiere, seconde = corps["periodes"]
    assert (premiere["libelle"], premiere["debut"], premiere["fin"]) == (
        PERIODE_A, "2030-09-01", "2031-08-31")
    assert premiere["services"]["cantine"] == {
        "libelle": "Restauration scolaire", "unite": "repas",
        "bareme": {"mode": "tranches", "tranches": [
            {"jusqu_a": "400", "prix": "1.00"}, {"jusqu_a": "800", "prix": "2.55"},
            {"jusqu_a": None, "prix": "4.00"}]},
        "jours": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
        "sans_quotient": "4.50", "hors_commune": "7.00",
    }
    assert premiere["services"]["soir"]["bareme"] == {
        "mode": "taux_effort", "taux_pourcent": "0.5", "plancher": "0.50", "plafond": "9.00"}
    assert premiere["services"]["soir"]["hors_commune"] == {"majoration_pourcent": "20"}
    assert premiere["services"]["ateliers"]["bareme"] == {
        "mode": "lineaire", "points": [{"qf": "0", "prix": "1.00"},
                                       {"qf": "1000", "prix": "2.01"}]}
    assert premiere["reduction_fratrie"] == {"services": ["cantine"],
                                             "rangs": {"2": "20", "3": "50"}}
    assert seconde["reduction_fratrie"] is None and seconde["deliberation"] is None

    def nombres_binaires(valeur):
        if isinstance(valeur, dict):
            return [n for v in valeur.values() for n in nombres_binaires(v)]
        if isinstance(valeur, list):
            return [n for v in valeur for n in nombres_binaires(v)]
        return [valeur] if isinstance(valeur, float) else []

    assert nombres_binaires(corps) == []  # money never travels as a float


# ---------------------------------------------------------------------------------------------
# Rate limit (securite.md I6): this module keeps the limiter on
# ---------------------------------------------------------------------------------------------


def test_limite_de_debit_61e_demande_refusee_en_francais(fabrique, tmp_path):
    app = fabrique(tarifs_fichier=ecrire(tmp_path), RATELIMIT_ENABLED=True)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.61"  # a counter of its own
    for numero in range(60):
        assert client.get("/simulateur").status_code == 200, numero
    reponse = client.get("/simulateur")
    assert reponse.status_code == 429
    assert int(reponse.headers["Retry-After"]) > 0
    page = Page(reponse.text)
    assert page.tous("html")[0].get("lang") == "fr"
    assert page.tous("h1")[0].texte == "Trop de demandes"
    assert "Patientez un instant." in reponse.text
    autre = app.test_client()
    autre.environ_base["REMOTE_ADDR"] = "192.0.2.62"
    assert autre.get("/simulateur").status_code == 200  # per client, not global
