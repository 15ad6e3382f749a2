"""The grid's text edited through its YAML nodes (domaine/edition.py), without an app."""

from decimal import Decimal
from pathlib import Path

import pytest

from portail_famille.domaine import chargement
from portail_famille.domaine.edition import Brouillon
from portail_famille.domaine.edition import TexteIllisible
from portail_famille.domaine.edition import champs_du_plan
from portail_famille.domaine.edition import positions
from tests.grilles_essai import GRILLE_ESSAI

TARIFS = (Path(__file__).parents[2] / "tarifs.yaml").read_text(encoding="utf-8")
CANTINE = ("periodes", 0, "services", "cantine", "bareme", "tranches")


@pytest.mark.parametrize("texte", [TARIFS, GRILLE_ESSAI], ids=["tarifs.yaml", "essai"])
def test_un_texte_non_modifie_revient_tel_quel(texte):
    brouillon = Brouillon(texte)
    assert brouillon.texte() == texte
    assert brouillon.texte() == texte  # serialising twice loses nothing either


def test_une_valeur_modifiee_garde_son_commentaire_et_le_reste(tmp_path):
    brouillon = Brouillon(GRILLE_ESSAI)
    brouillon.fixer((*CANTINE, 2, "prix"), "4,20", nombre=True)
    assert brouillon.texte() == GRILLE_ESSAI.replace("prix: 4.00   # au-delà de 800",
                                                     "prix: 4.20   # au-delà de 800")


def test_ajouter_deplacer_supprimer_une_tranche():
    brouillon = Brouillon(GRILLE_ESSAI)
    brouillon.ajouter(CANTINE)
    assert [brouillon.valeur((*CANTINE, i, "jusqu_a")) for i in range(4)] == [
        "400", "800", "", ""]
    brouillon.fixer((*CANTINE, 2, "jusqu_a"), "900", nombre=True)
    brouillon.fixer((*CANTINE, 2, "prix"), "3.00", nombre=True)
    prix = chargement.charger_grille(brouillon.texte()).periodes[0].services["cantine"]
    assert [t.prix for t in prix.bareme.tranches] == [Decimal(p) for p in
                                                      ("1.00", "2.55", "3.00", "4.00")]
    brouillon.deplacer(CANTINE, 0, +1)
    assert [brouillon.valeur((*CANTINE, i, "jusqu_a")) for i in range(3)] == ["800", "400", "900"]
    brouillon.supprimer(CANTINE, 1)
    assert [brouillon.valeur((*CANTINE, i, "prix")) for i in range(3)] == ["2.55", "3.00", "4.00"]


def test_l_annee_suivante_est_copiee_un_an_plus_tard_sans_deliberation():
    brouillon = Brouillon(GRILLE_ESSAI)
    brouillon.ajouter_annee_suivante()
    grille = chargement.charger_grille(brouillon.texte())
    copie = grille.periodes[-1]
    assert (copie.libelle, copie.debut.isoformat(), copie.fin.isoformat(), copie.deliberation) \
        == ("Année scolaire 2032-2033", "2032-09-01", "2033-08-31", None)
    bornes = [[(t.jusqu_a, t.prix) for t in p.services["cantine"].bareme.tranches]
              for p in grille.periodes[-2:]]
    assert bornes[0] == bornes[1]


def test_hors_commune_prix_majoration_ou_defaut():
    brouillon = Brouillon(GRILLE_ESSAI)
    cantine = ("periodes", 0, "services", "cantine")
    brouillon.fixer_hors_commune(cantine, "majoration", "25")
    assert "hors_commune: {majoration_pourcent: 25}" in brouillon.texte()
    brouillon.fixer_hors_commune(cantine, "prix", "8")
    assert "hors_commune: 8\n" in brouillon.texte()
    brouillon.fixer_hors_commune(cantine, "", "")
    service = chargement.charger_grille(brouillon.texte()).periodes[0].services["cantine"]
    assert not service.hors_commune_explicite


def test_une_valeur_qui_n_est_pas_un_nombre_reste_du_texte_que_le_chargeur_refuse():
    brouillon = Brouillon(GRILLE_ESSAI)
    brouillon.fixer((*CANTINE, 0, "prix"), "{a: 1} # !!python/object", nombre=True)
    with pytest.raises(chargement.GrilleInvalide) as erreur:
        chargement.charger_grille(brouillon.texte())
    assert "un nombre comme 12 ou 0.80 est attendu" in str(erreur.value)


def test_les_positions_des_champs_sont_celles_des_erreurs_du_chargeur():
    brouillon = Brouillon(GRILLE_ESSAI)
    brouillon.fixer((*CANTINE, 1, "jusqu_a"), "300", nombre=True)
    texte = brouillon.texte()
    with pytest.raises(chargement.GrilleInvalide) as erreur:
        chargement.charger_grille(texte)
    (seule,) = erreur.value.erreurs
    plan = Brouillon(texte).plan()
    ou = positions(texte, [c.chemin for c in champs_du_plan(plan)])
    assert ou[(seule.ligne, seule.colonne)] == (*CANTINE, 1, "jusqu_a")


@pytest.mark.parametrize("texte", ["[1, 2]", "periodes: 3\n", "a: [\n",
                                   "periodes:\n  - 1\n"])
def test_un_texte_sans_la_forme_d_une_grille_n_a_pas_de_formulaire(texte):
    with pytest.raises(TexteIllisible):
        Brouillon(texte).plan()
