"""Staff sign-in under attack (issue 14): failures counted per identifier and per address with
a growing wait, the right password refused while it lasts, the same words whether or not the
account exists, and no timing difference between an unknown and a known identifier."""

import statistics
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.services import comptes
from portail_famille.services import verrous
from tests.aides import MOT_DE_PASSE
from tests.aides import code_totp
from tests.aides import creer_personnel
from tests.aides import hachage_rapide

DEBUT = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def essayer(client, identifiant, mot_de_passe, adresse="192.0.2.1"):
    return client.post("/connexion/personnel", environ_overrides={"REMOTE_ADDR": adresse},
                       data={"identifiant": identifiant, "mot_de_passe": mot_de_passe})


def essayer_code(client, code, adresse="192.0.2.1"):
    return client.post("/connexion/personnel/code", environ_overrides={"REMOTE_ADDR": adresse},
                       data={"code": code})


def evenements(app, type_: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Evenement)
                                 .where(Evenement.type == type_))


@time_machine.travel(DEBUT, tick=False)
def test_soixante_essais_depuis_six_adresses_puis_le_bon_refuse(app, client, monkeypatch):
    hachage_rapide(monkeypatch)
    creer_personnel(app, "agent", identifiant="agent.cible")
    for numero in range(60):
        essayer(client, "agent.cible", f"mauvais-{numero}", adresse=f"198.51.100.{numero % 6}")
    reponse = essayer(client, "agent.cible", MOT_DE_PASSE, adresse="203.0.113.9")
    assert reponse.status_code == 422
    assert "la connexion est suspendue : réessayez à partir de" in reponse.text
    assert client.get("/mairie/").status_code == 302
    assert evenements(app, "verrouillage") >= 1
    assert evenements(app, "connexion_bloquee") >= 1


def test_l_attente_double_apres_le_seuil():
    assert [verrous.attente(n, 5) for n in (4, 5, 6, 7)] == [
        None, timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert verrous.attente(40, 5) == timedelta(hours=1)


def test_quelques_fautes_puis_le_bon_mot_de_passe_passe_et_remet_a_zero(app, client,
                                                                        monkeypatch):
    hachage_rapide(monkeypatch)
    creer_personnel(app, "agent", identifiant="agent.distrait")
    with time_machine.travel(DEBUT, tick=False):
        for _ in range(4):
            assert "suspendue" not in essayer(client, "agent.distrait", "faute").text
        assert essayer(client, "agent.distrait", MOT_DE_PASSE).status_code == 303
        # The password alone does not wipe the count: the second factor still has to pass.
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(
                verrous.VerrouConnexion)) == 2
        assert essayer_code(client, code_totp()).location == "/mairie/"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(
            verrous.VerrouConnexion)) == 0


def test_apres_l_attente_on_peut_reessayer(app, client, monkeypatch):
    hachage_rapide(monkeypatch)
    creer_personnel(app, "agent", identifiant="agent.patient")
    with time_machine.travel(DEBUT, tick=False):
        for _ in range(5):
            essayer(client, "agent.patient", "faute")
        assert "14 h 00" in essayer(client, "agent.patient", MOT_DE_PASSE).text
    with time_machine.travel(DEBUT + timedelta(seconds=31), tick=False):
        assert essayer(client, "agent.patient", MOT_DE_PASSE).status_code == 303


@time_machine.travel(DEBUT, tick=False)
def test_un_identifiant_inconnu_se_verrouille_pareil(app, client, monkeypatch):
    hachage_rapide(monkeypatch)
    creer_personnel(app, "agent", identifiant="agent.connu")
    connu = [essayer(client, "agent.connu", "faute").text for _ in range(6)]
    inconnu = [essayer(client, "agent.inconnu", "faute").text for _ in range(6)]

    def message(page):
        return page.split('class="alerte alerte--erreur"')[1].split("</p>")[0]

    assert [message(p) for p in connu] == [message(p) for p in inconnu]


def test_par_adresse_aussi(app, client, monkeypatch):
    hachage_rapide(monkeypatch)
    creer_personnel(app, "agent", identifiant="agent.vise")
    with time_machine.travel(DEBUT, tick=False):
        for numero in range(20):
            essayer(client, f"agent.{numero}", "faute", adresse="198.51.100.7")
        bloque = essayer(client, "agent.vise", MOT_DE_PASSE, adresse="198.51.100.7")
        assert "suspendue" in bloque.text
        assert essayer(client, "agent.vise", MOT_DE_PASSE,
                       adresse="198.51.100.8").status_code == 303


def mediane(fonction, fois: int = 9) -> float:
    durees = []
    for _ in range(fois):
        debut = time.perf_counter()
        fonction()
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees)


def test_un_identifiant_inconnu_coute_autant_qu_un_connu(app):
    # The real hash (scrypt), not the tests' cheap one: that is what an attacker times.
    creer_personnel(app, "agent", identifiant="agent.chrono")
    with app.app_context():
        compte = db.session.scalars(sa.select(Compte).where(
            Compte.identifiant == "agent.chrono")).one()
        comptes.verifier_mot_de_passe(None, "echauffement")
        connu = mediane(lambda: comptes.verifier_mot_de_passe(compte, "faux-mot-de-passe"))
        inconnu = mediane(lambda: comptes.verifier_mot_de_passe(None, "faux-mot-de-passe"))
    assert inconnu == pytest.approx(connu, rel=0.5)
