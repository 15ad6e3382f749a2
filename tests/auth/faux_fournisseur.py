"""A FranceConnect (or ProConnect) stand-in served with `responses`, to forge every token the
rules refuse.

Tokens are signed with joserfc keys created here; each test changes one thing and checks that
the portal refuses it and creates no session.
"""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import responses
from joserfc import jwt
from joserfc.jwk import ECKey
from joserfc.jwk import KeySet

ISSUER = "https://fc.exemple.test/api/v2"
CLIENT_ID = "portail-famille-test"
CLIENT_SECRET = "secret-de-test-du-client"
JETON_ACCES = "jeton-acces-opaque-de-test-0123456789abcdefghijklmnop"
SUB = "b" * 64 + "v1"
ISSUER_PROCONNECT = "https://proconnect.exemple.test/api/v2"
COURRIEL_AGENT = "camille.martin@mairie.exemple.test"
# The commune's SIRET, as API_PARTICULIER_RECIPIENT names it (the tests' default).
SIRET_COMMUNE = "21690123100011"
URL_JETON_DGFIP = "https://dgfip.exemple.test/token"
JETON_PASSERELLE = "jeton-passerelle-dgfip-0123456789"


def b64(donnees: bytes) -> str:
    return base64.urlsafe_b64encode(donnees).rstrip(b"=").decode()


def at_hash(jeton: str) -> str:
    return b64(hashlib.sha256(jeton.encode()).digest()[:16])


class FauxFournisseur:
    """Discovery, JWKS, token and userinfo endpoints whose answers each test can bend.

    `debut`, `retour` and `accueil` are the portal's pages of the flow this provider serves.
    """

    debut = "/connexion/franceconnect"
    retour = "/connexion/franceconnect/retour"
    accueil = "/espace-famille/"
    # The acr values above eidas1 the portal accepts from this provider.
    niveaux_superieurs: tuple[str, ...] = ()

    def __init__(self, mock: responses.RequestsMock, issuer: str = ISSUER):
        self.mock = mock
        self.issuer = issuer
        # Endpoints hang under the issuer without its terminating "/", if any.
        base = issuer.rstrip("/")
        self.cle = ECKey.generate_key("P-256", parameters={"kid": "cle-1", "use": "sig"})
        self.decouverte = {
            "issuer": issuer,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/session/end",
            # As FranceConnect lists them: the portal must ignore HS256 anyway.
            "id_token_signing_alg_values_supported": ["ES256", "RS256", "HS256"],
        }
        self.cles_publiees = [self.cle]
        self.appels_jwks = 0
        self.id_token_modifs: dict = {}
        self.id_token_force: str | None = None
        self.userinfo_modifs: dict = {}
        self.userinfo_force: tuple[str, str] | None = None
        self.requetes_jeton: list[dict] = []
        self.id_token_emis: list[str] = []
        self.nonce: str | None = None
        self.scope = "openid identite_pivot email"
        mock.add_callback(responses.GET, f"{base}/.well-known/openid-configuration",
                          callback=lambda r: (200, {}, json.dumps(self.decouverte)))
        mock.add_callback(responses.GET, f"{base}/jwks", callback=self._jwks)
        mock.add_callback(responses.POST, f"{base}/token", callback=self._jeton)
        mock.add_callback(responses.GET, f"{base}/userinfo", callback=self._userinfo)
        # The portal warms the DGFiP gateway token before leaving for FranceConnect.
        mock.add(responses.POST, URL_JETON_DGFIP, json={
            "access_token": JETON_PASSERELLE, "token_type": "Bearer", "expires_in": 300})

    def _jwks(self, requete):
        self.appels_jwks += 1
        jeu = KeySet(self.cles_publiees).as_dict(private=False)
        return 200, {"Content-Type": "application/json"}, json.dumps(jeu)

    def revendications_id_token(self) -> dict:
        maintenant = int(time.time())
        return {"iss": self.issuer, "sub": SUB, "aud": CLIENT_ID, "exp": maintenant + 60,
                "iat": maintenant, "auth_time": maintenant, "nonce": self.nonce, "acr": "eidas1",
                "at_hash": at_hash(JETON_ACCES)}

    def signer(self, revendications: dict, cle=None, entete=None) -> str:
        cle = cle or self.cle
        entete = entete or {"alg": "ES256", "kid": cle.kid}
        return jwt.encode(entete, revendications, cle, algorithms=[entete["alg"]])

    def id_token(self) -> str:
        if self.id_token_force is not None:
            return self.id_token_force
        revendications = {**self.revendications_id_token(), **self.id_token_modifs}
        return self.signer({k: v for k, v in revendications.items() if v is not None})

    def _jeton(self, requete):
        corps = {k: v[0] for k, v in parse_qs(requete.body).items()}
        self.requetes_jeton.append({"corps": corps, "entetes": dict(requete.headers)})
        self.id_token_emis.append(self.id_token())
        reponse = {"access_token": JETON_ACCES, "token_type": "Bearer", "expires_in": 60,
                   "id_token": self.id_token_emis[-1], "scope": self.scope}
        return 200, {"Content-Type": "application/json", "Cache-Control": "no-store"}, \
            json.dumps(reponse)

    def revendications_userinfo(self) -> dict:
        maintenant = int(time.time())
        return {"iss": self.issuer, "aud": CLIENT_ID, "sub": SUB, "iat": maintenant,
                "exp": maintenant + 60, "given_name": "Angela Claire Louise",
                "given_name_array": ["Angela", "Claire", "Louise"], "family_name": "DUBOIS",
                "birthdate": "1962-08-24", "gender": "female", "birthplace": "75107",
                "birthcountry": "99100", "email": "wossewodda-3728@yopmail.com"}

    def _userinfo(self, requete):
        if requete.headers.get("Authorization") != f"Bearer {JETON_ACCES}":
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, ""
        if self.userinfo_force is not None:
            type_contenu, corps = self.userinfo_force
            return 200, {"Content-Type": type_contenu}, corps
        revendications = {**self.revendications_userinfo(), **self.userinfo_modifs}
        return 200, {"Content-Type": "application/jwt"}, self.signer(revendications)


class FauxProConnect(FauxFournisseur):
    """The same provider as ProConnect: an agent of the commune, for the staff sign-in."""

    debut = "/connexion/proconnect"
    retour = "/connexion/proconnect/retour"
    accueil = "/mairie/"
    niveaux_superieurs = ("eidas2", "eidas3")

    def __init__(self, mock: responses.RequestsMock, issuer: str = ISSUER_PROCONNECT):
        super().__init__(mock, issuer)
        self.scope = "openid email given_name usual_name uid siret"

    def revendications_userinfo(self) -> dict:
        maintenant = int(time.time())
        return {"iss": self.issuer, "aud": CLIENT_ID, "sub": SUB, "iat": maintenant,
                "exp": maintenant + 60, "email": COURRIEL_AGENT, "given_name": "Camille",
                "usual_name": "Martin", "uid": "42", "siret": SIRET_COMMUNE}


def parametres(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


REGLAGES = {
    "bac_a_sable": False,
    "franceconnect_issuer": ISSUER,
    "franceconnect_client_id": CLIENT_ID,
    "franceconnect_client_secret": CLIENT_SECRET,
    "proconnect_issuer": ISSUER_PROCONNECT,
    "proconnect_client_id": CLIENT_ID,
    "proconnect_client_secret": CLIENT_SECRET,
    "api_particulier_recipient": SIRET_COMMUNE,
    "portail_url": "https://portail.exemple.test",
    "impot_particulier_url": "https://dgfip.exemple.test/impotparticulier/1.0",
    "impot_particulier_token_url": URL_JETON_DGFIP,
}
