"""Open periods and the rules of an enrolment choice, without the app."""

from dataclasses import replace
from datetime import date

import pytest

from portail_famille.domaine import calendrier
from portail_famille.domaine.chargement import charger_grille

GRILLE = charger_grille("""\
commune: Test
code_insee: "45234"
quotient_familial: {sources: [caf], validite_mois: 12}
periodes:
  - libelle: A
    debut: 2030-09-01
    fin: 2031-08-31
    services:
      cantine: {libelle: Cantine, unite: repas, bareme: {mode: tranches, tranches: [{prix: 1}]}}
  - libelle: B
    debut: 2031-09-01
    fin: 2032-08-31
    services:
      cantine: {libelle: Cantine, unite: repas, bareme: {mode: tranches, tranches: [{prix: 2}]}}
""")


@pytest.mark.parametrize(("jour", "libelles"), [
    (date(2030, 1, 1), ["A"]),
    (date(2030, 10, 1), ["A", "B"]),
    (date(2031, 10, 1), ["B"]),
    (date(2033, 1, 1), []),
])
def test_periodes_ouvertes(jour, libelles):
    assert [p.libelle for p in calendrier.periodes_ouvertes(GRILLE, jour)] == libelles


def test_periode_ouverte_par_son_debut():
    assert calendrier.periode_ouverte(GRILLE, date(2031, 9, 1), date(2030, 10, 1)).libelle == "B"
    assert calendrier.periode_ouverte(GRILLE, date(2030, 9, 1), date(2031, 10, 1)) is None


def test_jours_dans_l_ordre_de_la_semaine():
    assert calendrier.jours_dans_l_ordre(("jeudi", "lundi")) == "lundi,jeudi"


A = GRILLE.periodes[0]
CANTINE = A.services["cantine"]
MERCREDI = replace(CANTINE, libelle="Ateliers", jours=("mercredi",))
FERIES = {date(2030, 11, 11)}


@pytest.mark.parametrize(("jours", "debut", "champ"), [
    ((), date(2030, 10, 2), "jours"),
    (("samedi",), date(2030, 10, 2), "jours"),
    (("lundi",), date(2031, 9, 2), "date_debut"),
    (("lundi",), date(2030, 9, 2), "date_debut"),  # before today
    (("lundi",), date(2030, 10, 5), "date_debut"),  # a Saturday
    (("lundi",), date(2030, 11, 11), "date_debut"),  # a public holiday
])
def test_choix_refuses(jours, debut, champ):
    with pytest.raises(calendrier.ChoixRefuse) as refus:
        calendrier.verifier_choix(A, CANTINE, calendrier.Choix(jours, debut), date(2030, 10, 1),
                                  FERIES)
    assert refus.value.champ == champ
    assert refus.value.message.endswith(".")


def test_une_date_passee_inchangee_reste_permise():
    choix = calendrier.Choix(("lundi",), date(2030, 9, 2))
    calendrier.verifier_choix(A, CANTINE, choix, date(2030, 10, 1), FERIES,
                              date_inchangee=date(2030, 9, 2))


def test_la_periode_est_dite_en_toutes_lettres():
    with pytest.raises(calendrier.ChoixRefuse) as refus:
        calendrier.verifier_choix(A, CANTINE, calendrier.Choix(("lundi",), date(2032, 1, 1)),
                                  date(2030, 10, 1), FERIES)
    assert "1er septembre 2030" in refus.value.message


def test_un_atelier_du_mercredi_ne_se_reserve_que_le_mercredi():
    with pytest.raises(calendrier.ChoixRefuse) as refus:
        calendrier.verifier_choix(A, MERCREDI, calendrier.Choix(("lundi",), date(2030, 10, 2)),
                                  date(2030, 10, 1), FERIES)
    assert refus.value.message == "Ateliers : le mercredi seulement."
    calendrier.verifier_choix(A, MERCREDI, calendrier.Choix(("mercredi",), date(2030, 10, 2)),
                              date(2030, 10, 1), FERIES)


def test_les_jours_en_toutes_lettres():
    assert calendrier.les_jours(("mercredi",)) == "le mercredi"
    assert calendrier.les_jours(("lundi", "mardi", "jeudi")) == "le lundi, le mardi et le jeudi"
    assert calendrier.les_jours(calendrier.JOURS_OUVRES) == "du lundi au vendredi"
