"""Sandbox simulator of API Particulier's quotient familial routes (api-particulier.md §12).

It plays production, not the official staging: an unknown identity gives 422 `00355`, `data` is
masked by the token's scopes, the 24 h cache, the rate limits and the 409 of a request in flight
are real. The families come from `jeu_de_donnees`, shared with the sandbox FranceConnect provider
and the DGFiP simulator; a few trigger names (`DECLENCHEURS`) produce every error of §9.
"""

import json
import math
import re
import time
import uuid
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import g
from flask import request

from portail_famille.bac_a_sable import communs_api
from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.bac_a_sable import limites
from portail_famille.bac_a_sable.communs_api import Refus
from portail_famille.domaine import identifiants

bp = Blueprint("api_particulier", __name__, url_prefix="/api-particulier")
communs_api.installer(bp)

ROUTE_IDENTITE = "/v3/dss/quotient_familial/identite"
ROUTE_FRANCE_CONNECT = "/v3/dss/quotient_familial/france_connect"

# app.config keys: the wait of the DELAI trigger before its 504 (seconds, default 0), and the
# Sunday 23:00–23:45 maintenance window of §9 (off by default, so that tests never meet it).
DELAI_FOURNISSEUR = "BAC_A_SABLE_API_PARTICULIER_DELAI"
MAINTENANCE_DOMINICALE = "BAC_A_SABLE_API_PARTICULIER_MAINTENANCE"

JSON_API = "application/vnd.api+json"
JSON = "application/json"

# §10: 20 calls per second per token; FranceConnect calls also per client IP.
LIMITE_PAR_SECONDE = 20
LIMITES_FRANCECONNECT_PAR_IP = ((30, 60), (600, 3600))
DUREE_CACHE = 24 * 3600
# A mark of a request in flight outlives any simulated call (DELAI's wait is added to it).
DUREE_EN_VOL = 30.0

# §1 and §8: each scope masks one key of `data`, listed in the order of the answer.
SCOPES = {
    "allocataires": "cnaf_allocataires",
    "enfants": "cnaf_enfants",
    "adresse": "cnaf_adresse",
    "quotient_familial": "cnaf_quotient_familial",
}
SCOPES_QF = frozenset(SCOPES.values())

# The sandbox API tokens and their scopes; API_PARTICULIER_TOKEN defaults to the first one.
JETONS = {
    "jeton-bac-a-sable-complet": SCOPES_QF,
    "jeton-bac-a-sable-quotient": frozenset({"cnaf_quotient_familial"}),
    "jeton-bac-a-sable-famille": SCOPES_QF - {"cnaf_quotient_familial"},
    "jeton-bac-a-sable-sans-quotient-familial": frozenset({"cnous_statut_boursier"}),
}
# Reserved tokens, refused with these codes (§9): expired, then blacklisted after a leak.
JETONS_REFUSES = {
    "jeton-bac-a-sable-expire": "00103",
    "jeton-bac-a-sable-liste-noire": "00105",
}

_ENTITE_NON_TRAITABLE = "Entité non traitable"
_ERREURS = {
    "00015": ("Conflit", "Une requête associée à votre jeton est déjà en cours de traitement pour "
              "ces paramètres. Veuillez attendre la fin du traitement avant d'effectuer une "
              "nouvelle requête."),
    "00100": ("Privilèges insuffisants", "Votre jeton est valide mais vos privilèges sont "
              "insuffisants."),
    "00101": ("Interdit", "Votre jeton n'est pas valide ou n'est pas renseigné."),
    "00103": ("Jeton expiré", "Votre jeton est expiré. Vous devez refaire une demande."),
    "00105": ("Jeton sur liste noire", "Votre jeton est sur liste noire, celui-ci a certainement "
              "été divulgué sur un canal non sécurisé."),
    "00355": (_ENTITE_NON_TRAITABLE, "Aucun particulier n'a été trouvé avec les données "
              "d'identité fournies."),
    "00366": (_ENTITE_NON_TRAITABLE, "Un ou plusieurs paramètres de civilité ne sont pas "
              "correctement formatés."),
    "00404": ("Non trouvé", "Cette route n'existe pas."),
    "00429": ("Trop de requêtes", "Vous avez effectué trop de requêtes."),
    "10003": ("Dossier allocataire absent MSA", "Le dossier allocataire n'a pas été trouvé "
              "auprès de la MSA."),
    "23003": ("Dossier allocataire absent CNAF", "Le dossier allocataire n'a pas été trouvé "
              "auprès de la CNAF."),
    "35002": ("Intermédiaire hors-délai", "Temps d'attente d'une réponse du fournisseur de "
              "données écoulé."),
    "35020": ("Fournisseur en maintenance", "Le fournisseur de données est en maintenance."),
    "35999": ("Erreur inconnue du fournisseur de données", "La réponse retournée par le "
              "fournisseur de données est invalide et inconnue."),
    "50001": ("Jeton FranceConnect malformé", "Le jeton FranceConnect n'a pas le format "
              "attendu."),
    "50002": ("Jeton FranceConnect invalide", "Le jeton FranceConnect est inconnu ou expiré."),
    "50003": ("Jeton FranceConnect incomplet", "Le jeton FranceConnect ne donne pas accès à "
              "l'identité pivot nécessaire à l'appel."),
}
_FOURNISSEURS = {"10": "MSA", "23": "CNAF", "35": "CNAF & MSA"}

# §2: the legacy routes, each with the one sentence of its 410.
_PHRASE_AVIS = ("L'URL demandée n'existe plus sur API Particulier depuis le 8 janvier 2024 : "
                "mettez à jour votre application.")
_PHRASE_QF_V1 = ("L'API Quotient familial v1 n'est plus disponible depuis le 31/10/2025 : "
                 "utilisez la nouvelle API Quotient familial CAF & MSA "
                 "(https://particulier.api.gouv.fr/catalogue).")
ROUTES_SUPPRIMEES = {
    "/api/v2/avis-imposition": _PHRASE_AVIS,
    "/api/impots/svair": _PHRASE_AVIS,
    "/api/v2/composition-familiale": _PHRASE_QF_V1,
    "/api/caf/famille": _PHRASE_QF_V1,
}

_CODE_PAYS_FRANCE = communs_api.CODE_PAYS_FRANCE
# §6: 01–95 (20 became 2A and 2B), 971–974 and 976.
_DEPARTEMENT = re.compile(r"0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-46]")


@dataclass(frozen=True)
class Periode:
    """The month whose QF is asked (§6: `annee`, `mois`, default the current month)."""

    annee: int
    mois: int

    def moins(self, mois: int) -> "Periode":
        """The month `mois` months earlier."""
        annee, mois = divmod(self.annee * 12 + self.mois - 1 - mois, 12)
        return Periode(annee, mois + 1)


@dataclass(frozen=True)
class IdentiteDemandee:
    """The identity parameters of §6, validated; `designe` applies the matching rules of §12."""

    nom_naissance: str
    prenoms: tuple[str, ...]
    sexe: str
    code_pays: str
    annee_naissance: int | None = None
    mois_naissance: int | None = None
    jour_naissance: int | None = None
    nom_usage: str | None = None
    code_commune: str | None = None
    nom_commune: str | None = None
    departement: str | None = None

    @classmethod
    def depuis_franceconnect(cls, identite: communs_api.IdentiteFranceConnect):
        """The parameters the API derives from a FranceConnect identity (§7)."""
        annee, mois, jour = (int(partie) or None for partie in identite.date_naissance.split("-"))
        return cls(
            nom_naissance=identite.nom_naissance,
            prenoms=identite.prenoms,
            sexe=identite.sexe,
            code_pays=identite.code_pays,
            annee_naissance=annee,
            mois_naissance=mois,
            jour_naissance=jour,
            code_commune=identite.code_commune or None,
        )

    def cle(self) -> tuple:
        """The identity as the cache sees it: compared without case, after trimming."""
        return tuple(
            valeur.strip().casefold() if isinstance(valeur, str) else valeur
            for valeur in (
                self.nom_naissance, self.nom_usage, *self.prenoms, self.sexe, self.code_pays,
                self.annee_naissance, self.mois_naissance, self.jour_naissance,
                self.code_commune or self.nom_commune, self.departement,
            )
        )

    def designe(self, personne: jeu_de_donnees.Personne) -> bool:
        """True when every parameter given matches `personne`, by the rules of §12."""
        # Case-insensitive after trimming, accents significant, first names an ordered list.
        egal = communs_api.meme_texte
        # The first names given must be the person's first ones, in civil-status order: more
        # first names narrow the match (§6), fewer still find the person.
        prenoms = len(self.prenoms) <= len(personne.prenoms) and all(
            egal(donne, connu) for donne, connu in zip(self.prenoms, personne.prenoms, strict=False)
        )
        return (
            egal(self.nom_naissance, personne.nom_naissance)
            and (self.nom_usage is None or egal(self.nom_usage, personne.nom_usage))
            and prenoms
            and self.sexe == personne.sexe
            and self.code_pays == personne.code_pays_naissance
            and self._nee_le(personne.date_naissance)
            and self._nee_a(personne)
        )

    def _nee_le(self, date_naissance: str) -> bool:
        connues = [int(partie) for partie in date_naissance.split("-")]
        donnees = (self.annee_naissance, self.mois_naissance, self.jour_naissance)
        return all(d is None or d == c for d, c in zip(donnees, connues, strict=True))

    def _nee_a(self, personne: jeu_de_donnees.Personne) -> bool:
        if self.code_commune:
            return self.code_commune == personne.code_commune_naissance
        if self.nom_commune:
            # The API resolves the COG code from name, département and year (§6): a name written
            # with spaces instead of hyphens designates the same commune.
            return _nom_de_commune(self.nom_commune) == _nom_de_commune(
                personne.nom_commune_naissance
            ) and self.departement == personne.code_departement_naissance
        return not personne.code_commune_naissance


def init_app(app, config) -> None:
    """Defaults of the simulator's settings, and the store of limits it shares with the DGFiP's."""
    app.config.setdefault(DELAI_FOURNISSEUR, 0.0)
    app.config.setdefault(MAINTENANCE_DOMINICALE, False)
    limites.init_app(app, config)


@bp.before_request
def _identifier_la_requete():
    # §4: the server takes a client's X-Request-ID as its own when it is a UUID.
    recu = request.headers.get("X-Request-ID")
    g.request_id = recu if communs_api.est_uuid(recu) else str(uuid.uuid4())


@bp.after_request
def _entetes_communs(reponse: Response) -> Response:
    # Absent when the portal refused the request before this blueprint saw it.
    if "request_id" in g:
        reponse.headers["X-Request-ID"] = g.request_id
    fenetre = g.get("fenetre_api_particulier")
    if fenetre is not None:
        reponse.headers.update(fenetre.entetes())
    return reponse


def _route_supprimee(phrase: str) -> Response:
    return Response(phrase, status=410, mimetype="text/plain")


# One endpoint per route: rules sharing an endpoint and differing by defaults would redirect.
for _chemin, _phrase in ROUTES_SUPPRIMEES.items():
    bp.add_url_rule(_chemin, "supprimee" + _chemin.replace("/", "_"), _route_supprimee,
                    defaults={"phrase": _phrase})


@bp.get("/", defaults={"chemin": ""})
@bp.get("/<path:chemin>")
def route_inconnue(chemin: str):
    raise _refus(404, _erreur("00404"))


@bp.get(ROUTE_IDENTITE)
def quotient_familial_identite():
    jeton = communs_api.jeton_bearer()
    _limiter(jeton)
    scopes = _scopes_du_jeton(jeton)
    identite, periode = _valider(identite_requise=True)
    return _repondre(ROUTE_IDENTITE, jeton, identite, periode, scopes)


@bp.get(ROUTE_FRANCE_CONNECT)
def quotient_familial_france_connect():
    jeton = communs_api.jeton_bearer()
    _limiter(jeton)
    _limiter_france_connect()
    identite, scopes = _introspecter(jeton)
    _, periode = _valider(identite_requise=False)
    return _repondre(ROUTE_FRANCE_CONNECT, jeton, identite, periode, scopes)


def _limiter(jeton: str | None) -> None:
    """§10: 20 calls per one-second window per token (per IP without a token)."""
    cle = limites.empreinte("api-particulier", jeton or request.remote_addr)
    fenetre = limites.compter(cle, LIMITE_PAR_SECONDE)
    g.fenetre_api_particulier = fenetre
    if fenetre.depassee:
        raise _trop_de_requetes(fenetre.attente())


def _limiter_france_connect() -> None:
    """§10: calls made with FranceConnect tokens, 30 per minute and 600 per hour per client IP."""
    cle = limites.empreinte("api-particulier-franceconnect", request.remote_addr)
    for limite, duree in LIMITES_FRANCECONNECT_PAR_IP:
        fenetre = limites.compter(cle, limite, duree)
        if fenetre.depassee:
            raise _trop_de_requetes(fenetre.attente())


def _scopes_du_jeton(jeton: str | None) -> frozenset[str]:
    """The token's scopes; 401 or 403 as in §9. `jeton` comes from Authorization only: one in
    the query string or in X-Api-Key counts as missing (§12, stricter than production)."""
    if jeton in JETONS_REFUSES:
        code = JETONS_REFUSES[jeton]
        # §9: the blocklist answers in application/json.
        type_contenu = JSON if code == "00105" else JSON_API
        raise _refus(401, _erreur(code, parametre="token"), type_contenu=type_contenu)
    scopes = JETONS.get(jeton)
    if scopes is None:
        raise _refus(401, _erreur("00101", parametre="token"))
    if not scopes & SCOPES_QF:
        raise _refus(403, _erreur("00100", parametre="token"))
    return scopes


def _introspecter(jeton: str | None) -> tuple[IdentiteDemandee, frozenset[str]]:
    """§7 and §12: the family's identity and the granted data scopes, from its FC token."""
    if not communs_api.jeton_franceconnect_bien_forme(jeton):
        raise _refus(401, _erreur("50001"))
    introspection = fournisseur_franceconnect.introspecter(jeton)
    if not introspection.get("active"):
        raise _refus(401, _erreur("50002"))
    identite = communs_api.identite_franceconnect(introspection)
    if identite is None:
        raise _refus(401, _erreur("50003"))
    scopes = communs_api.scopes(introspection) & SCOPES_QF
    if not scopes:
        raise _refus(403, _erreur("00100"))
    return IdentiteDemandee.depuis_franceconnect(identite), scopes


def _valider(identite_requise: bool) -> tuple[IdentiteDemandee | None, Periode]:
    """Check the parameters in the order of §5-§6; every error goes into one 422 (§9)."""
    erreurs = []
    if not identifiants.siret_valide(_parametre("recipient") or ""):
        erreurs.append(_invalide("00210", "recipient",
                                 "Le paramètre recipient n'est pas un SIRET valide."))
    identite = _valider_identite(erreurs) if identite_requise else None
    periode = _valider_periode(erreurs)
    request_id = request.headers.get("X-Request-ID")
    if request_id is not None and not communs_api.est_uuid(request_id):
        erreur = _erreur("00401", detail="L'en-tête X-Request-ID doit être un UUID.")
        erreur["source"] = {"header": "X-Request-ID"}
        erreurs.append(erreur)
    if erreurs:
        raise _refus(422, *erreurs)
    return identite, periode


def _valider_identite(erreurs: list[dict]) -> IdentiteDemandee | None:
    nom = _parametre("nomNaissance")
    if not _nom_valide(nom):
        erreurs.append(_invalide("00420", "nomNaissance", "Le nom de naissance est obligatoire "
                                 "et ne contient que des lettres, espaces, tirets ou apostrophes."))
    nom_usage = _parametre("nomUsage")
    if nom_usage is not None and communs_api.meme_texte(nom_usage, nom):
        nom_usage = None  # §6: a usage name equal to the birth name is no usage name
    prenoms = tuple(p.strip() for p in request.args.getlist("prenoms[]"))
    if not prenoms:
        erreurs.append(_invalide("00367", "prenoms", "Au moins un prénom est obligatoire, "
                                 "un par paramètre prenoms[]."))
    elif len(prenoms) > 3 or not all(_nom_valide(p) for p in prenoms):
        erreurs.append(_invalide("00421", "prenoms", "Les prénoms (un à trois) ne contiennent "
                                 "que des lettres, espaces, tirets ou apostrophes."))
    sexe = (_parametre("sexeEtatCivil") or "").upper()
    if sexe not in ("M", "F"):
        erreurs.append(_invalide("00427", "sexeEtatCivil", "Le sexe d'état civil est M ou F."))
    annee, mois, jour = _valider_date_naissance(erreurs)
    code_pays = _parametre("codeCogInseePaysNaissance") or ""
    if not identifiants.code_pays_valide(code_pays):
        erreurs.append(_invalide("00400", "codeCogInseePaysNaissance", "Le code COG du pays de "
                                 "naissance a cinq chiffres et commence par 99."))
    code_commune = _parametre("codeCogInseeCommuneNaissance")
    nom_commune = _parametre("nomCommuneNaissance")
    departement = (_parametre("codeCogInseeDepartementNaissance") or "").upper() or None
    if code_pays == _CODE_PAYS_FRANCE:
        _valider_commune(erreurs, code_commune, nom_commune, departement, annee)
    elif identifiants.code_pays_valide(code_pays) and (code_commune or nom_commune or departement):
        erreurs.append(_invalide("00365", "codeCogInseeCommuneNaissance", "La commune de "
                                 "naissance ne se renseigne que pour une personne née en France."))
    if erreurs:
        return None
    return IdentiteDemandee(
        nom_naissance=nom,
        prenoms=prenoms,
        sexe=sexe,
        code_pays=code_pays,
        annee_naissance=annee,
        mois_naissance=mois,
        jour_naissance=jour,
        nom_usage=nom_usage,
        code_commune=code_commune,
        nom_commune=None if code_commune else nom_commune,
        departement=None if code_commune else departement,
    )


def _valider_date_naissance(erreurs: list[dict]) -> tuple[int | None, int | None, int | None]:
    """§6: the month is ignored without the year, the day without month and year."""
    hier = communs_api.maintenant_paris().date() - timedelta(days=1)
    rien = (None, None, None)
    annee = _parametre_entier("anneeDateNaissance")
    if annee is None:
        return rien
    if annee is False or not 1900 <= annee <= hier.year:
        erreurs.append(_invalide("00422", "anneeDateNaissance",
                                 "L'année de naissance est une année entre 1900 et aujourd'hui."))
        return rien
    mois = _parametre_entier("moisDateNaissance")
    if mois is None:
        return annee, None, None
    if mois is False or not 1 <= mois <= 12:
        erreurs.append(_invalide("00363", "moisDateNaissance",
                                 "Le mois de naissance va de 1 à 12."))
        return rien
    jour = _parametre_entier("jourDateNaissance")
    if jour is None:
        return annee, mois, None
    if jour is False or not 1 <= jour <= 31:
        erreurs.append(_invalide("00363", "jourDateNaissance",
                                 "Le jour de naissance va de 1 à 31."))
        return rien
    try:
        naissance = date(annee, mois, jour)
    except ValueError:
        naissance = None
    if naissance is None or not date(1900, 1, 1) <= naissance <= hier:
        erreurs.append(_invalide("00425", "jourDateNaissance", "La date de naissance doit "
                                 "exister et se situer entre 1900 et hier."))
        return rien
    return annee, mois, jour


def _valider_commune(erreurs, code_commune, nom_commune, departement, annee) -> None:
    """§6: born in France, the COG code of the commune, or its name with département and year."""
    if code_commune:
        if not identifiants.code_commune_valide(code_commune):
            erreurs.append(_invalide("00365", "codeCogInseeCommuneNaissance", "Le code COG de la "
                                     "commune de naissance a cinq caractères (2A/2B en Corse)."))
        return
    if not nom_commune:
        erreurs.append(_invalide("00365", "codeCogInseeCommuneNaissance", "Pour une personne née "
                                 "en France, indiquez le code COG de la commune de naissance, ou "
                                 "son nom avec le département."))
        return
    if not _departement_valide(departement):
        erreurs.append(_invalide("00428", "codeCogInseeDepartementNaissance", "Le code du "
                                 "département de naissance est invalide (01 à 95, 2A, 2B, 971 à "
                                 "974, 976)."))
    if annee is None and _parametre("anneeDateNaissance") is None:
        erreurs.append(_invalide("00422", "anneeDateNaissance", "L'année de naissance est "
                                 "obligatoire avec le nom de la commune de naissance."))


def _valider_periode(erreurs: list[dict]) -> Periode | None:
    """§6: only N, N-1 or N-2; a month without year is of this year, never in the future."""
    aujourd_hui = communs_api.maintenant_paris().date()
    annee = _parametre_entier("annee")
    mois = _parametre_entier("mois")
    annee = aujourd_hui.year if annee is None else annee
    mois = aujourd_hui.month if mois is None else mois
    annee_valide = annee is not False and aujourd_hui.year - 2 <= annee <= aujourd_hui.year
    mois_valide = mois is not False and 1 <= mois <= 12
    if not annee_valide:
        erreurs.append(_invalide("00356", "annee", "L'année du quotient familial est l'année "
                                 "en cours ou l'une des deux précédentes."))
    if not mois_valide:
        erreurs.append(_invalide("00354", "mois", "Le mois du quotient familial va de 1 à 12."))
    elif annee_valide and (annee, mois) > (aujourd_hui.year, aujourd_hui.month):
        erreurs.append(_invalide("00354", "mois", "Le mois du quotient familial ne peut pas "
                                 "être dans le futur."))
    return Periode(annee, mois) if annee_valide and mois_valide else None


def _repondre(route, jeton, identite, periode, scopes) -> Response:
    """Serve from the 24 h cache (§10), else ask the provider, one identical request at a time."""
    cle_cache = limites.empreinte(route, identite.cle(), periode, sorted(scopes))
    if "no-cache" not in request.headers.get("Cache-Control", "").lower():
        en_cache = limites.retrouver(cle_cache)
        if en_cache is not None:
            corps, reste = en_cache
            return _reponse_200(corps, en_cache=True, reste=reste)
    # §9 409: the same token with the same parameters while the first call runs.
    cle_en_vol = limites.empreinte(route, jeton, sorted(request.args.items(multi=True)))
    duree = DUREE_EN_VOL + float(current_app.config[DELAI_FOURNISSEUR])
    with limites.en_vol(cle_en_vol, duree) as libre:
        if not libre:
            raise _refus(409, _erreur("00015"))
        corps = json.dumps(
            {"data": _consulter(identite, periode, scopes), "links": {}, "meta": {}},
            ensure_ascii=False,
        )
        # Cached before the mark goes, so that a caller who got the 409 finds it on re-reading.
        limites.conserver(cle_cache, corps, DUREE_CACHE)
    return _reponse_200(corps, en_cache=False, reste=None)


def _reponse_200(corps: str, en_cache: bool, reste: float | None) -> Response:
    return communs_api.reponse_json(corps, 200, JSON_API, {
        "X-Response-Cached": "true" if en_cache else "false",
        # §8: present but empty when the answer does not come from the cache.
        "X-Cache-Expires-in": "" if reste is None else str(int(reste)),
    })


def _consulter(identite: IdentiteDemandee, periode: Periode, scopes: frozenset[str]) -> dict:
    """What the CAF or the MSA answers: a trigger's error, no file, or the masked `data`."""
    _maintenance_dominicale()
    declencheur = DECLENCHEURS.get(identite.nom_naissance.strip().upper())
    if declencheur is not None:
        raise declencheur()
    foule = jeu_de_donnees.dossier_de_la_foule(identite.nom_naissance)
    if foule is not None and identite.designe(foule.allocataire):
        return _donnees(foule, periode, scopes)
    trouvees = [p for p in _personnes_connues() if identite.designe(p)]
    if len(trouvees) != 1:  # nobody, or homonyms the directory cannot tell apart
        raise _refus(422, _erreur("00355"))
    personne = trouvees[0]
    dossier = next((d for d in jeu_de_donnees.DOSSIERS_CAF if d.allocataire == personne), None)
    if dossier is None:
        # A known person without a file of their own: a spouse answers for their partner's fund.
        conjoint_de = next((d for d in jeu_de_donnees.DOSSIERS_CAF if d.conjoint == personne), None)
        msa = conjoint_de is not None and conjoint_de.fournisseur == "MSA"
        raise _refus(404, _erreur_fournisseur("10003" if msa else "23003"))
    return _donnees(dossier, periode, scopes)


def _donnees(dossier: jeu_de_donnees.DossierCAF, periode: Periode, scopes) -> dict:
    """The §8 `data` of a file, keeping only the keys of the granted scopes."""
    calcul = periode.moins(dossier.mois_calcul_decalage)
    voie, code_postal_ville = dossier.adresse
    allocataire = dossier.allocataire
    lieu_dit = voie.startswith("LIEU-DIT")
    civilite = "MADAME" if allocataire.sexe == "F" else "MONSIEUR"
    nom = allocataire.nom_usage or allocataire.nom_naissance
    donnees = {
        "allocataires": [_personne(p) for p in (allocataire, dossier.conjoint) if p is not None],
        "enfants": [_personne(enfant) for enfant in dossier.enfants],
        "adresse": {
            "destinataire": f"{civilite} {nom} {allocataire.prenoms[0]}".upper(),
            "complement_information": None,
            "complement_information_geographique": None,
            "numero_libelle_voie": None if lieu_dit else voie,
            "lieu_dit": voie if lieu_dit else None,
            "code_postal_ville": code_postal_ville,
            "pays": "FRANCE",
        },
        "quotient_familial": {
            "fournisseur": dossier.fournisseur,
            "valeur": dossier.valeur,  # 0 stays 0: the client reads it as "not computable"
            "annee": periode.annee,
            "mois": periode.mois,
            "annee_calcul": calcul.annee,
            "mois_calcul": calcul.mois,
        },
    }
    return {cle: valeur for cle, valeur in donnees.items() if SCOPES[cle] in scopes}


def _personne(personne: jeu_de_donnees.Personne) -> dict:
    return {
        "nom_naissance": personne.nom_naissance.upper(),
        "nom_usage": personne.nom_usage.upper() or None,
        "prenoms": " ".join(personne.prenoms).upper(),
        "date_naissance": personne.date_naissance,
        "sexe": personne.sexe,
    }


def _personnes_connues() -> tuple[jeu_de_donnees.Personne, ...]:
    """Everyone the identity directory knows: sign-in identities, allocataires, spouses and
    declarants (§12: a known person without a file gets a 404, an unknown one a 422)."""
    personnes = [i.personne for i in jeu_de_donnees.IDENTITES]
    for dossier in jeu_de_donnees.DOSSIERS_CAF:
        personnes += [dossier.allocataire, dossier.conjoint]
    for foyer in jeu_de_donnees.FOYERS_FISCAUX:
        personnes += [foyer.declarant1, foyer.declarant2]
    return tuple(dict.fromkeys(p for p in personnes if p is not None))


def _maintenance_dominicale() -> None:
    """§9: the CNAF and the MSA are in maintenance every Sunday 23:00–23:45, Paris time."""
    if not current_app.config[MAINTENANCE_DOMINICALE]:
        return
    maintenant = communs_api.maintenant_paris()
    fin = maintenant.replace(hour=23, minute=45, second=0, microsecond=0)
    if maintenant.weekday() == 6 and maintenant.hour == 23 and maintenant < fin:
        raise _maintenance(math.ceil((fin - maintenant).total_seconds()))


def _maintenance(retry_in: int) -> Refus:
    return _refus(503, _erreur_fournisseur("35020", retry_in=retry_in))


def _trop_de_requetes(attente: int) -> Refus:
    # §9: the rate limiter answers in application/json, with Retry-After (§10).
    return _refus(429, _erreur("00429"), type_contenu=JSON, entetes={"Retry-After": str(attente)})


def _delai_depasse() -> Refus:
    time.sleep(float(current_app.config[DELAI_FOURNISSEUR]))
    return _refus(504, _erreur_fournisseur("35002"))


# §12: birth names that make the provider answer each error of §9 (other parameters valid).
DECLENCHEURS = {
    "SANSDOSSIER": lambda: _refus(404, _erreur_fournisseur("23003")),
    "INTROUVABLE": lambda: _refus(422, _erreur("00355")),
    "ILLISIBLE": lambda: _refus(
        422, _erreur("00366", provider="CNAF & MSA", provider_error_code="E101")
    ),
    "ENCOURS": lambda: _refus(409, _erreur("00015")),
    "SATURE": lambda: _trop_de_requetes(1),
    "PANNE": lambda: _refus(502, _erreur_fournisseur("35999")),
    "MAINTENANCE": lambda: _maintenance(45 * 60),  # as long as the Sunday window
    "DELAI": _delai_depasse,
}


def _refus(status: int, *erreurs: dict, type_contenu: str = JSON_API, entetes=None) -> Refus:
    return Refus(communs_api.reponse_json({"errors": list(erreurs)}, status, type_contenu, entetes))


def _erreur(code: str, *, detail: str | None = None, parametre: str | None = None, **meta) -> dict:
    """A §9 error entry; `source` is left out when empty, as production does."""
    titre, detail_defaut = _ERREURS.get(code, (_ENTITE_NON_TRAITABLE, ""))
    erreur = {"code": code, "title": titre, "detail": detail or detail_defaut}
    if parametre:
        erreur["source"] = {"parameter": parametre}
    erreur["meta"] = meta
    return erreur


def _erreur_fournisseur(code: str, **meta) -> dict:
    """A provider's error: `meta.provider` names it from the code's prefix (§9)."""
    return _erreur(code, provider=_FOURNISSEURS[code[:2]], **meta)


def _invalide(code: str, parametre: str, detail: str) -> dict:
    return _erreur(code, detail=detail, parametre=parametre)


def _parametre(nom: str) -> str | None:
    """A query parameter, trimmed; blank counts as absent (§6: drop absent parameters)."""
    return (request.args.get(nom) or "").strip() or None


def _parametre_entier(nom: str) -> int | bool | None:
    """An integer parameter: None when absent, False when not a number."""
    valeur = _parametre(nom)
    if valeur is None:
        return None
    return int(valeur) if valeur.isascii() and valeur.isdigit() and len(valeur) <= 4 else False


def _nom_valide(nom: str | None) -> bool:
    """Letters (accents included), spaces, hyphens and apostrophes, with at least one letter."""
    return bool(nom) and any(c.isalpha() for c in nom) and all(
        c.isalpha() or c in " -'’" for c in nom
    )


def _departement_valide(departement: str | None) -> bool:
    return departement is not None and _DEPARTEMENT.fullmatch(departement) is not None


def _nom_de_commune(nom: str) -> str:
    return " ".join(nom.replace("-", " ").replace("'", " ").casefold().split())
