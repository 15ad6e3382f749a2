"""Income retrieval: the QF from the CAF/MSA or the DGFiP, with consent, fallbacks and provenance.

Each retrieval adds a `QuotientFamilial` row holding the value and where it comes from, nothing
else (securite.md E8): members and address read from the CAF are handed back to the caller, to
be offered to the family, never stored here. A failed call changes nothing that is stored.
"""

import calendar
import logging
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from decimal import Decimal
from functools import cached_property

import sqlalchemy as sa

from portail_famille.connecteurs import erreurs
from portail_famille.connecteurs.api_particulier import Adresse
from portail_famille.connecteurs.api_particulier import ClientAPIParticulier
from portail_famille.connecteurs.api_particulier import IdentiteCivile
from portail_famille.connecteurs.api_particulier import Personne
from portail_famille.connecteurs.impot_particulier import ClientImpotParticulier
from portail_famille.connecteurs.impot_particulier import SituationFiscale
from portail_famille.connecteurs.limiteur import EnVol
from portail_famille.connecteurs.limiteur import LimiteurLocal
from portail_famille.connecteurs.limiteur import LimiteurRedis
from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.domaine.montants import CENTIME
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Famille
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.models import maintenant
from portail_famille.services import journal

journal_technique = logging.getLogger(__name__)

# Magic numbers of the accepted documents: the type is read from the content, never the name.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
SCOPE_CAF = "cnaf_quotient_familial"
SCOPES_ANNEES_DGFIP = {1: ("dgfip_annee_n_moins_1", "dgfip_annee_n_moins_2_si_indispo_n_moins_1"),
                       2: ("dgfip_annee_n_moins_2", "dgfip_annee_n_moins_2_si_indispo_n_moins_1")}
SCOPES_VALEURS_DGFIP = ("dgfip_rfr", "dgfip_nbpart")
# Seconds the sign-in callback waits for the data APIs: the access token lives 60 s from its
# issue, and code exchange and userinfo have used some (franceconnect.md §4). A source still
# running then counts as too slow; its thread ends on its own timeouts.
BUDGET_APRES_CONNEXION = 40.0


@dataclass(frozen=True)
class Echec:
    """Why one source gave no QF, in words for the family, and what to do next."""

    source: str  # caf, dgfip
    classe: str  # introuvable, sans_dossier, non_calculable, indisponible, maintenance, …
    message: str


@dataclass(frozen=True)
class Recuperation:
    """The outcome of a retrieval: the new record (if any), the failures met on the way, and
    what the CAF said of the household, to offer the family (never stored here)."""

    quotient: QuotientFamilial | None
    echecs: list[Echec] = field(default_factory=list)
    enfants: tuple[Personne, ...] = ()
    adresse: Adresse | None = None


class RecuperationImpossible(Exception):
    """A lookup asked by the family gave no QF; `echec` says why and what to do."""

    def __init__(self, echec: Echec):
        super().__init__(echec.classe)
        self.echec = echec


class JustificatifRefuse(ValueError):
    """The uploaded file is not an accepted document; the message says why, in French."""


class ReglagesIncomplets(erreurs.ErreurAPI):
    """A source the grid enables lacks its settings: the call cannot even be made."""


REGLAGES_DES_SOURCES = {
    "caf": ("api_particulier_url", "api_particulier_token", "api_particulier_recipient"),
    "dgfip": ("impot_particulier_url", "impot_particulier_token_url",
              "impot_particulier_client_id", "impot_particulier_client_secret"),
}


def _vides(config, source: str) -> list[str]:
    return [nom.upper() for nom in REGLAGES_DES_SOURCES[source] if not getattr(config, nom)]


def reglages_manquants(config, sources: tuple[str, ...]) -> list[str]:
    """The settings each enabled source needs and that are empty, as `NOM est obligatoire`."""
    return [f"{nom} est obligatoire : la grille active la source « {source} »"
            for source in sources for nom in _vides(config, source)]


class Clients:
    """The two connectors, built on first use: a command-line task that reaches no API needs
    none of their settings. With a Redis client, their limits and in-flight locks are shared
    by every process (api-particulier.md §11), else kept in this process."""

    def __init__(self, config, redis=None):
        self._config = config
        self._redis = redis
        self._en_vol = EnVol(redis)

    def _limiteur(self, limite: int, fenetre: float):
        if self._redis is None:
            return LimiteurLocal(limite, fenetre)
        return LimiteurRedis(self._redis, limite, fenetre)

    def _verifier(self, source: str) -> None:
        manquants = _vides(self._config, source)
        if manquants:
            raise ReglagesIncomplets(cause=manquants[0])

    @cached_property
    def api_particulier(self) -> ClientAPIParticulier:
        self._verifier("caf")
        config = self._config
        return ClientAPIParticulier(
            config.api_particulier_url, config.api_particulier_token or None,
            config.api_particulier_recipient, limiteur=self._limiteur(20, 1.0),
            en_vol=self._en_vol)

    @cached_property
    def impot_particulier(self) -> ClientImpotParticulier:
        self._verifier("dgfip")
        config = self._config
        return ClientImpotParticulier(
            config.impot_particulier_url, config.impot_particulier_token_url,
            config.impot_particulier_client_id, config.impot_particulier_client_secret,
            limiteur=self._limiteur(config.impot_particulier_appels_par_minute, 60.0),
            en_vol=self._en_vol)


def preparer_jeton_dgfip(clients: Clients) -> None:
    """Warm the DGFiP gateway token; a failure only means the callback will fetch it itself."""
    try:
        clients.impot_particulier.preparer_jeton()
    except erreurs.ErreurAPI as exc:
        journal_technique.warning("jeton DGFiP non obtenu avant la connexion : %s", exc.status)


# --- Failure classes -------------------------------------------------------------------------

_CLASSES = (
    (erreurs.IdentiteIntrouvable, "introuvable"),
    (erreurs.DossierAbsent, "sans_dossier"),
    (erreurs.SituationIntrouvable, "sans_situation"),
    (erreurs.APIEnMaintenance, "maintenance"),
    (erreurs.QuotaDepasse, "quota"),
    (erreurs.DelaiDepasse, "delai"),
    (erreurs.APIInjoignable, "delai"),
    (erreurs.ServiceIndisponible, "indisponible"),
    (erreurs.RequeteEnCours, "en_cours"),
    (erreurs.AuthentificationRefusee, "connexion_expiree"),
    (erreurs.RequeteRefusee, "numero_refuse"),
    (erreurs.ParametresInvalides, "formulaire"),
)
MESSAGES = {
    "non_calculable": "Votre quotient familial n’a pas pu être calculé : vos ressources ne sont "
                      "peut-être pas déclarées à cet organisme.",
    "non_accorde": "Vous n’avez pas autorisé le partage de ces informations lors de la connexion.",
    "technique": "Un problème technique empêche d’interroger ce service. Il est signalé à "
                 "l’équipe technique de la mairie.",
    "declarant_different": "Ce numéro fiscal ne correspond pas à la personne connectée. Par "
                           "sécurité, nous n’avons rien conservé.",
    "allocataire_different": "Le dossier trouvé à la CAF ou à la MSA ne compte pas la personne "
                             "connectée parmi ses allocataires. Par sécurité, nous n’avons rien "
                             "conservé.",
}


def classer(exc: erreurs.ErreurAPI, source: str, jeton_de_la_famille: bool = False) -> Echec:
    """The failure class of a connector exception.

    A refused token is the family's to renew only when it is its FranceConnect token; the
    portal's own refused credentials, like every other configuration error, are 'technique'
    and logged as an error, which is how the technical team hears of them.
    """
    if not isinstance(exc, erreurs.AuthentificationRefusee) or jeton_de_la_famille:
        for type_, classe in _CLASSES:
            if isinstance(exc, type_):
                return Echec(source, classe, exc.message)
    journal_technique.error("source %s inutilisable, réglages du portail à vérifier : %s",
                            source, exc)
    return Echec(source, "technique", MESSAGES["technique"])


def _echec(source: str, classe: str) -> Echec:
    return Echec(source, classe, MESSAGES[classe])


# --- Records ---------------------------------------------------------------------------------

def _depuis_caf(famille_id: int, mode: str, reponse) -> QuotientFamilial:
    qf = reponse.quotient
    return QuotientFamilial(
        famille_id=famille_id, source="caf", mode=mode, fournisseur=qf.fournisseur or "CAF",
        valeur=Decimal(qf.valeur).quantize(CENTIME), annee=qf.annee, mois=qf.mois,
        annee_calcul=qf.annee_calcul, mois_calcul=qf.mois_calcul,
        reference=(reponse.request_id or "")[:64], depuis_cache=reponse.depuis_cache,
    )


def _depuis_dgfip(famille_id: int, mode: str, situation: SituationFiscale) -> QuotientFamilial:
    """Raise QuotientIncalculable when the RFR or the shares are missing (impot-particulier §7)."""
    if situation.rfr is None or situation.nb_parts is None:
        raise quotient_domaine.QuotientIncalculable("RFR ou parts absents")
    valeur = quotient_domaine.quotient_municipal(situation.rfr, situation.nb_parts)
    return QuotientFamilial(
        famille_id=famille_id, source="dgfip", mode=mode, fournisseur="DGFiP", valeur=valeur,
        rfr=situation.rfr, parts=situation.nb_parts.quantize(CENTIME), annrev=situation.annrev,
        reference=(situation.correlation_id or "")[:64],
    )


def _enregistrer(quotient: QuotientFamilial) -> QuotientFamilial:
    db.session.add(quotient)
    db.session.flush()
    journal.consigner("quotient_recupere", famille_id=quotient.famille_id,
                      detail=f"{quotient.source}/{quotient.mode}")
    return quotient


# --- Retrieval -------------------------------------------------------------------------------

def _annees_dgfip(aujourd_hui: date, scopes: set[str] | None) -> list[int]:
    """Income years to ask, latest first: N-1, then N-2 (impot-particulier §6).

    With FranceConnect, only the years whose scope the family granted.
    """
    return [aujourd_hui.year - ecart for ecart in (1, 2)
            if scopes is None or scopes & set(SCOPES_ANNEES_DGFIP[ecart])]


def _situation_la_plus_recente(lire, annees: list[int]) -> SituationFiscale:
    """The situation of the latest of `annees` (not empty) that has one; else raise the last
    'not found'."""
    for annrev in annees[:-1]:
        try:
            return lire(annrev)
        except erreurs.SituationIntrouvable:
            continue
    return lire(annees[-1])


def _appels_france_connect(jeton_fc: str, accordes: set[str], sources: tuple[str, ...],
                           clients: Clients, aujourd_hui: date) -> dict:
    """For each source the family granted, the call to make with its token."""
    appels = {}
    if "caf" in sources and SCOPE_CAF in accordes:
        appels["caf"] = lambda: clients.api_particulier.quotient_familial_france_connect(jeton_fc)
    annees = _annees_dgfip(aujourd_hui, accordes)
    if "dgfip" in sources and annees and set(SCOPES_VALEURS_DGFIP) <= accordes:
        appels["dgfip"] = lambda: _situation_la_plus_recente(
            lambda annrev: clients.impot_particulier.situation_france_connect(jeton_fc, annrev),
            annees)
    return appels


def recuperer_apres_connexion(famille_id: int, jeton_fc: str, scope: str, sources: tuple[str, ...],
                              clients: Clients, aujourd_hui: date,
                              budget: float = BUDGET_APRES_CONNEXION) -> Recuperation:
    """Ask the grid's sources with the FranceConnect access token; keep the preferred QF.

    Runs inside the sign-in callback, within the token's 60 seconds: the sources are asked at
    once (impot-particulier §2) and waited for `budget` seconds at most. Only the connector
    calls run in threads; the record is written here, in the request's session.
    """
    appels = _appels_france_connect(jeton_fc, set(scope.split()), sources, clients, aujourd_hui)
    executeur = ThreadPoolExecutor(max_workers=max(len(appels), 1),
                                   thread_name_prefix="recuperation")
    taches = {source: executeur.submit(appel) for source, appel in appels.items()}
    wait(taches.values(), timeout=budget)
    executeur.shutdown(wait=False, cancel_futures=True)
    echecs: list[Echec] = []
    retenu = None
    enfants, adresse = (), None
    for source in sources:
        tache = taches.get(source)
        if tache is None:
            echecs.append(_echec(source, "non_accorde"))
            continue
        if not tache.done():
            echecs.append(Echec(source, "delai", erreurs.DelaiDepasse.message))
            continue
        try:
            reponse = tache.result()
            if source == "caf":
                enfants, adresse = reponse.enfants, reponse.adresse
                if reponse.quotient is None:
                    raise quotient_domaine.QuotientIncalculable("QF CAF non calculable")
                quotient = _depuis_caf(famille_id, "france_connect", reponse)
            else:
                quotient = _depuis_dgfip(famille_id, "france_connect", reponse)
        except erreurs.ErreurAPI as exc:
            echecs.append(classer(exc, source, jeton_de_la_famille=True))
        except quotient_domaine.QuotientIncalculable:
            echecs.append(_echec(source, "non_calculable"))
        else:
            retenu = retenu or quotient
    if retenu is not None:
        # The failures of the sources preferred to the one that answered, as before.
        echecs = [e for e in echecs if sources.index(e.source) < sources.index(retenu.source)]
        return Recuperation(_enregistrer(retenu), echecs, enfants, adresse)
    return Recuperation(None, echecs, enfants, adresse)


def recuperer_par_identite(compte: Compte, identite: IdentiteCivile,
                           clients: Clients) -> Recuperation:
    """The CAF/MSA QF of the allocataire named by `identite`; raise RecuperationImpossible.

    The answer is discarded unless the signed-in adult is one of the file's allocataires: the
    form lets anyone type anyone's identity (securite.md A6).
    """
    try:
        reponse = clients.api_particulier.quotient_familial_identite(identite)
    except erreurs.ErreurAPI as exc:
        raise RecuperationImpossible(classer(exc, "caf")) from None
    allocataires = [(p.nom_naissance, p.prenoms, p.date_naissance) for p in reponse.allocataires]
    if not _est_parmi(compte, allocataires):
        journal.consigner("identite_refusee", compte_id=compte.id, famille_id=compte.famille_id,
                          detail="allocataire différent")
        raise RecuperationImpossible(_echec("caf", "allocataire_different"))
    if reponse.quotient is None:
        raise RecuperationImpossible(_echec("caf", "non_calculable"))
    quotient = _enregistrer(_depuis_caf(compte.famille_id, "identite", reponse))
    return Recuperation(quotient, [], reponse.enfants, reponse.adresse)


def _normaliser(texte: str | None) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte or "").encode("ascii", "ignore").decode()
    return " ".join(sans_accents.upper().replace("-", " ").split())


def _date_concorde(connue: str, autre: str | None) -> bool:
    """Whether `autre` (AAAA-MM-JJ, zeros for an unknown part, as the CAF writes it) can be the
    account's birth date."""
    references, morceaux = connue.split("-"), (autre or "").split("-")
    return len(references) == len(morceaux) == 3 and all(
        morceau in (reference, "0" * len(morceau))
        for reference, morceau in zip(references, morceaux, strict=True))


def _est_parmi(compte: Compte, personnes: list[tuple[str | None, str | None, str | None]]) -> bool:
    """Whether the signed-in adult is one of `personnes` (birth name, first names, birth date),
    compared on birth name, first first name and birth date.

    Lookups by numéro fiscal or by typed identity reach whichever household answers: their
    result is kept only for one of that household's own adults (impot-particulier §6).
    """
    prenom = _normaliser(compte.prenoms).split(" ")[0:1]
    return any(_date_concorde(compte.date_naissance, date_naissance)
               and _normaliser(nom) == _normaliser(compte.nom_naissance)
               and _normaliser(prenoms).split(" ")[0:1] == prenom
               for nom, prenoms, date_naissance in personnes)


def recuperer_par_numero_fiscal(compte: Compte, spi: str, clients: Clients,
                                aujourd_hui: date) -> Recuperation:
    """The municipal QF from the DGFiP by numéro fiscal; raise RecuperationImpossible.

    The answer is discarded unless the signed-in adult is one of its declarants.
    """
    try:
        situation = _situation_la_plus_recente(
            lambda annrev: clients.impot_particulier.situation_numero_fiscal(spi, annrev),
            _annees_dgfip(aujourd_hui, None))
    except erreurs.ErreurAPI as exc:
        raise RecuperationImpossible(classer(exc, "dgfip")) from None
    declarants = [(d.nom_naissance, d.prenoms, d.date_naissance and d.date_naissance.isoformat())
                  for d in situation.declarants]
    if not _est_parmi(compte, declarants):
        journal.consigner("numero_fiscal_refuse", compte_id=compte.id,
                          famille_id=compte.famille_id, detail="déclarant différent")
        raise RecuperationImpossible(_echec("dgfip", "declarant_different"))
    try:
        quotient = _depuis_dgfip(compte.famille_id, "numero_fiscal", situation)
    except quotient_domaine.QuotientIncalculable:
        raise RecuperationImpossible(_echec("dgfip", "non_calculable")) from None
    return Recuperation(_enregistrer(quotient))


# --- Documents and refusal -------------------------------------------------------------------

def type_de_document(contenu: bytes) -> str | None:
    """The MIME type read from the first bytes, or None for anything but PDF, PNG and JPEG."""
    return next((type_ for signature, type_ in SIGNATURES if contenu.startswith(signature)), None)


NATURES = {"attestation_caf": "Attestation de quotient familial (CAF ou MSA)",
           "avis_impot": "Avis d’impôt sur le revenu"}


def deposer_justificatif(famille_id: int, nature: str, contenu: bytes,
                         taille_max: int) -> Justificatif:
    """Keep a document for an agent to review; raise JustificatifRefuse."""
    if not contenu:
        raise JustificatifRefuse("Le fichier est vide.")
    if len(contenu) > taille_max:
        raise JustificatifRefuse(
            f"Le fichier dépasse {taille_max // (1024 * 1024)} Mo. Envoyez une photo moins lourde "
            "ou un PDF.")
    type_mime = type_de_document(contenu)
    if type_mime is None:
        raise JustificatifRefuse("Ce fichier n’est ni un PDF, ni une image JPEG ou PNG.")
    if nature not in NATURES:
        raise JustificatifRefuse("Choisissez le type de document.")
    justificatif = Justificatif(famille_id=famille_id, nature=nature, type_mime=type_mime,
                                taille=len(contenu), contenu=contenu)
    db.session.add(justificatif)
    db.session.flush()
    journal.consigner("justificatif_depose", famille_id=famille_id, detail=type_mime)
    return justificatif


def refuser(famille: Famille) -> None:
    """Record that the family declines to share its income: sans_quotient applies (R2)."""
    famille.quotient_refuse_le = maintenant()
    journal.consigner("quotient_refuse", famille_id=famille.id)


# --- Which QF counts -------------------------------------------------------------------------

@dataclass(frozen=True)
class EtatQuotient:
    """The QF that prices the family's services today, or why there is none.

    `raison`: None when `quotient` counts; else "aucun", "perime" or "refuse".
    """

    quotient: QuotientFamilial | None
    raison: str | None
    expire_le: date | None
    justificatif_en_attente: bool

    @property
    def qf(self) -> Decimal | None:
        return self.quotient.valeur if self.raison is None and self.quotient else None


def _ajouter_mois(jour: date, mois: int) -> date:
    annee, index = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    return date(annee, index + 1, min(jour.day, calendar.monthrange(annee, index + 1)[1]))


def historique(famille_id: int) -> list[QuotientFamilial]:
    """Every QF record of the family, most recent first."""
    return list(db.session.scalars(
        sa.select(QuotientFamilial).where(QuotientFamilial.famille_id == famille_id)
        .order_by(QuotientFamilial.recupere_le.desc(), QuotientFamilial.id.desc())))


def etat_quotient(famille: Famille, sources: tuple[str, ...], validite_mois: int,
                  maintenant_: datetime) -> EtatQuotient:
    """The most recent record of an enabled source (or an agent-checked document), unless it is
    older than `validite_mois` or the family refused afterwards (tarifs.md §3)."""
    admises = (*sources, "justificatif")
    dernier = next((q for q in historique(famille.id) if q.source in admises), None)
    en_attente = db.session.scalar(sa.select(sa.func.count()).select_from(Justificatif).where(
        Justificatif.famille_id == famille.id, Justificatif.statut == "a_verifier")) > 0
    refus = famille.quotient_refuse_le
    if refus is not None and (dernier is None or refus > dernier.recupere_le):
        return EtatQuotient(dernier, "refuse", None, en_attente)
    if dernier is None:
        return EtatQuotient(None, "aucun", None, en_attente)
    expire_le = _ajouter_mois(dernier.recupere_le.date(), validite_mois)
    if maintenant_.date() >= expire_le:
        return EtatQuotient(dernier, "perime", expire_le, en_attente)
    return EtatQuotient(dernier, None, expire_le, en_attente)
