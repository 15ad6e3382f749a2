"""Income retrieval: the QF from the CAF/MSA or the DGFiP, with consent, fallbacks and provenance.

Each retrieval adds a `QuotientFamilial` row holding the value and where it comes from, nothing
else (securite.md E8): members and address read from the CAF are handed back to the caller, to
be offered to the family, never stored here. A failed call changes nothing that is stored.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.api_particulier import Adresse
from portail_famille.connecteurs.api_particulier import DateNaissance
from portail_famille.connecteurs.api_particulier import IdentiteCivile
from portail_famille.connecteurs.api_particulier import Personne
from portail_famille.connecteurs.impot_particulier import SituationFiscale
from portail_famille.domaine import francais
from portail_famille.domaine import identite
from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.domaine.montants import CENTIME
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import QuotientFamilial
from portail_famille.models import maintenant
from portail_famille.services import audit
from portail_famille.services.clients_api import Clients

journal = logging.getLogger(__name__)

# The view builds the identity form's result with it: re-exported, views never reach connectors.
__all__ = ["Echec", "IdentiteCivile", "Recuperation", "RecuperationImpossible"]

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

    @property
    def differee(self) -> bool:
        """The CAF was not asked now (the per-IP budget was spent) and no source preferred to
        it answered: the lookup is to be made later, by identity (`recuperer_plus_tard`)."""
        return any(echec.classe == "differee" for echec in self.echecs)


class RecuperationImpossible(Exception):
    """A lookup asked by the family gave no QF; `echec` says why and what to do."""

    def __init__(self, echec: Echec):
        super().__init__(echec.classe)
        self.echec = echec


def preparer_jeton_dgfip(clients: Clients) -> None:
    """Warm the DGFiP gateway token; a failure only means the callback will fetch it itself."""
    try:
        clients.impot_particulier.preparer_jeton()
    except exceptions.ErreurAPI as exc:
        journal.warning("jeton DGFiP non obtenu avant la connexion : %s", exc.status)


# --- What the family reads ---------------------------------------------------------------------

# Each connector exception in words for the family; a subclass without its own line takes its
# parent's (the table is read along the class hierarchy). What to do next is said once, by the
# page that shows these sentences.
MESSAGES_DES_ERREURS = {
    exceptions.ErreurAPI: "Le service n’a pas pu répondre.",
    exceptions.AuthentificationRefusee: "Votre connexion n’a pas pu être vérifiée. Reconnectez-"
                                        "vous avec FranceConnect, ou transmettez un justificatif.",
    exceptions.AccesRefuse: "La mairie n’a pas accès à ce service pour le moment.",
    exceptions.DossierAbsent: "Aucun dossier CAF ou MSA n’a été trouvé à votre nom. Vous pouvez "
                              "utiliser votre avis d’imposition ou transmettre un justificatif.",
    exceptions.RequeteEnCours: "Votre demande est déjà en cours de traitement. Patientez un "
                               "instant puis réessayez.",
    exceptions.RouteSupprimee: "Ce service n’est plus disponible.",
    exceptions.IdentiteIntrouvable: "Nous n’avons pas pu vous retrouver. Vérifiez votre nom de "
                                    "naissance, vos prénoms, votre date et votre lieu de "
                                    "naissance.",
    exceptions.ParametresInvalides: "Certaines informations saisies n’ont pas été acceptées. "
                                    "Vérifiez le formulaire.",
    exceptions.ServiceIndisponible: "Le service est momentanément indisponible.",
    exceptions.QuotaDepasse: "Le service reçoit trop de demandes. Réessayez dans quelques minutes.",
    exceptions.BudgetEpuise: "Votre quotient familial est en cours de récupération auprès de la "
                             "CAF : il s’affichera ici dans quelques minutes, sans que vous "
                             "ayez à vous reconnecter.",
    exceptions.FournisseurEnErreur: "La CAF ou la MSA n’a pas pu répondre.",
    exceptions.APIEnMaintenance: "Le service est en maintenance.",
    exceptions.DelaiDepasse: "L’organisme interrogé met trop de temps à répondre.",
    exceptions.APIInjoignable: "Le service ne répond pas pour le moment.",
    exceptions.ReponseInvalide: "Le service a envoyé une réponse illisible.",
    exceptions.SituationIntrouvable: "Aucune situation fiscale n’a été trouvée pour cette année "
                                     "de revenus. Vous pouvez transmettre votre avis "
                                     "d’imposition.",
    exceptions.RequeteRefusee: "Votre numéro fiscal n’a pas été accepté. Vérifiez-le sur votre "
                               "avis d’imposition.",
}
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


def message_de(exc: exceptions.ErreurAPI) -> str:
    """What the family reads about a connector failure."""
    if isinstance(exc, exceptions.APIEnMaintenance) and exc.jusqu_a is not None:
        return f"Le service est en maintenance jusqu’à {francais.heure(exc.jusqu_a)}."
    return next(MESSAGES_DES_ERREURS[classe] for classe in type(exc).__mro__
                if classe in MESSAGES_DES_ERREURS)


_CLASSES = (
    (exceptions.IdentiteIntrouvable, "introuvable"),
    (exceptions.DossierAbsent, "sans_dossier"),
    (exceptions.SituationIntrouvable, "sans_situation"),
    (exceptions.APIEnMaintenance, "maintenance"),
    (exceptions.BudgetEpuise, "differee"),
    (exceptions.QuotaDepasse, "quota"),
    (exceptions.DelaiDepasse, "delai"),
    (exceptions.APIInjoignable, "delai"),
    (exceptions.ServiceIndisponible, "indisponible"),
    (exceptions.RequeteEnCours, "en_cours"),
    (exceptions.AuthentificationRefusee, "connexion_expiree"),
    (exceptions.RequeteRefusee, "numero_refuse"),
    (exceptions.ParametresInvalides, "formulaire"),
)


def classer(exc: exceptions.ErreurAPI, source: str, jeton_de_la_famille: bool = False) -> Echec:
    """The failure class of a connector exception.

    A refused token is the family's to renew only when it is its FranceConnect token; the
    portal's own refused credentials, like every other configuration error, are 'technique'
    and logged as an error, which is how the technical team hears of them.
    """
    if not isinstance(exc, exceptions.AuthentificationRefusee) or jeton_de_la_famille:
        for type_, classe in _CLASSES:
            if isinstance(exc, type_):
                return Echec(source, classe, message_de(exc))
    journal.error("source %s inutilisable, réglages du portail à vérifier : %s", source, exc)
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


# What makes two records the same fact: the retrieval time and request id do not.
CHAMPS_DU_FAIT = ("source", "mode", "fournisseur", "valeur", "rfr", "parts", "annee", "mois",
                  "annee_calcul", "mois_calcul", "annrev")


def _enregistrer(quotient: QuotientFamilial) -> QuotientFamilial:
    """Add the record, unless the household's latest one is the same fact: then only its
    retrieval time (and request id) moves, and the history keeps one row per fact."""
    dernier = db.session.scalars(
        sa.select(QuotientFamilial).where(QuotientFamilial.famille_id == quotient.famille_id)
        .order_by(QuotientFamilial.recupere_le.desc(), QuotientFamilial.id.desc())).first()
    if dernier is not None and all(getattr(dernier, champ) == getattr(quotient, champ)
                                   for champ in CHAMPS_DU_FAIT):
        dernier.recupere_le = maintenant()
        dernier.reference = quotient.reference
        dernier.depuis_cache = bool(quotient.depuis_cache)
        db.session.flush()
        audit.consigner("quotient_confirme", famille_id=dernier.famille_id,
                        detail=f"{dernier.source}/{dernier.mode}")
        return dernier
    db.session.add(quotient)
    db.session.flush()
    audit.consigner("quotient_recupere", famille_id=quotient.famille_id,
                    detail=f"{quotient.source}/{quotient.mode}")
    return quotient


# --- Retrieval -------------------------------------------------------------------------------

def _annees_dgfip(aujourd_hui: date, scopes: set[str] | None) -> list[int]:
    """The income years to ask (`domaine.quotient.annees_de_revenus`); with FranceConnect,
    only those whose scope the family granted."""
    return [annee for annee in quotient_domaine.annees_de_revenus(aujourd_hui)
            if scopes is None or scopes & set(SCOPES_ANNEES_DGFIP[aujourd_hui.year - annee])]


def _situation_la_plus_recente(lire, annees: list[int]) -> SituationFiscale:
    """The situation of the latest of `annees` (not empty) that has one; else raise the last
    'not found'."""
    for annrev in annees[:-1]:
        try:
            return lire(annrev)
        except exceptions.SituationIntrouvable:
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
            echecs.append(Echec(source, "delai", MESSAGES_DES_ERREURS[exceptions.DelaiDepasse]))
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
        except exceptions.ErreurAPI as exc:
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


# Failure classes worth another attempt later: the API was busy or down, not the family unknown.
PASSAGERES = ("quota", "indisponible", "delai", "maintenance", "en_cours")


def adulte_france_connect(famille_id: int) -> Compte | None:
    """The household's adult who signed in through FranceConnect most recently, if any."""
    return db.session.scalars(sa.select(Compte).where(
        Compte.famille_id == famille_id, Compte.role == "famille", Compte.fc_sub.is_not(None))
        .order_by(Compte.connecte_le.desc())).first()


def identite_france_connect(compte: Compte) -> IdentiteCivile | None:
    """The identity FranceConnect gave the account, as the CAF's identity route takes it; None
    when it cannot make a valid call (a presumed date « 1950-00-00 » keeps its known parts)."""
    try:
        annee, mois, jour = (int(partie) for partie in compte.date_naissance.split("-"))
        naissance = (date(annee, mois, jour) if mois and jour
                     else DateNaissance(annee, mois or None, None))
        en_france = (compte.code_pays_naissance or "99100") == "99100"
        return IdentiteCivile(
            nom_naissance=compte.nom_naissance, nom_usage=compte.nom_usage or None,
            prenoms=tuple(compte.prenoms.split()[:3]), sexe=compte.sexe,
            date_naissance=naissance, code_pays_naissance=compte.code_pays_naissance or "99100",
            code_commune_naissance=(compte.code_commune_naissance or None) if en_france else None)
    except ValueError:
        return None


def _personne(compte: Compte) -> identite.Personne:
    return identite.Personne(compte.nom_naissance, compte.prenoms, compte.date_naissance)


def recuperer_par_identite(compte: Compte, civile: IdentiteCivile,
                           clients: Clients) -> Recuperation:
    """The CAF/MSA QF of the allocataire named by `civile`; raise RecuperationImpossible.

    The answer is discarded unless the signed-in adult is one of the file's allocataires: the
    form lets anyone type anyone's identity (securite.md A6).
    """
    try:
        reponse = clients.api_particulier.quotient_familial_identite(civile)
    except exceptions.ErreurAPI as exc:
        raise RecuperationImpossible(classer(exc, "caf")) from None
    allocataires = [identite.Personne(p.nom_naissance, p.prenoms, p.date_naissance)
                    for p in reponse.allocataires]
    if not identite.est_parmi(_personne(compte), allocataires):
        audit.consigner("identite_refusee", compte_id=compte.id, famille_id=compte.famille_id,
                        detail="allocataire différent")
        raise RecuperationImpossible(_echec("caf", "allocataire_different"))
    if reponse.quotient is None:
        raise RecuperationImpossible(_echec("caf", "non_calculable"))
    quotient = _enregistrer(_depuis_caf(compte.famille_id, "identite", reponse))
    return Recuperation(quotient, [], reponse.enfants, reponse.adresse)


def recuperer_par_numero_fiscal(compte: Compte, spi: str, clients: Clients,
                                aujourd_hui: date) -> Recuperation:
    """The municipal QF from the DGFiP by numéro fiscal; raise RecuperationImpossible.

    The answer is discarded unless the signed-in adult is one of its declarants.
    """
    try:
        situation = _situation_la_plus_recente(
            lambda annrev: clients.impot_particulier.situation_numero_fiscal(spi, annrev),
            _annees_dgfip(aujourd_hui, None))
    except exceptions.ErreurAPI as exc:
        raise RecuperationImpossible(classer(exc, "dgfip")) from None
    declarants = [identite.Personne(d.nom_naissance, d.prenoms,
                                    d.date_naissance and d.date_naissance.isoformat())
                  for d in situation.declarants]
    if not identite.est_parmi(_personne(compte), declarants):
        audit.consigner("numero_fiscal_refuse", compte_id=compte.id,
                        famille_id=compte.famille_id, detail="déclarant différent")
        raise RecuperationImpossible(_echec("dgfip", "declarant_different"))
    try:
        quotient = _depuis_dgfip(compte.famille_id, "numero_fiscal", situation)
    except quotient_domaine.QuotientIncalculable:
        raise RecuperationImpossible(_echec("dgfip", "non_calculable")) from None
    return Recuperation(_enregistrer(quotient))

