"""What both API simulators share: reading the request, FranceConnect identities, early answers."""

import json
import re
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response
from flask import request

PARIS = ZoneInfo("Europe/Paris")

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# The sandbox provider's access tokens are opaque, at least 43 characters (franceconnect.md
# SB-11), in the b64token alphabet of RFC 6750 §2.1.
_JETON_FRANCECONNECT = re.compile(r"[A-Za-z0-9._~+/-]{43,}=*")
_GENRES = {"female": "F", "male": "M"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # OpenID Connect birthdate, parts may be 00
CODE_PAYS_FRANCE = "99100"


class Refus(Exception):
    """An answer that ends the request early: raised inside a view, returned as it is."""

    def __init__(self, reponse: Response):
        super().__init__(reponse.status)
        self.reponse = reponse


@dataclass(frozen=True)
class IdentiteFranceConnect:
    """The identity pivot read from an introspected FranceConnect token."""

    nom_naissance: str
    prenoms: tuple[str, ...]
    date_naissance: str  # AAAA-MM-JJ
    sexe: str  # M or F
    code_pays: str
    code_commune: str  # "" when born abroad


def installer(bp) -> None:
    """Let the views of `bp` raise Refus to answer early."""
    bp.register_error_handler(Refus, lambda refus: refus.reponse)


def reponse_json(corps: dict | str, status: int, type_contenu: str, entetes=None) -> Response:
    """A JSON answer under `type_contenu` (the APIs use vendor media types)."""
    texte = corps if isinstance(corps, str) else json.dumps(corps, ensure_ascii=False)
    return Response(texte, status=status, mimetype=type_contenu, headers=entetes)


def est_uuid(valeur: str | None) -> bool:
    """True for the 8-4-4-4-12 hexadecimal form of a UUID."""
    return valeur is not None and _UUID.fullmatch(valeur) is not None


def jeton_bearer() -> str | None:
    """The token of the `Authorization: Bearer` header; never one from the query string."""
    schema, _, jeton = request.headers.get("Authorization", "").partition(" ")
    if schema.lower() != "bearer":
        return None
    return jeton.strip() or None


def jeton_franceconnect_bien_forme(jeton: str | None) -> bool:
    """True when `jeton` has the shape of the sandbox provider's access tokens."""
    return jeton is not None and _JETON_FRANCECONNECT.fullmatch(jeton) is not None


def scopes(introspection: dict) -> frozenset[str]:
    """The scopes granted to an introspected token (RFC 7662: one space-separated string)."""
    scope = introspection.get("scope")
    return frozenset(scope.split()) if isinstance(scope, str) else frozenset()


def identite_franceconnect(introspection: dict) -> IdentiteFranceConnect | None:
    """The identity pivot of an active token, or None when a claim the APIs need is missing."""
    valeurs = {
        nom: introspection.get(nom).strip() if isinstance(introspection.get(nom), str) else ""
        for nom in ("family_name", "given_name", "birthdate", "gender", "birthplace",
                    "birthcountry")
    }
    sexe = _GENRES.get(valeurs["gender"])
    requis = [valeurs[nom] for nom in ("family_name", "given_name", "birthdate", "birthcountry")]
    # The birthplace is "" for people born abroad (franceconnect.md SB-13), never in France.
    ne_en_france = valeurs["birthcountry"] == CODE_PAYS_FRANCE
    if (not all(requis) or sexe is None or not _DATE.fullmatch(valeurs["birthdate"])
            or (ne_en_france and not valeurs["birthplace"])):
        return None
    return IdentiteFranceConnect(
        nom_naissance=valeurs["family_name"],
        # api-particulier.md §7: the API splits given_name on spaces.
        prenoms=tuple(valeurs["given_name"].split()),
        date_naissance=valeurs["birthdate"],
        sexe=sexe,
        code_pays=valeurs["birthcountry"],
        code_commune=valeurs["birthplace"] if ne_en_france else "",
    )


def meme_texte(a: str | None, b: str | None) -> bool:
    """Equal once trimmed, whatever the case; accents stay significant."""
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def maintenant_paris() -> datetime:
    """The current time in Paris, read from `time.time()` so that tests can move it."""
    return datetime.fromtimestamp(time.time(), PARIS)
