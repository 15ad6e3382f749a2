"""The staff's second factor (issue 10, securite.md A4): TOTP enrolled at the first sign-in
with a QR code drawn on the server, mandatory afterwards, never accepted twice; single-use
recovery codes; failures of both steps counted together; no session before the second step."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import CodeSecours
from portail_famille.models import Compte
from portail_famille.models import Evenement
from tests.aides import ETAPE_CODE
from tests.aides import ETAPE_ENROLEMENT
from tests.aides import MOT_DE_PASSE
from tests.aides import SECRET_TOTP
from tests.aides import Page
from tests.aides import code_totp
from tests.aides import connecter_personnel
from tests.aides import creer_personnel
from tests.aides import hachage_rapide

DEBUT = datetime(2026, 12, 3, 9, 0, 10, tzinfo=UTC)
CODES = "/connexion/personnel/codes-de-secours"


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch):
    hachage_rapide(monkeypatch)


def mot_de_passe(client, identifiant="agent.totp", adresse="192.0.2.1"):
    return client.post("/connexion/personnel", environ_overrides={"REMOTE_ADDR": adresse},
                       data={"identifiant": identifiant, "mot_de_passe": MOT_DE_PASSE})


def code(client, valeur, adresse="192.0.2.1", etape=ETAPE_CODE):
    return client.post(etape, environ_overrides={"REMOTE_ADDR": adresse},
                       data={"code": valeur})


def connecte(client) -> bool:
    return client.get("/mairie/").status_code == 200


def types(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Evenement.type).order_by(Evenement.id)))


def enroler(app, client, identifiant="agent.totp") -> tuple[str, list[str]]:
    """Sign in for the first time through the real pages; the secret and the recovery codes."""
    assert mot_de_passe(client, identifiant).location == ETAPE_ENROLEMENT
    page = Page(client.get(ETAPE_ENROLEMENT).text)
    secret = page.par_id("cle-totp").texte.replace(" ", "")
    reponse = code(client, pyotp.TOTP(secret).now(), etape=ETAPE_ENROLEMENT)
    assert (reponse.status_code, reponse.location) == (303, CODES)
    codes = [c.texte for c in Page(client.get(CODES).text).tous("code")]
    return secret, codes


@time_machine.travel(DEBUT, tick=False)
def test_enrolement_qr_accessible_cle_en_clair_puis_codes_de_secours_une_fois(app):
    compte_id = creer_personnel(app, "agent", identifiant="agent.totp", totp=None)
    client = app.test_client()
    assert mot_de_passe(client).location == ETAPE_ENROLEMENT
    assert not connecte(client)  # the password alone opens nothing
    with client.session_transaction() as session:
        assert "_user_id" not in session and "role" not in session
    reponse = client.get(ETAPE_ENROLEMENT)
    assert reponse.status_code == 200
    page = Page(reponse.text)
    [svg] = page.tous("svg")
    assert svg.get("role") == "img"
    titre = page.par_id(svg.get("aria-labelledby").split()[0])
    assert titre.tag == "title" and "QR code" in titre.texte
    assert svg.tous("path")[0].get("d").startswith("M")
    cle = page.par_id("cle-totp").texte
    groupes = cle.split(" ")
    assert len(groupes) == 8 and all(len(g) == 4 for g in groupes)
    secret = cle.replace(" ", "")
    # The same secret on a reload: the QR code scanned a minute ago still works.
    assert Page(client.get(ETAPE_ENROLEMENT).text).par_id("cle-totp").texte == cle
    with app.app_context():
        assert db.session.get(Compte, compte_id).totp_secret is None  # nothing stored yet

    faux = code(client, "000000", etape=ETAPE_ENROLEMENT)
    assert faux.status_code == 422
    assert "ne correspond pas" in faux.text and not connecte(client)
    reponse = code(client, pyotp.TOTP(secret).now(), etape=ETAPE_ENROLEMENT)
    assert reponse.location == CODES
    page = client.get(CODES)
    codes = [c.texte for c in Page(page.text).tous("code")]
    assert len(codes) == 10 == len(set(codes))
    assert "ne seront plus jamais affichés" in page.text
    # Shown once only.
    assert client.get(CODES).location == "/mairie/"
    assert connecte(client)
    with app.app_context():
        compte = db.session.get(Compte, compte_id)
        assert compte.totp_secret == secret and compte.totp_active_le is not None
        empreintes = db.session.scalars(sa.select(CodeSecours.empreinte)).all()
        assert len(empreintes) == 10
        assert not set(codes) & set(empreintes)  # stored hashed
    assert types(app) == ["mot_de_passe_accepte", "echec_enrolement_totp", "enrolement_totp",
                          "connexion_personnel"]


@time_machine.travel(DEBUT, tick=False)
def test_connexion_en_deux_temps_et_rejeu_du_meme_code_refuse(app):
    creer_personnel(app, "agent", identifiant="agent.totp")
    premier = app.test_client()
    assert mot_de_passe(premier).location == ETAPE_CODE
    assert not connecte(premier)
    le_code = code_totp()
    assert code(premier, le_code).location == "/mairie/"
    assert connecte(premier)
    second = app.test_client()
    assert mot_de_passe(second).location == ETAPE_CODE
    rejeu = code(second, le_code)
    assert rejeu.status_code == 422
    assert "Code incorrect ou déjà utilisé." in rejeu.text
    assert not connecte(second)
    # An older code than the one used is refused as well.
    assert code(second, code_totp(decalage=-1)).status_code == 422
    # The next step's code is a new one.
    assert code(second, code_totp(decalage=1)).location == "/mairie/"
    assert types(app).count("echec_second_facteur") == 2


@time_machine.travel(DEBUT, tick=False)
def test_code_trop_ancien_ou_trop_en_avance_refuse(app):
    creer_personnel(app, "agent", identifiant="agent.totp")
    client = app.test_client()
    mot_de_passe(client)
    for decalage in (-2, 2):
        assert code(client, code_totp(decalage=decalage)).status_code == 422
    assert code(client, code_totp()).status_code == 303


def test_code_de_secours_a_usage_unique(app):
    creer_personnel(app, "agent", identifiant="agent.totp", totp=None)
    with time_machine.travel(DEBUT, tick=False):
        _, codes = enroler(app, app.test_client())
    with time_machine.travel(DEBUT + timedelta(minutes=5), tick=False):
        client = app.test_client()
        mot_de_passe(client)
        # Typed as people copy it: upper case, spaces instead of hyphens.
        assert code(client, codes[0].upper().replace("-", " ")).location == "/mairie/"
        autre = app.test_client()
        mot_de_passe(autre)
        assert code(autre, codes[0]).status_code == 422
        assert code(autre, codes[1]).location == "/mairie/"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CodeSecours).where(
            CodeSecours.utilise_le.is_not(None))) == 2
        details = db.session.scalars(sa.select(Evenement.detail).where(
            Evenement.type == "connexion_personnel")).all()
    assert details == ["enrôlement", "code de secours", "code de secours"]


def test_le_verrouillage_compte_les_deux_etapes(app):
    creer_personnel(app, "agent", identifiant="agent.totp")
    client = app.test_client()
    with time_machine.travel(DEBUT, tick=False):
        for _ in range(3):
            client.post("/connexion/personnel", environ_overrides={"REMOTE_ADDR": "192.0.2.1"},
                        data={"identifiant": "agent.totp", "mot_de_passe": "faux"})
        assert mot_de_passe(client).location == ETAPE_CODE
        assert "suspendue" not in code(client, "000000").text
        bloque = code(client, "111111")  # the fifth failure, across both steps
        assert "la connexion est suspendue : réessayez à partir de 10 h 00" in bloque.text
        # The right code waits too, from any address: the identifier is locked.
        refuse = code(client, code_totp(), adresse="203.0.113.5")
        assert refuse.status_code == 422 and "suspendue" in refuse.text
        assert not connecte(client)
    with time_machine.travel(DEBUT + timedelta(seconds=31), tick=False):
        assert code(client, code_totp()).location == "/mairie/"
    evenements = types(app)
    assert evenements.count("echec_connexion") == 3
    assert evenements.count("echec_second_facteur") == 2
    assert "verrouillage" in evenements and "connexion_bloquee" in evenements


def test_le_bon_mot_de_passe_ne_remet_pas_les_essais_de_code_a_zero(app):
    creer_personnel(app, "agent", identifiant="agent.totp")
    with time_machine.travel(DEBUT, tick=False):
        for essai in range(5):
            client = app.test_client()
            assert mot_de_passe(client).location == ETAPE_CODE
            assert ("suspendue" in code(client, "000000").text) == (essai == 4)
        assert "suspendue" in mot_de_passe(app.test_client()).text


def test_l_etape_du_code_expire_et_ne_sert_pas_sans_mot_de_passe(app):
    creer_personnel(app, "agent", identifiant="agent.totp")
    client = app.test_client()
    assert code(client, code_totp()).location == "/connexion/personnel"
    with time_machine.travel(DEBUT, tick=False) as voyage:
        mot_de_passe(client)
        voyage.shift(timedelta(minutes=11))
        assert code(client, code_totp()).location == "/connexion/personnel"
        assert not connecte(client)


def test_compte_desactive_entre_les_deux_etapes(app):
    compte_id = creer_personnel(app, "agent", identifiant="agent.totp")
    client = app.test_client()
    mot_de_passe(client)
    with app.app_context():
        db.session.get(Compte, compte_id).actif = False
        db.session.commit()
    assert code(client, code_totp()).location == "/connexion/personnel"
    assert not connecte(client)


def test_la_suite_demandee_est_gardee_jusqu_au_second_facteur(app):
    creer_personnel(app, "agent", identifiant="agent.totp")
    reponse = connecter_personnel(app.test_client(), "agent.totp", suivant="/mairie/?page=2")
    assert reponse.location == "/mairie/?page=2"


@pytest.mark.parametrize("valeur", ["12\x003456", "\x00", "abcd-\x00efg"])
def test_octets_nuls_refuses(app, valeur):
    creer_personnel(app, "agent", identifiant="agent.totp", totp=None)
    client = app.test_client()
    mot_de_passe(client)
    assert code(client, valeur, etape=ETAPE_ENROLEMENT).status_code == 400
    assert code(client, valeur).status_code in (303, 400)  # not enrolled: sent to enrol
    assert not connecte(client)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valeur=st.text(max_size=40))
def test_formulaires_du_second_facteur_jamais_500(app, valeur):
    with app.app_context():
        existe = db.session.scalar(sa.select(Compte.id).where(Compte.identifiant == "agent.h"))
    if existe is None:
        creer_personnel(app, "agent", identifiant="agent.h", totp=None)
        creer_personnel(app, "agent", identifiant="agent.hh", totp=SECRET_TOTP)
    for identifiant, etape in (("agent.h", ETAPE_ENROLEMENT), ("agent.hh", ETAPE_CODE)):
        client = app.test_client()
        # Each example from its own address, under the lock's thresholds.
        mot_de_passe(client, identifiant, adresse="198.51.100.1")
        reponse = code(client, valeur, adresse="198.51.100.1", etape=etape)
        assert reponse.status_code in (400, 422), reponse.status_code
        assert not connecte(client)
    with app.app_context():
        db.session.execute(sa.delete(Evenement))
        from portail_famille.models import VerrouConnexion
        db.session.execute(sa.delete(VerrouConnexion))
        db.session.commit()
