"""Sandbox simulator of the DGFiP's API Impôt particulier (impot-particulier.md §8).

A gateway with its client-credentials token endpoint, then the three IR path families in both
modes: numéro fiscal (`/spi/{spi}/…`) and FranceConnect (`X-FranceConnect-OAuth`, no SPI).
Households come from `jeu_de_donnees.FOYERS_FISCAUX`, their income years counted back from the
current year; SPIs `9900000000` + a status (`DECLENCHEURS`) produce the gateway's failures.
"""

import hmac
import json
import re
import secrets
import time
from decimal import ROUND_HALF_UP
from decimal import Decimal
from urllib.parse import unquote_plus

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import request
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

from portail_famille.bac_a_sable import communs_api
from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.bac_a_sable import limites
from portail_famille.bac_a_sable.communs_api import Refus
from portail_famille.extensions import csrf

bp = Blueprint("impot_particulier", __name__, url_prefix="/impot-particulier")
communs_api.installer(bp)

BASE = "/impotparticulier/1.0"
DUREE_JETON = 300

# app.config keys: the wait of the 999 trigger, longer than the client's read timeout (seconds,
# default 15), and the gateway's limit per client id (calls per second, default 20), standing
# for the volume declared in the habilitation (§1).
DELAI_999 = "BAC_A_SABLE_IMPOT_PARTICULIER_DELAI"
LIMITE_PAR_SECONDE = "BAC_A_SABLE_IMPOT_PARTICULIER_LIMITE"

TYPE_SITUATION = "application/prs.dgfip.part.situations.ir.assiettes.v1+json"
TYPE_DERNIERE_SITUATION = "application/prs.dgfip.part.derniere.situations.ir.assiettes.v1+json"
TYPE_JSON = "application/json"

# §2: each path family answers only to a token of its resource scope.
SITUATION = "RessourceIR"
DERNIERE_SITUATION = "RessourceIRDerniere"
DERNIERE_SITUATION_DEUX_ANS = "RessourceIRDerniere2"
RESSOURCES = (SITUATION, DERNIERE_SITUATION, DERNIERE_SITUATION_DEUX_ANS)

# §8: SPI 9900000000 followed by one of these answers with that status (999: too late).
SPI_DECLENCHEUR = "9900000000"
DECLENCHEURS = ("204", "403", "404", "410", "429", "500", "503", "999")

# §6: the FranceConnect data scopes and the fields each one uncovers.
CHAMPS_PAR_SCOPE = {
    "dgfip_rfr": ("rfr",),
    "dgfip_nbpart": ("nbPart",),
    "dgfip_sitfam": ("sitFam",),
    "dgfip_pac": ("pac",),
    "dgfip_nbpac": ("pac",),
    "dgfip_aft": ("aft", "aftDetail"),
}
# §6: the income years each year scope opens, counted back from the current year.
ANNEES_PAR_SCOPE = {
    "dgfip_annee_n_moins_1": 1,
    "dgfip_annee_n_moins_2": 2,
    "dgfip_annee_n_moins_3": 3,
}
# Exclusive with the others: N-1 when the household has it, else N-2.
N_MOINS_2_SI_INDISPO = "dgfip_annee_n_moins_2_si_indispo_n_moins_1"

CHAMPS_PAC = ("nbPac", "nbPacF", "nbPacG", "nbPacH", "nbPacI", "nbPacR", "nbPacJ", "nbPacN",
              "nbPacP")
# The income tax scale per share (lower bound of each bracket, rate), for the plausible
# `montTotIr` of the answers; no décote, no ceiling of the quotient familial.
BAREME = ((0, Decimal("0")), (11_497, Decimal("0.11")), (29_315, Decimal("0.30")),
          (83_823, Decimal("0.41")), (180_294, Decimal("0.45")))

MESSAGES = {
    400: "requête mal formée",
    403: "accès refusé",
    404: "aucune situation fiscale trouvée",
    410: "aucun résultat pour ce numéro fiscal et cette année",
    429: "trop de requêtes",
    500: "erreur technique",
    503: "service indisponible",
    504: "délai de réponse dépassé",
}

_SPI = re.compile(r"[0-9]{13}")
_ANNREV = re.compile(r"[0-9]{4}")
_ADRESSE = re.compile(r"(?P<voie>.*?)\s+(?P<code_postal>[0-9]{5})\s+(?P<commune>.*)")


def init_app(app, config) -> None:
    """Defaults of the simulator's settings, and the store of limits shared by both simulators."""
    app.config.setdefault(DELAI_999, 15.0)
    app.config.setdefault(LIMITE_PAR_SECONDE, 20)
    limites.init_app(app, config)


@bp.after_request
def _renvoyer_correlation(reponse: Response) -> Response:
    correlation = request.headers.get("X-Correlation-ID")
    if communs_api.est_uuid(correlation):
        reponse.headers["X-Correlation-ID"] = correlation
    return reponse


@bp.post("/token")
@csrf.exempt
def jeton():
    client_id, secret, par_basic = _identifiants_client()
    config = current_app.extensions["portail"]
    if not (_egaux(client_id, config.impot_particulier_client_id)
            and _egaux(secret, config.impot_particulier_client_secret)):
        # RFC 6749 §5.2: a client that authenticated with Basic gets the scheme back.
        entetes = {"WWW-Authenticate": 'Basic realm="impot-particulier"'} if par_basic else None
        raise _refus_oauth(401, "invalid_client", entetes)
    type_autorisation = request.form.get("grant_type")
    if not type_autorisation:
        raise _refus_oauth(400, "invalid_request")
    if type_autorisation != "client_credentials":
        raise _refus_oauth(400, "unsupported_grant_type")
    scopes = request.form.get("scope", "").split() or list(RESSOURCES)
    if not set(scopes) <= set(RESSOURCES):
        raise _refus_oauth(400, "invalid_scope")
    valeur = _signataire().dumps({
        "client_id": client_id, "scope": scopes, "expire_a": time.time() + DUREE_JETON,
        "jti": secrets.token_urlsafe(16),
    })
    return communs_api.reponse_json(
        {"access_token": valeur, "token_type": "Bearer", "expires_in": DUREE_JETON,
         "scope": " ".join(scopes)},
        200, TYPE_JSON, {"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@bp.get(f"{BASE}/spi/<spi>/situations/ir/assiettes/annrev/<annrev>")
@bp.get(f"{BASE}/situations/ir/assiettes/annrev/<annrev>")
def situation(annrev: str, spi: str | None = None):
    return _servir(SITUATION, spi, annrev)


@bp.get(f"{BASE}/spi/<spi>/dernieresituation/ir/assiettes/annrev/<annrev>")
@bp.get(f"{BASE}/dernieresituation/ir/assiettes/annrev/<annrev>")
def derniere_situation(annrev: str, spi: str | None = None):
    return _servir(DERNIERE_SITUATION, spi, annrev)


@bp.get(f"{BASE}/spi/<spi>/dernieresituation/ir/assiettes/deuxans")
@bp.get(f"{BASE}/dernieresituation/ir/assiettes/deuxans")
def derniere_situation_deux_ans(spi: str | None = None):
    return _servir(DERNIERE_SITUATION_DEUX_ANS, spi, None)


def _servir(ressource: str, spi: str | None, annrev: str | None) -> Response:
    """The checks of §8 in the gateway's order, then the household's situation."""
    _autoriser(ressource)
    if not communs_api.est_uuid(request.headers.get("X-Correlation-ID")):
        raise _refus(400, "X-Correlation-ID absent ou invalide")
    if spi is not None and not _SPI.fullmatch(spi):
        raise _refus(400, "format SPI incorrect")
    if annrev is not None and not _ANNREV.fullmatch(annrev):
        raise _refus(400, "format annrev incorrect")
    if spi is None:
        foyer, scopes = _foyer_franceconnect()
    else:
        _declencher(spi)
        foyer = next((f for f in jeu_de_donnees.FOYERS_FISCAUX if f.spi == spi), None)
        if foyer is None:
            raise _refus(404, MESSAGES[404])
        scopes = None  # numéro fiscal mode: the habilitation grants every field
    annee, revenus = _annee_de_revenus(foyer, annrev, scopes)
    derniere = ressource != SITUATION
    corps = _situation(foyer, revenus, annee if derniere else None, scopes)
    return Response(
        _json_exact(corps), 200,
        mimetype=TYPE_DERNIERE_SITUATION if derniere else TYPE_SITUATION,
    )


def _autoriser(ressource: str) -> None:
    """The gateway: a live token (401), the client's rate limit (429), the path's scope (403)."""
    client = _client_du_jeton(communs_api.jeton_bearer())
    if client is None:
        raise Refus(communs_api.reponse_json(
            {"error": "invalid_token", "error_description": "jeton inconnu ou expiré"}, 401,
            TYPE_JSON, {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ))
    fenetre = limites.compter(
        limites.empreinte("impot-particulier", client["client_id"]),
        int(current_app.config[LIMITE_PAR_SECONDE]),
    )
    if fenetre.depassee:
        raise _refus(429, MESSAGES[429], {"Retry-After": str(fenetre.attente())})
    if ressource not in client["scope"]:
        raise _refus(403, MESSAGES[403])


def _declencher(spi: str) -> None:
    """§8: the trigger SPIs answer with their status; 999 answers too late."""
    suffixe = spi.removeprefix(SPI_DECLENCHEUR)
    if len(suffixe) == len(spi) or suffixe not in DECLENCHEURS:
        return
    if suffixe == "204":
        raise Refus(Response(status=204))
    if suffixe == "999":
        time.sleep(float(current_app.config[DELAI_999]))
        raise _refus(504, MESSAGES[504])
    status = int(suffixe)
    raise _refus(status, MESSAGES[status], {"Retry-After": "2"} if status == 429 else None)


def _foyer_franceconnect() -> tuple[jeu_de_donnees.FoyerFiscal, frozenset[str]]:
    """§8: the household where the signed-in person is declarant 1 or 2, and the FC scopes."""
    jeton_fc = request.headers.get("X-FranceConnect-OAuth", "").strip()
    if not jeton_fc:
        raise _refus(400, "en-tête X-FranceConnect-OAuth absent")
    if communs_api.jeton_franceconnect_bien_forme(jeton_fc):
        introspection = fournisseur_franceconnect.introspecter(jeton_fc)
    else:
        introspection = {"active": False}
    scopes = communs_api.scopes(introspection)
    identite = communs_api.identite_franceconnect(introspection)
    # The spec's refusal status for an inactive token, no data scope or no identity (§5).
    if not introspection.get("active") or not scopes & CHAMPS_PAR_SCOPE.keys() or not identite:
        raise _refus(403, MESSAGES[403])
    foyer = next(
        (f for f in jeu_de_donnees.FOYERS_FISCAUX
         if any(_declare(identite, d) for d in (f.declarant1, f.declarant2) if d is not None)),
        None,
    )
    if foyer is None:
        raise _refus(404, MESSAGES[404])
    return foyer, scopes


def _declare(identite: communs_api.IdentiteFranceConnect, declarant) -> bool:
    """§8: birth name, first first name and birth date designate the declarant, any case."""
    return (
        communs_api.meme_texte(identite.nom_naissance, declarant.nom_naissance)
        and communs_api.meme_texte(identite.prenoms[0], declarant.prenoms[0])
        and identite.date_naissance == declarant.date_naissance
    )


def _annee_de_revenus(foyer, annrev: str | None, scopes: frozenset[str] | None):
    """The income year to answer and its income: 403 outside the FC year scopes, 204 when the
    household has none of the years asked (`deuxans`: the latest of N-1 and N-2)."""
    courante = communs_api.maintenant_paris().year
    annees = [courante - 1, courante - 2] if annrev is None else [int(annrev)]
    if scopes is not None:
        permises = {courante - ecart for scope, ecart in ANNEES_PAR_SCOPE.items()
                    if scope in scopes}
        if N_MOINS_2_SI_INDISPO in scopes:
            permises.add(courante - 1 if 1 in foyer.revenus else courante - 2)
        annees = [annee for annee in annees if annee in permises]
        if not annees:
            raise _refus(403, MESSAGES[403])
    for annee in annees:
        revenus = foyer.revenus.get(courante - annee)
        if revenus is not None:
            return annee, revenus
    raise Refus(Response(status=204))


def _situation(foyer, revenus, annee_revenus: int | None, scopes: frozenset[str] | None) -> dict:
    """The §4 body; in FranceConnect mode only the fields of the granted scopes (and the year).

    Declarants' identity fields have no FranceConnect scope (§6: they belong to the numéro
    fiscal habilitation), so the FranceConnect mode leaves them out.
    """
    corps = {} if annee_revenus is None else {"annRevenu": annee_revenus}
    corps |= {
        "rfr": revenus.rfr,
        "sitFam": revenus.sit_fam,
        "nbPart": Decimal(revenus.nb_parts),
        "pac": {champ: revenus.pac.get(champ, 0) for champ in CHAMPS_PAC},
    }
    for rang, declarant in (("1", foyer.declarant1), ("2", foyer.declarant2)):
        if declarant is not None:
            corps |= _declarant(declarant, rang)
    adresse = _ADRESSE.fullmatch(foyer.adresse.strip())
    corps |= {
        "aft": foyer.adresse,
        "aftDetail": {
            "complementAdresse": "",
            "voie": adresse["voie"],
            "getcommune": adresse["commune"],
            "getcodePostal": adresse["code_postal"],
        },
        "revenuBrutGlobal": revenus.rfr,
        "revImposable": revenus.rfr,
        "montTotIr": _impot(revenus.rfr, Decimal(revenus.nb_parts)),
    }
    if scopes is None:
        return corps
    permis = {"annRevenu"}.union(*(CHAMPS_PAR_SCOPE.get(scope, ()) for scope in scopes))
    return {champ: valeur for champ, valeur in corps.items() if champ in permis}


def _declarant(personne: jeu_de_donnees.Personne, rang: str) -> dict:
    annee, mois, jour = personne.date_naissance.split("-")
    return {
        f"nmNaiDec{rang}": personne.nom_naissance.upper(),
        f"nmUsaDec{rang}": personne.nom_usage.upper(),
        f"prnmDec{rang}": " ".join(personne.prenoms).upper(),
        f"dateNaisDec{rang}": {"jour": jour, "mois": mois, "annee": annee},
        f"dptNaissDec{rang}": personne.code_departement_naissance or "99",  # 99: abroad
        f"lieuNaissDec{rang}": personne.nom_commune_naissance,
    }


def _impot(rfr: int, parts: Decimal) -> int:
    """A plausible income tax: the scale applied to the income of one share, times the shares."""
    quotient = Decimal(rfr) / parts
    hauts = [bas for bas, _ in BAREME[1:]] + [None]
    par_part = sum(
        ((quotient if haut is None else min(quotient, haut)) - bas) * taux
        for (bas, taux), haut in zip(BAREME, hauts, strict=True)
        if quotient > bas
    )
    return int((par_part * parts).quantize(Decimal(1), ROUND_HALF_UP))


def _json_exact(corps: dict) -> str:
    """`corps` as JSON text, its Decimal values written as exact numbers (`"nbPart": 2.75`)."""
    membres = (
        f"{json.dumps(champ)}: "
        + (str(valeur) if isinstance(valeur, Decimal) else json.dumps(valeur, ensure_ascii=False))
        for champ, valeur in corps.items()
    )
    return "{" + ", ".join(membres) + "}"


def _identifiants_client() -> tuple[str, str, bool]:
    """Client id and secret from HTTP Basic, else from the form body; and whether Basic."""
    autorisation = request.authorization
    if autorisation is not None and autorisation.type == "basic":
        # RFC 6749 §2.3.1: both are form-urlencoded before the Basic encoding.
        identifiant = unquote_plus(autorisation.username or "")
        return identifiant, unquote_plus(autorisation.password or ""), True
    return request.form.get("client_id", ""), request.form.get("client_secret", ""), False


def _egaux(donne: str, attendu: str) -> bool:
    return bool(attendu) and hmac.compare_digest(donne.encode(), attendu.encode())


def _signataire() -> URLSafeSerializer:
    # Gateway tokens carry their client, scopes and expiry under the app's signature: every
    # server process (the Procfile starts several) recognises them without shared storage.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="bac-a-sable-dgfip-jeton")


def _client_du_jeton(jeton: str | None) -> dict | None:
    """What a live gateway token says (client id, scopes), or None when forged or expired."""
    if jeton is None:
        return None
    try:
        client = _signataire().loads(jeton)
    except BadSignature:
        return None
    return client if time.time() < client["expire_a"] else None


def _refus(status: int, message: str, entetes=None) -> Refus:
    # §5: the body is unspecified; the one observed is {"erreur": {"message": …}}.
    return Refus(communs_api.reponse_json({"erreur": {"message": message}}, status, TYPE_JSON,
                                          entetes))


def _refus_oauth(status: int, erreur: str, entetes=None) -> Refus:
    # RFC 6749 §5.2 error bodies.
    return Refus(communs_api.reponse_json({"error": erreur}, status, TYPE_JSON, entetes))
