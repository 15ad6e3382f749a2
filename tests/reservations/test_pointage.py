"""Attendance: the day's list of a school and service, idempotent marks, locked lists, the
consultation recorded for each household listed."""

from datetime import date

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Evenement
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.services import donnees
from tests.aides import Page
from tests.aides import creer_personnel
from tests.aides import planter_session

from .conftest import inscrire

ECOLE = "École Jean-Macé"
JEUDI = date(2026, 11, 19)
LISTE = {"ecole": ECOLE, "service": "restauration_scolaire", "jour": JEUDI.isoformat()}


def agent(app):
    client = app.test_client()
    agent_id = creer_personnel(app, "agent")
    planter_session(client, agent_id, "agent")
    return client, agent_id


def marquer(client, enfant_id, etat, json=False):
    return client.post("/mairie/pointage", data={**LISTE, "enfant": enfant_id, "etat": etat},
                       headers={"Accept": "application/json"} if json else {})


def marques(app):
    with app.app_context():
        return {p.enfant_id: p.etat for p in db.session.scalars(sa.select(Pointage))}


def test_la_liste_du_jour_montre_les_reserves_et_les_autres_inscrits(app):
    lea = inscrire(app)  # Mondays and Thursdays
    hugo = inscrire(app, prenoms="Hugo", nom="BERNARD", jours="mardi")
    inscrire(app, prenoms="Inès", ecole="École Gerland")
    client, agent_id = agent(app)
    reponse = client.get("/mairie/pointage", query_string=LISTE)
    assert reponse.status_code == 200
    page = Page(reponse.text)
    assert "MARTIN Léa" in page.par_id(f"enfant-{lea.enfants[0]}").texte
    assert "Non pointé" in page.par_id(f"enfant-{lea.enfants[0]}").texte
    autre = page.par_id(f"enfant-{hugo.enfants[0]}").texte
    assert "Présent sans réservation" in autre and "Absent justifié" not in autre
    assert "Inès" not in reponse.text
    client.get("/mairie/pointage", query_string=LISTE)
    with app.app_context():
        consultees = sorted(db.session.scalars(sa.select(Evenement.famille_id).where(
            Evenement.type == donnees.TYPE_CONSULTATION, Evenement.compte_id == agent_id)))
    assert consultees == sorted([lea.famille_id, hugo.famille_id])  # once per list


def test_une_marque_renvoyee_ne_change_rien(app):
    lea = inscrire(app)
    client, _ = agent(app)
    premiere = marquer(client, lea.enfants[0], "present", json=True)
    assert premiere.status_code == 200
    assert premiere.json == {"enfant": lea.enfants[0], "etat": "present", "libelle": "Présent"}
    with app.app_context():
        saisie = db.session.scalars(sa.select(Pointage.saisi_le)).one()
    assert marquer(client, lea.enfants[0], "present", json=True).json == premiere.json
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Pointage)) == 1
        assert db.session.scalars(sa.select(Pointage.saisi_le)).one() == saisie
    sans_js = marquer(client, lea.enfants[0], "absent_justifie")
    assert sans_js.status_code == 303
    assert sans_js.location.endswith(f"#enfant-{lea.enfants[0]}")
    assert marques(app) == {lea.enfants[0]: "absent_justifie"}


def test_present_sans_reservation_seulement_pour_un_enfant_non_reserve(app):
    lea = inscrire(app)
    hugo = inscrire(app, prenoms="Hugo", jours="mardi")
    client, _ = agent(app)
    refus = marquer(client, lea.enfants[0], "present_sans_reservation", json=True)
    assert refus.status_code == 409
    assert refus.json == {"erreur": "Léa est réservé ce jour : marquez-le présent."}
    sans_js = marquer(client, hugo.enfants[0], "absent_injustifie")
    assert sans_js.status_code == 422
    assert "Hugo n’est pas réservé ce jour" in Page(sans_js.text).par_id(
        f"enfant-{hugo.enfants[0]}-erreur").texte
    assert marquer(client, hugo.enfants[0], "present_sans_reservation").status_code == 303
    assert marques(app) == {hugo.enfants[0]: "present_sans_reservation"}


def test_une_liste_verrouillee_refuse_tout_changement(app):
    lea = inscrire(app)
    client, _ = agent(app)
    marquer(client, lea.enfants[0], "present")
    with app.app_context():
        db.session.scalars(sa.select(ListePointage)).one().verrouille = True
        db.session.commit()
    refus = marquer(client, lea.enfants[0], "absent_justifie", json=True)
    assert refus.status_code == 409
    assert "est verrouillée" in refus.json["erreur"]
    assert marques(app) == {lea.enfants[0]: "present"}
    page = client.get("/mairie/pointage", query_string=LISTE).text
    assert "Cette liste est verrouillée" in page and 'name="etat"' not in page


def test_pas_de_pointage_hors_des_jours_de_classe_ni_hors_de_l_ecole(app):
    lea = inscrire(app)
    client, _ = agent(app)
    ferie = client.post("/mairie/pointage", data={**LISTE, "jour": "2026-11-11",
                                                  "enfant": lea.enfants[0], "etat": "present"},
                        headers={"Accept": "application/json"})
    assert ferie.json == {"erreur": "Le mercredi 11 novembre 2026 n’est pas un jour de classe."}
    ailleurs = client.post("/mairie/pointage", data={**LISTE, "ecole": "École Gerland",
                                                     "enfant": lea.enfants[0], "etat": "present"},
                           headers={"Accept": "application/json"})
    assert ailleurs.status_code == 409
    assert marquer(client, "abc", "present").status_code == 422
    assert marquer(client, 2**40, "present", json=True).status_code == 422
    assert marques(app) == {}


def test_la_page_sans_liste_et_une_adresse_incorrecte(app):
    inscrire(app)
    client, _ = agent(app)
    vide = client.get("/mairie/pointage")
    assert vide.status_code == 200
    assert "Afficher la liste" in vide.text and "Enfants réservés" not in vide.text
    for adresse in ({**LISTE, "jour": "pas-une-date"}, {**LISTE, "ecole": "École inconnue"},
                    {**LISTE, "service": "piscine"}):
        reponse = client.get("/mairie/pointage", query_string=adresse)
        assert reponse.status_code == 422, adresse
        assert "Enfants réservés" not in reponse.text


def test_un_jour_blanc_est_refuse_sans_erreur(app):
    lea = inscrire(app)
    client, _ = agent(app)
    reponse = client.post("/mairie/pointage", data={**LISTE, "jour": " ",
                                                   "enfant": lea.enfants[0], "etat": "present"})
    assert reponse.status_code == 422
    assert marques(app) == {}
