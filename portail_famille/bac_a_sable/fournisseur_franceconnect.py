"""A sandbox OpenID provider behaving like FranceConnect v2 (franceconnect.md §14, SB-1 … SB-15).

Authlib's authorization server does the OAuth and OpenID Connect work: authorization-code grant
with the OpenID extension, signed userinfo, introspection, revocation, RP-initiated logout. This
module only configures it where FranceConnect departs from the library's defaults: the authorize
checks and their HTML error pages, `client_secret_post` only, 30 s codes and 60 s tokens, ES256
with a published `kid`, pairwise `sub`, `iss` on the redirect, FranceConnect's claims per scope.
The real relying party of `portail_famille.auth.franceconnect` talks to it over HTTP.

The same machinery serves the sandbox's ProConnect-like provider (`fournisseur_proconnect`):
what differs between the two, their scopes, claims, people and login page, is a `Profil`; each
provider is one blueprint of the same views, under its own prefix, with its own issuer, client
and key.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AccessDeniedError
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc6749 import MissingAuthorizationError
from authlib.oauth2.rfc6749 import TokenMixin
from authlib.oauth2.rfc6749 import UnsupportedTokenTypeError
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc6750 import InvalidTokenError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core import UserInfo
from authlib.oidc.core import UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request

from portail_famille.bac_a_sable import PREFIXE
from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.bac_a_sable.cles import Trousseau
from portail_famille.bac_a_sable.modeles import CodeFranceConnect
from portail_famille.bac_a_sable.modeles import JetonFranceConnect
from portail_famille.extensions import csrf
from portail_famille.extensions import db

journal = logging.getLogger(__name__)

EXTENSION = "bac_a_sable_franceconnect"
NIVEAU = "eidas1"
ALGORITHME = "ES256"
DUREE_CODE = timedelta(seconds=30)
DUREE_JETON_S = 60
LONGUEUR_MINIMALE = 32  # state and nonce (franceconnect.md §3)

# FranceConnect's error codes on its authorize page (franceconnect.md §2).
PARAMETRE_INVALIDE = "Y030007"
CLIENT_INCONNU = "Y04EA6EF"
REDIRECTION_INCONNUE = "Y04C013C"
MESSAGES = {
    PARAMETRE_INVALIDE: "Un paramètre de la demande est absent ou invalide : response_type, "
                        "scope sans openid, acr_values absent, state ou nonce de moins de "
                        "32 caractères, ou paramètre répété.",
    CLIENT_INCONNU: "Le client_id de la demande n’est pas connu de ce fournisseur.",
    REDIRECTION_INCONNUE: "L’adresse de retour (redirect_uri) n’est pas enregistrée pour ce "
                          "service.",
}
MESSAGE_DECONNEXION = ("La demande de déconnexion n’est pas valide : id_token_hint absent ou "
                       "non émis par ce fournisseur pour ce service, ou adresse de retour "
                       "(post_logout_redirect_uri) non enregistrée.")

# Claims returned per identity scope (franceconnect.md §7); data scopes add none (SB-13).
PIVOT = ["given_name", "given_name_array", "family_name", "birthdate", "gender", "birthplace",
         "birthcountry"]
REVENDICATIONS_PAR_SCOPE = {
    "openid": ["sub"],
    "given_name": ["given_name", "given_name_array"],
    "family_name": ["family_name"],
    "birthdate": ["birthdate"],
    "gender": ["gender"],
    "birthplace": ["birthplace"],
    "birthcountry": ["birthcountry"],
    "email": ["email"],
    "preferred_username": ["preferred_username"],
    "identite_pivot": PIVOT,
    "profile": ["given_name", "given_name_array", "family_name", "birthdate", "gender",
                "preferred_username"],
    "birth": ["birthplace", "birthcountry"],
}
SCOPES_DONNEES = (
    "cnaf_quotient_familial", "cnaf_allocataires", "cnaf_enfants", "cnaf_adresse",
    "dgfip_rfr", "dgfip_nbpart", "dgfip_sitfam", "dgfip_pac", "dgfip_nbpac", "dgfip_aft",
    "dgfip_annee_n_moins_1", "dgfip_annee_n_moins_2", "dgfip_annee_n_moins_3",
    "dgfip_annee_n_moins_2_si_indispo_n_moins_1",
)
SCOPES = [*REVENDICATIONS_PAR_SCOPE, *SCOPES_DONNEES]
# What each scope means, in the words FranceConnect's consent screen uses; one line per data
# set the service would receive (openid itself transmits nothing the person reads).
SCOPES_EN_MOTS = {
    "given_name": "vos prénoms", "family_name": "votre nom de naissance",
    "birthdate": "votre date de naissance", "gender": "votre sexe",
    "birthplace": "votre lieu de naissance", "birthcountry": "votre pays de naissance",
    "email": "votre adresse électronique", "preferred_username": "votre nom d’usage",
    "identite_pivot": "votre identité : nom de naissance, prénoms, sexe, date et lieu de "
                      "naissance",
    "profile": "votre identité : noms, prénoms, sexe et date de naissance",
    "birth": "votre lieu et votre pays de naissance",
    "cnaf_quotient_familial": "votre quotient familial (CAF ou MSA)",
    "cnaf_allocataires": "les allocataires de votre dossier CAF ou MSA",
    "cnaf_enfants": "les enfants de votre dossier CAF ou MSA",
    "cnaf_adresse": "l’adresse de votre dossier CAF ou MSA",
    "dgfip_rfr": "votre revenu fiscal de référence (impôts)",
    "dgfip_nbpart": "votre nombre de parts fiscales (impôts)",
    "dgfip_sitfam": "votre situation de famille (impôts)",
    "dgfip_pac": "les personnes à votre charge (impôts)",
    "dgfip_nbpac": "le nombre de personnes à votre charge (impôts)",
    "dgfip_aft": "votre adresse fiscale (impôts)",
    "dgfip_annee_n_moins_1": "pour les revenus de l’année dernière",
    "dgfip_annee_n_moins_2": "pour les revenus de l’année précédente",
    "dgfip_annee_n_moins_3": "pour les revenus d’il y a trois ans",
    "dgfip_annee_n_moins_2_si_indispo_n_moins_1": "ou, s’ils manquent, pour ceux de l’année "
                                                  "précédente",
    # ProConnect's own scopes (the sandbox ProConnect shares this page).
    "usual_name": "votre nom d’usage", "uid": "votre identifiant chez votre fournisseur "
                                             "d’identité",
    "siret": "le SIRET de l’organisation pour laquelle vous vous connectez",
    "siren": "le SIREN de cette organisation",
    "organizational_unit": "votre service dans l’organisation",
}
# What the login page hands back to the next step, so that it is checked again there.
PARAMETRES_AUTORISATION = ("response_type", "client_id", "redirect_uri", "scope", "acr_values",
                           "state", "nonce", "prompt", "claims", "ui_locales", "idp_hint")
SEXES = {"M": "male", "F": "female"}


def _maintenant() -> datetime:
    return datetime.now(UTC)


def _empreinte(valeur: str) -> str:
    return hashlib.sha256(valeur.encode()).hexdigest()


# --- Registered client and signed-in person ----------------------------------------------


@dataclass(frozen=True)
class ClientFC(ClientMixin):
    """The one registered service provider, with exactly its two URIs (SB-3)."""

    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str
    scopes: tuple[str, ...] = tuple(SCOPES)

    # Read by Authlib's OpenID extension and userinfo endpoint: ES256 everywhere (SB-12, SB-13).
    id_token_signed_response_alg = ALGORITHME

    @property
    def client_metadata(self) -> dict:
        return {"userinfo_signed_response_alg": ALGORITHME,
                "post_logout_redirect_uris": [self.post_logout_redirect_uri]}

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        # FranceConnect refuses the whole request for one scope outside the habilitation (SB-8).
        demandes = (scope or "").split()
        return " ".join(demandes) if set(demandes) <= set(self.scopes) else None

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        # client_secret_basic is refused on purpose, to catch Authlib pitfall 5 (SB-11).
        return method == "client_secret_post"

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class Usager:
    """A sandbox identity as one service provider sees it: with its pairwise `sub`.

    `identite` has at least a `cle`; what else it carries is its provider's (`Profil`)."""

    identite: object
    sub: str


@dataclass(frozen=True)
class Profil:
    """What makes a sandbox provider FranceConnect or ProConnect; the rest is shared."""

    nom: str  # its blueprint, its URL prefix, its login page's folder
    libelle: str  # what its pages call it
    scopes: tuple[str, ...]
    revendications_supportees: tuple[str, ...]
    # Every claim the provider knows of a person, as an Authlib UserInfo filtered by scope.
    revendications: Callable[[Usager], UserInfo]
    # What introspection adds about the person (the API simulators read FranceConnect's).
    introspection: Callable[[Usager], dict]
    # The person of a key, or None; and the cards of the login page.
    identite: Callable[[str], object | None]
    fiches: Callable[[], list[dict]]

    @property
    def extension(self) -> str:
        return f"bac_a_sable_{self.nom}"


class RevendicationsFC(UserInfo):
    """FranceConnect's claims, filtered by scope with Authlib's own mechanism."""

    REGISTERED_CLAIMS = ("sub", *PIVOT, "email", "preferred_username")
    SCOPES_CLAIMS_MAPPING = REVENDICATIONS_PAR_SCOPE


def _date_fc(date: str) -> str:
    # Unknown parts are presumed as FranceConnect does: YYYY-01-01 or YYYY-MM-01 (§7).
    annee, mois, jour = date.split("-")
    return f"{annee}-{mois.replace('00', '01')}-{jour.replace('00', '01')}"


def revendications(usager: Usager) -> RevendicationsFC:
    """Every claim FranceConnect knows of this person; `preferred_username` only when known."""
    personne = usager.identite.personne
    valeurs = {
        "sub": usager.sub,
        "given_name": " ".join(personne.prenoms),
        "given_name_array": list(personne.prenoms),
        "family_name": personne.nom_naissance.upper(),
        "birthdate": _date_fc(personne.date_naissance),
        "gender": SEXES.get(personne.sexe, ""),
        # Empty for people born abroad (SB-13).
        "birthplace": personne.code_commune_naissance,
        "birthcountry": personne.code_pays_naissance,
        "email": usager.identite.email,
    }
    if personne.nom_usage:
        valeurs["preferred_username"] = personne.nom_usage.upper()
    return RevendicationsFC(valeurs)


# --- Codes and tokens, as Authlib sees them ------------------------------------------------


@dataclass(frozen=True)
class Code(AuthorizationCodeMixin):
    """A consumed authorization code: a copy, since its row is already deleted (single use)."""

    redirect_uri: str
    scope: str
    nonce: str
    auth_time: int
    amr_demande: bool
    usager: Usager

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        # fcp-low knows one level: unknown acr_values are treated as eidas1 (SB-8).
        return NIVEAU

    def get_amr(self):
        # Only when the `claims` parameter asked for it (SB-12).
        return ["pwd"] if self.amr_demande else None


@dataclass(frozen=True)
class Jeton(TokenMixin):
    """An access token row with its client and person."""

    ligne: JetonFranceConnect
    client: ClientFC
    usager: Usager

    @property
    def emis_le(self) -> int:
        return int(self.ligne.emis_le.timestamp())

    @property
    def scope(self) -> str:
        # Authlib's userinfo endpoint reads `token.scope`, not `get_scope()`.
        return self.ligne.scope

    def check_client(self, client):
        return client.client_id == self.ligne.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return DUREE_JETON_S

    def is_expired(self):
        return _maintenant() >= self.ligne.emis_le + timedelta(seconds=DUREE_JETON_S)

    def is_revoked(self):
        return self.ligne.revoque_le is not None

    def get_user(self):
        return self.usager

    def get_client(self):
        return self.client


# --- Authlib, configured the FranceConnect way ---------------------------------------------


class CodeAutorisationFC(grants.AuthorizationCodeGrant):
    """The authorization-code grant with FranceConnect's lifetimes and redirect (SB-10, SB-11)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_post",)

    def save_authorization_code(self, code, request):
        db.session.add(CodeFranceConnect(
            empreinte=_empreinte(code), client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri, scope=request.scope,
            nonce=request.payload.data["nonce"], cle_identite=request.user.identite.cle,
            amr_demande=_amr_demande(request.payload.data.get("claims")),
            cree_le=_maintenant(),
        ))

    def query_authorization_code(self, code, client):
        ligne = db.session.scalar(sa.select(CodeFranceConnect).where(
            CodeFranceConnect.empreinte == _empreinte(code),
            CodeFranceConnect.client_id == client.client_id,
        ))
        if ligne is None:
            return None
        # Consumed by the first exchange that reaches it, even a failed one: the DELETE
        # decides between two concurrent exchanges (single use, SB-10).
        consomme = db.session.execute(
            sa.delete(CodeFranceConnect).where(CodeFranceConnect.id == ligne.id)
        ).rowcount
        if consomme != 1 or _maintenant() - ligne.cree_le > DUREE_CODE:
            return None
        return Code(ligne.redirect_uri, ligne.scope, ligne.nonce,
                    int(ligne.cree_le.timestamp()), ligne.amr_demande,
                    self.server.usager(ligne.cle_identite, client.client_id))

    def delete_authorization_code(self, authorization_code):
        """Nothing left to delete: `query_authorization_code` consumed the code."""

    def authenticate_user(self, authorization_code):
        return authorization_code.usager

    def create_authorization_response(self, redirect_uri, grant_user):
        if not grant_user:
            # FranceConnect's wording when the person cancels (SB-9).
            raise AccessDeniedError("User auth aborted", redirect_uri=redirect_uri)
        _, _, entetes = super().create_authorization_response(redirect_uri, grant_user)
        return self.server.redirection(dict(entetes)["Location"])


class OpenIDCodeFC(OpenIDCode):
    """The id_token of SB-12: ES256 with kid, aud = client id, exp = iat + 60, acr, nonce."""

    DEFAULT_EXPIRES_IN = DUREE_JETON_S

    def __init__(self, serveur: "ServeurFC"):
        super().__init__(require_nonce=True)
        self.serveur = serveur

    def __call__(self, grant):
        # Authlib's prompt handling (prompt=none → login_required) is left out: FranceConnect
        # forces prompt=login consent whatever is sent, and always shows its login page (SB-8).
        grant.register_hook("after_create_token_response", self.process_token)
        grant.register_hook("after_validate_authorization_request_payload",
                            self.validate_openid_authorization_request)

    def exists_nonce(self, nonce, request):
        return db.session.scalar(sa.select(sa.func.count()).where(
            CodeFranceConnect.client_id == request.payload.client_id,
            CodeFranceConnect.nonce == nonce,
        )) > 0

    def resolve_client_private_key(self, client):
        return self.serveur.trousseau.signature()

    def get_client_claims(self, client):
        return {"iss": self.serveur.issuer, "aud": client.client_id}

    def generate_user_info(self, user, scope):
        # The id_token carries no identity claim: they come from userinfo only.
        return {"sub": user.sub}


class ValidateurFC(BearerTokenValidator):
    """Access tokens looked up by fingerprint."""

    def __init__(self, serveur: "ServeurFC"):
        super().__init__()
        self.serveur = serveur

    def authenticate_token(self, token_string):
        return self.serveur.jeton(token_string)


class ProtecteurFC(ResourceProtector):
    """Bearer only; a missing token is an invalid token, as FranceConnect answers (SB-13)."""

    def parse_request_authorization(self, request):
        try:
            return super().parse_request_authorization(request)
        except (MissingAuthorizationError, UnsupportedTokenTypeError):
            raise InvalidTokenError() from None


class UserInfoFC(UserInfoEndpoint):
    """Userinfo as an ES256 JWS with iss, aud, iat, exp and the claims of the granted scopes."""

    def generate_user_info(self, user, scope):
        infos = self.server.profil.revendications(user).filter(scope)
        maintenant = int(time.time())
        infos.update(iat=maintenant, exp=maintenant + DUREE_JETON_S)
        return infos

    def get_issuer(self):
        return self.server.issuer

    def resolve_private_key(self):
        return self.server.trousseau.signature()

    def get_supported_algorithms(self):
        return [ALGORITHME]


class IntrospectionFC(IntrospectionEndpoint):
    """RFC 7662 for the API simulators: activity, scope and the identity pivot (SB-14)."""

    CLIENT_AUTH_METHODS = ("client_secret_post",)

    def query_token(self, token_string, token_type_hint):
        return self.server.jeton(token_string)

    def check_permission(self, token, client, request):
        # Like FranceConnect's check-token service, any authenticated client may check a token.
        return True

    def introspect_token(self, token):
        usager = token.get_user()
        return {
            "active": True,
            "scope": token.get_scope(),
            "client_id": token.ligne.client_id,
            "sub": usager.sub,
            "iss": self.server.issuer,
            "aud": token.ligne.client_id,
            "iat": token.emis_le,
            "exp": token.emis_le + DUREE_JETON_S,
            **self.server.profil.introspection(usager),
        }


class RevocationFC(RevocationEndpoint):
    """RFC 7009, optional for the portal: the access token expires within 60 s anyway."""

    CLIENT_AUTH_METHODS = ("client_secret_post",)

    def query_token(self, token_string, token_type_hint):
        return self.server.jeton(token_string)

    def revoke_token(self, token, request):
        token.ligne.revoque_le = _maintenant()


class FinDeSessionFC(EndSessionEndpoint):
    """RP-initiated logout: a hint this sandbox signed for a known client, even expired (SB-15)."""

    def get_server_jwks(self):
        return self.server.trousseau.verification()

    def get_algorithms(self):
        return [ALGORITHME]

    def end_session(self, end_session_request):
        """Nothing to end: the sandbox keeps no session of its own (no SSO, SB-9)."""

    def create_response(self, validated_request):
        reponse = super().create_response(validated_request)
        return None if reponse is None else (303, *reponse[1:])


class ServeurFC(AuthorizationServer):
    """The sandbox provider of one app: its issuer, its client, its keys and Authlib's machinery."""

    def __init__(self, issuer: str, client: ClientFC, trousseau: Trousseau, cle_sub: bytes,
                 profil: Profil):
        super().__init__()
        self.profil = profil
        self.issuer = issuer
        self.client = client
        self.trousseau = trousseau
        self.cle_sub = cle_sub
        self.scopes_supported = list(profil.scopes)
        # Opaque access tokens, 60 s, no refresh token (SB-11).
        self.register_token_generator("default", BearerTokenGenerator(
            _jeton_opaque, expires_generator=DUREE_JETON_S))
        self.register_grant(CodeAutorisationFC, [OpenIDCodeFC(self)])
        protecteur = ProtecteurFC()
        protecteur.register_token_validator(ValidateurFC(self))
        self.register_endpoint(UserInfoFC(resource_protector=protecteur))
        self.introspection = IntrospectionFC(self)
        self.register_endpoint(self.introspection)
        self.register_endpoint(RevocationFC)
        self.register_endpoint(FinDeSessionFC)

    def query_client(self, client_id):
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token, request):
        _enregistrer_jeton(token["access_token"], request.client.client_id,
                           request.user.identite.cle, token["scope"], _maintenant())

    def authenticate_client(self, request, methods, endpoint="token"):
        try:
            return super().authenticate_client(request, methods, endpoint)
        except InvalidClientError as erreur:
            # A bad or absent client authentication is a 401 whatever the method (SB-11).
            erreur.status_code = 401
            raise

    def handle_error_response(self, request, error):
        if error.redirect_uri:
            url = add_params_to_uri(error.redirect_uri, error.get_body())
            return self.handle_response(*self.redirection(url))
        return super().handle_error_response(request, error)

    def redirection(self, url: str) -> tuple:
        """303 back to the service, with `iss` as FranceConnect sends it (RFC 9207, SB-10)."""
        return 303, "", [("Location", add_params_to_uri(url, [("iss", self.issuer)]))]

    def usager(self, cle_identite: str, client_id: str) -> Usager:
        """The identity with its pairwise sub: 64 hex + "v1", the same across restarts (SB-12)."""
        identite = self.profil.identite(cle_identite)
        if identite is None:
            raise KeyError(f"identité inconnue du bac à sable : {cle_identite}")
        message = f"{self.issuer}\n{client_id}\n{cle_identite}".encode()
        return Usager(identite, hmac.new(self.cle_sub, message, hashlib.sha256).hexdigest() + "v1")

    def jeton(self, valeur: str) -> Jeton | None:
        """The access token with this value, active or not."""
        # Both sandbox providers keep their tokens in one table: each reads its client's only.
        ligne = db.session.scalar(sa.select(JetonFranceConnect).where(
            JetonFranceConnect.empreinte == _empreinte(valeur),
            JetonFranceConnect.client_id == self.client.client_id))
        if ligne is None:
            return None
        return Jeton(ligne, self.client, self.usager(ligne.cle_identite, ligne.client_id))

    def decouverte(self) -> dict:
        """The discovery document of SB-6, every URL built from the configured issuer."""
        # The routes are fixed: an issuer configured with a terminating "/" names the same ones.
        i = self.issuer.rstrip("/")
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{i}/authorize",
            "token_endpoint": f"{i}/token",
            "userinfo_endpoint": f"{i}/userinfo",
            "jwks_uri": f"{i}/jwks",
            "end_session_endpoint": f"{i}/session/end",
            "introspection_endpoint": f"{i}/token/introspection",
            "revocation_endpoint": f"{i}/token/revocation",
            "scopes_supported": list(self.profil.scopes),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "acr_values_supported": [NIVEAU],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "introspection_endpoint_auth_methods_supported": ["client_secret_post"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_post"],
            "claims_supported": [*self.profil.revendications_supportees, "amr", "acr",
                                 "auth_time", "iss", "aud", "iat", "exp", "nonce", "at_hash"],
            "claims_parameter_supported": True,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
            "authorization_response_iss_parameter_supported": True,
            # As FranceConnect lists them, HS256 included: the portal must pin its own list.
            "id_token_signing_alg_values_supported": ["ES256", "RS256", "HS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256", "HS256"],
        }


def _jeton_opaque(**_) -> str:
    # 256 random bits: 43 characters of base64url (SB-11).
    return secrets.token_urlsafe(32)


def _enregistrer_jeton(valeur: str, client_id: str, cle_identite: str, scope: str,
                       emis_le: datetime) -> None:
    db.session.add(JetonFranceConnect(empreinte=_empreinte(valeur), client_id=client_id,
                                      cle_identite=cle_identite, scope=scope, emis_le=emis_le))


def _amr_demande(claims: str | None) -> bool:
    if not claims:
        return False
    demande = json.loads(claims)
    return isinstance(demande.get("id_token"), dict) and "amr" in demande["id_token"]


def _claims_lisible(claims: str | None) -> bool:
    if not claims:
        return True
    try:
        return isinstance(json.loads(claims), dict)
    except ValueError:
        return False


def _serveur() -> ServeurFC:
    """The sandbox FranceConnect, which the API simulators and the test hooks talk to."""
    return current_app.extensions[EXTENSION]


def _serveur_de_la_requete() -> ServeurFC:
    """The provider whose blueprint serves this request ("bac_a_sable.<nom>")."""
    return current_app.extensions[f"bac_a_sable_{request.blueprint.rsplit('.', 1)[-1]}"]


# --- Public functions for the API simulators and the tests -------------------------------


def installer(app, config, profil: Profil, issuer_configure: str, client_id: str,
              client_secret: str) -> None:
    """Build a provider of this app from its configuration (issuer never from the Host header).

    Its issuer is the configured one when that names the sandbox's own address (SB-1). When it
    names another provider, the portal signs in there, and the sandbox keeps its address as its
    issuer: it still answers the simulators and the tests, but no sign-in of the portal ends here.
    """
    adresse = f"{config.portail_url}{PREFIXE}/{profil.nom}/api/v2"
    if issuer_configure.rstrip("/") == adresse:
        issuer = issuer_configure
    else:
        issuer = adresse
        journal.info("bac à sable %s : servi à %s, mais le portail utilise le fournisseur de "
                     "%s_ISSUER", profil.nom, adresse, profil.nom.upper())
    client = ClientFC(
        client_id, client_secret,
        redirect_uri=f"{config.portail_url}/connexion/{profil.nom}/retour",
        post_logout_redirect_uri=f"{config.portail_url}/deconnexion/retour",
        scopes=profil.scopes,
    )
    app.extensions[profil.extension] = ServeurFC(
        issuer, client, Trousseau(app.instance_path, f"bac-a-sable-{profil.nom}.jwk.json"),
        app.config["SECRET_KEY"].encode(), profil)


def init_app(app, config) -> None:
    """The sandbox FranceConnect, on FRANCECONNECT_ISSUER when it names the sandbox."""
    installer(app, config, FRANCECONNECT, config.franceconnect_issuer,
              config.franceconnect_client_id, config.franceconnect_client_secret)


def introspecter(jeton: str) -> dict:
    """RFC 7662 for an access token: `{"active": False}` unless known and under 60 s old (SB-14)."""
    serveur = _serveur()
    return serveur.introspection.create_introspection_payload(serveur.jeton(jeton))


def emettre_jeton_acces(cle_identite: str, scope: str, *, emis_le: float | None = None) -> str:
    """Commit an access token for this identity, as if the flow had happened at `emis_le`."""
    serveur = _serveur()
    client = serveur.client
    if client.get_allowed_scope(scope) is None:
        raise ValueError(f"scope hors de l’habilitation du bac à sable : {scope}")
    usager = serveur.usager(cle_identite, client.client_id)  # KeyError when unknown
    valeur = _jeton_opaque()
    moment = _maintenant() if emis_le is None else datetime.fromtimestamp(emis_le, UTC)
    _enregistrer_jeton(valeur, client.client_id, usager.identite.cle, scope, moment)
    db.session.commit()
    return valeur


def tourner_cle(app) -> str:
    """Test hook: sign with a new key from now on (new kid); return the new kid (SB-7)."""
    return app.extensions[EXTENSION].trousseau.tourner()


# --- Views: one set, mounted once per provider ------------------------------------------

# (path, view, methods) of every view, for `blueprint`.
ROUTES: list[tuple[str, Callable, list[str]]] = []


def _route(methode: str | None, chemin: str, methods: list[str] | None = None):
    def enregistrer(vue):
        ROUTES.append((chemin, vue, methods or [methode]))
        return vue
    return enregistrer


def blueprint(nom: str) -> Blueprint:
    """The routes of the provider `nom` (its Profil's) under /<nom>/api/v2 (the path suffixes
    of franceconnect.md §2, which ProConnect shares)."""
    bp = Blueprint(nom, __name__, url_prefix=f"/{nom}/api/v2")
    for chemin, vue, methodes in ROUTES:
        bp.add_url_rule(chemin, view_func=vue, methods=methodes)
    return bp


def _page_erreur(code: str | None, message: str):
    profil = _serveur_de_la_requete().profil
    journal.info("bac à sable %s : demande refusée (%s)", profil.nom, code or "deconnexion")
    return render_template("bac_a_sable/erreur.html", fournisseur=profil.libelle, code=code,
                           message=message), 400


def _code_refus(serveur: ServeurFC) -> str | None:
    """FranceConnect's own checks, before the library's: parameters, then client, then URI."""
    valeurs = request.values
    scopes = (valeurs.get("scope") or "").split()
    if (valeurs.get("response_type") != "code" or "openid" not in scopes
            or not valeurs.get("acr_values") or not valeurs.get("client_id")
            or not valeurs.get("redirect_uri") or not _claims_lisible(valeurs.get("claims"))
            or any(len(valeurs.get(nom) or "") < LONGUEUR_MINIMALE for nom in ("state", "nonce"))):
        return PARAMETRE_INVALIDE
    if serveur.query_client(valeurs["client_id"]) is None:
        return CLIENT_INCONNU
    if not serveur.client.check_redirect_uri(valeurs["redirect_uri"]):
        return REDIRECTION_INCONNUE
    return None


def _demande_validee(serveur: ServeurFC):
    """(grant, None) for a valid authorize request, else (None, the response to send).

    Every refusal is an HTML 400 page that never returns to the service (SB-8), except the
    errors FranceConnect redirects, such as a scope outside the client's list.
    """
    code = _code_refus(serveur)
    if code:
        return None, _page_erreur(code, MESSAGES[code])
    try:
        return serveur.get_consent_grant(end_user=None), None
    except OAuth2Error as erreur:
        if erreur.redirect_uri:
            return None, serveur.handle_error_response(None, erreur)
        return None, _page_erreur(PARAMETRE_INVALIDE, MESSAGES[PARAMETRE_INVALIDE])


def _fiche(identite: jeu_de_donnees.Identite) -> dict:
    personne = identite.personne
    annee, mois, jour = personne.date_naissance.split("-")
    if personne.code_commune_naissance:
        lieu = f"{personne.nom_commune_naissance} ({personne.code_commune_naissance})"
    else:
        lieu = f"À l’étranger (pays {personne.code_pays_naissance})"
    return {
        "cle": identite.cle,
        "nom_complet": f"{' '.join(personne.prenoms)} {personne.nom_naissance}",
        "nom_naissance": personne.nom_naissance,
        "nom_usage": personne.nom_usage,
        "prenoms": " ".join(personne.prenoms),
        "date_naissance": f"{jour}/{mois}/{annee}",
        "lieu_naissance": lieu,
        "description": identite.description,
    }


def _introspection_fc(usager: Usager) -> dict:
    # Whatever the identity scopes: the simulators derive civil status from them.
    pivot = revendications(usager)
    return {nom: pivot[nom] for nom in [*PIVOT, "preferred_username"] if nom in pivot}


FRANCECONNECT = Profil(
    nom="franceconnect", libelle="FranceConnect", scopes=tuple(SCOPES),
    revendications_supportees=("sub", *PIVOT, "email", "preferred_username"),
    revendications=revendications, introspection=_introspection_fc,
    identite=jeu_de_donnees.identite,
    fiches=lambda: [_fiche(identite) for identite in jeu_de_donnees.IDENTITES],
)


@_route("GET", "/.well-known/openid-configuration")
def decouverte():
    return jsonify(_serveur_de_la_requete().decouverte())


@_route("GET", "/jwks")
def jwks():
    return jsonify(_serveur_de_la_requete().trousseau.jwks())


@_route(None, "/authorize", methods=["GET", "POST"])
@csrf.exempt  # services may POST their authorize request; this view changes nothing
def authorize():
    serveur = _serveur_de_la_requete()
    grant, refus = _demande_validee(serveur)
    if refus is not None:
        return refus
    return render_template(
        f"bac_a_sable/{serveur.profil.nom}/connexion.html",
        fiches=serveur.profil.fiches(),
        parametres=[(nom, request.values[nom]) for nom in PARAMETRES_AUTORISATION
                    if nom in request.values],
        donnees=[SCOPES_EN_MOTS.get(scope, scope) for scope in grant.request.scope.split()
                 if scope != "openid"],
    )


@_route("POST", "/interaction")
def interaction():
    # Shown on every request, no SSO: the choice is made here each time (SB-9). CSRF-protected.
    serveur = _serveur_de_la_requete()
    grant, refus = _demande_validee(serveur)
    if refus is not None:
        return refus
    usager = None
    if "annuler" not in request.form:
        try:
            usager = serveur.usager(request.form.get("identite", ""), serveur.client.client_id)
        except KeyError:
            return _page_erreur(PARAMETRE_INVALIDE, MESSAGES[PARAMETRE_INVALIDE])
    reponse = serveur.create_authorization_response(grant=grant, grant_user=usager)
    db.session.commit()
    return reponse


@_route("POST", "/token")
@csrf.exempt  # server to server, authenticated by client_secret_post
def token():
    reponse = _serveur_de_la_requete().create_token_response()
    db.session.commit()
    return reponse


@_route("GET", "/userinfo")
def userinfo():
    return _serveur_de_la_requete().create_endpoint_response("userinfo")


@_route("POST", "/token/introspection")
@csrf.exempt  # server to server, authenticated by client_secret_post
def introspection():
    return _serveur_de_la_requete().create_endpoint_response("introspection")


@_route("POST", "/token/revocation")
@csrf.exempt  # server to server, authenticated by client_secret_post
def revocation():
    reponse = _serveur_de_la_requete().create_endpoint_response("revocation")
    db.session.commit()
    return reponse


@_route("GET", "/session/end")
def session_end():
    serveur = _serveur_de_la_requete()
    try:
        demande = serveur.validate_endpoint_request("end_session")
    except OAuth2Error:
        return _page_erreur(None, MESSAGE_DECONNEXION)
    # Without a valid hint or a registered return address, no redirect at all (SB-15).
    if demande.id_token_claims is None or demande.redirect_uri is None:
        return _page_erreur(None, MESSAGE_DECONNEXION)
    return serveur.create_endpoint_response("end_session", demande)
