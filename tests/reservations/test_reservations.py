"""Bookings: generated from the enrolment's weekdays (idempotent), then single days booked or
cancelled by the family until the service's cut-off, enforced by the server."""

from datetime import date

import sqlalchemy as sa

from portail_famille import travaux
from portail_famille.extensions import db
from portail_famille.models import Inscription
from portail_famille.models import Reservation
from portail_famille.models import Tache
from portail_famille.services import reservations
from portail_famille.travaux import fixation_des_reservations
from portail_famille.web import contexte
from tests.aides import Page
from tests.aides import planter_session

from .conftest import MAINTENANT
from .conftest import inscrire

NOVEMBRE = "2026-11"
# Thursday 19 November: the canteen's cut-off is Tuesday 17 at noon (two working days before).
JEUDI_MODIFIABLE = date(2026, 11, 19)
# Monday 16 November: its cut-off was Thursday 12 at noon.
LUNDI_PASSE = date(2026, 11, 16)


def etats(app, inscription_id: int) -> dict[date, tuple[str, str]]:
    with app.app_context():
        return {r.jour: (r.statut, r.origine) for r in db.session.scalars(
            sa.select(Reservation).where(Reservation.inscription_id == inscription_id))}


def client_de(app, foyer):
    client = app.test_client()
    planter_session(client, foyer.compte_id, "famille")
    return client


def changer(client, inscription_id, jour, action):
    return client.post("/espace-famille/reservations", data={
        "inscription": inscription_id, "jour": str(jour), "action": action})


def fixer(app, debut=date(2026, 11, 1), fin=date(2026, 11, 30)):
    with app.app_context():
        reservations.fixer(debut, fin, contexte.calendrier(), contexte.grille(), MAINTENANT)
        db.session.commit()


def test_la_tache_de_nuit_fixe_chaque_jour_de_classe_et_est_idempotente(app):
    foyer = inscrire(app)
    with app.app_context():
        for _ in range(2):
            tache = fixation_des_reservations.tache_du_jour(date(2026, 11, 1))
            db.session.commit()
            travaux.envoyer(tache)
            assert db.session.get(Tache, tache.id).etat == "terminee"
    fixer(app)
    with app.app_context():
        inscription = db.session.get(Inscription, foyer.inscriptions[0])
        reservations.synchroniser([inscription], reservations.jours_du_mois(2026, 11),
                                  contexte.calendrier(), contexte.grille(), MAINTENANT)
        db.session.commit()
    # November 2026: the Toussaint holidays end on the 1st; Wednesday 11 is a public holiday.
    assert etats(app, foyer.inscriptions[0]) == {
        date(2026, 11, d): ("reservee", "inscription") for d in (2, 5, 9, 12, 16, 19, 23, 26, 30)}


def test_la_page_montre_les_jours_non_encore_fixes_sans_rien_ecrire(app):
    foyer = inscrire(app)
    reponse = client_de(app, foyer).get(f"/espace-famille/reservations?mois={NOVEMBRE}")
    assert "Réservé" in Page(reponse.text).par_id(f"jour-{foyer.inscriptions[0]}-2026-11-19").texte
    assert etats(app, foyer.inscriptions[0]) == {}


def test_la_page_du_mois_dit_jusqu_a_quand_chaque_jour_se_modifie(app):
    foyer = inscrire(app)
    reponse = client_de(app, foyer).get(f"/espace-famille/reservations?mois={NOVEMBRE}")
    assert reponse.status_code == 200
    page = Page(reponse.text)
    jeudi = page.par_id(f"jour-{foyer.inscriptions[0]}-2026-11-19")
    assert "Réservé" in jeudi.texte
    assert "Modifiable jusqu’au mardi 12:00" in jeudi.texte
    assert "Annuler" in jeudi.texte
    lundi = page.par_id(f"jour-{foyer.inscriptions[0]}-2026-11-16")
    assert "Plus modifiable depuis jeudi 12:00" in lundi.texte
    assert "Annuler" not in lundi.texte
    mercredi = page.par_id(f"jour-{foyer.inscriptions[0]}-2026-11-11")
    assert "Jour férié" in mercredi.texte
    mardi = page.par_id(f"jour-{foyer.inscriptions[0]}-2026-11-24")
    assert "Non réservé" in mardi.texte and "Réserver" in mardi.texte


def test_un_mois_mal_ecrit_montre_le_mois_en_cours(app):
    foyer = inscrire(app)
    reponse = client_de(app, foyer).get("/espace-famille/reservations?mois=2026-13")
    assert reponse.status_code == 200
    assert "Novembre 2026" in reponse.text


def test_annuler_puis_reserver_a_nouveau_avant_la_limite(app):
    foyer = inscrire(app)
    client = client_de(app, foyer)
    reponse = changer(client, foyer.inscriptions[0], JEUDI_MODIFIABLE, "annuler")
    assert reponse.status_code == 303
    assert reponse.location.endswith(f"mois={NOVEMBRE}#jour-{foyer.inscriptions[0]}-2026-11-19")
    assert etats(app, foyer.inscriptions[0])[JEUDI_MODIFIABLE] == ("annulee", "famille")
    suivie = client.get(reponse.location)
    assert "Léa : le jeudi 19 novembre 2026 est annulé." in suivie.text
    # The same request again changes nothing.
    assert changer(client, foyer.inscriptions[0], JEUDI_MODIFIABLE, "annuler").status_code == 303
    assert etats(app, foyer.inscriptions[0])[JEUDI_MODIFIABLE] == ("annulee", "famille")
    changer(client, foyer.inscriptions[0], JEUDI_MODIFIABLE, "reserver")
    assert etats(app, foyer.inscriptions[0])[JEUDI_MODIFIABLE] == ("reservee", "famille")


def test_ajouter_un_jour_hors_des_jours_de_l_inscription(app):
    foyer = inscrire(app)
    mardi = date(2026, 11, 24)
    assert changer(client_de(app, foyer), foyer.inscriptions[0], mardi,
                   "reserver").status_code == 303
    assert etats(app, foyer.inscriptions[0])[mardi] == ("reservee", "famille")


def test_une_requete_forgee_apres_la_limite_est_refusee(app):
    foyer = inscrire(app)
    fixer(app)
    client = client_de(app, foyer)
    reponse = changer(client, foyer.inscriptions[0], LUNDI_PASSE, "annuler")
    assert reponse.status_code == 409
    erreur = Page(reponse.text).par_id(f"jour-{foyer.inscriptions[0]}-2026-11-16-erreur")
    assert erreur.texte == ("Le lundi 16 novembre 2026 n’est plus modifiable : la limite était "
                            "le jeudi 12 novembre 2026 à 12:00.")
    assert etats(app, foyer.inscriptions[0])[LUNDI_PASSE] == ("reservee", "inscription")


def test_un_jour_sans_service_ou_l_inscription_d_un_autre_foyer_est_refuse(app):
    foyer, autre = inscrire(app), inscrire(app, prenoms="Hugo")
    client = client_de(app, foyer)
    ferie = changer(client, foyer.inscriptions[0], date(2026, 11, 11), "reserver")
    assert ferie.status_code == 409
    assert "Le mercredi 11 novembre 2026 ne se réserve pas pour ce service." in ferie.text
    assert changer(client, autre.inscriptions[0], JEUDI_MODIFIABLE,
                   "annuler").status_code == 409
    assert etats(app, autre.inscriptions[0]) == {}
    assert changer(client, "x", "hier", "tout").status_code == 409
    assert changer(client, 2**40, JEUDI_MODIFIABLE, "annuler").status_code == 409


def test_une_inscription_annulee_annule_ses_jours_encore_modifiables(app):
    foyer = inscrire(app)
    fixer(app)
    changer(client_de(app, foyer), foyer.inscriptions[0], date(2026, 11, 24), "reserver")
    with app.app_context():
        db.session.get(Inscription, foyer.inscriptions[0]).statut = "annulee"
        db.session.commit()
    fixer(app)
    apres = etats(app, foyer.inscriptions[0])
    assert apres[LUNDI_PASSE] == ("reservee", "inscription")  # past its cut-off: billed
    assert apres[JEUDI_MODIFIABLE] == ("annulee", "inscription")
    assert apres[date(2026, 11, 24)] == ("annulee", "inscription")  # added by the family
