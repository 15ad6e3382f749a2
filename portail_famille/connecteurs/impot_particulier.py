"""Client of the DGFiP's API Impôt particulier: RFR and tax shares (impot-particulier.md)."""

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import requests

from portail_famille.connecteurs.exceptions import APIEnMaintenance
from portail_famille.connecteurs.exceptions import AuthentificationRefusee
from portail_famille.connecteurs.exceptions import DelaiDepasse
from portail_famille.connecteurs.exceptions import ErreurAPI
from portail_famille.connecteurs.exceptions import NumeroFiscalInvalide
from portail_famille.connecteurs.exceptions import QuotaDepasse
from portail_famille.connecteurs.exceptions import RequeteRefusee
from portail_famille.connecteurs.exceptions import SituationIntrouvable
from portail_famille.connecteurs.limiteur import EnVol
from portail_famille.connecteurs.limiteur import Limiteur
from portail_famille.connecteurs.limiteur import LimiteurLocal
from portail_famille.connecteurs.transport import REESSAYABLES
from portail_famille.connecteurs.transport import VERSION
from portail_famille.connecteurs.transport import FormeInattendue
from portail_famille.connecteurs.transport import Requete
from portail_famille.connecteurs.transport import Transport
from portail_famille.connecteurs.transport import correlation_id
from portail_famille.connecteurs.transport import empreinte
from portail_famille.connecteurs.transport import entier
from portail_famille.connecteurs.transport import lire_corps
from portail_famille.connecteurs.transport import objet
from portail_famille.connecteurs.transport import texte

# §3: each path family with its OAuth2 resource scope (§2).
SITUATION = ("situations/ir/assiettes/annrev/{annrev}", "RessourceIR")
DERNIERE_SITUATION = ("dernieresituation/ir/assiettes/annrev/{annrev}", "RessourceIRDerniere")
DERNIERE_SITUATION_DEUX_ANS = ("dernieresituation/ir/assiettes/deuxans", "RessourceIRDerniere2")

# §5: branch on the status, never on the (unspecified) body; 204, 403, 404 and 410 all mean
# "not found", as the former integration did. Other 5xx default to ServiceIndisponible.
_CLASSES = {
    204: SituationIntrouvable,
    400: RequeteRefusee,
    401: AuthentificationRefusee,
    403: SituationIntrouvable,
    404: SituationIntrouvable,
    410: SituationIntrouvable,
    # Gateway statuses (not in the spec): each with its own message for the family.
    429: QuotaDepasse,
    503: APIEnMaintenance,
    504: DelaiDepasse,
}
# The token endpoint (RFC 6749 §5.2): 400 and 401 mean refused credentials or grant: configuration.
_CLASSES_JETON = {
    400: AuthentificationRefusee,
    401: AuthentificationRefusee,
    429: QuotaDepasse,
}

# §1: the smallest volume a habilitation may declare; the portal passes its own limiter otherwise.
LIMITE_PAR_MINUTE = 50
# A gateway token is renewed this long before `expires_in` (at most half its life), so that it
# never expires on its way to the API; a token without `expires_in` is kept a minute.
_MARGE_JETON = 30.0
_DUREE_JETON_INCONNUE = 60.0
_SPI = re.compile(r"[0-9]{13}")


@dataclass(frozen=True)
class Declarant:
    """A declarant of the tax household, as the DGFiP knows them."""

    nom_naissance: str | None
    nom_usage: str | None
    prenoms: str | None
    date_naissance: date | None


@dataclass(frozen=True)
class SituationFiscale:
    """A household's tax situation for income year `annrev`; amounts as int/Decimal, never float."""

    rfr: int | None
    nb_parts: Decimal | None
    annrev: int
    sit_fam: str | None
    nb_pac: int | None
    declarants: tuple[Declarant, ...]
    correlation_id: str | None


class ClientImpotParticulier:
    """Reads a household's RFR and tax shares; every failure raises an ErreurAPI subclass."""

    def __init__(
        self,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        session: requests.Session | None = None,
        limiteur: Limiteur | None = None,
        en_vol: EnVol | None = None,
        timeout: tuple[float, float] = (5, 12),
        tentatives: int = 3,
        patience: float = 10.0,
        attendre: Callable[[float], None] = time.sleep,
        horloge: Callable[[], float] = time.time,
        id_teleservice: str | None = None,
        version: str = VERSION,
    ):
        self._base_url = base_url.rstrip("/")
        self._token_url = token_url
        self._gabarit_jeton = urlsplit(token_url).path or "/"
        self._identifiants = (client_id, client_secret)
        self._id_teleservice = id_teleservice
        self._horloge = horloge
        # The declared volume is per habilitation, hence per client id (§1).
        self._cle = empreinte("impot-particulier", client_id)
        self._en_vol = en_vol if en_vol is not None else EnVol()
        self._transport = Transport(
            limiteur=(
                limiteur
                if limiteur is not None
                else LimiteurLocal(
                    limite=LIMITE_PAR_MINUTE, fenetre=60.0, horloge=horloge, attendre=attendre
                )
            ),
            session=session,
            timeout=timeout,
            tentatives=tentatives,
            patience=patience,
            attendre=attendre,
            horloge=horloge,
            version=version,
            # §5: a DGFiP 500 is a technical error to retry with backoff.
            reessayables=REESSAYABLES | {500},
        )
        self._verrou_jetons = threading.Lock()
        self._jetons: dict[str, tuple[str, float]] = {}

    def preparer_jeton(self, scope: str = SITUATION[1]) -> None:
        """Fetch and cache the gateway token of `scope` ahead of the FranceConnect callback, whose
        token lives 60 s; raise AuthentificationRefusee or ServiceIndisponible."""
        self._jeton(scope)

    def situation_france_connect(self, jeton_fc: str, annrev: int) -> SituationFiscale:
        """The situation of income year `annrev` of the family signed in with FranceConnect;
        raise SituationIntrouvable when there is none, or another ErreurAPI."""
        return self._situation(SITUATION, annrev, jeton_fc=jeton_fc)

    def situation_numero_fiscal(self, spi: str, annrev: int) -> SituationFiscale:
        """The situation of income year `annrev` for numéro fiscal `spi`; raise
        NumeroFiscalInvalide before any call, SituationIntrouvable or another ErreurAPI."""
        return self._situation(SITUATION, annrev, spi=_numero_fiscal(spi))

    def derniere_situation_france_connect(
        self, jeton_fc: str, annrev: int | None = None
    ) -> SituationFiscale:
        """The last situation of `annrev`, or of the two latest years when None (FranceConnect)."""
        return self._situation(_derniere(annrev), annrev, jeton_fc=jeton_fc)

    def derniere_situation_numero_fiscal(
        self, spi: str, annrev: int | None = None
    ) -> SituationFiscale:
        """The last situation of `annrev`, or of the two latest years when None (numéro fiscal)."""
        return self._situation(_derniere(annrev), annrev, spi=_numero_fiscal(spi))

    def _situation(self, ressource, annrev, *, jeton_fc=None, spi=None) -> SituationFiscale:
        chemin, scope = ressource
        if "{annrev}" in chemin and (
            isinstance(annrev, bool) or not isinstance(annrev, int) or not 1000 <= annrev <= 9999
        ):
            raise ValueError("l'année de revenus est un entier de quatre chiffres")
        gabarit = ("/" if spi is None else "/spi/{spi}/") + chemin
        url = self._base_url + gabarit.format(spi=spi, annrev=annrev)
        entetes = {}
        if jeton_fc is not None:
            entetes["X-FranceConnect-OAuth"] = jeton_fc  # §2: the raw FranceConnect token
        if self._id_teleservice:
            entetes["ID_Teleservice"] = self._id_teleservice

        def envoyer(jeton: str) -> requests.Response:
            requete = Requete(
                methode="GET",
                url=url,
                gabarit=gabarit,
                cles_limiteur=(self._cle,),
                entetes={**entetes, "Authorization": f"Bearer {jeton}"},
                correlation=True,
                # At the declared volume (50 a minute by default) a registration-day rush would
                # queue every sign-in behind the DGFiP: the other source answers instead.
                sans_file=jeton_fc is not None,
            )
            return self._transport.envoyer(requete, _classer)

        def interroger() -> SituationFiscale:
            jeton = self._jeton(scope)
            try:
                reponse = envoyer(jeton)
            except AuthentificationRefusee:
                # §2: the gateway may drop a token before expires_in: one new token, one retry.
                reponse = envoyer(self._jeton(scope, refuse=jeton))
            return lire_corps(
                reponse,
                lambda corps, r: _situation_depuis(corps, r, annrev),
                parse_float=Decimal,
            )

        return self._en_vol.executer(empreinte(gabarit, spi, annrev, jeton_fc), interroger)

    def _jeton(self, scope: str, refuse: str | None = None) -> str:
        """The cached gateway token of `scope`, renewed when near expiry or `refuse`d; one renewal
        at a time across threads."""
        with self._verrou_jetons:
            jeton, valide_jusqu_a = self._jetons.get(scope, (None, 0.0))
            if jeton is None or jeton == refuse or self._horloge() >= valide_jusqu_a:
                debut = self._horloge()
                jeton, duree = self._demander_jeton(scope)
                valide_jusqu_a = debut + duree - min(_MARGE_JETON, duree / 2)
                self._jetons[scope] = (jeton, valide_jusqu_a)
            return jeton

    def _demander_jeton(self, scope: str) -> tuple[str, float]:
        requete = Requete(
            methode="POST",
            url=self._token_url,
            gabarit=self._gabarit_jeton,
            formulaire={"grant_type": "client_credentials", "scope": scope},
            auth=self._identifiants,
        )
        reponse = self._transport.envoyer(requete, _classer_jeton)
        return lire_corps(reponse, _jeton_depuis)


def _classer(status: int, _erreurs: tuple[dict, ...]) -> type[ErreurAPI] | None:
    return _CLASSES.get(status)


def _classer_jeton(status: int, _erreurs: tuple[dict, ...]) -> type[ErreurAPI] | None:
    return _CLASSES_JETON.get(status)


def _derniere(annrev: int | None) -> tuple[str, str]:
    return DERNIERE_SITUATION if annrev is not None else DERNIERE_SITUATION_DEUX_ANS


def _numero_fiscal(spi: str) -> str:
    """The 13 digits of `spi` once spaces are removed (§6: never pad or guess)."""
    chiffres = "".join(spi.split()) if isinstance(spi, str) else ""
    if not _SPI.fullmatch(chiffres):
        raise NumeroFiscalInvalide("le numéro fiscal doit comporter 13 chiffres")
    return chiffres


def _jeton_depuis(corps: dict, _reponse: requests.Response) -> tuple[str, float]:
    jeton = texte(corps.get("access_token"))
    if jeton is None:
        raise FormeInattendue("access_token absent")
    duree = corps.get("expires_in")
    # RFC 6749 §5.1 makes it a number; some gateways send it as a string.
    if isinstance(duree, str) and duree.strip().isdigit():
        duree = int(duree)
    duree = entier(duree)
    return jeton, float(duree) if duree and duree > 0 else _DUREE_JETON_INCONNUE


def _situation_depuis(corps: dict, reponse: requests.Response, annrev: int | None):
    """Read a §4 body: every field optional, unknown keys ignored, numbers as Decimal."""
    # `annRevenu` comes only with dernieresituation answers; on deuxans it is the only way to know.
    annee = entier(corps.get("annRevenu"))
    if annee is None:
        annee = annrev
    if annee is None:
        raise FormeInattendue("annRevenu absent")
    nb_parts = corps.get("nbPart")
    if isinstance(nb_parts, bool) or not isinstance(nb_parts, int | Decimal | None):
        raise FormeInattendue("nbPart n'est pas un nombre")
    declarants = (_declarant(corps, "1"), _declarant(corps, "2"))
    return SituationFiscale(
        rfr=entier(corps.get("rfr")),
        nb_parts=None if nb_parts is None else Decimal(nb_parts),
        annrev=annee,
        sit_fam=texte(corps.get("sitFam")),
        nb_pac=entier(objet(corps.get("pac")).get("nbPac")),
        declarants=tuple(d for d in declarants if d is not None),
        correlation_id=correlation_id(reponse),
    )


def _declarant(corps: dict, rang: str) -> Declarant | None:
    """Declarant `rang`, or None when left empty, null or absent (a single declarant)."""
    nom = texte(corps.get(f"nmNaiDec{rang}"))
    prenoms = texte(corps.get(f"prnmDec{rang}"))
    if nom is None and prenoms is None:
        return None
    return Declarant(
        nom_naissance=nom,
        nom_usage=texte(corps.get(f"nmUsaDec{rang}")),
        prenoms=prenoms,
        date_naissance=_date(objet(corps.get(f"dateNaisDec{rang}"))),
    )


def _date(parties: dict) -> date | None:
    """{"jour", "mois", "annee"} strings as a date, None when a part is missing or not a date."""
    try:
        return date(int(parties["annee"]), int(parties["mois"]), int(parties["jour"]))
    except (KeyError, TypeError, ValueError):
        return None
