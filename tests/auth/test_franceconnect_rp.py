"""The relying party refuses every broken sign-in and creates no session (securite.md O1–O13).

Each test bends one answer of a FranceConnect stand-in and is named after the rule it checks.
The rules of the shared relying party run twice, through the `rp` fixture: for FranceConnect
(families) and for ProConnect (staff), since both are the same code (proconnect.md).
"""

import hashlib
import hmac
import logging
import re
import time
from urllib.parse import urlsplit

import pytest
import responses
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import ECKey
from joserfc.jwk import OctKey
from joserfc.jwk import RSAKey

from portail_famille.auth.deconnexion import CLE_DECONNEXION
from portail_famille.auth.franceconnect import CLE_FLUX
from portail_famille.config import Configuration
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.models import SessionServeur
from portail_famille.services import comptes as services_comptes
from tests.aides import jeton_session
from tests.auth.faux_fournisseur import CLIENT_ID
from tests.auth.faux_fournisseur import CLIENT_SECRET
from tests.auth.faux_fournisseur import COURRIEL_AGENT
from tests.auth.faux_fournisseur import ISSUER
from tests.auth.faux_fournisseur import JETON_ACCES
from tests.auth.faux_fournisseur import REGLAGES
from tests.auth.faux_fournisseur import SUB
from tests.auth.faux_fournisseur import FauxFournisseur
from tests.auth.faux_fournisseur import FauxProConnect
from tests.auth.faux_fournisseur import b64
from tests.auth.faux_fournisseur import parametres

HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def fc():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FauxFournisseur(mock)


@pytest.fixture
def app(fabrique):
    return fabrique(**REGLAGES, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)


@pytest.fixture(params=["franceconnect", "proconnect"])
def rp(request, app):
    """Either federation; for ProConnect, the agent's account an admin created beforehand."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        if request.param == "franceconnect":
            yield FauxFournisseur(mock)
            return
        with app.app_context():
            services_comptes.creer_personnel_proconnect(COURRIEL_AGENT, "agent")
            db.session.commit()
        yield FauxProConnect(mock)


def client_pour(app):
    """A browser on the portal's HTTPS host."""
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "portail.exemple.test"})
    return client


@pytest.fixture
def client(app):
    return client_pour(app)


class Demande(dict):
    """The authorize URL's parameters, and the stand-in they went to."""

    def __init__(self, valeurs: dict, fournisseur: FauxFournisseur):
        super().__init__(valeurs)
        self.fournisseur = fournisseur


def commencer(client, fc, suivant=None) -> Demande:
    """Go to the provider; return the authorize URL's parameters (the nonce goes to `fc`)."""
    reponse = client.get(fc.debut, query_string={"next": suivant} if suivant else None)
    assert reponse.status_code == 302, reponse.data
    assert reponse.location.startswith(f"{fc.decouverte['authorization_endpoint']}?")
    demande = Demande(parametres(reponse.location), fc)
    fc.nonce = demande["nonce"]
    return demande


def revenir(client, demande: Demande, **extra):
    fournisseur = demande.fournisseur
    query = {"code": "code-de-test", "state": demande["state"], "iss": fournisseur.issuer,
             **extra}
    return client.get(fournisseur.retour, query_string=query)


def connecte(client) -> bool:
    """Whether a family or a staff session is open: its home answers."""
    connecte = False
    for accueil, connexion in (("/espace-famille/", "/connexion"),
                               ("/mairie/", "/connexion/personnel")):
        reponse = client.get(accueil)
        if reponse.status_code == 200:
            connecte = True
        else:
            assert reponse.status_code in (302, 403)
            assert reponse.status_code == 403 or urlsplit(reponse.location).path == connexion
    return connecte


def lignes_de_session(app, jeton: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(SessionServeur).where(
            SessionServeur.id == hashlib.sha256(jeton.encode()).hexdigest()))


def comptes(app) -> int:
    """Accounts bound to a federated identity: a refused sign-in creates or binds none."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Compte).where(
            Compte.fc_sub.isnot(None) | Compte.pc_sub.isnot(None)))


def codes_de_refus(app) -> list[str]:
    """The codes of the refused sign-ins in the audit journal, oldest first."""
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Evenement.detail).where(Evenement.type == "echec_connexion")
            .order_by(Evenement.id)))


def assert_refuse(app, client, reponse, code: str):
    """Refused for the rule `code` names, and for no other: the journal holds that code only."""
    assert reponse.status_code == 303
    assert reponse.location.endswith("/connexion/echec")
    page = client.get(reponse.location)
    assert page.status_code == 200
    assert "Connexion impossible" in page.text
    assert "Réessayer" in page.text
    assert not connecte(client)
    assert comptes(app) == 0
    assert codes_de_refus(app) == [code]


def test_connexion_valide_cree_le_compte_et_la_session(app, client, fc):
    demande = commencer(client, fc)
    reponse = revenir(client, demande)
    assert reponse.status_code == 303
    assert reponse.location.endswith("/espace-famille/")
    page = client.get("/espace-famille/")
    assert page.status_code == 200
    assert "Angela DUBOIS" in page.text
    with app.app_context():
        compte = db.session.scalars(sa.select(Compte)).one()
        assert (compte.fc_issuer, compte.fc_sub) == (ISSUER, SUB)
        assert compte.date_naissance == "1962-08-24"
        assert compte.code_commune_naissance == "75107"
        assert compte.sexe == "F"


def test_s2_nouvel_identifiant_au_retour_franceconnect_et_cle_plantee_effacee(app, client, fc):
    with client.session_transaction() as session:
        session["cle_plantee"] = "valeur de l'attaquant"
    avant = jeton_session(client, app)
    demande = commencer(client, fc)
    assert jeton_session(client, app) == avant  # the flow rides the pre-login session
    assert revenir(client, demande).location.endswith("/espace-famille/")
    apres = jeton_session(client, app)
    assert apres and apres != avant
    assert lignes_de_session(app, avant) == 0  # the planted session is gone, not just left
    with client.session_transaction() as session:
        assert "cle_plantee" not in session and CLE_FLUX not in session
        assert session["role"] == "famille"
    with rejouer(app, avant).session_transaction() as session:
        assert dict(session) == {}


def test_o4_state_et_nonce_de_64_hex_nouveaux_a_chaque_fois(client, rp):
    premiere = commencer(client, rp)
    seconde = commencer(client, rp)
    for demande in (premiere, seconde):
        assert HEX64.fullmatch(demande["state"]) and HEX64.fullmatch(demande["nonce"])
    assert premiere["state"] != seconde["state"] and premiere["nonce"] != seconde["nonce"]


def test_o10_url_autorisation_conforme_a_franceconnect(app, client, fc):
    demande = commencer(client, fc)
    assert demande["response_type"] == "code"
    assert demande["client_id"] == CLIENT_ID
    assert demande["acr_values"] == "eidas1"
    assert demande["prompt"] == "login consent"
    assert demande["redirect_uri"] == "https://portail.exemple.test/connexion/franceconnect/retour"
    attendu = app.extensions["portail"].scopes_franceconnect(("dgfip", "caf"))
    assert demande["scope"] == attendu
    assert demande["scope"].split()[0] == "openid"
    assert "cnaf_quotient_familial" in demande["scope"] and "dgfip_rfr" in demande["scope"]


def test_o10_scopes_configures_envoyes_tels_quels(fabrique, fc):
    app = fabrique(**REGLAGES, franceconnect_scopes="openid identite_pivot email dgfip_rfr")
    assert commencer(client_pour(app), fc)["scope"] == "openid identite_pivot email dgfip_rfr"


@pytest.mark.parametrize("configures", ["", "openid identite_pivot email dgfip_rfr cnaf_enfants"])
def test_o10_sans_partage_des_revenus_aucun_scope_de_donnees(fabrique, fc, configures):
    # The family chose « Ne pas le récupérer » on /connexion: FranceConnect asks for nothing more.
    app = fabrique(**REGLAGES, franceconnect_scopes=configures)
    reponse = client_pour(app).get("/connexion/franceconnect", query_string={"donnees": "0"})
    scopes = parametres(reponse.location)["scope"].split()
    assert scopes[0] == "openid" and "email" in scopes
    assert [s for s in scopes if s.startswith(("cnaf_", "dgfip_"))] == []


def test_jeton_demande_en_client_secret_post(client, fc):
    revenir(client, commencer(client, fc))
    corps = fc.requetes_jeton[0]["corps"]
    assert corps["client_id"] == CLIENT_ID and corps["client_secret"] == CLIENT_SECRET
    assert corps["grant_type"] == "authorization_code"
    assert corps["redirect_uri"] == "https://portail.exemple.test/connexion/franceconnect/retour"
    assert "Authorization" not in fc.requetes_jeton[0]["entetes"]


def test_o4_state_falsifie_refuse(app, client, rp):
    demande = commencer(client, rp)
    demande["state"] = "0" * 64
    assert_refuse(app, client, revenir(client, demande), "state_invalide")
    assert rp.requetes_jeton == []


def test_o4_state_rejoue_refuse(app, client, rp):
    demande = commencer(client, rp)
    assert revenir(client, demande).location.endswith(rp.accueil)
    client.post("/deconnexion")
    reponse = revenir(client, demande)
    assert reponse.location.endswith("/connexion/echec")
    assert len(rp.requetes_jeton) == 1
    assert codes_de_refus(app) == ["state_invalide"]


def test_o4_state_non_ascii_refuse_sans_erreur_500(app, client, rp):
    demande = commencer(client, rp)
    demande["state"] = "é" * 64
    assert_refuse(app, client, revenir(client, demande), "state_invalide")


def test_o4_state_d_une_autre_session_refuse(app, client, rp):
    demande = commencer(client, rp)
    autre = client_pour(app)
    assert_refuse(app, autre, revenir(autre, demande), "state_invalide")


def test_o1_issuer_de_la_decouverte_different_refuse(app, client, rp):
    rp.decouverte["issuer"] = "https://autre.exemple.test/api/v2"
    reponse = client.get(rp.debut)
    assert reponse.status_code == 303
    assert reponse.location.endswith("/connexion/echec")
    assert rp.issuer not in reponse.location
    # Recorded for the town hall: a code, nothing of the discovery document.
    assert codes_de_refus(app) == ["issuer_decouverte"]


def test_o1_decouverte_sans_issuer_refusee(app, client, rp):
    del rp.decouverte["issuer"]
    assert client.get(rp.debut).location.endswith("/connexion/echec")
    assert codes_de_refus(app) == ["issuer_decouverte"]


def test_o1_decouverte_injoignable_consignee(app, client, rp):
    rp.mock.replace(responses.GET, f"{rp.issuer}/.well-known/openid-configuration", status=503)
    assert client.get(rp.debut).location.endswith("/connexion/echec")
    assert codes_de_refus(app) == ["decouverte_http_503"]


ISSUER_BARRE = "https://fc-barre.exemple.test/api/v2/"


def test_o1_issuer_configure_garde_sa_barre_finale():
    config = Configuration.depuis_environnement({"FRANCECONNECT_ISSUER": ISSUER_BARRE},
                                                tests=True, pour_servir=False)
    assert config.franceconnect_issuer == ISSUER_BARRE


@pytest.fixture
def fc_barre():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FauxFournisseur(mock, issuer=ISSUER_BARRE)


def test_o1_issuer_avec_barre_finale_utilisable(fabrique, fc_barre):
    # Discovery is fetched without the doubled "/", and the issuer compared as configured.
    app = fabrique(**{**REGLAGES, "franceconnect_issuer": ISSUER_BARRE},
                   WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = client_pour(app)
    demande = commencer(client, fc_barre)
    assert revenir(client, demande, iss=ISSUER_BARRE).location.endswith("/espace-famille/")
    with app.app_context():
        assert db.session.scalars(sa.select(Compte.fc_issuer)).one() == ISSUER_BARRE


def test_o1_issuer_compare_a_la_lettre_barre_finale_comprise(fabrique, fc_barre):
    app = fabrique(**{**REGLAGES, "franceconnect_issuer": ISSUER_BARRE},
                   WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    fc_barre.decouverte["issuer"] = ISSUER_BARRE.rstrip("/")
    assert client_pour(app).get("/connexion/franceconnect").location.endswith("/connexion/echec")
    assert codes_de_refus(app) == ["issuer_decouverte"]


def test_iss_du_retour_different_refuse(app, client, rp):
    demande = commencer(client, rp)
    assert_refuse(app, client, revenir(client, demande, iss="https://autre.exemple.test"),
                  "iss_retour")


def test_o3_iss_faux_refuse(app, client, rp):
    rp.id_token_modifs["iss"] = "https://autre.exemple.test/api/v2"
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_iss_invalide")


def test_o3_aud_d_un_autre_client_refuse(app, client, rp):
    rp.id_token_modifs["aud"] = "un-autre-client"
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_aud_invalide")


def test_o3_azp_du_portail_mais_aud_d_un_autre_client_refuse(app, client, rp):
    # Authlib's default claims validation accepts this one: aud names another client.
    rp.id_token_modifs.update({"aud": ["un-autre-client"], "azp": CLIENT_ID})
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_aud_invalide")


def test_o3_plusieurs_audiences_sans_azp_refuse(app, client, rp):
    rp.id_token_modifs["aud"] = [CLIENT_ID, "un-autre-client"]
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_azp_invalide")


def test_o3_plusieurs_audiences_avec_azp_du_portail_accepte(client, rp):
    rp.id_token_modifs.update({"aud": [CLIENT_ID, "un-autre-client"], "azp": CLIENT_ID})
    assert revenir(client, commencer(client, rp)).location.endswith(rp.accueil)


def test_o3_jeton_expire_refuse(app, client, rp):
    maintenant = int(time.time())
    rp.id_token_modifs.update({"iat": maintenant - 200, "exp": maintenant - 140})
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_expire")


def test_o3_iat_dans_le_futur_refuse(app, client, rp):
    rp.id_token_modifs["iat"] = int(time.time()) + 3600
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_iat_futur")


def test_o3_iat_absent_refuse(app, client, rp):
    rp.id_token_modifs["iat"] = None
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_iat_absent")


def test_o3_nonce_different_refuse(app, client, rp):
    rp.id_token_modifs["nonce"] = "f" * 64
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_nonce_invalide")


def test_o3_nonce_absent_refuse(app, client, rp):
    demande = commencer(client, rp)
    rp.nonce = None
    assert_refuse(app, client, revenir(client, demande), "id_token_nonce_invalide")


@pytest.mark.parametrize("acr", ["eidas2", "eidas3", "", None])
def test_o3_acr_autre_qu_eidas1_refuse(app, client, rp, acr):
    rp.id_token_modifs["acr"] = acr
    reponse = revenir(client, commencer(client, rp))
    if acr in rp.niveaux_superieurs:
        # ProConnect: a level above the one requested is accepted (proconnect.md).
        assert reponse.location.endswith(rp.accueil)
        return
    assert_refuse(app, client, reponse, "id_token_acr_invalide")


def test_o3_sub_vide_refuse(app, client, rp):
    rp.id_token_modifs["sub"] = ""
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_sub_absent")


def test_o3_at_hash_faux_refuse(app, client, rp):
    rp.id_token_modifs["at_hash"] = b64(b"x" * 16)
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "id_token_at_hash_invalide")


def test_o2_alg_none_refuse(app, client, rp):
    demande = commencer(client, rp)
    charge = b64(jwt.json.dumps(rp.revendications_id_token()).encode())
    entete = b64(b'{"alg":"none","typ":"JWT"}')
    rp.id_token_force = f"{entete}.{charge}."
    assert_refuse(app, client, revenir(client, demande), "id_token_algorithme_refuse")


def test_o2_hs256_signe_avec_la_cle_publique_refuse(app, client, rp):
    demande = commencer(client, rp)
    # joserfc itself refuses to use a public key as an HMAC secret: forge it by hand.
    entete = b64(jwt.json.dumps({"alg": "HS256", "kid": rp.cle.kid}).encode())
    charge = b64(jwt.json.dumps(rp.revendications_id_token()).encode())
    signature = hmac.new(rp.cle.as_pem(private=False), f"{entete}.{charge}".encode(),
                         hashlib.sha256).digest()
    rp.id_token_force = f"{entete}.{charge}.{b64(signature)}"
    assert_refuse(app, client, revenir(client, demande), "id_token_algorithme_refuse")


def test_o2_hs256_signe_avec_le_secret_client_refuse(app, client, rp):
    demande = commencer(client, rp)
    cle_hmac = OctKey.import_key(CLIENT_SECRET.encode())
    rp.id_token_force = jwt.encode({"alg": "HS256"}, rp.revendications_id_token(), cle_hmac,
                                   algorithms=["HS256"])
    assert_refuse(app, client, revenir(client, demande), "id_token_algorithme_refuse")


def test_o2_cle_etrangere_refusee(app, client, rp):
    demande = commencer(client, rp)
    etrangere = ECKey.generate_key("P-256", parameters={"kid": rp.cle.kid})
    rp.id_token_force = rp.signer(rp.revendications_id_token(), cle=etrangere)
    assert_refuse(app, client, revenir(client, demande), "id_token_signature_invalide")


def test_o2_jwk_embarque_dans_l_entete_ignore(app, client, rp):
    demande = commencer(client, rp)
    etrangere = ECKey.generate_key("P-256", parameters={"kid": "cle-pirate"})
    entete = {"alg": "ES256", "kid": "cle-pirate", "jwk": etrangere.as_dict(private=False)}
    rp.id_token_force = rp.signer(rp.revendications_id_token(), cle=etrangere, entete=entete)
    assert_refuse(app, client, revenir(client, demande), "id_token_kid_inconnu")


def test_o2_sans_kid_la_seule_cle_utilisable_est_prise(client, rp):
    # An RSA key beside the EC one: only the EC key can verify ES256, so it is the one.
    rp.cles_publiees.append(RSAKey.generate_key(2048, parameters={"kid": "cle-rsa"}))
    demande = commencer(client, rp)
    sans_kid = {"alg": "ES256"}
    rp.id_token_force = rp.signer(rp.revendications_id_token(), entete=sans_kid)
    rp.userinfo_force = ("application/jwt",
                         rp.signer(rp.revendications_userinfo(), entete=sans_kid))
    assert revenir(client, demande).location.endswith(rp.accueil)


def test_o2_sans_kid_plusieurs_cles_utilisables_refuse(app, client, rp):
    rp.cles_publiees.append(ECKey.generate_key("P-256", parameters={"kid": "cle-2"}))
    demande = commencer(client, rp)
    rp.id_token_force = rp.signer(rp.revendications_id_token(), entete={"alg": "ES256"})
    assert_refuse(app, client, revenir(client, demande), "id_token_sans_kid_plusieurs_cles")


def test_o2_sans_kid_aucune_cle_utilisable_refuse(app, client, rp):
    rsa = RSAKey.generate_key(2048, parameters={"kid": "cle-rsa"})
    rp.cles_publiees = [rsa]
    demande = commencer(client, rp)
    rp.id_token_force = rp.signer(rp.revendications_id_token(), cle=rp.cle,
                                  entete={"alg": "ES256"})
    assert_refuse(app, client, revenir(client, demande), "id_token_sans_kid_aucune_cle")
    assert rp.appels_jwks == 2  # the cached set, then one forced re-fetch (O8)


def test_o2_rs256_accepte(client, rp):
    rsa = RSAKey.generate_key(2048, parameters={"kid": "cle-rsa", "use": "sig"})
    rp.cles_publiees.append(rsa)
    demande = commencer(client, rp)
    rp.id_token_force = rp.signer(rp.revendications_id_token(), cle=rsa,
                                  entete={"alg": "RS256", "kid": "cle-rsa"})
    assert revenir(client, demande).location.endswith(rp.accueil)


def test_o8_rotation_de_cle_un_seul_rechargement(client, rp):
    revenir(client, commencer(client, rp))
    client.post("/deconnexion")
    assert rp.appels_jwks == 1
    rp.cle = ECKey.generate_key("P-256", parameters={"kid": "cle-2", "use": "sig"})
    rp.cles_publiees = [rp.cle]
    assert revenir(client, commencer(client, rp)).location.endswith(rp.accueil)
    assert rp.appels_jwks == 2


def test_o8_kid_inconnu_un_rechargement_puis_echec(app, client, rp):
    revenir(client, commencer(client, rp))
    client.post("/deconnexion")
    with app.app_context():
        db.session.execute(sa.delete(Evenement))
        db.session.execute(sa.delete(Compte))
        db.session.commit()
    appels = rp.appels_jwks
    demande = commencer(client, rp)
    inconnue = ECKey.generate_key("P-256", parameters={"kid": "cle-inconnue"})
    rp.id_token_force = rp.signer(rp.revendications_id_token(), cle=inconnue)
    assert_refuse(app, client, revenir(client, demande), "id_token_kid_inconnu")
    assert rp.appels_jwks == appels + 1


def test_o7_userinfo_json_non_signe_refuse(app, client, rp):
    rp.userinfo_force = ("application/json", jwt.json.dumps(rp.revendications_userinfo()))
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "userinfo_non_signe")


def test_o7_userinfo_signature_invalide_refusee(app, client, rp):
    etrangere = ECKey.generate_key("P-256", parameters={"kid": rp.cle.kid})
    rp.userinfo_force = ("application/jwt",
                         rp.signer(rp.revendications_userinfo(), cle=etrangere))
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "userinfo_signature_invalide")


def test_o7_userinfo_sub_different_refuse(app, client, rp):
    rp.userinfo_modifs["sub"] = "c" * 64 + "v1"
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "userinfo_sub_different")


def test_o7_userinfo_aud_different_refuse(app, client, rp):
    rp.userinfo_modifs["aud"] = "un-autre-client"
    assert_refuse(app, client, revenir(client, commencer(client, rp)),
                  "userinfo_aud_invalide")


@pytest.mark.parametrize("erreur", ["access_denied", "invalid_scope", "invalid_request",
                                    "server_error", "temporarily_unavailable", "login_required"])
def test_o6_erreur_sur_le_retour_page_francaise_sans_session(app, client, rp, caplog, erreur):
    demande = commencer(client, rp)
    caplog.set_level(logging.INFO)
    reponse = revenir(client, demande, error=erreur,
                      error_description="User auth aborted pour Angela DUBOIS")
    assert_refuse(app, client, reponse, f"erreur_{erreur}")
    assert rp.requetes_jeton == []
    assert erreur in caplog.text
    assert "DUBOIS" not in caplog.text
    # The state was consumed: the same callback without error is refused too.
    assert revenir(client, demande).location.endswith("/connexion/echec")


def test_o6_access_denied_dit_que_la_connexion_est_annulee(client, fc):
    reponse = revenir(client, commencer(client, fc), error="access_denied")
    assert "annulée" in client.get(reponse.location).text


def test_o9_jeton_d_acces_jamais_conserve(app, client, rp, caplog):
    caplog.set_level(logging.DEBUG)
    revenir(client, commencer(client, rp))
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for ligne in db.session.execute(sa.select(table)):
                assert JETON_ACCES not in repr(tuple(ligne))
        sessions = db.session.scalars(sa.select(SessionServeur.donnees)).all()
    assert sessions and all(JETON_ACCES not in donnees for donnees in sessions)
    assert JETON_ACCES not in caplog.text


def test_o11_meme_courriel_deux_sub_deux_comptes(app, client, fc):
    revenir(client, commencer(client, fc))
    client.post("/deconnexion")
    fc.id_token_modifs["sub"] = fc.userinfo_modifs["sub"] = "d" * 64 + "v1"
    revenir(client, commencer(client, fc))
    assert comptes(app) == 2


def test_o11_meme_sub_nouveau_courriel_meme_compte_mis_a_jour(app, client, fc):
    revenir(client, commencer(client, fc))
    client.post("/deconnexion")
    fc.userinfo_modifs["email"] = "nouvelle.adresse@exemple.test"
    revenir(client, commencer(client, fc))
    with app.app_context():
        compte = db.session.scalars(sa.select(Compte)).one()
        assert compte.email == "nouvelle.adresse@exemple.test"


def test_identite_incomplete_acceptee_champs_vides(app, client, fc):
    fc.userinfo_modifs.update({"given_name": None, "gender": "unspecified", "birthplace": ""})
    assert revenir(client, commencer(client, fc)).location.endswith("/espace-famille/")
    with app.app_context():
        compte = db.session.scalars(sa.select(Compte)).one()
        assert (compte.prenoms, compte.sexe, compte.code_commune_naissance) == ("", "", "")


@pytest.mark.parametrize("cible", ["//evil.example", "/\\evil.example", "https:evil.example",
                                   "%2F%2Fevil.example", "/%2Fevil.example", "javascript:alert(1)",
                                   "https://evil.example/", "/%5Cevil.example", "\\\\evil.example",
                                   "/\tevil.example"])
def test_o12_next_ne_quitte_jamais_le_site(client, rp, cible):
    demande = commencer(client, rp, suivant=cible)
    reponse = revenir(client, demande)
    assert reponse.location == rp.accueil


def test_o12_next_interne_conserve(client, fc):
    demande = commencer(client, fc, suivant="/espace-famille/?onglet=1")
    assert revenir(client, demande).location == "/espace-famille/?onglet=1"


def rejouer(app, jeton: str):
    """Another browser presenting a copied session cookie."""
    autre = client_pour(app)
    # Where Werkzeug's test client files the cookies it receives, whatever HTTP_HOST says.
    autre.set_cookie(app.config["SESSION_COOKIE_NAME"], jeton, domain="localhost")
    return autre


def deconnecter_par_la_federation(client, fc) -> dict:
    """Sign in, then POST /deconnexion; return the session/end parameters."""
    assert revenir(client, commencer(client, fc)).location.endswith(fc.accueil)
    reponse = client.post("/deconnexion")
    assert reponse.status_code == 303
    assert reponse.location.startswith(f"{fc.issuer}/session/end?")
    return parametres(reponse.location)


def test_deconnexion_par_session_end_avec_id_token_hint(app, client, rp):
    fin = deconnecter_par_la_federation(client, rp)
    assert HEX64.fullmatch(fin["state"])
    assert fin["post_logout_redirect_uri"] == "https://portail.exemple.test/deconnexion/retour"
    assert fin["id_token_hint"] == rp.id_token_emis[-1]
    assert not connecte(client)
    jeton = jeton_session(client, app)
    retour = client.get("/deconnexion/retour", query_string={"state": fin["state"]})
    assert "Vous êtes déconnecté" in retour.text
    assert lignes_de_session(app, jeton) == 0
    assert jeton_session(client, app) is None


def test_o13_cookie_copie_avant_deconnexion_franceconnect_inutilisable(app, client, rp):
    assert revenir(client, commencer(client, rp)).location.endswith(rp.accueil)
    copie = jeton_session(client, app)
    assert connecte(rejouer(app, copie))
    assert client.post("/deconnexion").location.startswith(f"{rp.issuer}/session/end?")
    assert lignes_de_session(app, copie) == 0
    assert not connecte(rejouer(app, copie))


@pytest.mark.parametrize("state", ["0" * 64, None, "é" * 64],
                         ids=["state_faux", "state_absent", "state_non_ascii"])
def test_o13_retour_de_deconnexion_sans_le_bon_state_page_neutre_session_effacee(
        app, client, rp, caplog, state):
    fin = deconnecter_par_la_federation(client, rp)
    with client.session_transaction() as session:
        assert session[CLE_DECONNEXION] == fin["state"]
        session["cle_plantee"] = "valeur"
    jeton = jeton_session(client, app)
    retour = client.get("/deconnexion/retour",
                        query_string={"state": state} if state is not None else None)
    assert retour.status_code == 200
    assert "<h1>Déconnexion</h1>" in retour.text
    assert "Vous êtes déconnecté" not in retour.text
    assert "n’a pas pu être vérifié" in retour.text
    assert "retour de déconnexion refusé" in caplog.text
    # The whole session is gone, state and planted key with it.
    assert lignes_de_session(app, jeton) == 0
    assert jeton_session(client, app) is None
    # The right state, now too late, is refused as well: it was consumed.
    assert "<h1>Déconnexion</h1>" in client.get(
        "/deconnexion/retour", query_string={"state": fin["state"]}).text


def test_o13_retour_de_deconnexion_ne_deconnecte_pas_sur_un_simple_get(app, client, rp, caplog):
    # Logout is a CSRF-checked POST: a link to the return page signs nobody out.
    assert revenir(client, commencer(client, rp)).location.endswith(rp.accueil)
    retour = client.get("/deconnexion/retour", query_string={"state": "0" * 64})
    assert "<h1>Déconnexion</h1>" in retour.text
    assert "retour de déconnexion refusé" in caplog.text
    assert connecte(client)


def test_fournisseur_sans_fin_de_session_deconnexion_locale(client, rp):
    del rp.decouverte["end_session_endpoint"]
    assert revenir(client, commencer(client, rp)).location.endswith(rp.accueil)
    reponse = client.post("/deconnexion")
    assert reponse.location.endswith("/deconnexion/retour")
    assert "Vous êtes déconnecté" in client.get(reponse.location).text
    assert not connecte(client)
