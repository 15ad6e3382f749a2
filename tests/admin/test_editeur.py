"""The grid editor: the form view and the text view edit one text, checked by the one loader."""

from decimal import Decimal

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.services import grilles
from tests.admin.formulaires import CANTINE
from tests.admin.formulaires import donnees
from tests.admin.formulaires import envoyer
from tests.admin.formulaires import texte_de
from tests.aides import Page
from tests.grilles_essai import GRILLE_ESSAI

# The canteen of GRILLE_ESSAI with a bracket up to 900 at 3.00 inserted before the last one.
TROIS_BORNES = GRILLE_ESSAI.replace(
    "            - prix: 4.00   # au-delà de 800",
    "            - jusqu_a: 900\n              prix: 3.00\n"
    "            - prix: 4.00   # au-delà de 800")


def editeur(client, vue: str = "formulaire"):
    reponse = client.get("/admin/grille/modifier", query_string={"vue": vue})
    assert reponse.status_code == 200
    return reponse.text


def texte_du_brouillon(html: str) -> str:
    return donnees(html)["texte"]


def erreurs_a_cote(html: str) -> dict[str, str]:
    """The error shown under each field, by field id."""
    return {p.get("id").removesuffix("-erreur"): p.texte for p in Page(html).tous("p")
            if p.get("class") == "champ__erreur"}


def resume(html: str) -> list[str]:
    return [li.texte for li in Page(html).par_id("resume-erreurs").tous("li")]


def test_la_vue_formulaire_ajoute_une_tranche_avant_la_derniere(admin):
    reponse = envoyer(admin, editeur(admin), f"ajouter:{CANTINE}")
    assert reponse.status_code == 200
    champs = donnees(reponse.text)
    assert champs[f"{CANTINE}-2-jusqu_a"] == "" and champs[f"{CANTINE}-2-prix"] == ""
    assert champs[f"{CANTINE}-3-prix"] == "4.00"
    assert f"{CANTINE}-3-jusqu_a" not in champs  # the last bracket has no bound
    # Nothing is checked before « Vérifier »: no error shown for the blank bracket yet.
    assert "resume-erreurs" not in reponse.text


def test_les_bornes_qui_ne_croissent_pas_sont_signalees_a_cote_du_champ(admin):
    ajoutee = envoyer(admin, editeur(admin), f"ajouter:{CANTINE}").text
    reponse = envoyer(admin, ajoutee, "verifier", **{f"{CANTINE}-2-jusqu_a": "300",
                                                     f"{CANTINE}-2-prix": "3,00"})
    assert reponse.status_code == 422
    message = "cantine : la borne 300 doit être supérieure à la précédente (800)"
    assert erreurs_a_cote(reponse.text) == {f"{CANTINE}-2-jusqu_a": message}
    assert resume(reponse.text) == [f"Ligne 26, colonne 15 : {message}"]
    # What was typed is kept, the French comma made a point.
    champs = donnees(reponse.text)
    assert (champs[f"{CANTINE}-2-jusqu_a"], champs[f"{CANTINE}-2-prix"]) == ("300", "3.00")
    corrigee = envoyer(admin, reponse.text, "verifier", **{f"{CANTINE}-2-jusqu_a": "900"})
    assert corrigee.status_code == 200
    assert "La grille proposée ne contient aucune erreur." in corrigee.text


def test_la_vue_texte_donne_ligne_et_colonne_et_garde_le_texte(admin):
    texte = GRILLE_ESSAI.replace("plancher: 0.50", "plancer: 0.50")
    reponse = envoyer(admin, editeur(admin, "texte"), "verifier", texte=texte)
    assert reponse.status_code == 422
    assert resume(reponse.text) == [
        "Ligne 33, colonne 11 : soir : clé « plancher » manquante dans le barème taux_effort",
        "Ligne 35, colonne 11 : soir : clé inconnue « plancer » (vouliez-vous dire "
        "« plancher » ?)"]
    assert texte_de(Page(reponse.text).par_id("texte")) == texte


def test_formulaire_et_texte_donnent_la_meme_grille(admin):
    ajoutee = envoyer(admin, editeur(admin), f"ajouter:{CANTINE}").text
    par_le_formulaire = envoyer(admin, ajoutee, "vue_texte", **{f"{CANTINE}-2-jusqu_a": "900",
                                                                f"{CANTINE}-2-prix": "3.00"})
    texte_formulaire = texte_de(Page(par_le_formulaire.text).par_id("texte"))
    par_le_texte = envoyer(admin, editeur(admin, "texte"), "vue_texte", texte=TROIS_BORNES)
    texte_saisi = texte_de(Page(par_le_texte.text).par_id("texte"))
    assert texte_saisi == TROIS_BORNES
    assert grilles.grille_en_json(grilles.lire(texte_formulaire)) == \
        grilles.grille_en_json(grilles.lire(texte_saisi))
    # The form touched nothing else: comments and quotes stay as written.
    assert texte_formulaire == TROIS_BORNES


def test_monter_descendre_supprimer_sans_javascript(admin):
    html = envoyer(admin, editeur(admin), f"ajouter:{CANTINE}").text
    monte = envoyer(admin, html, f"monter:{CANTINE}:2",
                    **{f"{CANTINE}-2-jusqu_a": "900", f"{CANTINE}-2-prix": "3.10"}).text
    champs = donnees(monte)
    assert [champs[f"{CANTINE}-{i}-jusqu_a"] for i in range(3)] == ["400", "900", "800"]
    supprime = envoyer(admin, monte, f"supprimer:{CANTINE}:1").text
    champs = donnees(supprime)
    assert [champs[f"{CANTINE}-{i}-jusqu_a"] for i in range(2)] == ["400", "800"]
    assert champs[f"{CANTINE}-2-prix"] == "4.00"
    # Moving the open-ended bracket up gives it an empty bound to fill, and keeps the other.
    descendu = donnees(envoyer(admin, supprime, f"descendre:{CANTINE}:1").text)
    assert (descendu[f"{CANTINE}-1-jusqu_a"], descendu[f"{CANTINE}-1-prix"]) == ("", "4.00")
    assert (descendu[f"{CANTINE}-2-jusqu_a"], descendu[f"{CANTINE}-2-prix"]) == ("800", "2.55")


def test_regles_et_taux_d_effort_dans_le_formulaire(admin):
    soir = "periodes-0-services-soir"
    reponse = envoyer(admin, editeur(admin), "vue_texte", **{
        f"{soir}-bareme-plafond": "8,50", f"{soir}-sans_quotient": "8.00",
        # One value field per service: the rule chosen says what it holds.
        f"{soir}-hors_commune_regle": "prix", f"{soir}-hors_commune-majoration_pourcent": "10",
        "periodes-0-services-cantine-sans_quotient": "",
        "periodes-0-reduction_fratrie-rangs-1_1": "40",
        "periodes-0-fratrie": ["cantine", "ateliers"]})
    grille = grilles.lire(texte_de(Page(reponse.text).par_id("texte")))
    periode = grille.periodes[0]
    service = periode.services["soir"]
    assert (service.bareme.plafond, service.sans_quotient, service.hors_commune) == (
        Decimal("8.50"), Decimal("8.00"), Decimal("10"))
    assert not periode.services["cantine"].sans_quotient_explicite
    assert periode.reduction_fratrie.services == ("cantine", "ateliers")
    assert periode.reduction_fratrie.rangs == ((2, Decimal(20)), (3, Decimal(40)))


def test_ajouter_l_annee_scolaire_suivante(admin):
    reponse = envoyer(admin, editeur(admin), "annee_suivante")
    champs = donnees(reponse.text)
    assert (champs["periodes-2-libelle"], champs["periodes-2-debut"],
            champs["periodes-2-fin"], champs["periodes-2-deliberation"]) == (
        "Année scolaire 2032-2033", "2032-09-01", "2033-08-31", "")
    grille = grilles.lire(texte_du_brouillon(reponse.text))
    assert [p.libelle for p in grille.periodes][-1] == "Année scolaire 2032-2033"


def test_un_texte_illisible_reste_dans_la_vue_texte(admin):
    reponse = envoyer(admin, editeur(admin, "texte"), "vue_formulaire", texte="periodes: [\n")
    assert reponse.status_code == 422
    assert texte_de(Page(reponse.text).par_id("texte")) == "periodes: [\n"
    assert resume(reponse.text)[0].startswith("Ligne ")


CHAMPS_DU_FORMULAIRE = [f"{CANTINE}-0-jusqu_a", f"{CANTINE}-1-prix", "periodes-0-debut",
                        "periodes-0-libelle", "periodes-0-services-soir-bareme-taux_pourcent",
                        "periodes-0-reduction_fratrie-rangs-0_0",
                        "periodes-0-services-soir-hors_commune_regle",
                        "periodes-0-services-ateliers-bareme-points-1-qf"]
ACTIONS = ["verifier", "vue_texte", f"ajouter:{CANTINE}", f"monter:{CANTINE}:1",
           f"supprimer:{CANTINE}:0", "annee_suivante", "ajouter:inconnue", "monter:x:y", ""]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valeurs=st.dictionaries(st.sampled_from(CHAMPS_DU_FORMULAIRE),
                               st.text(st.characters(blacklist_categories=("Cs", "Cc")),
                                       max_size=30), max_size=4),
       action=st.sampled_from(ACTIONS))
def test_i2_le_formulaire_ne_repond_jamais_500_et_parle_francais(admin, valeurs, action):
    html = editeur(admin)
    reponse = envoyer(admin, html, action, **valeurs)
    assert reponse.status_code in (200, 422)
    if reponse.status_code == 422:
        assert all(ligne.startswith("Ligne ") for ligne in resume(reponse.text))
        assert "Traceback" not in reponse.text


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texte=st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=200),
    st.integers(0, len(GRILLE_ESSAI)).map(lambda n: GRILLE_ESSAI[:n])),
    action=st.sampled_from(["verifier", "vue_formulaire", "vue_texte", "annee_suivante"]))
def test_i2_la_vue_texte_ne_repond_jamais_500(admin, texte, action):
    reponse = envoyer(admin, editeur(admin, "texte"), action, texte=texte)
    assert reponse.status_code in (200, 422)
    if reponse.status_code == 422:
        assert all(ligne.startswith("Ligne ") for ligne in resume(reponse.text))
