"""A month's campaign: the draft (households, lines, unit prices as `flask tarifs simuler`
gives them), issuing with gapless numbers in one transaction, idempotence, an injected
failure, credit notes, balances, and the attendance locked once invoiced."""

from collections import namedtuple
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import CompteurNumeros
from portail_famille.models import Evenement
from portail_famille.models import Facture
from portail_famille.models import LigneFacture
from portail_famille.models import ListePointage
from portail_famille.services import factures as facturation
from portail_famille.services import lecture_journal
from portail_famille.services import presences
from portail_famille.services import tarifs as tarifs_service
from portail_famille.web import contexte

from .conftest import MAINTENANT
from .conftest import NOVEMBRE
from .conftest import agent
from .conftest import foyer
from .conftest import jours_de_classe
from .conftest import pointer
from .conftest import reserver


def calculer(app, agent_id, mois=NOVEMBRE, maintenant=MAINTENANT):
    with app.test_request_context():
        chargee = contexte.grille_chargee()
        campagne = facturation.calculer(mois, chargee.grille, chargee.sha256,
                                        contexte.calendrier(), agent(agent_id), maintenant)
        db.session.commit()
        return campagne.id


def emettre(app, agent_id, mois=NOVEMBRE, maintenant=MAINTENANT):
    with app.test_request_context():
        campagne = facturation.campagne_du_mois(mois)
        n = facturation.emettre(campagne, agent(agent_id), maintenant, contexte.calendrier())
        db.session.commit()
        return n


def factures(app):
    with app.app_context():
        return [(f.famille_id, f.numero, f.total, [(ligne.enfant_id, ligne.service,
                                                     ligne.motif, ligne.quantite,
                                                     ligne.prix_unitaire, ligne.montant,
                                                     ligne.jours, ligne.grille_sha256)
                                                    for ligne in f.lignes])
                for f in db.session.scalars(sa.select(Facture).order_by(Facture.id))]


def test_brouillon_une_facture_par_foyer_lignes_jours_fois_prix(app, agent_id):
    martin = foyer(app, enfants=(("Léa", date(2018, 3, 4)), ("Hugo", date(2020, 5, 6))))
    bernard = foyer(app, nom="BERNARD", qf=None)
    jours = jours_de_classe(app)
    for inscription in (*martin.inscriptions, *bernard.inscriptions):
        reserver(app, inscription, jours)
    # Léa: one justified absence (not billed), one unjustified (billed), a presence.
    pointer(app, martin.enfants[0], {jours[0]: "present", jours[1]: "absent_justifie",
                                     jours[2]: "absent_injustifie"})
    calculer(app, agent_id)
    resultat = {famille: (numero, total, lignes)
                for famille, numero, total, lignes in factures(app)}
    assert set(resultat) == {martin.famille_id, bernard.famille_id}
    numero, total, lignes = resultat[martin.famille_id]
    assert numero is None  # a draft has no number
    assert total == sum(ligne[5] for ligne in lignes)
    lea = [ligne for ligne in lignes if ligne[0] == martin.enfants[0]]
    assert sum(ligne[3] for ligne in lea) == len(jours) - 1
    assert {ligne[2] for ligne in lea} == {"reserve", "reserve_present", "reserve_absent"}
    assert all(ligne[4] == Decimal("2.76") for ligne in lea)  # QF 700: bracket 3
    # No QF: the sans_quotient price of the grid.
    assert {ligne[4] for ligne in resultat[bernard.famille_id][2]} == {Decimal("6.35")}
    assert all(len(ligne[7]) == 64 for ligne in lignes)


def test_presence_sans_reservation_majoree_a_la_cantine(app, agent_id):
    martin = foyer(app)
    jours = jours_de_classe(app)
    pointer(app, martin.enfants[0], {jours[0]: "present_sans_reservation"})
    calculer(app, agent_id)
    [(_, _, total, [ligne])] = factures(app)
    # calendrier.yaml: the canteen adds 20 % to an unbooked meal: 2.76 × 1.2 = 3.312 → 3.31.
    assert ligne[2:6] == ("sans_reservation_majore", 1, Decimal("3.31"), Decimal("3.31"))
    assert total == Decimal("3.31")


def test_accueil_du_soir_facture_a_la_presence(app, agent_id):
    martin = foyer(app, service="accueil_soir")
    jours = jours_de_classe(app)
    reserver(app, martin.inscriptions[0], jours)
    pointer(app, martin.enfants[0], {jours[0]: "present", jours[1]: "absent_injustifie"},
            service="accueil_soir")
    calculer(app, agent_id)
    [(_, _, _, [ligne])] = factures(app)
    assert ligne[3] == 1 and ligne[2] == "present"


def test_emission_numerote_sans_trou_et_se_rejoue_sans_rien_emettre(app, agent_id):
    familles = [foyer(app, nom=f"NOM{n}") for n in range(3)]
    for f in familles:
        reserver(app, f.inscriptions[0], jours_de_classe(app)[:3])
    calculer(app, agent_id)
    assert emettre(app, agent_id) == 3
    premiers = factures(app)
    assert sorted(numero for _, numero, _, _ in premiers) == [
        "F2026-000001", "F2026-000002", "F2026-000003"]
    assert emettre(app, agent_id) == 0
    assert factures(app) == premiers
    with app.test_request_context(), pytest.raises(facturation.FacturationRefusee):
        chargee = contexte.grille_chargee()
        facturation.calculer(NOVEMBRE, chargee.grille, chargee.sha256, contexte.calendrier(),
                             agent(agent_id), MAINTENANT)
    assert factures(app) == premiers
    # An earlier month issued later continues the year's numbering; a new year starts again.
    reserver(app, familles[0].inscriptions[0], jours_de_classe(app, date(2026, 10, 1))[:2])
    calculer(app, agent_id, date(2026, 10, 1))
    assert emettre(app, agent_id, date(2026, 10, 1)) == 1
    reserver(app, familles[1].inscriptions[0], jours_de_classe(app, date(2027, 1, 1))[:2])
    fevrier = datetime(2027, 2, 1, 8, tzinfo=UTC)
    calculer(app, agent_id, date(2027, 1, 1), fevrier)
    assert emettre(app, agent_id, date(2027, 1, 1), fevrier) == 1
    assert {"F2026-000004", "F2027-000001"} <= {numero for _, numero, _, _ in factures(app)}


def test_un_mois_pas_encore_termine_ne_se_facture_pas(app, agent_id):
    with app.test_request_context(), pytest.raises(facturation.FacturationRefusee,
                                                   match="n’est pas terminé"):
        chargee = contexte.grille_chargee()
        facturation.calculer(date(2026, 12, 1), chargee.grille, chargee.sha256,
                             contexte.calendrier(), agent(agent_id), MAINTENANT)


def test_une_panne_au_milieu_de_l_emission_ne_laisse_ni_facture_ni_trou(app, agent_id,
                                                                         monkeypatch):
    for n in range(3):
        f = foyer(app, nom=f"NOM{n}")
        reserver(app, f.inscriptions[0], jours_de_classe(app)[:2])
    calculer(app, agent_id)

    def panne(*_):
        raise RuntimeError("panne injectée après la numérotation")

    monkeypatch.setattr(facturation, "_verrouiller_listes", panne)
    with app.test_request_context():
        campagne = facturation.campagne_du_mois(NOVEMBRE)
        with pytest.raises(RuntimeError):
            facturation.emettre(campagne, agent(agent_id), MAINTENANT, contexte.calendrier())
        db.session.rollback()
    assert all(numero is None for _, numero, _, _ in factures(app))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CompteurNumeros)) == 0
    monkeypatch.undo()
    assert emettre(app, agent_id) == 3
    assert sorted(numero for _, numero, _, _ in factures(app)) == [
        "F2026-000001", "F2026-000002", "F2026-000003"]


def test_le_pointage_d_un_mois_facture_est_verrouille(app, agent_id):
    martin = foyer(app)
    jours = jours_de_classe(app)
    reserver(app, martin.inscriptions[0], jours)
    pointer(app, martin.enfants[0], {jours[0]: "present"})
    calculer(app, agent_id)
    emettre(app, agent_id)
    with app.test_request_context():
        assert db.session.scalars(sa.select(ListePointage.verrouille)).all() == [True]
        for jour in jours[:2]:  # a list already marked, and one never opened
            with pytest.raises(presences.PointageRefuse, match="verrouillée"):
                presences.marquer("École Jean-Macé", "restauration_scolaire", jour,
                                  martin.enfants[0], "absent_justifie", agent(agent_id),
                                  contexte.calendrier(), contexte.grille(), MAINTENANT)


def test_avoir_numerote_et_solde(app, agent_id):
    martin = foyer(app)
    reserver(app, martin.inscriptions[0], jours_de_classe(app)[:4])  # 4 × 2.76
    calculer(app, agent_id)
    emettre(app, agent_id)
    with app.test_request_context():
        facture = db.session.scalars(sa.select(Facture)).one()
        assert facturation.solde(martin.famille_id) == Decimal("11.04")
        for montant, motif in ((Decimal("0"), "x"), (Decimal("11.05"), "x"),
                               (Decimal("1"), " ")):
            with pytest.raises(facturation.FacturationRefusee):
                facturation.emettre_avoir(facture, montant, motif, agent(agent_id), MAINTENANT,
                                          contexte.calendrier())
        avoir = facturation.emettre_avoir(facture, Decimal("2.76"), "Repas non servi (grève)",
                                          agent(agent_id), MAINTENANT, contexte.calendrier())
        db.session.commit()
        assert avoir.numero == "A2026-000001"
        assert facturation.solde(martin.famille_id) == Decimal("8.28")
        assert facture.total == Decimal("11.04")  # the invoice itself never changes


def test_journal_et_libelles(app, agent_id):
    martin = foyer(app)
    reserver(app, martin.inscriptions[0], jours_de_classe(app)[:1])
    calculer(app, agent_id)
    emettre(app, agent_id)
    with app.app_context():
        types = set(db.session.scalars(sa.select(Evenement.type)))
    assert {facturation.TYPE_CALCUL, facturation.TYPE_EMISSION} <= types
    for type_ in (facturation.TYPE_CALCUL, facturation.TYPE_EMISSION, facturation.TYPE_AVOIR):
        assert type_ in lecture_journal.LIBELLES


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qf=st.one_of(st.none(), st.integers(0, 3000)), reside=st.booleans(),
       enfants=st.integers(1, 4), service=st.sampled_from(
           ["restauration_scolaire", "accueil_soir", "ateliers_mercredi"]))
def test_chaque_prix_unitaire_est_celui_de_tarifs_simuler(app, agent_id, qf, reside, enfants,
                                                          service):
    naissances = [(f"Enfant{n}", date(2015 + n, 1, 1)) for n in range(enfants)]
    cible = foyer(app, enfants=naissances, service=service, qf=qf, reside=reside)
    jours = jours_de_classe(app)
    for inscription, enfant in zip(cible.inscriptions, cible.enfants, strict=True):
        reserver(app, inscription, jours[:3])
        # Present as booked: every rule bills these days (accueil_soir bills presences).
        pointer(app, enfant, dict.fromkeys(jours[:3], "present"), service=service)
    calculer(app, agent_id)
    with app.test_request_context():
        grille = contexte.grille()
        lignes = db.session.scalars(sa.select(LigneFacture).join(Facture).where(
            Facture.famille_id == cible.famille_id)).all()
        assert sum(ligne.quantite for ligne in lignes) == 3 * enfants
        for ligne in lignes:
            rang = cible.enfants.index(ligne.enfant_id) + 1  # the eldest first
            for jour in ligne.liste_jours:
                # The function `flask tarifs simuler --json` prints.
                simule = tarifs_service.simuler_json(grille, jour, tarifs_service.Situation(
                    None if qf is None else Decimal(qf), not reside, rang))
                assert format(ligne.prix_unitaire, "f") == simule["services"][service]["prix"]
        facture = db.session.scalars(sa.select(Facture).where(
            Facture.famille_id == cible.famille_id)).one()
        assert facture.total == sum((ligne.montant for ligne in lignes), Decimal("0.00"))


Ligne = namedtuple("Ligne", "source valeur recupere_le expire_le")
ENREGISTREMENT = st.tuples(
    st.sampled_from(["caf", "dgfip", "mairie", "inconnue"]), st.integers(0, 3000),
    st.datetimes(min_value=datetime(2025, 9, 1),
                 max_value=datetime(2026, 12, 31),
                 timezones=st.just(UTC)),
    st.one_of(st.none(), st.dates(date(2026, 10, 1), date(2027, 1, 31))))


@given(st.lists(ENREGISTREMENT, max_size=4),
       st.one_of(st.none(), st.datetimes(min_value=datetime(2026, 10, 1),
                                         max_value=datetime(2026, 12, 1),
                                         timezones=st.just(UTC))),
       st.integers(1, 14))
def test_le_quotient_du_mois_est_celui_de_chaque_jour(enregistrements, refus, validite):
    quotients = sorted((Ligne(s, Decimal(v), le, fin) for s, v, le, fin in enregistrements),
                       key=lambda q: q.recupere_le, reverse=True)
    zone = ZoneInfo("Europe/Paris")
    du_mois = facturation.quotients_du_mois(quotients, refus, ("caf",), validite,
                                            date(2026, 11, 1), date(2026, 11, 30), zone)
    for jour in (date(2026, 11, n) for n in range(1, 31)):
        assert du_mois(jour) == facturation.quotient_du_jour(quotients, refus, ("caf",),
                                                             validite, jour, zone)
