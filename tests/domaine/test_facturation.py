"""The billing rule of a month, from plain values: which days are billed, why, and the lines'
arithmetic (property tests)."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portail_famille.domaine import facturation as regles
from portail_famille.domaine.calendrier_scolaire import CalendrierInvalide
from portail_famille.domaine.chargement_calendrier import charger_calendrier
from portail_famille.domaine.facturation import RegleFacturation

LUNDI = date(2026, 11, 2)
JOURS = [LUNDI + timedelta(days=n) for n in range(30)]
MARQUES = ("present", "absent_justifie", "absent_injustifie", "present_sans_reservation")
REGLES = st.sampled_from([
    RegleFacturation(regles.RESERVATIONS),
    RegleFacturation(regles.PRESENCES),
    RegleFacturation(regles.RESERVATIONS_ET_PRESENCES, majoration_pourcent=Decimal("20")),
    RegleFacturation(regles.RESERVATIONS_ET_PRESENCES, majoration_montant=Decimal("1.50")),
])
JEU = st.tuples(REGLES, st.sets(st.sampled_from(JOURS)),
                st.dictionaries(st.sampled_from(JOURS), st.sampled_from(MARQUES)))


@given(JEU)
def test_aucun_jour_facture_deux_fois_ni_absence_justifiee(jeu):
    regle, reserves, marques = jeu
    facturables = regles.jours_facturables(regle, reserves, marques)
    jours = [f.jour for f in facturables]
    assert jours == sorted(set(jours))
    assert all(marques.get(j) != "absent_justifie" for j in jours)
    assert set(jours) <= set(reserves) | set(marques)


@given(JEU)
def test_chaque_mode_facture_ce_qu_il_dit(jeu):
    regle, reserves, marques = jeu
    jours = {f.jour: f for f in regles.jours_facturables(regle, reserves, marques)}
    presents = {j for j, m in marques.items() if m in ("present", "present_sans_reservation")}
    reserves_dus = {j for j in reserves if marques.get(j) != "absent_justifie"}
    if regle.mode == regles.PRESENCES:
        assert set(jours) == presents
        assert not any(f.majore for f in jours.values())
    elif regle.mode == regles.RESERVATIONS:
        assert set(jours) == reserves_dus
    else:
        assert set(jours) == reserves_dus | presents
        assert {j for j, f in jours.items() if f.majore} == presents - set(reserves)


def test_motifs_en_francais():
    regle = RegleFacturation(regles.RESERVATIONS_ET_PRESENCES,
                             majoration_pourcent=Decimal("20"))
    facturables = regles.jours_facturables(
        regle, {JOURS[0], JOURS[1], JOURS[2]},
        {JOURS[0]: "present", JOURS[1]: "absent_injustifie", JOURS[2]: "absent_justifie",
         JOURS[3]: "present_sans_reservation"})
    assert [(f.jour, regles.MOTIFS[f.motif], f.majore) for f in facturables] == [
        (JOURS[0], "jour réservé, présent", False),
        (JOURS[1], "jour réservé, absence non justifiée", False),
        (JOURS[3], "présent sans réservation, majoré", True)]


@pytest.mark.parametrize(("regle", "prix", "attendu"), [
    (RegleFacturation(regles.RESERVATIONS_ET_PRESENCES, majoration_pourcent=Decimal("20")),
     Decimal("3.33"), Decimal("4.00")),  # 3.996 half-up
    (RegleFacturation(regles.RESERVATIONS_ET_PRESENCES, majoration_pourcent=Decimal("25")),
     Decimal("0.10"), Decimal("0.13")),  # 0.125 half-up
    (RegleFacturation(regles.RESERVATIONS_ET_PRESENCES, majoration_montant=Decimal("1.50")),
     Decimal("2.05"), Decimal("3.55")),
])
def test_majoration_au_centime(regle, prix, attendu):
    assert regle.majorer(prix) == attendu


PRIX = st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=2)


@given(st.lists(st.tuples(st.sampled_from(JOURS), st.sampled_from(list(regles.MOTIFS)), PRIX),
                unique_by=lambda t: t[0]))
def test_total_egal_somme_des_lignes_et_jours_une_fois(jours):
    tarifes = [regles.JourTarife(j, motif, prix, f"prix {prix}") for j, motif, prix in jours]
    lignes = regles.regrouper(tarifes)
    assert regles.total(lignes) == sum((prix for _, _, prix in jours), Decimal("0.00"))
    assert all(ligne.montant == ligne.prix_unitaire * ligne.quantite for ligne in lignes)
    facturés = [j for ligne in lignes for j in ligne.jours]
    assert sorted(facturés) == sorted(j for j, _, _ in jours)


CALENDRIER = """\
commune: Lyon
zone: A
fuseau: Europe/Paris
annees:
  - libelle: Année
    rentree: 2026-09-01
    fin_des_cours: 2027-07-02
    vacances: []
delais:
  defaut: {jours: 1, heure: "12:00"}
"""


def test_la_regle_se_lit_dans_le_calendrier():
    calendrier = charger_calendrier(CALENDRIER + """\
facturation:
  adresse: "1 place de la Mairie"
  echeance_jours: 15
  regles:
    accueil_soir: {mode: presences}
    restauration_scolaire: {mode: reservations_et_presences, majoration_montant: 1.20}
    defaut: {mode: reservations}
""")
    assert calendrier.facturation.echeance_jours == 15
    assert calendrier.facturation.regle("accueil_soir").mode == "presences"
    assert calendrier.facturation.regle("restauration_scolaire").majoration_montant == \
        Decimal("1.20")
    assert calendrier.facturation.regle("autre").mode == "reservations"
    assert charger_calendrier(CALENDRIER).facturation.regle("x").mode == "reservations"


@pytest.mark.parametrize(("regles_ecrites", "message"), [
    ("x: {mode: tout}", "« mode » : « tout » inconnu"),
    ("x: {mode: presences, majoration_pourcent: 10}", "ne vaut qu’avec le mode"),
    ("x: {mode: reservations_et_presences, majoration_pourcent: 10, majoration_montant: 1}",
     "pas les deux"),
    ("x: {mode: reservations_et_presences, majoration_montant: -1}", "négatif"),
    ("Cantine: {mode: presences}", "code de service « Cantine » invalide"),
])
def test_une_regle_fausse_est_refusee_en_francais(regles_ecrites, message):
    with pytest.raises(CalendrierInvalide) as erreur:
        charger_calendrier(CALENDRIER + f"facturation:\n  regles:\n    {regles_ecrites}\n")
    assert message in str(erreur.value)


def test_les_services_de_garde_du_credit_d_impot():
    regles = "  regles:\n    defaut: {mode: reservations}\n"
    calendrier = charger_calendrier(
        CALENDRIER + "facturation:\n  frais_de_garde: [accueil_soir]\n" + regles)
    assert calendrier.facturation.frais_de_garde == ("accueil_soir",)
    assert charger_calendrier(CALENDRIER).facturation.frais_de_garde == ()
    with pytest.raises(CalendrierInvalide) as erreur:
        charger_calendrier(CALENDRIER + "facturation:\n  frais_de_garde: accueil_soir\n" + regles)
    assert "doit être une liste" in str(erreur.value)
