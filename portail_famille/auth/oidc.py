"""OpenID Connect relying party for FranceConnect v2 and ProConnect, which is built like it
(proconnect.md): every check of franceconnect.md §3–§10, nothing taken on trust. The same class
serves both federations, instantiated twice; only the issuer, the client and the reading of the
verified userinfo claims differ.

Authlib's OAuth2Session drives the authorization-code flow (authorize URL, token request with
`client_secret_post`); the tokens are verified here with joserfc, against a pinned issuer and a
pinned algorithm list, because Authlib's client merges discovery over local settings, accepts
HS256 when discovery lists it, and parses userinfo as JSON (franceconnect.md §13).
"""

import base64
import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jws
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

journal = logging.getLogger(__name__)

# FranceConnect v2 and ProConnect sign with ES256 (recommended) or RS256; their discovery also
# lists HS256, which must never be accepted (franceconnect.md §5, securite.md O2).
ALGORITHMES = ("ES256", "RS256")
NIVEAU = "eidas1"
# The levels ProConnect may return above the one requested (eIDAS substantial and high):
# proconnect.md asks eidas1 and refuses only a lower level. FranceConnect "standard" knows
# eidas1 alone; a higher level there means another platform (FranceConnect+), refused.
NIVEAUX_SUPERIEURS = ("eidas2", "eidas3")
# Clock skew tolerated on exp/iat: short, because FranceConnect tokens live 60 seconds.
TOLERANCE_S = 30
# An id_token issued longer ago than this is refused even if `exp` says otherwise.
AGE_MAXIMAL_S = 300
# What each allowed algorithm needs of a key (RFC 7518 §3.3, §3.4).
TYPES_DE_CLE = {"ES256": ("EC", "P-256"), "RS256": ("RSA", None)}


class ErreurOIDC(Exception):
    """The sign-in cannot go on; `code` names the broken rule (for logs, audit and tests)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class FournisseurIndisponible(ErreurOIDC):
    """The identity provider did not answer or answered nonsense."""


@dataclass(frozen=True)
class Identite:
    """The identity pivot read from the verified userinfo; any claim may be empty."""

    sub: str
    prenoms: str
    nom_naissance: str
    nom_usage: str
    date_naissance: str
    sexe: str
    code_commune_naissance: str
    code_pays_naissance: str
    email: str


@dataclass(frozen=True)
class Agent:
    """A ProConnect identity read from the verified userinfo (proconnect.md); may be empty."""

    sub: str
    email: str
    prenom: str
    nom: str
    uid: str
    siret: str


@dataclass(frozen=True)
class Connexion:
    """A verified sign-in. `jeton_acces` lives 60 s: use it in this request, never store it."""

    identite: "Identite | Agent"
    id_token: str
    jeton_acces: str
    scope: str


def aleatoire() -> str:
    """64 hexadecimal characters from `secrets`: the project's state and nonce (§3)."""
    return secrets.token_hex(32)


def _b64(donnees: bytes) -> str:
    return base64.urlsafe_b64encode(donnees).rstrip(b"=").decode()


class ClientOIDC:
    """One OpenID Connect provider, pinned by its issuer; discovery and keys cached per process."""

    def __init__(self, issuer: str, client_id: str, client_secret: str,
                 redirect_uri: str, post_logout_redirect_uri: str, *,
                 identite=None, prompt: str = "login consent",
                 niveaux_acceptes: tuple[str, ...] = (NIVEAU,),
                 session: requests.Session | None = None, timeout=(5, 10), horloge=time.time):
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.post_logout_redirect_uri = post_logout_redirect_uri
        # What the verified userinfo claims become: FranceConnect's identity pivot by default.
        self._identite = identite or identite_franceconnect
        self.prompt = prompt
        self.niveaux_acceptes = niveaux_acceptes
        self._http = session or requests.Session()
        self._timeout = timeout
        self._horloge = horloge
        self._metadonnees: dict | None = None
        self._cles: KeySet | None = None
        self._verrou = threading.RLock()

    @property
    def configure(self) -> bool:
        """Whether this provider is set up; ProConnect is optional (disabled when unset)."""
        return bool(self.issuer and self.client_id and self.client_secret)

    # Discovery and keys -------------------------------------------------------------------

    def metadonnees(self) -> dict:
        """Discovery, fetched once; raise unless its issuer is exactly the pinned one (O1)."""
        with self._verrou:
            if self._metadonnees is None:
                # OpenID Connect Discovery §4: a terminating "/" of the issuer is dropped
                # before the suffix; the issuer itself is still compared as configured.
                url = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
                donnees = self._lire_json(url, "decouverte")
                if donnees.get("issuer") != self.issuer:
                    raise ErreurOIDC("issuer_decouverte")
                # end_session_endpoint is optional: without it, logout stays local.
                for cle in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                            "jwks_uri"):
                    if not isinstance(donnees.get(cle), str):
                        raise FournisseurIndisponible(f"decouverte_incomplete_{cle}")
                self._metadonnees = donnees
            return self._metadonnees

    def _jeu_de_cles(self, forcer: bool) -> KeySet:
        with self._verrou:
            if self._cles is None or forcer:
                donnees = self._lire_json(self.metadonnees()["jwks_uri"], "jwks")
                try:
                    self._cles = KeySet.import_key_set(donnees)
                except (JoseError, ValueError, TypeError, KeyError):
                    raise FournisseurIndisponible("jwks_illisible") from None
            return self._cles

    def _cle(self, kid: str | None, alg: str, jeton: str):
        """The pinned JWKS key of a token; one forced re-fetch when none is found (O8).

        With a `kid`, the key of that name. Without one (FranceConnect always sends it, other
        providers may not), the one key usable for `alg`: several candidates are refused
        rather than tried in turn, so that the JWKS decides, never the token.
        """
        for forcer in (False, True):
            cles = self._jeu_de_cles(forcer)
            if kid is not None:
                trouvees = [cle for cle in cles if cle.kid == kid]
            else:
                trouvees = [cle for cle in cles if _convient(cle, alg)]
                if len(trouvees) > 1:
                    raise ErreurOIDC(f"{jeton}_sans_kid_plusieurs_cles")
            if trouvees:
                return trouvees[0]
        raise ErreurOIDC(f"{jeton}_kid_inconnu" if kid is not None
                                  else f"{jeton}_sans_kid_aucune_cle")

    def _lire_json(self, url: str, quoi: str) -> dict:
        try:
            reponse = self._http.get(url, timeout=self._timeout, allow_redirects=False)
        except requests.RequestException:
            raise FournisseurIndisponible(f"{quoi}_injoignable") from None
        if reponse.status_code != 200:
            raise FournisseurIndisponible(f"{quoi}_http_{reponse.status_code}")
        try:
            donnees = reponse.json()
        except ValueError:
            raise FournisseurIndisponible(f"{quoi}_illisible") from None
        if not isinstance(donnees, dict):
            raise FournisseurIndisponible(f"{quoi}_illisible")
        return donnees

    # Flow ---------------------------------------------------------------------------------

    def _session_oauth(self, scopes: str | None = None) -> OAuth2Session:
        return OAuth2Session(
            client_id=self.client_id, client_secret=self.client_secret, scope=scopes,
            redirect_uri=self.redirect_uri, token_endpoint_auth_method="client_secret_post",  # noqa: S106 (a method name)
            default_timeout=self._timeout,
        )

    def url_autorisation(self, state: str, nonce: str, scopes: str) -> str:
        """The authorize URL FranceConnect accepts (§3): eidas1, prompt, 64-hex state and nonce.

        ProConnect takes the same parameters; it is asked for `eidas1` too (proconnect.md)."""
        url, _ = self._session_oauth(scopes).create_authorization_url(
            self.metadonnees()["authorization_endpoint"], state=state, nonce=nonce,
            acr_values=NIVEAU, prompt=self.prompt,
        )
        return url

    def terminer(self, code: str, nonce: str) -> Connexion:
        """Exchange the code, verify the id_token and the signed userinfo; raise otherwise."""
        try:
            jeton = self._session_oauth().fetch_token(
                self.metadonnees()["token_endpoint"], code=code,
                grant_type="authorization_code", allow_redirects=False,
            )
        except AuthlibBaseError as exc:
            raise ErreurOIDC(f"jeton_{exc.error}") from None
        except requests.RequestException:
            raise FournisseurIndisponible("jeton_injoignable") from None
        acces, id_token = jeton.get("access_token"), jeton.get("id_token")
        if not isinstance(acces, str) or not isinstance(id_token, str):
            raise ErreurOIDC("reponse_jeton_incomplete")
        revendications = self.valider_id_token(id_token, nonce, acces)
        identite = self.lire_userinfo(acces, revendications["sub"])
        return Connexion(identite, id_token, acces, str(jeton.get("scope", "")))

    # Token checks -------------------------------------------------------------------------

    # Each refusal's code starts with the token it concerns ("id_token_", "userinfo_"), so that
    # the audit journal and the tests tell which check of which token refused the sign-in.

    def verifier_jws(self, valeur: str, jeton: str) -> dict:
        """Verify a compact JWS against the pinned JWKS and algorithms; return its claims.

        The header is read only for `alg` and `kid`: key material it carries (`jwk`, `jku`,
        `x5u`) is ignored, and `none` or HS256 are refused before any key is looked at.
        """
        try:
            entete = jws.extract_compact(valeur.encode()).headers()
        except (JoseError, ValueError, UnicodeError):
            raise ErreurOIDC(f"{jeton}_illisible") from None
        alg = entete.get("alg")
        if alg not in ALGORITHMES:
            raise ErreurOIDC(f"{jeton}_algorithme_refuse")
        cle = self._cle(entete.get("kid"), alg, jeton)
        try:
            return dict(jwt.decode(valeur, cle, algorithms=[alg]).claims)
        except (JoseError, ValueError):
            raise ErreurOIDC(f"{jeton}_signature_invalide") from None

    def _verifier_commun(self, revendications: dict, jeton: str, exiger_temps: bool) -> None:
        def refus(regle: str) -> ErreurOIDC:
            return ErreurOIDC(f"{jeton}_{regle}")

        if revendications.get("iss") != self.issuer:
            raise refus("iss_invalide")
        aud = revendications.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.client_id not in audiences:
            raise refus("aud_invalide")
        if len(audiences) > 1 and revendications.get("azp") != self.client_id:
            raise refus("azp_invalide")
        # Userinfo may omit exp and iat (checked when present); the id_token must carry both.
        exp, iat = revendications.get("exp"), revendications.get("iat")
        for nom, valeur in (("exp", exp), ("iat", iat)):
            if valeur is None and exiger_temps:
                raise refus(f"{nom}_absent")
            if valeur is not None and not isinstance(valeur, int | float):
                raise refus(f"{nom}_invalide")
        maintenant = self._horloge()
        if exp is not None and exp + TOLERANCE_S < maintenant:
            raise refus("expire")
        if iat is not None and iat > maintenant + TOLERANCE_S:
            raise refus("iat_futur")
        if iat is not None and iat < maintenant - AGE_MAXIMAL_S:
            raise refus("iat_ancien")

    def valider_id_token(self, id_token: str, nonce: str, jeton_acces: str) -> dict:
        """Every rule of franceconnect.md §5; return the claims or raise ErreurOIDC."""
        revendications = self.verifier_jws(id_token, "id_token")
        self._verifier_commun(revendications, "id_token", exiger_temps=True)
        recu = revendications.get("nonce")
        if not isinstance(recu, str) or not hmac.compare_digest(recu.encode(), nonce.encode()):
            raise ErreurOIDC("id_token_nonce_invalide")
        if revendications.get("acr") not in self.niveaux_acceptes:
            raise ErreurOIDC("id_token_acr_invalide")
        if not isinstance(revendications.get("sub"), str) or not revendications["sub"]:
            raise ErreurOIDC("id_token_sub_absent")
        at_hash = revendications.get("at_hash")
        if at_hash is not None:
            attendu = _b64(hashlib.sha256(jeton_acces.encode()).digest()[:16])
            if not hmac.compare_digest(str(at_hash).encode(), attendu.encode()):
                raise ErreurOIDC("id_token_at_hash_invalide")
        return revendications

    def lire_userinfo(self, jeton_acces: str, sub: str):
        """GET userinfo with the access token; it must be a JWS for the same `sub` (§6, O7)."""
        try:
            reponse = self._http.get(
                self.metadonnees()["userinfo_endpoint"], timeout=self._timeout,
                headers={"Authorization": f"Bearer {jeton_acces}"}, allow_redirects=False,
            )
        except requests.RequestException:
            raise FournisseurIndisponible("userinfo_injoignable") from None
        if reponse.status_code != 200:
            raise ErreurOIDC(f"userinfo_http_{reponse.status_code}")
        type_contenu = reponse.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if type_contenu != "application/jwt":
            raise ErreurOIDC("userinfo_non_signe")
        revendications = self.verifier_jws(reponse.text.strip(), "userinfo")
        self._verifier_commun(revendications, "userinfo", exiger_temps=False)
        if revendications.get("sub") != sub:
            raise ErreurOIDC("userinfo_sub_different")
        return self._identite(revendications)

    def url_deconnexion(self, id_token: str, state: str) -> str:
        """The provider's session/end URL with the id_token hint and a fresh state (§10)."""
        parametres = urlencode({
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": self.post_logout_redirect_uri,
        })
        fin_de_session = self.metadonnees().get("end_session_endpoint")
        if not isinstance(fin_de_session, str):
            raise ErreurOIDC("sans_fin_de_session")
        return f"{fin_de_session}?{parametres}"


def _convient(cle, alg: str) -> bool:
    """Whether a JWKS key can verify `alg`: its type and curve, and its own `alg` and `use`."""
    type_de_cle, courbe = TYPES_DE_CLE[alg]
    return (cle.key_type == type_de_cle and (courbe is None or cle.curve_name == courbe)
            and cle.get("alg") in (None, alg) and cle.get("use") in (None, "sig"))


def _texte(revendications: dict, cle: str) -> str:
    valeur = revendications.get(cle)
    return valeur.strip() if isinstance(valeur, str) else ""


def identite_franceconnect(r: dict) -> Identite:
    sexe = {"male": "M", "female": "F"}.get(_texte(r, "gender"), "")
    return Identite(
        sub=r["sub"],
        prenoms=_texte(r, "given_name"),
        nom_naissance=_texte(r, "family_name"),
        nom_usage=_texte(r, "preferred_username"),
        date_naissance=_texte(r, "birthdate"),
        sexe=sexe,
        code_commune_naissance=_texte(r, "birthplace"),
        code_pays_naissance=_texte(r, "birthcountry"),
        email=_texte(r, "email"),
    )


def agent_proconnect(r: dict) -> Agent:
    """ProConnect's claims (proconnect.md): `usual_name` is the family name in use."""
    return Agent(sub=r["sub"], email=_texte(r, "email").lower(), prenom=_texte(r, "given_name"),
                 nom=_texte(r, "usual_name"), uid=_texte(r, "uid"), siret=_texte(r, "siret"))
