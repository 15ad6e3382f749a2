"""The sandbox FranceConnect v2 provider, endpoint by endpoint (franceconnect.md SB-1 … SB-15)."""

import base64
import hashlib
import json
import re
import stat
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from authlib.oidc import discovery
from authlib.oidc import rpinitiated
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from joserfc.jwk import OctKey

from portail_famille.bac_a_sable import cles
from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.bac_a_sable import simulateur_api_particulier

from . import CHEMIN_FC
from . import Formulaire
from . import choisir
from . import cles_publiees
from . import connecter
from . import demander_jeton
from . import fournisseur
from . import parametres_autorisation
from . import requete
from . import verifier

PIVOT = {"given_name", "given_name_array", "family_name", "birthdate", "gender", "birthplace",
         "birthcountry"}
ENVELOPPE = {"sub", "iss", "aud", "iat", "exp"}


def issuer(app) -> str:
    return f"{app.extensions['portail'].portail_url}{CHEMIN_FC}"


def at_hash(jeton: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(jeton.encode()).digest()[:16]).rstrip(
        b"=").decode()


def userinfo(client, jeton: str):
    return client.get(f"{CHEMIN_FC}/userinfo", headers={"Authorization": f"Bearer {jeton}"})


def introspection_http(client, app, jeton: str, **changements):
    config = app.extensions["portail"]
    corps = {"token": jeton, "client_id": config.franceconnect_client_id,
             "client_secret": config.franceconnect_client_secret, **changements}
    return client.post(f"{CHEMIN_FC}/token/introspection",
                       data={nom: valeur for nom, valeur in corps.items() if valeur is not None})


@pytest.fixture
def horloge():
    with time_machine.travel(datetime.now(UTC), tick=False) as voyageur:
        yield voyageur


# --- SB-1, SB-6, SB-7: discovery and keys ----------------------------------------------------


def test_sb6_decouverte_comme_franceconnect(app, client):
    reponse = client.get(f"{CHEMIN_FC}/.well-known/openid-configuration",
                         headers={"Host": "pirate.example"})
    assert reponse.status_code == 200
    meta = reponse.json
    i = issuer(app)
    # From the configuration, never from the Host header (SB-1).
    assert meta["issuer"] == i == "http://127.0.0.1:5000/bac-a-sable/franceconnect/api/v2"
    assert {nom: meta[nom] for nom in (
        "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
        "end_session_endpoint", "introspection_endpoint", "revocation_endpoint")} == {
        "authorization_endpoint": f"{i}/authorize",
        "token_endpoint": f"{i}/token",
        "userinfo_endpoint": f"{i}/userinfo",
        "jwks_uri": f"{i}/jwks",
        "end_session_endpoint": f"{i}/session/end",
        "introspection_endpoint": f"{i}/token/introspection",
        "revocation_endpoint": f"{i}/token/revocation",
    }
    assert meta["response_types_supported"] == ["code"]
    assert meta["grant_types_supported"] == ["authorization_code"]
    assert meta["subject_types_supported"] == ["pairwise"]
    assert meta["acr_values_supported"] == ["eidas1"]
    assert meta["token_endpoint_auth_methods_supported"] == ["client_secret_post"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert meta["claims_parameter_supported"] is True
    assert meta["id_token_signing_alg_values_supported"] == ["ES256", "RS256", "HS256"]
    assert meta["userinfo_signing_alg_values_supported"] == ["ES256", "RS256", "HS256"]
    assert {"openid", "identite_pivot", "profile", "birth", "email", "preferred_username",
            "cnaf_quotient_familial", "dgfip_rfr", "dgfip_nbpart",
            "dgfip_annee_n_moins_2_si_indispo_n_moins_1"} <= set(meta["scopes_supported"])
    assert PIVOT | {"sub", "email", "preferred_username", "amr"} <= set(meta["claims_supported"])
    # Authlib's own validator accepts it, RP-initiated logout metadata included.
    discovery.OpenIDProviderMetadata(meta).validate(
        metadata_classes=[rpinitiated.OpenIDProviderMetadata])


def decouverte(client) -> dict:
    return client.get(f"{CHEMIN_FC}/.well-known/openid-configuration").json


def test_sb1_issuer_de_la_configuration(app, client):
    # The demo's and the tests' setting: FRANCECONNECT_ISSUER names the sandbox itself.
    configure = app.extensions["portail"].franceconnect_issuer
    assert decouverte(client)["issuer"] == configure == app.extensions["franceconnect"].issuer


def test_sb1_issuer_configure_avec_barre_finale_garde_tel_quel(fabrique):
    app = fabrique(franceconnect_issuer=f"http://127.0.0.1:5000{CHEMIN_FC}/",
                   WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    meta = decouverte(client)
    assert meta["issuer"] == f"http://127.0.0.1:5000{CHEMIN_FC}/"
    assert meta["token_endpoint"] == f"http://127.0.0.1:5000{CHEMIN_FC}/token"
    _, revendications = verifier(connecter(client, app)["id_token"], cles_publiees(client))
    assert revendications["iss"] == meta["issuer"]


def test_sb1_autre_fournisseur_configure_le_bac_a_sable_garde_son_adresse(fabrique, caplog):
    # The portal signs in with the provider of FRANCECONNECT_ISSUER; the sandbox still works at
    # its own address, as its own issuer, for the simulators and the tests.
    externe = "http://127.0.0.1:5999/fournisseur-externe"
    caplog.set_level("INFO")
    app = fabrique(franceconnect_issuer=externe, WTF_CSRF_ENABLED=False,
                   RATELIMIT_ENABLED=False)
    client = app.test_client()
    assert app.extensions["franceconnect"].issuer == externe
    assert decouverte(client)["issuer"] == issuer(app)
    _, revendications = verifier(connecter(client, app)["id_token"], cles_publiees(client))
    assert revendications["iss"] == issuer(app)
    assert "le portail utilise le fournisseur de FRANCECONNECT_ISSUER" in caplog.text


def test_sb7_jwks_une_cle_es256_publique(client):
    (cle,) = client.get(f"{CHEMIN_FC}/jwks").json["keys"]
    assert cle["kty"] == "EC" and cle["crv"] == "P-256"
    assert cle["use"] == "sig" and cle["alg"] == "ES256" and cle["kid"]
    assert "d" not in cle


def test_sb4_cle_creee_une_fois_sous_instance_et_partagee(fabrique, client, app):
    kid = client.get(f"{CHEMIN_FC}/jwks").json["keys"][0]["kid"]
    fichier = fournisseur(app).trousseau.chemin
    assert fichier == Path(app.instance_path) / cles.NOM_FICHIER
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600
    # Another worker (another app on the same instance folder) signs with the same key.
    autre = fabrique(WTF_CSRF_ENABLED=False, instance_path=Path(app.instance_path))
    assert autre.test_client().get(f"{CHEMIN_FC}/jwks").json["keys"][0]["kid"] == kid


def test_sb7_rotation_nouveau_kid_et_l_ancienne_cle_ne_signe_plus(app, client):
    anciennes = cles_publiees(client)
    nouveau = fournisseur_franceconnect.tourner_cle(app)
    assert nouveau != anciennes.keys[0].kid
    (publiee,) = client.get(f"{CHEMIN_FC}/jwks").json["keys"]
    assert publiee["kid"] == nouveau and "d" not in publiee
    id_token = connecter(client, app)["id_token"]
    assert verifier(id_token, cles_publiees(client))[0]["kid"] == nouveau
    with pytest.raises(JoseError):
        verifier(id_token, anciennes)


# --- SB-8: authorize checks ----------------------------------------------------------------


REFUS = [
    ({"response_type": None}, "Y030007"),
    ({"response_type": "token"}, "Y030007"),
    ({"scope": "identite_pivot email"}, "Y030007"),
    ({"scope": None}, "Y030007"),
    ({"acr_values": None}, "Y030007"),
    ({"state": None}, "Y030007"),
    ({"nonce": None}, "Y030007"),
    ({"state": "a" * 31}, "Y030007"),
    ({"nonce": "n" * 31}, "Y030007"),
    ({"claims": "{pas du json"}, "Y030007"),
    ({"client_id": "client-inconnu"}, "Y04EA6EF"),
    ({"client_id": None}, "Y030007"),
    ({"redirect_uri": "http://127.0.0.1:5000/connexion/franceconnect/retour/"}, "Y04C013C"),
    ({"redirect_uri": "https://pirate.example/retour"}, "Y04C013C"),
    ({"redirect_uri": None}, "Y030007"),
]


@pytest.mark.parametrize("methode", ["get", "post"])
@pytest.mark.parametrize(("changements", "code"), REFUS)
def test_sb8_demande_invalide_page_400_sans_redirection(app, client, methode, changements, code):
    parametres = parametres_autorisation(app, **changements)
    if methode == "get":
        reponse = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres)
    else:
        reponse = client.post(f"{CHEMIN_FC}/authorize", data=parametres)
    assert reponse.status_code == 400
    assert reponse.mimetype == "text/html"
    assert "Location" not in reponse.headers
    assert code in reponse.text
    assert "FranceConnect simulé" in reponse.text


def test_sb8_parametre_repete_page_400(app, client):
    parametres = [*parametres_autorisation(app).items(), ("state", "b" * 64)]
    reponse = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres)
    assert reponse.status_code == 400 and "Location" not in reponse.headers
    assert "Y030007" in reponse.text


def test_sb8_state_et_nonce_de_32_caracteres_acceptes(app, client):
    parametres = parametres_autorisation(app, state="s" * 32, nonce="n" * 32)
    assert client.get(f"{CHEMIN_FC}/authorize", query_string=parametres).status_code == 200


def test_sb8_scope_hors_habilitation_redirige_invalid_scope(app, client):
    parametres = parametres_autorisation(app, scope="openid identite_pivot address")
    reponse = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres)
    assert reponse.status_code == 303
    assert reponse.headers["Location"].startswith(parametres["redirect_uri"] + "?")
    retour = requete(reponse.headers["Location"])
    assert retour["error"] == "invalid_scope"
    assert retour["state"] == parametres["state"]
    assert retour["iss"] == issuer(app)


@pytest.mark.parametrize("prompt", ["none", "login", "select_account", None])
def test_sb8_prompt_force_a_login_consent(app, client, prompt):
    parametres = parametres_autorisation(app, prompt=prompt)
    reponse = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres)
    assert reponse.status_code == 200
    assert 'name="identite"' in reponse.text


def test_sb8_acr_inconnu_traite_comme_eidas1(app, client):
    reponse = connecter(client, app, acr_values="eidas3 niveau-inconnu")
    _, revendications = verifier(reponse["id_token"], cles_publiees(client))
    assert revendications["acr"] == "eidas1"


# --- SB-9: login page ------------------------------------------------------------------------


def test_sb9_page_de_connexion_liste_toutes_les_identites(app, client):
    parametres = parametres_autorisation(app)
    reponse = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres)
    assert reponse.status_code == 200
    page = reponse.text
    assert re.search(r"<title>[^<]*FranceConnect simulé[^<]*</title>", page)
    assert "simulation" in page.lower() and "fictives" in page
    assert len(re.findall(r'name="identite" value="', page)) == len(jeu_de_donnees.IDENTITES)
    for identite in jeu_de_donnees.IDENTITES:
        personne = identite.personne
        assert f'value="{identite.cle}"' in page
        assert personne.nom_naissance in page
        assert " ".join(personne.prenoms) in page
        annee, mois, jour = personne.date_naissance.split("-")
        assert f"{jour}/{mois}/{annee}" in page
        assert (personne.code_commune_naissance or personne.code_pays_naissance) in page
        assert identite.description in page
    assert ">Annuler</button>" in page
    # The request travels with the form, to be checked again at the next step.
    assert parametres.items() <= Formulaire(page).champs.items()


def test_sb9_identite_nee_a_l_etranger_affichee_sans_commune(app, client):
    page = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres_autorisation(app)).text
    assert "À l’étranger (pays 99350)" in page


def test_sb9_choix_protege_par_csrf(fabrique):
    app = fabrique(RATELIMIT_ENABLED=False)
    client = app.test_client()
    page = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres_autorisation(app))
    formulaire = Formulaire(page.text)
    sans_jeton = {nom: v for nom, v in formulaire.champs.items() if nom != "csrf_token"}
    refuse = client.post(formulaire.action, data={**sans_jeton, "identite": "angela"})
    assert refuse.status_code == 400 and "Location" not in refuse.headers
    accepte = client.post(formulaire.action, data={**formulaire.champs, "identite": "angela"})
    assert accepte.status_code == 303
    # Server-to-server endpoints and the authorize request itself need no CSRF token.
    code = requete(accepte.headers["Location"])["code"]
    assert demander_jeton(client, app, code).status_code == 200
    assert client.post(f"{CHEMIN_FC}/authorize",
                       data=parametres_autorisation(app)).status_code == 200


def test_sb9_annuler_renvoie_access_denied_avec_le_state(app, client):
    parametres = parametres_autorisation(app)
    reponse = choisir(client, app, None, **parametres)
    assert reponse.status_code == 303
    retour = requete(reponse.headers["Location"])
    assert retour == {"error": "access_denied", "error_description": "User auth aborted",
                      "state": parametres["state"], "iss": issuer(app)}


def test_sb9_identite_inconnue_refusee(app, client):
    reponse = choisir(client, app, "personne-inconnue")
    assert reponse.status_code == 400 and "Location" not in reponse.headers


def test_sb9_formulaire_falsifie_verifie_a_nouveau(app, client):
    page = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres_autorisation(app))
    formulaire = Formulaire(page.text)
    champs = {**formulaire.champs, "redirect_uri": "https://pirate.example/retour"}
    reponse = client.post(formulaire.action, data={**champs, "identite": "angela"})
    assert reponse.status_code == 400 and "Location" not in reponse.headers
    assert "Y04C013C" in reponse.text


def test_sb9_pas_de_sso_la_page_revient_a_chaque_demande(app, client):
    connecter(client, app)
    reponse = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres_autorisation(app))
    assert reponse.status_code == 200 and 'name="identite"' in reponse.text


# --- SB-10, SB-11: code and token ------------------------------------------------------------


def test_sb10_redirection_303_avec_code_state_et_iss(app, client):
    parametres = parametres_autorisation(app)
    reponse = choisir(client, app, "angela", **parametres)
    assert reponse.status_code == 303
    assert reponse.headers["Location"].startswith(parametres["redirect_uri"] + "?")
    retour = requete(reponse.headers["Location"])
    assert set(retour) == {"code", "state", "iss"}
    assert retour["state"] == parametres["state"]
    assert retour["iss"] == issuer(app)
    assert len(retour["code"]) >= 43


def test_sb11_reponse_du_jeton(app, client):
    retour = requete(choisir(client, app).headers["Location"])
    reponse = demander_jeton(client, app, retour["code"])
    assert reponse.status_code == 200
    assert reponse.headers["Cache-Control"] == "no-store"
    corps = reponse.json
    assert set(corps) == {"access_token", "token_type", "expires_in", "id_token", "scope"}
    assert corps["token_type"] == "Bearer"
    assert corps["expires_in"] == 60
    assert corps["scope"] == "openid identite_pivot email"
    assert len(corps["access_token"]) >= 43
    assert re.fullmatch(r"[A-Za-z0-9_-]+", corps["access_token"])


def test_sb10_code_a_usage_unique(app, client):
    code = requete(choisir(client, app).headers["Location"])["code"]
    assert demander_jeton(client, app, code).status_code == 200
    rejoue = demander_jeton(client, app, code)
    assert rejoue.status_code == 400 and rejoue.json["error"] == "invalid_grant"


@pytest.mark.parametrize(("secondes", "statut"), [(29, 200), (31, 400)])
def test_sb10_code_vit_30_secondes(app, client, horloge, secondes, statut):
    code = requete(choisir(client, app).headers["Location"])["code"]
    horloge.shift(secondes)
    reponse = demander_jeton(client, app, code)
    assert reponse.status_code == statut
    if statut == 400:
        assert reponse.json["error"] == "invalid_grant"


def test_sb11_code_inconnu_invalid_grant(app, client):
    reponse = demander_jeton(client, app, "code-inconnu")
    assert reponse.status_code == 400 and reponse.json["error"] == "invalid_grant"


def test_sb11_redirect_uri_differente_de_l_autorisation(app, client):
    code = requete(choisir(client, app).headers["Location"])["code"]
    reponse = demander_jeton(client, app, code,
                             redirect_uri="http://127.0.0.1:5000/connexion/franceconnect/autre")
    assert reponse.status_code == 400 and reponse.json["error"] == "invalid_grant"


def test_sb11_client_secret_basic_refuse(app, client):
    config = app.extensions["portail"]
    code = requete(choisir(client, app).headers["Location"])["code"]
    identifiants = base64.b64encode(
        f"{config.franceconnect_client_id}:{config.franceconnect_client_secret}".encode()
    ).decode()
    reponse = client.post(f"{CHEMIN_FC}/token", headers={"Authorization": f"Basic {identifiants}"},
                          data={"grant_type": "authorization_code", "code": code,
                                "redirect_uri": parametres_autorisation(app)["redirect_uri"]})
    assert reponse.status_code == 401 and reponse.json["error"] == "invalid_client"


@pytest.mark.parametrize("changements", [
    {"client_secret": "mauvais-secret"},
    {"client_secret": None},
    {"client_id": "client-inconnu"},
])
def test_sb11_mauvais_client_401(app, client, changements):
    code = requete(choisir(client, app).headers["Location"])["code"]
    reponse = demander_jeton(client, app, code, **changements)
    assert reponse.status_code == 401 and reponse.json["error"] == "invalid_client"


# --- SB-12: id_token ---------------------------------------------------------------------------


def test_sb12_id_token_signe_es256_avec_les_revendications_de_franceconnect(app, client):
    jwks = cles_publiees(client)
    reponse = connecter(client, app)
    entete, revendications = verifier(reponse["id_token"], jwks)
    assert entete == {"typ": "JWT", "alg": "ES256", "kid": jwks.keys[0].kid}
    assert set(revendications) == {"iss", "sub", "aud", "iat", "exp", "auth_time", "nonce",
                                   "acr", "at_hash"}
    assert revendications["iss"] == issuer(app)
    assert revendications["aud"] == app.extensions["portail"].franceconnect_client_id
    assert revendications["exp"] == revendications["iat"] + 60
    assert revendications["auth_time"] <= revendications["iat"]
    assert revendications["nonce"] == reponse["nonce"]
    assert revendications["acr"] == "eidas1"
    assert revendications["at_hash"] == at_hash(reponse["access_token"])


def test_sb12_amr_seulement_sur_demande_par_claims(app, client):
    sans = connecter(client, app)
    assert "amr" not in verifier(sans["id_token"], cles_publiees(client))[1]
    avec = connecter(client, app, claims=json.dumps({"id_token": {"amr": {"essential": True}}}))
    assert verifier(avec["id_token"], cles_publiees(client))[1]["amr"] == ["pwd"]


def test_sb12_sub_deterministe_par_identite_et_client(fabrique, app, client):
    sub = verifier(connecter(client, app)["id_token"], cles_publiees(client))[1]["sub"]
    assert re.fullmatch(r"[0-9a-f]{64}v1", sub)
    assert verifier(connecter(client, app)["id_token"], cles_publiees(client))[1]["sub"] == sub
    autre = verifier(connecter(client, app, "pierre")["id_token"], cles_publiees(client))[1]
    assert autre["sub"] != sub
    # The same after a restart (a new app on the same instance), different for another client.
    redemarre = fournisseur(fabrique(WTF_CSRF_ENABLED=False,
                                     instance_path=Path(app.instance_path)))
    assert redemarre.usager("angela", redemarre.client.client_id).sub == sub
    assert redemarre.usager("angela", "un-autre-service").sub != sub


# --- SB-13: userinfo ---------------------------------------------------------------------------


@pytest.mark.parametrize("entetes", [
    {},
    {"Authorization": "Bearer jeton-inconnu-0123456789012345678901234567890123"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer"},
])
def test_sb13_userinfo_sans_jeton_valide_401(client, entetes):
    reponse = client.get(f"{CHEMIN_FC}/userinfo", headers=entetes)
    assert reponse.status_code == 401
    assert reponse.headers["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in reponse.headers["WWW-Authenticate"]


def test_sb13_jeton_en_parametre_refuse(app, client):
    jeton = connecter(client, app)["access_token"]
    assert client.get(f"{CHEMIN_FC}/userinfo",
                      query_string={"access_token": jeton}).status_code == 401


@pytest.mark.parametrize(("secondes", "statut"), [(59, 200), (61, 401)])
def test_sb13_jeton_de_plus_de_60_secondes_refuse(app, client, horloge, secondes, statut):
    jeton = connecter(client, app)["access_token"]
    horloge.shift(secondes)
    reponse = userinfo(client, jeton)
    assert reponse.status_code == statut
    if statut == 401:
        assert 'error="invalid_token"' in reponse.headers["WWW-Authenticate"]


def test_sb13_userinfo_jws_es256_avec_l_identite_pivot(app, client):
    reponse = connecter(client, app)
    brut = userinfo(client, reponse["access_token"])
    assert brut.status_code == 200
    assert brut.mimetype == "application/jwt"
    with pytest.raises(ValueError):
        json.loads(brut.text)
    entete, infos = verifier(brut.text, cles_publiees(client))
    assert entete["kid"] == cles_publiees(client).keys[0].kid
    assert set(infos) == ENVELOPPE | PIVOT | {"email"}
    assert infos["sub"] == verifier(reponse["id_token"], cles_publiees(client))[1]["sub"]
    assert infos["iss"] == issuer(app)
    assert infos["aud"] == app.extensions["portail"].franceconnect_client_id
    assert infos["exp"] > infos["iat"]
    assert {nom: infos[nom] for nom in PIVOT | {"email"}} == {
        "given_name": "Angela Claire Louise",
        "given_name_array": ["Angela", "Claire", "Louise"],
        "family_name": "DUBOIS",
        "birthdate": "1962-08-24",
        "gender": "female",
        "birthplace": "75107",
        "birthcountry": "99100",
        "email": "wossewodda-3728@yopmail.com",
    }


@pytest.mark.parametrize(("scope", "attendues"), [
    ("openid", set()),
    ("openid cnaf_quotient_familial dgfip_rfr dgfip_nbpart", set()),
    ("openid email", {"email"}),
    ("openid given_name", {"given_name", "given_name_array"}),
    ("openid birth", {"birthplace", "birthcountry"}),
    ("openid profile", {"given_name", "given_name_array", "family_name", "birthdate", "gender",
                        "preferred_username"}),
])
def test_sb13_seulement_les_revendications_des_scopes_accordes(app, client, scope, attendues):
    jeton = connecter(client, app, "pierre", scope=scope)["access_token"]
    infos = verifier(userinfo(client, jeton).text, cles_publiees(client))[1]
    assert set(infos) == ENVELOPPE | attendues


# FranceConnect's published GODIN, and a household the project invents.
@pytest.mark.parametrize(("cle", "pays"), [("ermengardi", "99350"), ("ines", "99139")])
def test_sb13_nee_a_l_etranger_birthplace_vide(app, client, cle, pays):
    jeton = connecter(client, app, cle, scope="openid identite_pivot")["access_token"]
    infos = verifier(userinfo(client, jeton).text, cles_publiees(client))[1]
    assert infos["birthplace"] == ""
    assert infos["birthcountry"] == pays


def test_foyer_invente_ne_a_l_etranger_connu_de_la_caf_simulee(app, client):
    # One dataset: her FranceConnect identity, without a birth commune, finds her CAF file.
    scope = "openid identite_pivot cnaf_quotient_familial"
    jeton = connecter(client, app, "ines", scope=scope)["access_token"]
    recipient = app.extensions["portail"].api_particulier_recipient
    route = simulateur_api_particulier.ROUTE_FRANCE_CONNECT
    caf = client.get(f"/bac-a-sable/api-particulier{route}",
                     query_string={"recipient": recipient},
                     headers={"Authorization": f"Bearer {jeton}"})
    assert caf.status_code == 200, caf.text
    assert caf.get_json(force=True)["data"]["quotient_familial"]["valeur"] == 760


def test_sb13_nom_d_usage_seulement_s_il_est_connu(app, client):
    scope = "openid preferred_username family_name"
    pierre = connecter(client, app, "pierre", scope=scope)["access_token"]
    assert verifier(userinfo(client, pierre).text, cles_publiees(client))[1][
        "preferred_username"] == "DUBOIS"
    angela = connecter(client, app, "angela", scope=scope)["access_token"]
    assert "preferred_username" not in verifier(userinfo(client, angela).text,
                                                cles_publiees(client))[1]


# --- SB-14: introspection ----------------------------------------------------------------------


def test_sb14_introspection_http_jeton_actif(app, client):
    reponse = connecter(client, app, "pierre", scope="openid cnaf_quotient_familial")
    resultat = introspection_http(client, app, reponse["access_token"])
    assert resultat.status_code == 200
    corps = resultat.json
    sub = verifier(reponse["id_token"], cles_publiees(client))[1]["sub"]
    assert corps["active"] is True
    assert corps["scope"] == "openid cnaf_quotient_familial"
    assert corps["client_id"] == corps["aud"] == app.extensions["portail"].franceconnect_client_id
    assert corps["sub"] == sub
    assert corps["iss"] == issuer(app)
    assert corps["exp"] == corps["iat"] + 60
    # The identity pivot whatever the identity scopes granted, for the simulators.
    assert corps["family_name"] == "MERCIER" and corps["given_name_array"] == ["Pierre"]
    assert corps["birthplace"] == "95277" and corps["gender"] == "male"
    assert corps["preferred_username"] == "DUBOIS"
    assert set(corps) == {"active", "scope", "client_id", "sub", "iss", "aud", "iat", "exp",
                          *PIVOT, "preferred_username"}


@pytest.mark.parametrize("changements", [
    {"client_secret": None, "client_id": None},
    {"client_secret": "mauvais-secret"},
])
def test_sb14_introspection_exige_le_client(app, client, changements):
    jeton = connecter(client, app)["access_token"]
    reponse = introspection_http(client, app, jeton, **changements)
    assert reponse.status_code == 401 and reponse.json["error"] == "invalid_client"


def test_sb14_introspection_inactif_si_inconnu_ou_expire(app, client, horloge):
    assert introspection_http(client, app, "inconnu").json == {"active": False}
    jeton = connecter(client, app)["access_token"]
    horloge.shift(61)
    assert introspection_http(client, app, jeton).json == {"active": False}


def test_sb14_introspecter_en_processus_comme_en_http(app, client):
    jeton = connecter(client, app, "ermengardi")["access_token"]
    with app.app_context():
        interne = fournisseur_franceconnect.introspecter(jeton)
        assert fournisseur_franceconnect.introspecter("inconnu") == {"active": False}
    assert interne == introspection_http(client, app, jeton).json
    assert interne["birthplace"] == "" and "preferred_username" not in interne


def test_sb14_emettre_jeton_acces_pour_les_tests_des_simulateurs(app, client):
    with app.app_context():
        actif = fournisseur_franceconnect.emettre_jeton_acces(
            "claire", "openid cnaf_quotient_familial")
        vieux = fournisseur_franceconnect.emettre_jeton_acces(
            "claire", "openid", emis_le=datetime.now(UTC).timestamp() - 61)
        etat = fournisseur_franceconnect.introspecter(actif)
        assert fournisseur_franceconnect.introspecter(vieux) == {"active": False}
        with pytest.raises(KeyError):
            fournisseur_franceconnect.emettre_jeton_acces("personne-inconnue", "openid")
        with pytest.raises(ValueError):
            fournisseur_franceconnect.emettre_jeton_acces("claire", "openid address")
    assert etat["active"] is True and etat["scope"] == "openid cnaf_quotient_familial"
    assert etat["family_name"] == "FAURE" and etat["preferred_username"] == "ROUSSEAU"
    # Visible to other connections (another worker): it was committed.
    assert userinfo(client, actif).status_code == 200


def test_revocation_rend_le_jeton_inactif(app, client):
    config = app.extensions["portail"]
    jeton = connecter(client, app)["access_token"]
    reponse = client.post(f"{CHEMIN_FC}/token/revocation", data={
        "token": jeton, "client_id": config.franceconnect_client_id,
        "client_secret": config.franceconnect_client_secret})
    assert reponse.status_code == 200
    assert userinfo(client, jeton).status_code == 401
    assert introspection_http(client, app, jeton).json == {"active": False}


# --- SB-15: logout ------------------------------------------------------------------------------


def fin_de_session(client, app, id_token, **changements):
    parametres = {"id_token_hint": id_token, "state": "e" * 64,
                  "post_logout_redirect_uri": "http://127.0.0.1:5000/deconnexion/retour",
                  **changements}
    return client.get(f"{CHEMIN_FC}/session/end", query_string={
        nom: valeur for nom, valeur in parametres.items() if valeur is not None})


def test_sb15_deconnexion_redirige_avec_le_state(app, client):
    id_token = connecter(client, app)["id_token"]
    reponse = fin_de_session(client, app, id_token)
    assert reponse.status_code == 303
    assert reponse.headers["Location"] == (
        f"http://127.0.0.1:5000/deconnexion/retour?state={'e' * 64}")


def test_sb15_id_token_expire_accepte(app, client, horloge):
    id_token = connecter(client, app)["id_token"]
    horloge.shift(3600)
    assert fin_de_session(client, app, id_token).status_code == 303


def test_sb15_id_token_d_avant_une_rotation_accepte(app, client):
    id_token = connecter(client, app)["id_token"]
    fournisseur_franceconnect.tourner_cle(app)
    assert fin_de_session(client, app, id_token).status_code == 303


def _signe_par_le_bac_a_sable(app, **revendications) -> str:
    cle = fournisseur(app).trousseau.signature().keys[0]
    return jwt.encode({"alg": "ES256", "kid": cle.kid}, revendications, cle)


@pytest.mark.parametrize("cas", [
    "sans_hint", "hint_illisible", "cle_etrangere", "autre_client", "hs256",
    "retour_non_enregistre", "retour_absent",
])
def test_sb15_deconnexion_invalide_page_400_sans_redirection(app, client, cas):
    id_token = connecter(client, app)["id_token"]
    etrangere = ECKey.generate_key("P-256", {"kid": "cle-etrangere"})
    changements = {
        "sans_hint": {"id_token_hint": None},
        "hint_illisible": {"id_token_hint": "pas-un-jeton"},
        "cle_etrangere": {"id_token_hint": jwt.encode(
            {"alg": "ES256", "kid": "cle-etrangere"},
            jwt.decode(id_token, cles_publiees(client)).claims, etrangere)},
        "autre_client": {"id_token_hint": _signe_par_le_bac_a_sable(
            app, iss=issuer(app), aud="un-autre-service", sub="x" * 64 + "v1")},
        "hs256": {"id_token_hint": jwt.encode(
            {"alg": "HS256"}, {"aud": app.extensions["portail"].franceconnect_client_id},
            OctKey.import_key("s" * 32))},
        "retour_non_enregistre": {"post_logout_redirect_uri": "https://pirate.example/"},
        "retour_absent": {"post_logout_redirect_uri": None},
    }[cas]
    reponse = fin_de_session(client, app, id_token, **changements)
    assert reponse.status_code == 400
    assert "Location" not in reponse.headers
    assert reponse.mimetype == "text/html"


def test_les_donnees_demandees_sont_dites_en_mots(app, client):
    page = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres_autorisation(
        app, scope="openid identite_pivot email cnaf_quotient_familial dgfip_rfr dgfip_nbpart "
                   "dgfip_annee_n_moins_1"))
    assert page.status_code == 200
    for mots in ("votre identité : nom de naissance, prénoms, sexe, date et lieu de naissance",
                 "votre adresse électronique", "votre quotient familial (CAF ou MSA)",
                 "votre revenu fiscal de référence (impôts)",
                 "votre nombre de parts fiscales (impôts)",
                 "En choisissant une identité ci-dessous, vous acceptez cette transmission"):
        assert mots in page.text
    assert "dgfip_rfr" not in page.text.split("<form")[0]
