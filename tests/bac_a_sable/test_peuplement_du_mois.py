"""`flask demo peupler`'s month (issue 13): the bookings the portal fixes from each enrolment's
weekdays on the school days only, a child in five marked consistently with them, the same for
the same seed, and a month's campaign billing them. On the portal's calendrier.yaml and
tarifs.yaml, the clock on 1 December 2026: the month by default is November 2026."""

from collections import defaultdict
from datetime import date

import pytest
import sqlalchemy as sa

from portail_famille.domaine import facturation
from portail_famille.extensions import db
from portail_famille.models import Enfant
from portail_famille.models import Facture
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import Reservation
from portail_famille.web import contexte
from tests import aides
from tests.bac_a_sable.test_peuplement import _contenu
from tests.bac_a_sable.test_peuplement import compter
from tests.bac_a_sable.test_peuplement import peupler
from tests.factures.conftest import MAINTENANT
from tests.factures.conftest import NOVEMBRE
from tests.factures.conftest import agent_id  # noqa: F401 (a fixture)
from tests.factures.test_campagne import calculer
from tests.factures.test_campagne import emettre

horloge = aides.horloge_a(MAINTENANT)
app = aides.app_a_l_heure

OCTOBRE = date(2026, 10, 1)
TOUSSAINT = (date(2026, 10, 17), date(2026, 11, 1))
ARMISTICE = date(2026, 11, 11)  # a Wednesday, a day the canteen runs otherwise


def reservations_par_inscription() -> dict[int, list[date]]:
    par_inscription = defaultdict(list)
    for reservation in db.session.scalars(sa.select(Reservation).order_by(Reservation.jour)):
        assert (reservation.statut, reservation.origine) == ("reservee", "inscription")
        par_inscription[reservation.inscription_id].append(reservation.jour)
    return par_inscription


@pytest.mark.parametrize(("options", "mois"), [((), NOVEMBRE), (("--mois", "2026-10"), OCTOBRE)])
def test_reserve_les_jours_de_classe_que_nomme_chaque_inscription(app, options, mois):
    resultat = peupler(app, "--familles", "30", "--graine", "3", *options)
    assert resultat.exit_code == 0, resultat.output
    with app.test_request_context():
        calendrier = contexte.calendrier()
        reservees = reservations_par_inscription()
        assert f"{compter(Reservation)} réservations et {compter(Pointage)} pointages en " \
               f"{'novembre' if mois == NOVEMBRE else 'octobre'} 2026." in resultat.output
        inscriptions = db.session.scalars(sa.select(Inscription)).all()
        for inscription in inscriptions:
            attendus = [jour for jour in calendrier.jours_de_classe(
                            mois.year, mois.month, tuple(inscription.liste_jours))
                        if jour >= inscription.date_debut]
            assert reservees.get(inscription.id, []) == attendus
        jours = {jour for jours in reservees.values() for jour in jours}
    assert jours and {(jour.year, jour.month) for jour in jours} == {(mois.year, mois.month)}
    assert all(jour.weekday() < 5 for jour in jours)
    assert ARMISTICE not in jours
    assert not [jour for jour in jours if TOUSSAINT[0] <= jour <= TOUSSAINT[1]]
    # Enrolments that leave weekdays out are among them, booked on their own days only.
    assert any(len(i.liste_jours) < 5 and reservees.get(i.id) for i in inscriptions)


def test_un_enfant_sur_cinq_est_pointe_d_accord_avec_ses_reservations(app):
    assert peupler(app, "--familles", "40", "--graine", "5").exit_code == 0
    with app.test_request_context():
        calendrier = contexte.calendrier()
        reservees = {(r.inscription.enfant_id, r.inscription.service, r.jour)
                     for r in db.session.scalars(sa.select(Reservation))}
        inscrits = {(i.enfant_id, i.service): i for i in db.session.scalars(
            sa.select(Inscription))}
        marques = db.session.execute(
            sa.select(Pointage.enfant_id, Pointage.etat, ListePointage.ecole,
                      ListePointage.service, ListePointage.jour, Enfant.ecole)
            .join(ListePointage).join(Enfant)).all()
        pointes = {enfant_id for enfant_id, *_ in marques}
        assert 0.05 * compter(Enfant) < len(pointes) < 0.4 * compter(Enfant)
        for enfant_id, etat, ecole, service, jour, ecole_de_l_enfant in marques:
            # On the child's school's list, a past school day of the month the enrolment meets.
            assert ecole == ecole_de_l_enfant
            assert NOVEMBRE <= jour < MAINTENANT.date() and calendrier.jour_de_classe(jour)
            assert jour >= inscrits[(enfant_id, service)].date_debut
            # « Present without booking » exactly on the days not booked.
            reservee = (enfant_id, service, jour) in reservees
            assert reservee == (etat != "present_sans_reservation")
    assert {etat for _, etat, *_ in marques} == {
        "present", "absent_justifie", "absent_injustifie", "present_sans_reservation"}


def _du_mois(premier_enfant: int) -> list[tuple]:
    """The bookings and marks of the children from `premier_enfant` on, without ids."""
    enfants = db.session.scalars(sa.select(Enfant.id).where(Enfant.id >= premier_enfant)
                                 .order_by(Enfant.id)).all()
    return [(sorted((r.inscription.service, r.jour) for r in db.session.scalars(
                 sa.select(Reservation).join(Inscription).where(Inscription.enfant_id == e))),
             sorted(db.session.execute(
                 sa.select(ListePointage.service, ListePointage.jour, Pointage.etat)
                 .join(Pointage).where(Pointage.enfant_id == e)).all()))
            for e in enfants]


def test_la_meme_graine_donne_le_meme_mois_et_les_memes_foyers_quel_que_soit_le_mois(app):
    debuts = []
    for options in (("--graine", "7"), ("--graine", "7"), ("--graine", "8"),
                    ("--graine", "7", "--mois", "2026-10")):
        with app.app_context():
            debuts.append(((db.session.scalar(sa.func.max(Famille.id)) or 0) + 1,
                           (db.session.scalar(sa.func.max(Enfant.id)) or 0) + 1))
        assert peupler(app, "--familles", "12", *options).exit_code == 0
    with app.app_context():
        foyers = [_contenu(famille)[:12] for famille, _ in debuts]
        enfants = sum(len(foyer[4]) for foyer in foyers[0])
        mois = [_du_mois(enfant)[:enfants] for _, enfant in debuts]
    assert foyers[0] == foyers[1] == foyers[3] != foyers[2]
    assert mois[0] == mois[1]
    assert mois[0] != mois[3]
    assert any(pointages for _, pointages in mois[0])


@pytest.mark.parametrize("mois", ["2026-13", "novembre", "2026-07"])
def test_un_mois_invalide_ou_hors_de_la_periode_ne_cree_rien(app, mois):
    resultat = peupler(app, "--familles", "3", "--mois", mois)
    assert resultat.exit_code == (1 if mois == "2026-07" else 2)
    if mois == "2026-07":
        assert "Erreur : Le mois de juillet 2026 n’est pas dans la période « Année scolaire " \
               "2026-2027 »" in resultat.output
    with app.app_context():
        assert compter(Famille) == compter(Reservation) == 0


def test_la_campagne_du_mois_facture_les_reservations_et_pointages_crees(app, agent_id):  # noqa: F811
    assert peupler(app, "--familles", "30", "--graine", "2").exit_code == 0
    calculer(app, agent_id)
    emises = emettre(app, agent_id)
    with app.test_request_context():
        regles = contexte.calendrier().facturation
        reserves, marques = defaultdict(set), defaultdict(dict)
        for reservation in db.session.scalars(sa.select(Reservation)):
            reserves[(reservation.inscription.enfant_id, reservation.inscription.service)].add(
                reservation.jour)
        for enfant_id, service, jour, etat in db.session.execute(
                sa.select(Pointage.enfant_id, ListePointage.service, ListePointage.jour,
                          Pointage.etat).join(ListePointage)):
            marques[(enfant_id, service)][jour] = etat
        attendus = {(enfant_id, service, j.jour, j.motif)
                    for enfant_id, service in reserves.keys() | marques.keys()
                    for j in facturation.jours_facturables(
                        regles.regle(service), reserves[(enfant_id, service)],
                        marques[(enfant_id, service)])}
        factures = db.session.scalars(sa.select(Facture)).all()
        familles_attendues = {db.session.get(Enfant, enfant_id).famille_id
                              for enfant_id, *_ in attendus}
        for facture in factures:
            assert facture.numero and facture.total == sum(ligne.montant
                                                            for ligne in facture.lignes)
        factures_lignes = [(ligne.enfant_id, ligne.service, jour, ligne.motif)
                           for facture in factures for ligne in facture.lignes
                           for jour in ligne.liste_jours]
        familles = [facture.famille_id for facture in factures]
    assert emises == len(factures) == len(set(familles))
    assert set(familles) == familles_attendues
    # Each booked or marked day billed as the service's rule says, and none twice.
    assert len(factures_lignes) == len(set(factures_lignes))
    assert set(factures_lignes) == attendus
    motifs = {motif for *_, motif in attendus}
    assert {"reserve", "reserve_present", "reserve_absent"} <= motifs
    assert motifs & {"sans_reservation", "sans_reservation_majore"}
