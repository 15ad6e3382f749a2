"""Versions of the tariff grid: the database holds the grid in force, the file is the seed."""

import difflib
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from portail_famille.domaine import chargement
from portail_famille.domaine import edition
from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine import montants
from portail_famille.domaine import simulation
from portail_famille.extensions import db
from portail_famille.models import GrilleVersion

journal = logging.getLogger(__name__)

AUTEUR_FICHIER = "fichier"
# The journal's event for a version saved from the admin pages (securite.md T6, G3).
EVENEMENT_MODIFICATION = "grille_modifiee"
# What the command line and the pages catch, without reaching into the domain.
GrilleInvalide = grille_domaine.GrilleInvalide
FichierIllisible = grille_domaine.FichierIllisible
PeriodeIntrouvable = grille_domaine.PeriodeIntrouvable
Grille = grille_domaine.Grille
# The admin's form edits the text through these (domaine/edition.py).
Brouillon = edition.Brouillon
TexteIllisible = edition.TexteIllisible
identifiant = edition.identifiant
champs_du_plan = edition.champs_du_plan
listes_du_plan = edition.listes_du_plan


def empreinte(texte: str) -> str:
    """The SHA-256 of a grid's text, as stored with every version and every rate decision."""
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


def ajouter_version(texte: str, *, source: str, auteur: str, commentaire: str = "",
                    fichier: str = "tarifs.yaml") -> GrilleVersion:
    """Validate `texte` and add it as the newest version; raise GrilleInvalide, adding nothing."""
    lire(texte, fichier)
    precedente = derniere_version()
    version = GrilleVersion(texte=texte, sha256=empreinte(texte), source=source, auteur=auteur,
                            commentaire=commentaire,
                            precedente_id=None if precedente is None else precedente.id)
    db.session.add(version)
    db.session.flush()
    return version


class VersionDepassee(Exception):
    """Another version landed since the one the edit started from (securite.md T4). When
    raised by the insert, the transaction must be rolled back before anything else."""


def enregistrer(texte: str, depuis: str, *, auteur: str, commentaire: str) -> GrilleVersion:
    """Add an admin's version if the newest one is still the one hashed `depuis`; raise
    VersionDepassee (nothing added) or GrilleInvalide. Two saves racing from the same version
    meet the unique `precedente_id` at the insert: the second one gets VersionDepassee too."""
    en_vigueur = derniere_version()
    if en_vigueur is not None and en_vigueur.sha256 != depuis:
        raise VersionDepassee()
    try:
        return ajouter_version(texte, source="admin", auteur=auteur, commentaire=commentaire)
    except sa.exc.IntegrityError as exc:
        raise VersionDepassee() from exc


def verifier(texte: str) -> list[grille_domaine.ErreurGrille]:
    """Every error of a grid text, by position; none when it is valid."""
    try:
        lire(texte)
    except grille_domaine.GrilleInvalide as erreur:
        return erreur.erreurs
    return []


def placer_erreurs(texte: str, erreurs: list[grille_domaine.ErreurGrille],
                   champs: list) -> list[tuple[grille_domaine.ErreurGrille, str | None]]:
    """Each error with the identifier of the form field (edition.Champ) it points at, if any."""
    ou = edition.positions(texte, [champ.chemin for champ in champs])
    return [(erreur, edition.identifiant(ou[(erreur.ligne, erreur.colonne)])
             if (erreur.ligne, erreur.colonne) in ou else None) for erreur in erreurs]


@dataclass(frozen=True)
class ServiceCompare:
    """A service whose barème or rules a proposed grid changes, beside the grid in force."""

    periode: str
    code: str
    service: grille_domaine.Service
    avant: grille_domaine.Service | None  # None: a new service or period
    comparaison: simulation.Comparaison


def services_modifies(actuelle: grille_domaine.Grille,
                      proposee: grille_domaine.Grille) -> list[ServiceCompare]:
    """Every service of `proposee` that differs from the same period's in `actuelle` (the
    period matched by its label, else by its start), in the file's order."""
    modifies = []
    for periode in proposee.periodes:
        ancienne = next((p for p in actuelle.periodes if p.libelle == periode.libelle),
                        next((p for p in actuelle.periodes if p.debut == periode.debut), None))
        for code, service in periode.services.items():
            avant = None if ancienne is None else ancienne.services.get(code)
            if avant is not None and _periode_en_json(_seul(ancienne, code)) == \
                    _periode_en_json(_seul(periode, code)):
                continue
            modifies.append(ServiceCompare(
                periode.libelle, code, service, avant,
                simulation.comparer_baremes(None if avant is None else avant.bareme,
                                            service.bareme)))
    return modifies


def _seul(periode: grille_domaine.Periode, code: str) -> grille_domaine.Periode:
    """The period reduced to one service, its sibling reduction included, dates left out."""
    fratrie = periode.reduction_fratrie
    return grille_domaine.Periode(
        "", date.min, date.min, None, {code: periode.services[code]},
        fratrie if fratrie is not None and code in fratrie.services else None)


@dataclass(frozen=True)
class LigneDifference:
    """One row of a side-by-side diff: a line of each text (None: absent on that side)."""

    nature: str  # "egal", "modifie", "retire", "ajoute", or "coupure" between two hunks
    numero_avant: int | None
    avant: str | None
    numero_apres: int | None
    apres: str | None


def differences(avant: str, apres: str, contexte: int = 2) -> list[LigneDifference]:
    """The changed lines of two grid texts side by side, with `contexte` lines around each
    change; empty when the texts are equal."""
    gauche = avant.splitlines()
    droite = apres.splitlines()
    lignes: list[LigneDifference] = []
    groupes = difflib.SequenceMatcher(None, gauche, droite, autojunk=False)
    for numero, groupe in enumerate(groupes.get_grouped_opcodes(contexte)):
        if numero:
            lignes.append(LigneDifference("coupure", None, None, None, None))
        for nature, i1, i2, j1, j2 in groupe:
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                a = gauche[i] if i < i2 else None
                b = droite[j] if j < j2 else None
                genre = {"equal": "egal", "delete": "retire", "insert": "ajoute"}.get(
                    nature, "modifie" if a is not None and b is not None
                    else "retire" if a is not None else "ajoute")
                lignes.append(LigneDifference(genre, i + 1 if a is not None else None, a,
                                              j + 1 if b is not None else None, b))
    return lignes


def historique() -> list[GrilleVersion]:
    """Every version, the newest first."""
    return list(db.session.scalars(sa.select(GrilleVersion).order_by(GrilleVersion.id.desc())))


def version(version_id: int | None) -> GrilleVersion | None:
    """One version, or None."""
    return None if version_id is None else db.session.get(GrilleVersion, version_id)


def version_par_empreinte(sha256: str | None) -> GrilleVersion | None:
    """The newest version with this hash, or None."""
    return db.session.scalars(
        sa.select(GrilleVersion).where(GrilleVersion.sha256 == (sha256 or ""))
        .order_by(GrilleVersion.id.desc()).limit(1)).first()


def derniere_version() -> GrilleVersion | None:
    """The newest version: the one in force."""
    return db.session.scalars(
        sa.select(GrilleVersion).order_by(GrilleVersion.id.desc()).limit(1)).first()


def synchroniser_fichier(texte: str, chemin: Path) -> GrilleVersion | None:
    """Import the file's text if it changed since the last import from the file; return the version.

    An unchanged file never overrides a newer edit made in the admin pages.
    """
    derniere_du_fichier = db.session.scalars(
        sa.select(GrilleVersion)
        .where(GrilleVersion.source == AUTEUR_FICHIER)
        .order_by(GrilleVersion.id.desc())
    ).first()
    if derniere_du_fichier is not None and derniere_du_fichier.sha256 == empreinte(texte):
        return None
    return ajouter_version(texte, source=AUTEUR_FICHIER, auteur=AUTEUR_FICHIER,
                           commentaire=f"import de {chemin.name} au démarrage", fichier=str(chemin))


@dataclass(frozen=True)
class GrilleChargee:
    """A parsed grid, its text and the version it came from (None when read from the file)."""

    grille: grille_domaine.Grille
    texte: str
    sha256: str
    version_id: int | None


class GrilleEnVigueur:
    """Per-process cache of the grid in force, re-checked every few seconds.

    Every process notices a version added by another one without a restart (tarifs.md §6):
    the check is one indexed query on the newest row, and the YAML is parsed only on change.
    Until the database is migrated and holds a version, the file's grid is in force.
    """

    def __init__(self, fichier: GrilleChargee | None, intervalle: float,
                 erreur_fichier: Exception | None = None):
        self._fichier = fichier
        self._erreur_fichier = erreur_fichier
        self._intervalle = intervalle
        self._actuelle: GrilleChargee | None = None
        self._illisible: int | None = None  # the id of a newest version this code cannot read
        self._base_prete = False
        self._verifiee_a = float("-inf")
        self._verrou = threading.Lock()

    def obtenir(self) -> GrilleChargee:
        """The grid in force; raise the seed file's error when it could not be read."""
        if self._erreur_fichier is not None:
            raise self._erreur_fichier
        with self._verrou:
            if time.monotonic() - self._verifiee_a >= self._intervalle:
                self._actuelle = self._relire()
                self._verifiee_a = time.monotonic()
            return self._actuelle or self._fichier

    def oublier(self) -> None:
        """Force a re-check at the next call (after a commit that added a version)."""
        with self._verrou:
            self._verifiee_a = float("-inf")

    def _relire(self) -> GrilleChargee | None:
        if not self._base_prete:
            self._base_prete = base_migree()
            if not self._base_prete:
                return None
        derniere = db.session.execute(
            sa.select(GrilleVersion.id).order_by(GrilleVersion.id.desc()).limit(1)
        ).first()
        if derniere is None:
            return None
        if derniere.id in (self._illisible, self._actuelle and self._actuelle.version_id):
            return self._actuelle
        versions = db.session.scalars(sa.select(GrilleVersion).order_by(GrilleVersion.id.desc()))
        for version in versions:
            if self._actuelle is not None and version.id == self._actuelle.version_id:
                break
            try:
                grille = lire(version.texte)
            except grille_domaine.GrilleInvalide:
                # Saved versions were valid when saved, but this code may be older than the
                # code that saved one (a rolling deploy): serve the newest it can read.
                journal.error("version %s de la grille illisible par ce processus : la "
                              "précédente reste en vigueur", version.id)
                self._illisible = derniere.id
                continue
            journal.info("grille en vigueur : version %s (%s)", version.id, version.sha256[:12])
            return GrilleChargee(grille, version.texte, version.sha256, version.id)
        return self._actuelle


def base_migree() -> bool:
    """Whether the schema holding grid versions exists (it does not before `flask db upgrade`)."""
    return sa.inspect(db.engine).has_table(GrilleVersion.__tablename__)


def lire(texte: str, fichier: str = "tarifs.yaml") -> grille_domaine.Grille:
    """Parse and validate a grid; raise GrilleInvalide with every error."""
    return chargement.charger_grille(texte, fichier)


def lire_fichier(chemin: Path) -> tuple[str, grille_domaine.Grille]:
    """The text of a grid file and its grid; raise FichierIllisible (not UTF-8), GrilleInvalide
    or OSError."""
    texte = chargement.lire_texte(chemin)
    return texte, lire(texte, str(chemin))


def resumer(grille: grille_domaine.Grille) -> str:
    """A one-line summary of a valid grid, for `tarifs verifier`."""
    services = {code for periode in grille.periodes for code in periode.services}
    return (f"{grille.commune} ({grille.code_insee}), {len(grille.periodes)} période"
            f"{'s' if len(grille.periodes) > 1 else ''}, {len(services)} service"
            f"{'s' if len(services) > 1 else ''}")


def init_app(app, config, pour_servir: bool = True) -> None:
    """Check the grid file at boot, import it when it changed, and install the per-process cache.

    Serving with an unreadable or invalid file is refused (GrilleInvalide, OSError). A command
    line task starts anyway, so that `tarifs verifier` can list the file's errors and
    `db upgrade` still runs: the grid in force then raises that error when asked for.
    """
    try:
        texte, grille = lire_fichier(config.tarifs_fichier)
        fichier = GrilleChargee(grille, texte, empreinte(texte), None)
    except (grille_domaine.GrilleInvalide, OSError) as erreur:
        if pour_servir:
            raise
        app.extensions["grille"] = GrilleEnVigueur(None, config.grille_rafraichissement_s,
                                                   erreur)
        return
    app.extensions["grille"] = GrilleEnVigueur(fichier, config.grille_rafraichissement_s)
    with app.app_context():
        if not base_migree():
            if pour_servir:
                journal.warning("base de données non migrée : lancez `flask db upgrade`")
        elif synchroniser_fichier(texte, config.tarifs_fichier) is not None:
            db.session.commit()


def grille_en_json(grille: grille_domaine.Grille) -> dict:
    """The grid as plain JSON for other services (GET /api/tarifs): amounts as 2-decimal text."""
    return {
        "commune": grille.commune,
        "code_insee": grille.code_insee,
        "codes_postaux": None if grille.codes_postaux is None else [
            {"code": c.code, "communes": list(c.communes)} for c in grille.codes_postaux],
        "quotient_familial": {"sources": list(grille.sources),
                              "validite_mois": grille.validite_mois},
        "periodes": [_periode_en_json(periode) for periode in grille.periodes],
    }


def _montant(valeur) -> str:
    return montants.formater_montant(valeur)


def _bareme_en_json(bareme) -> dict:
    if bareme.mode == "tranches":
        return {"mode": bareme.mode, "tranches": [
            {"jusqu_a": None if t.jusqu_a is None else str(t.jusqu_a), "prix": _montant(t.prix)}
            for t in bareme.tranches]}
    if bareme.mode == "taux_effort":
        return {"mode": bareme.mode, "taux_pourcent": str(bareme.taux_pourcent),
                "plancher": _montant(bareme.plancher), "plafond": _montant(bareme.plafond)}
    return {"mode": bareme.mode,
            "points": [{"qf": str(p.qf), "prix": _montant(p.prix)} for p in bareme.points]}


def _periode_en_json(periode: grille_domaine.Periode) -> dict:
    services = {}
    for code, service in periode.services.items():
        hors_commune = service.hors_commune
        services[code] = {
            "libelle": service.libelle,
            "unite": service.unite,
            "bareme": _bareme_en_json(service.bareme),
            "jours": list(service.jours),
            "sans_quotient": _montant(service.sans_quotient),
            "hors_commune": (
                {"majoration_pourcent": str(hors_commune.pourcent)}
                if isinstance(hors_commune, grille_domaine.Majoration) else _montant(hors_commune)
            ),
        }
    fratrie = periode.reduction_fratrie
    return {
        "libelle": periode.libelle,
        "debut": periode.debut.isoformat(),
        "fin": periode.fin.isoformat(),
        "deliberation": periode.deliberation,
        "services": services,
        "reduction_fratrie": None if fratrie is None else {
            "services": list(fratrie.services),
            "rangs": {str(rang): str(pourcent) for rang, pourcent in fratrie.rangs},
        },
    }
