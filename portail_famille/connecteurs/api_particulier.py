"""Client of API Particulier v3: the CAF/MSA quotient familial (api-particulier.md)."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import requests

from portail_famille.connecteurs.exceptions import AccesRefuse
from portail_famille.connecteurs.exceptions import APIEnMaintenance
from portail_famille.connecteurs.exceptions import AuthentificationRefusee
from portail_famille.connecteurs.exceptions import DelaiDepasse
from portail_famille.connecteurs.exceptions import DossierAbsent
from portail_famille.connecteurs.exceptions import ErreurAPI
from portail_famille.connecteurs.exceptions import FournisseurEnErreur
from portail_famille.connecteurs.exceptions import IdentiteIntrouvable
from portail_famille.connecteurs.exceptions import ParametresInvalides
from portail_famille.connecteurs.exceptions import QuotaDepasse
from portail_famille.connecteurs.exceptions import RequeteEnCours
from portail_famille.connecteurs.exceptions import RouteSupprimee
from portail_famille.connecteurs.limiteur import EnVol
from portail_famille.connecteurs.limiteur import Limiteur
from portail_famille.connecteurs.limiteur import LimiteurLocal
from portail_famille.connecteurs.transport import VERSION
from portail_famille.connecteurs.transport import FormeInattendue
from portail_famille.connecteurs.transport import Requete
from portail_famille.connecteurs.transport import Transport
from portail_famille.connecteurs.transport import empreinte
from portail_famille.connecteurs.transport import entier
from portail_famille.connecteurs.transport import lire_corps
from portail_famille.connecteurs.transport import liste
from portail_famille.connecteurs.transport import objet
from portail_famille.connecteurs.transport import texte

ROUTE_IDENTITE = "/v3/dss/quotient_familial/identite"
ROUTE_FRANCE_CONNECT = "/v3/dss/quotient_familial/france_connect"

# §9: branch on the HTTP status; within a 422, these codes mean the identity was not found.
_CLASSES = {
    401: AuthentificationRefusee,
    403: AccesRefuse,
    404: DossierAbsent,
    409: RequeteEnCours,
    410: RouteSupprimee,
    429: QuotaDepasse,
    500: FournisseurEnErreur,
    502: FournisseurEnErreur,
    503: APIEnMaintenance,
    504: DelaiDepasse,
}
_CODES_IDENTITE_INTROUVABLE = frozenset({"00355", "00366"})

# §10: FranceConnect calls are also limited per calling IP, across family tokens: a 429 on this
# route pauses every FranceConnect call, not only the one family's token.
_CLE_FRANCE_CONNECT = empreinte("api-particulier", ROUTE_FRANCE_CONNECT)


@dataclass(frozen=True)
class DateNaissance:
    """A birth date whose month or day may be unknown (presumed dates: « 00/00/1950 »)."""

    annee: int
    mois: int | None = None
    jour: int | None = None

    def __post_init__(self):
        if self.mois is None and self.jour is not None:
            raise ValueError("un jour de naissance sans mois n'a pas de sens")
        if self.mois is not None:
            # Validates the month, and the day against it (with 1 when the day is unknown).
            date(self.annee, self.mois, self.jour or 1)


@dataclass(frozen=True)
class IdentiteCivile:
    """The allocataire's civil-status identity for the identity route (§6); raises ValueError
    when it cannot make a valid call.

    `date_naissance` is a `date` when fully known, a `DateNaissance` when only the year (and maybe
    the month) is known, or None. Born in France: `code_commune_naissance` (COG), or
    `nom_commune_naissance` + `code_departement_naissance` with the birth year; the COG code wins
    when both are given. `prenoms` holds one to three first names, in civil-status order.
    """

    nom_naissance: str
    prenoms: tuple[str, ...]
    sexe: str
    date_naissance: date | DateNaissance | None
    code_pays_naissance: str
    code_commune_naissance: str | None = None
    nom_commune_naissance: str | None = None
    code_departement_naissance: str | None = None
    nom_usage: str | None = None

    def __post_init__(self):
        if not (self.nom_naissance or "").strip():
            raise ValueError("le nom de naissance est obligatoire")
        if isinstance(self.prenoms, str):
            raise ValueError("les prénoms sont une suite de valeurs, un prénom par élément")
        object.__setattr__(self, "prenoms", tuple(self.prenoms))
        if not 1 <= len(_remplis(self.prenoms)) <= 3:
            raise ValueError("il faut de un à trois prénoms")
        if self.sexe not in ("M", "F"):
            raise ValueError("le sexe d'état civil est « M » ou « F »")
        if not (self.code_pays_naissance or "").strip():
            raise ValueError("le code pays de naissance est obligatoire (99100 pour la France)")
        par_nom_de_commune = _rempli(self.nom_commune_naissance) and not _rempli(
            self.code_commune_naissance
        )
        if par_nom_de_commune and (
            not _rempli(self.code_departement_naissance) or self.date_naissance is None
        ):
            raise ValueError("le nom de la commune de naissance demande le département et l'année")


@dataclass(frozen=True)
class QuotientFamilialCAF:
    """A computable QF (valeur > 0) and the period it applies to (§8)."""

    fournisseur: str | None
    valeur: int
    annee: int | None
    mois: int | None
    annee_calcul: int | None
    mois_calcul: int | None


@dataclass(frozen=True)
class Personne:
    """An allocataire or a child as the CAF/MSA knows them; `date_naissance` is the API's text
    (« 2019-00-00 » for an unknown month and day), None when wholly unknown."""

    nom_naissance: str | None = None
    nom_usage: str | None = None
    prenoms: str | None = None
    date_naissance: str | None = None
    sexe: str | None = None


@dataclass(frozen=True)
class Adresse:
    """The postal address declared to the CAF/MSA, in La Poste lines (possibly out of date)."""

    destinataire: str | None = None
    complement_information: str | None = None
    complement_information_geographique: str | None = None
    numero_libelle_voie: str | None = None
    lieu_dit: str | None = None
    code_postal_ville: str | None = None
    pays: str | None = None


@dataclass(frozen=True)
class ReponseQuotientFamilial:
    """A 200 answer; `quotient` is None when the QF is absent or not computable (valeur 0)."""

    quotient: QuotientFamilialCAF | None
    allocataires: tuple[Personne, ...]
    enfants: tuple[Personne, ...]
    adresse: Adresse | None
    request_id: str | None
    depuis_cache: bool


class ClientAPIParticulier:
    """Reads a family's quotient familial; every failure raises an ErreurAPI subclass."""

    def __init__(
        self,
        base_url: str,
        jeton: str | None,
        recipient: str,
        *,
        session: requests.Session | None = None,
        limiteur: Limiteur | None = None,
        en_vol: EnVol | None = None,
        timeout: tuple[float, float] = (5, 12),
        tentatives: int = 3,
        patience: float = 10.0,
        attendre: Callable[[float], None] = time.sleep,
        horloge: Callable[[], float] = time.time,
        version: str = VERSION,
        budgets_france_connect: tuple[Limiteur, ...] = (),
    ):
        if not recipient:
            raise ValueError("recipient (le SIRET de la commune) est obligatoire (E2)")
        self._base_url = base_url.rstrip("/")
        self._jeton = jeton or None
        self._recipient = recipient
        self._en_vol = en_vol if en_vol is not None else EnVol()
        self._transport = Transport(
            limiteur=(
                limiteur
                if limiteur is not None
                else LimiteurLocal(horloge=horloge, attendre=attendre)
            ),
            session=session,
            timeout=timeout,
            tentatives=tentatives,
            patience=patience,
            attendre=attendre,
            horloge=horloge,
            version=version,
            budgets=budgets_france_connect,
        )

    def quotient_familial_france_connect(
        self,
        jeton_fc: str,
        *,
        annee: int | None = None,
        mois: int | None = None,
        sans_cache: bool = False,
    ) -> ReponseQuotientFamilial:
        """The QF of the family signed in with FranceConnect (its 60-second access token, §7);
        raise an ErreurAPI subclass, AuthentificationRefusee when the token is refused,
        BudgetEpuise when the per-IP budget of these calls is spent (no call made)."""
        return self._lire(
            ROUTE_FRANCE_CONNECT, jeton_fc, [], annee, mois, sans_cache, (_CLE_FRANCE_CONNECT,),
            budgete=True,
        )

    def quotient_familial_identite(
        self,
        identite: IdentiteCivile,
        *,
        annee: int | None = None,
        mois: int | None = None,
        sans_cache: bool = False,
    ) -> ReponseQuotientFamilial:
        """The QF of the allocataire named by `identite` (§6); raise an ErreurAPI subclass,
        IdentiteIntrouvable when nobody matches, DossierAbsent when there is no CAF/MSA file."""
        if self._jeton is None:
            raise AuthentificationRefusee(cause="aucun jeton API Particulier configuré")
        return self._lire(
            ROUTE_IDENTITE, self._jeton, _parametres_identite(identite), annee, mois, sans_cache
        )

    def _lire(self, route, jeton, parametres, annee, mois, sans_cache, cles=(), budgete=False):
        # §4: the token travels only in Authorization; §5 (E2): recipient on every call.
        params = [("recipient", self._recipient), *parametres]
        params += [(nom, str(v)) for nom, v in (("annee", annee), ("mois", mois)) if v is not None]
        entetes = {"Authorization": f"Bearer {jeton}"}
        if sans_cache:
            entetes["Cache-Control"] = "no-cache"  # §10: skip the API's 24 h cache
        cle_jeton = empreinte("api-particulier", jeton)
        requete = Requete(
            methode="GET",
            url=self._base_url + route,
            gabarit=route,
            cles_limiteur=(cle_jeton, *cles),
            params=tuple(params),
            entetes=entetes,
            budgete=budgete,
        )
        return self._en_vol.executer(
            empreinte(route, cle_jeton, params, sans_cache),
            lambda: lire_corps(self._transport.envoyer(requete, _classer), _reponse_depuis),
        )


def _classer(status: int, erreurs: tuple[dict, ...]) -> type[ErreurAPI] | None:
    if status == 422:
        codes = {e["code"] for e in erreurs}
        return IdentiteIntrouvable if codes & _CODES_IDENTITE_INTROUVABLE else ParametresInvalides
    return _CLASSES.get(status)


def _rempli(valeur: str | None) -> str | None:
    return (valeur or "").strip() or None


def _remplis(valeurs) -> list[str]:
    return [v.strip() for v in valeurs if _rempli(v)]


def _parametres_identite(identite: IdentiteCivile) -> list[tuple[str, str]]:
    """The §6 query parameters in order; absent values are dropped, never sent empty."""
    nom_naissance = identite.nom_naissance.strip()
    params = [("nomNaissance", nom_naissance)]
    nom_usage = _rempli(identite.nom_usage)
    if nom_usage and nom_usage.casefold() != nom_naissance.casefold():
        params.append(("nomUsage", nom_usage))
    # One `prenoms[]` per first name, never one value holding them all.
    params += [("prenoms[]", prenom) for prenom in _remplis(identite.prenoms)]
    params.append(("sexeEtatCivil", identite.sexe))
    naissance = identite.date_naissance
    if isinstance(naissance, date):
        naissance = DateNaissance(naissance.year, naissance.month, naissance.day)
    if naissance is not None:
        for nom, valeur in (
            ("anneeDateNaissance", naissance.annee),
            ("moisDateNaissance", naissance.mois),
            ("jourDateNaissance", naissance.jour),
        ):
            if valeur is None:
                break  # the API ignores a day without month, a month without year
            params.append((nom, str(valeur)))
    params.append(("codeCogInseePaysNaissance", identite.code_pays_naissance.strip()))
    code_commune = _rempli(identite.code_commune_naissance)
    nom_commune = _rempli(identite.nom_commune_naissance)
    if code_commune:
        params.append(("codeCogInseeCommuneNaissance", code_commune))
    elif nom_commune:
        params.append(("nomCommuneNaissance", nom_commune))
        params.append(
            ("codeCogInseeDepartementNaissance", identite.code_departement_naissance.strip())
        )
    return params


def _reponse_depuis(corps: dict, reponse: requests.Response) -> ReponseQuotientFamilial:
    """Read a §8 body leniently: absent keys (scopes not granted), nulls and unknown keys."""
    data = corps.get("data")
    if not isinstance(data, dict):
        raise FormeInattendue("data n'est pas un objet")
    adresse = data.get("adresse")
    return ReponseQuotientFamilial(
        quotient=_quotient(objet(data.get("quotient_familial"))),
        allocataires=tuple(_personne(p) for p in liste(data.get("allocataires"))),
        enfants=tuple(_personne(p) for p in liste(data.get("enfants"))),
        adresse=None if adresse is None else _adresse(objet(adresse)),
        request_id=reponse.headers.get("X-Request-ID"),
        depuis_cache=reponse.headers.get("X-Response-Cached", "").strip().lower() == "true",
    )


def _quotient(qf: dict) -> QuotientFamilialCAF | None:
    valeur = entier(qf.get("valeur"))
    if not valeur:
        return None  # §8: 0 (or null) means "not computable", never a QF of zero euros
    if valeur < 0:
        raise FormeInattendue("quotient familial négatif")
    return QuotientFamilialCAF(
        fournisseur=texte(qf.get("fournisseur")),
        valeur=valeur,
        annee=entier(qf.get("annee")),
        mois=entier(qf.get("mois")),
        annee_calcul=entier(qf.get("annee_calcul")),
        mois_calcul=entier(qf.get("mois_calcul")),
    )


def _personne(valeur: object) -> Personne:
    personne = objet(valeur)
    date_naissance = texte(personne.get("date_naissance"))
    return Personne(
        nom_naissance=texte(personne.get("nom_naissance")),
        nom_usage=texte(personne.get("nom_usage")),
        prenoms=texte(personne.get("prenoms")),
        date_naissance=None if date_naissance == "0000-00-00" else date_naissance,
        sexe=texte(personne.get("sexe")),
    )


def _adresse(adresse: dict) -> Adresse:
    return Adresse(
        destinataire=texte(adresse.get("destinataire")),
        complement_information=texte(adresse.get("complement_information")),
        complement_information_geographique=texte(
            adresse.get("complement_information_geographique")
        ),
        numero_libelle_voie=texte(adresse.get("numero_libelle_voie")),
        lieu_dit=texte(adresse.get("lieu_dit")),
        code_postal_ville=texte(adresse.get("code_postal_ville")),
        pays=texte(adresse.get("pays")),
    )
