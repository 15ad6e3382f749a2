"""The YAML loader of the tariff grid: validates a text into `grille.Grille`, every error at once.

It composes the YAML node tree and reads it by hand, never building Python objects with a YAML
constructor: the exact text of every scalar becomes a Decimal, YAML 1.2 applies (`no` is text,
`0755` is not octal), tags cannot run anything, and each error keeps its position. With
`edition` (which edits the node tree for the admin's form, never building objects either), the
only module of the project that imports the YAML library (securite.md T1).
"""

import difflib
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode
from ruamel.yaml.nodes import Node
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.nodes import SequenceNode
from ruamel.yaml.reader import ReaderError

from portail_famille.domaine import identifiants
from portail_famille.domaine import residence
from portail_famille.domaine.grille import JOURS_DE_CLASSE
from portail_famille.domaine.grille import MODES
from portail_famille.domaine.grille import SOURCES
from portail_famille.domaine.grille import Bareme
from portail_famille.domaine.grille import BaremeLineaire
from portail_famille.domaine.grille import BaremeTauxEffort
from portail_famille.domaine.grille import BaremeTranches
from portail_famille.domaine.grille import CodePostal
from portail_famille.domaine.grille import ErreurGrille
from portail_famille.domaine.grille import FichierIllisible
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import GrilleInvalide
from portail_famille.domaine.grille import Majoration
from portail_famille.domaine.grille import Periode
from portail_famille.domaine.grille import Point
from portail_famille.domaine.grille import ReductionFratrie
from portail_famille.domaine.grille import Service
from portail_famille.domaine.grille import Tranche

# Far deeper than the schema: only a pathological text reaches it, before Python's own limit.
PROFONDEUR_MAXIMALE = 50

_CLES_BAREME = {
    "tranches": ("tranches",),
    "taux_effort": ("taux_pourcent", "plancher", "plafond"),
    "lineaire": ("points",),
}
NULS = ("", "~", "null", "Null", "NULL")
_NOMBRE = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_ENTIER = re.compile(r"[0-9]+")
# 15 digits before the point keep every product and quotient exact in CONTEXTE_EXACT.
_CHIFFRES_ENTIERS_MAXIMUM = 15
_NOMBRE_A_VIRGULE = re.compile(r"-?[0-9]+,[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE_SERVICE = re.compile(r"[a-z_]+")
# The tags the resolver gives untagged nodes; anything else was written in the file.
_ETIQUETTES_IMPLICITES = frozenset(
    f"tag:yaml.org,2002:{nom}"
    for nom in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value", "map", "seq")
)
_TRADUCTIONS_SYNTAXE = (
    ("'\\t'", "tabulation interdite : indentez avec des espaces"),
    ("cannot start any token",
     "caractère inattendu en début de valeur : mettez la valeur entre guillemets"),
    ("mapping values are not allowed",
     "« : » inattendu : mettez entre guillemets une valeur qui contient « : », "
     "ou vérifiez l’indentation"),
    ("could not find expected ':'", "« : » manquant après une clé, ou indentation incohérente"),
    ("expected <block end>", "indentation incohérente avec les lignes précédentes"),
    ("unexpected end of stream", "fin de fichier inattendue : un guillemet n’est pas refermé"),
    ("expected ',' or", "liste ou dictionnaire entre [ ] ou { } mal refermé"),
    ("another document", "un seul document est attendu : retirez le second « --- »"),
    ("undefined alias", "alias (*…) sans ancre : les ancres et alias ne sont pas acceptés"),
    ("maximum depth", "imbrication trop profonde"),
    ("expected the node content", "une valeur est attendue ici"),
)


# A grid is parsed once per text and process: the pure-Python composer takes tens of
# milliseconds, and a Grille is immutable, so every request and app of the process may share it.
@lru_cache(maxsize=32)
def charger_grille(texte: str, fichier: str = "tarifs.yaml") -> Grille:
    """The grid described by `texte`; raise GrilleInvalide listing every error at once."""
    try:
        racine = _composer(texte)
    except YAMLError as exc:
        raise GrilleInvalide([_erreur_de_syntaxe(exc, texte)], fichier) from exc
    lecteur = _Lecteur()
    grille = lecteur.lire_grille(racine)
    if lecteur.erreurs:
        raise GrilleInvalide(lecteur.erreurs, fichier)
    return grille


def lire_texte(chemin: str | Path) -> str:
    """The text of a UTF-8 file; raise FichierIllisible at the first invalid byte, or OSError."""
    octets = Path(chemin).read_bytes()
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError as exc:
        debut_ligne = octets.rfind(b"\n", 0, exc.start) + 1
        erreur = ErreurGrille(
            octets.count(b"\n", 0, exc.start) + 1,
            exc.start - debut_ligne + 1,
            f"octet 0x{octets[exc.start]:02X} invalide : enregistrez le fichier en UTF-8",
        )
        raise FichierIllisible([erreur], str(chemin)) from exc


def charger_fichier(chemin: str | Path) -> Grille:
    """The grid of a UTF-8 file, errors named after `chemin`; raise GrilleInvalide
    (FichierIllisible when it is not UTF-8) or OSError."""
    return charger_grille(lire_texte(chemin), str(chemin))


def _composer(texte: str) -> Node | None:
    yaml = YAML(typ="safe", pure=True)
    yaml.max_depth = PROFONDEUR_MAXIMALE
    # Anchors are refused with a clear message; the composer's own warning would only be noise.
    yaml.composer.warn_double_anchors = False
    return yaml.compose(texte)


def _erreur_de_syntaxe(exc: YAMLError, texte: str) -> ErreurGrille:
    if isinstance(exc, ReaderError):
        debut_ligne = texte.rfind("\n", 0, exc.position) + 1
        return ErreurGrille(
            texte.count("\n", 0, exc.position) + 1,
            exc.position - debut_ligne + 1,
            f"YAML invalide : caractère interdit U+{exc.character:04X}",
        )
    ligne = colonne = 1
    probleme = str(exc)
    if isinstance(exc, MarkedYAMLError):
        probleme = f"{exc.context or ''} {exc.problem or ''}".strip()
        # An unclosed quote is only noticed at the end of the file: point at where it opens.
        marque = ((exc.context_mark if "end of stream" in probleme else exc.problem_mark)
                  or exc.context_mark or exc.problem_mark)
        if marque is not None:
            ligne, colonne = marque.line + 1, marque.column + 1
    for anglais, francais in _TRADUCTIONS_SYNTAXE:
        if anglais in probleme:
            return ErreurGrille(ligne, colonne, f"YAML invalide : {francais}")
    return ErreurGrille(ligne, colonne, f"YAML invalide : {probleme}")


def _decrire(noeud: Node) -> str:
    if isinstance(noeud, MappingNode):
        return "un dictionnaire"
    if isinstance(noeud, SequenceNode):
        return "une liste"
    if _est_vide(noeud):
        return "une valeur vide"
    return f"« {_abreger(noeud.value)} »"


def _abreger(texte: str) -> str:
    return texte if len(texte) <= 40 else f"{texte[:40]}…"


def _est_vide(noeud: ScalarNode) -> bool:
    if noeud.style is None:
        return noeud.value in NULS
    return not noeud.value.strip()


def _suggestion(mot: str, possibles: tuple[str, ...]) -> str:
    proches = difflib.get_close_matches(mot, possibles, n=1)
    if proches:
        return f" (vouliez-vous dire « {proches[0]} » ?)"
    return f" (possibles : {', '.join(possibles)})" if possibles else ""


def _ligne(noeud: Node) -> int:
    return noeud.start_mark.line + 1


class _Entree(NamedTuple):
    cle: ScalarNode
    valeur: Node


class _Nombre(NamedTuple):
    """A number read from the file: its value, its text as written, and where to point at it."""

    valeur: Decimal
    texte: str
    ou: Node


class _Dates(NamedTuple):
    nom: str
    debut: date
    fin: date
    ou: Node


class _Lecteur:
    """Walks the node tree once, collecting every error instead of stopping at the first."""

    def __init__(self):
        self.erreurs: list[ErreurGrille] = []
        self._refuses: set[int] = set()

    def signaler(self, ou: Node, message: str) -> None:
        self.erreurs.append(ErreurGrille(ou.start_mark.line + 1, ou.start_mark.column + 1, message))

    # -- structure ------------------------------------------------------------------------------

    def refuser_etiquettes_et_ancres(self, racine: Node) -> None:
        """Report every explicit tag and anchor; the schema walk then skips those nodes."""
        a_voir = [racine]
        vus: set[int] = set()
        while a_voir:
            noeud = a_voir.pop()
            if id(noeud) in vus:
                continue
            vus.add(id(noeud))
            etiquette = noeud.ctag
            if etiquette.handle is not None or str(etiquette) not in _ETIQUETTES_IMPLICITES:
                ecrite = f"{etiquette.handle or ''}{etiquette.suffix}"
                self.signaler(noeud, f"étiquette YAML « {ecrite} » refusée : retirez-la, "
                                     "le fichier ne contient que du texte, des nombres, "
                                     "des listes et des dictionnaires")
                self._refuses.add(id(noeud))
            elif noeud.anchor is not None:
                # An alias re-reads a node at another place: the walk could grow exponentially.
                self.signaler(noeud, f"ancre YAML « &{noeud.anchor} » refusée : "
                                     "recopiez la valeur à chaque endroit où elle sert")
                self._refuses.add(id(noeud))
            elif isinstance(noeud, MappingNode):
                a_voir.extend(element for paire in noeud.value for element in paire)
            elif isinstance(noeud, SequenceNode):
                a_voir.extend(noeud.value)

    def refuse(self, noeud: Node) -> bool:
        return id(noeud) in self._refuses

    def dictionnaire(self, noeud: Node, ou: Node, lieu: str, obligatoires: tuple[str, ...] = (),
                     facultatives: tuple[str, ...] = (), prefixe: str = "",
                     libre: bool = False) -> dict[str, _Entree] | None:
        """The entries of a mapping; unknown keys (unless `libre`) and duplicates are errors."""
        if self.refuse(noeud):
            return None
        if not isinstance(noeud, MappingNode):
            self.signaler(ou, f"{prefixe}{lieu} doit être un dictionnaire (clé: valeur), "
                              f"pas {_decrire(noeud)}")
            return None
        connues = obligatoires + facultatives
        entrees: dict[str, _Entree] = {}
        for cle, valeur in noeud.value:
            if self.refuse(cle):
                continue
            if not isinstance(cle, ScalarNode):
                self.signaler(cle, f"{prefixe}une clé doit être un simple mot, pas {_decrire(cle)}")
            elif cle.value in entrees:
                self.signaler(cle, f"{prefixe}clé « {cle.value} » en double "
                                   f"(déjà ligne {_ligne(entrees[cle.value].cle)})")
            elif not libre and cle.value not in connues:
                self.signaler(cle, f"{prefixe}clé inconnue « {cle.value} »"
                                   f"{_suggestion(cle.value, connues)}")
            else:
                entrees[cle.value] = _Entree(cle, valeur)
        self.manquantes(noeud, entrees, obligatoires, lieu, prefixe)
        return entrees

    def manquantes(self, noeud: MappingNode, entrees: dict[str, _Entree],
                   obligatoires: tuple[str, ...], lieu: str, prefixe: str) -> None:
        for cle in obligatoires:
            if cle not in entrees:
                self.signaler(noeud, f"{prefixe}clé « {cle} » manquante dans {lieu}")

    def liste(self, entree: _Entree, element: str, prefixe: str = "",
              minimum: int = 1) -> list[Node] | None:
        """The items of a sequence, reporting fewer than `minimum` of them."""
        if self.refuse(entree.valeur):
            return None
        if not isinstance(entree.valeur, SequenceNode):
            self.signaler(entree.cle, f"{prefixe}« {entree.cle.value} » doit être une liste, "
                                      f"pas {_decrire(entree.valeur)}")
            return None
        if len(entree.valeur.value) < minimum:
            self.signaler(entree.cle, f"{prefixe}« {entree.cle.value} » : "
                                      f"il faut au moins {element}")
        return entree.valeur.value

    # -- scalars --------------------------------------------------------------------------------

    def scalaire(self, noeud: Node, ou: Node, nom: str, attendu: str,
                 prefixe: str) -> ScalarNode | None:
        """The scalar node, or None after reporting a list, a mapping or an empty value."""
        if self.refuse(noeud):
            return None
        if not isinstance(noeud, ScalarNode) or _est_vide(noeud):
            self.signaler(ou, f"{prefixe}« {nom} » doit être {attendu}, pas {_decrire(noeud)}")
            return None
        return noeud

    def texte(self, noeud: Node, ou: Node, nom: str, prefixe: str = "") -> str | None:
        scalaire = self.scalaire(noeud, ou, nom, "un texte", prefixe)
        return None if scalaire is None else scalaire.value.strip()

    def nombre(self, noeud: Node, ou: Node, nom: str, prefixe: str = "",
               decimales: int = 2) -> _Nombre | None:
        """A non-negative decimal written plainly with at most `decimales` decimals."""
        scalaire = self.scalaire(noeud, ou, nom, "un nombre", prefixe)
        if scalaire is None:
            return None
        ecrit = _abreger(scalaire.value)
        correspondance = _NOMBRE.fullmatch(scalaire.value)
        if correspondance is None:
            if _NOMBRE_A_VIRGULE.fullmatch(ecrit):
                conseil = f"écrivez {ecrit.replace(',', '.')} avec un point décimal"
            else:
                conseil = f"un nombre comme 12 ou 0.80 est attendu, pas {_decrire(scalaire)}"
            self.signaler(ou, f"{prefixe}« {nom} » : {conseil}")
        elif scalaire.style is not None:
            self.signaler(ou, f"{prefixe}« {nom} » : écrivez le nombre {ecrit} sans guillemets")
        elif correspondance[1]:
            self.signaler(ou, f"{prefixe}« {nom} » ne peut pas être négatif ({ecrit})")
        elif len(correspondance[3] or "") > decimales:
            self.signaler(ou, f"{prefixe}« {nom} » : {ecrit} a trop de décimales "
                              f"({decimales} au plus)")
        elif len(correspondance[2].lstrip("0")) > _CHIFFRES_ENTIERS_MAXIMUM:
            self.signaler(ou, f"{prefixe}« {nom} » : {ecrit} est trop grand "
                              f"({_CHIFFRES_ENTIERS_MAXIMUM} chiffres au plus avant le point)")
        else:
            return _Nombre(Decimal(scalaire.value), ecrit, ou)
        return None

    def entier(self, noeud: Node, ou: Node, nom: str, prefixe: str = "") -> int | None:
        """An integer ≥ 1 written plainly."""
        scalaire = self.scalaire(noeud, ou, nom, "un nombre entier", prefixe)
        if scalaire is None:
            return None
        chiffres = scalaire.value.lstrip("0")
        if (scalaire.style is None and _ENTIER.fullmatch(scalaire.value)
                and 1 <= len(chiffres) <= _CHIFFRES_ENTIERS_MAXIMUM):
            return int(chiffres)
        self.signaler(ou, f"{prefixe}« {nom} » doit être un nombre entier au moins égal à 1, "
                          f"écrit sans guillemets, pas {_decrire(scalaire)}")
        return None

    def date_iso(self, noeud: Node, ou: Node, nom: str) -> date | None:
        scalaire = self.scalaire(noeud, ou, nom, "une date AAAA-MM-JJ", "")
        if scalaire is None:
            return None
        if not _DATE.fullmatch(scalaire.value):
            self.signaler(ou, f"« {nom} » doit être une date AAAA-MM-JJ, "
                              f"pas {_decrire(scalaire)}")
            return None
        try:
            return date.fromisoformat(scalaire.value)
        except ValueError:
            self.signaler(ou, f"« {nom} » : la date {scalaire.value} n’existe pas")
            return None

    def champ(self, entrees: dict[str, _Entree], cle: str, lire: Callable, *options, **noms):
        """Read entry `cle` with `lire` (None when absent: a missing key is already reported)."""
        entree = entrees.get(cle)
        if entree is None:
            return None
        return lire(entree.valeur, entree.cle, cle, *options, **noms)

    def croissance(self, valeurs: list[tuple[int, _Nombre | None]], strict: bool,
                   message: Callable[[_Nombre, int, _Nombre, int], str]) -> None:
        """Report each value lower than (or, if `strict`, equal to) the previous valid one."""
        precedent: tuple[int, _Nombre] | None = None
        for numero, nombre in valeurs:
            if nombre is None:
                continue
            if precedent is not None:
                numero_avant, avant = precedent
                if nombre.valeur < avant.valeur or (strict and nombre.valeur == avant.valeur):
                    self.signaler(nombre.ou, message(nombre, numero, avant, numero_avant))
            precedent = (numero, nombre)

    # -- the schema ----------------------------------------------------------------------------

    def lire_grille(self, racine: Node | None) -> Grille | None:
        if racine is None:
            self.erreurs.append(ErreurGrille(1, 1, "le fichier est vide : décrivez commune, "
                                                   "code_insee, quotient_familial et periodes"))
            return None
        self.refuser_etiquettes_et_ancres(racine)
        entrees = self.dictionnaire(
            racine, racine, "le fichier",
            obligatoires=("commune", "code_insee", "quotient_familial", "periodes"),
            facultatives=("codes_postaux",),
        )
        if entrees is None:
            return None
        commune = self.champ(entrees, "commune", self.texte)
        code_insee = self.lire_code_insee(entrees.get("code_insee"))
        codes_postaux = self.lire_codes_postaux(entrees.get("codes_postaux"))
        qf = self.lire_quotient_familial(entrees.get("quotient_familial"))
        periodes = self.lire_periodes(entrees.get("periodes"))
        if None in (commune, code_insee, qf, periodes):
            return None
        sources, validite_mois = qf
        return Grille(commune, code_insee, sources, validite_mois, periodes, codes_postaux)

    def lire_codes_postaux(self, entree: _Entree | None) -> tuple[CodePostal, ...] | None:
        """The postcodes; None when the key is absent (or wrong: the error is reported)."""
        if entree is None:
            return None
        noeuds = self.liste(entree, "un code postal")
        if not noeuds:
            return None
        codes: dict[str, CodePostal] = {}
        valide = True
        for noeud in noeuds:
            code_postal = self.lire_code_postal(noeud)
            if code_postal is None:
                valide = False
            elif code_postal.code in codes:
                self.signaler(noeud, f"« codes_postaux » : le code {code_postal.code} est cité "
                                     "deux fois")
                valide = False
            else:
                codes[code_postal.code] = code_postal
        return tuple(codes.values()) if valide else None

    def lire_code_postal(self, noeud: Node) -> CodePostal | None:
        communes: tuple[str, ...] = ()
        ou = noeud
        if isinstance(noeud, MappingNode):
            entrees = self.dictionnaire(noeud, noeud, "un code postal partagé",
                                        obligatoires=("code", "communes"),
                                        prefixe="codes_postaux : ")
            if entrees is None or "code" not in entrees:
                return None
            lues = self.lire_codes(entrees.get("communes"), None, str, "codes_postaux : ")
            if lues is None:
                return None
            communes, noeud = lues, entrees["code"].valeur
            ou = entrees["code"].cle
        code = self.texte(noeud, ou, "code postal", "codes_postaux : ")
        if code is None:
            return None
        if noeud.style is None or not residence.code_postal_valide(code):
            self.signaler(ou, f"« codes_postaux » : « {code} » doit être un code postal de 5 "
                              "chiffres entre guillemets, par exemple \"69001\"")
            return None
        return CodePostal(code, communes)

    def lire_code_insee(self, entree: _Entree | None) -> str | None:
        if entree is None:
            return None
        code = self.texte(entree.valeur, entree.cle, "code_insee")
        if code is None:
            return None
        if entree.valeur.style is None:
            self.signaler(entree.cle, f"« code_insee » s’écrit entre guillemets : \"{code}\" "
                                      "(sans eux, un code comme 01053 perdrait son zéro)")
            return None
        if not identifiants.code_commune_valide(code):
            self.signaler(entree.cle, f"« code_insee » : « {code} » n’est pas un code commune "
                                      "INSEE (5 caractères, par exemple \"69123\" ou \"2A004\")")
            return None
        return code

    def lire_quotient_familial(self, entree: _Entree | None) -> tuple[tuple[str, ...], int] | None:
        if entree is None:
            return None
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« quotient_familial »",
                                    obligatoires=("sources", "validite_mois"))
        if entrees is None:
            return None
        sources = self.lire_codes(entrees.get("sources"), SOURCES,
                                  lambda source: f"source de quotient inconnue « {source} »")
        validite_mois = self.champ(entrees, "validite_mois", self.entier)
        if sources is None or validite_mois is None:
            return None
        return sources, validite_mois

    def lire_codes(self, entree: _Entree | None, possibles: tuple[str, ...] | None,
                   inconnu: Callable[[str], str], prefixe: str = "") -> tuple[str, ...] | None:
        """A non-empty list of distinct codes, each one of `possibles` (unchecked if None)."""
        if entree is None:
            return None
        noeuds = self.liste(entree, "un élément", prefixe)
        if not noeuds:
            return None
        codes: dict[str, Node] = {}
        valide = True
        for noeud in noeuds:
            code = self.texte(noeud, noeud, entree.cle.value, prefixe)
            if code is None:
                valide = False
            elif possibles is not None and code not in possibles:
                self.signaler(noeud, f"{prefixe}{inconnu(code)}{_suggestion(code, possibles)}")
                valide = False
            elif code in codes:
                self.signaler(noeud, f"{prefixe}« {entree.cle.value} » : « {code} » cité deux "
                                     f"fois (déjà ligne {_ligne(codes[code])})")
            else:
                codes[code] = noeud
        return tuple(codes) if valide else None

    def lire_periodes(self, entree: _Entree | None) -> tuple[Periode, ...] | None:
        if entree is None:
            return None
        noeuds = self.liste(entree, "une période")
        if noeuds is None:
            return None
        lues = [self.lire_periode(noeud, numero) for numero, noeud in enumerate(noeuds, 1)]
        self.refuser_chevauchements([dates for _, dates in lues if dates is not None])
        periodes = [periode for periode, _ in lues]
        if not periodes or None in periodes:
            return None
        return tuple(sorted(periodes, key=lambda periode: periode.debut))

    def lire_periode(self, noeud: Node, numero: int) -> tuple[Periode | None, _Dates | None]:
        entrees = self.dictionnaire(
            noeud, noeud, f"la période {numero}",
            obligatoires=("libelle", "debut", "fin", "services"),
            facultatives=("deliberation", "reduction_fratrie"),
        )
        if entrees is None:
            return None, None
        libelle = self.champ(entrees, "libelle", self.texte)
        debut = self.champ(entrees, "debut", self.date_iso)
        fin = self.champ(entrees, "fin", self.date_iso)
        nom = f"« {libelle} »" if libelle else f"n° {numero}"
        dates = None
        if debut is not None and fin is not None:
            if fin < debut:
                self.signaler(entrees["fin"].cle, f"la période {nom} finit le {fin.isoformat()}, "
                                                  f"avant son début le {debut.isoformat()}")
            else:
                dates = _Dates(nom, debut, fin, entrees["debut"].cle)
        deliberation = self.champ(entrees, "deliberation", self.texte)
        services, codes = self.lire_services(entrees.get("services"))
        reduction = self.lire_reduction_fratrie(entrees.get("reduction_fratrie"), codes)
        if None in (libelle, debut, fin, services):
            return None, dates
        return Periode(libelle, debut, fin, deliberation, services, reduction), dates

    def refuser_chevauchements(self, toutes: list[_Dates]) -> None:
        chronologie = sorted(toutes, key=lambda dates: (dates.debut, dates.fin))
        for position, plus_tard in enumerate(chronologie):
            for plus_tot in chronologie[:position]:
                if plus_tard.debut <= plus_tot.fin:
                    self.signaler(
                        plus_tard.ou,
                        f"la période {plus_tard.nom} (du {plus_tard.debut.isoformat()} au "
                        f"{plus_tard.fin.isoformat()}) chevauche la période {plus_tot.nom} "
                        f"(du {plus_tot.debut.isoformat()} au {plus_tot.fin.isoformat()})",
                    )

    def lire_services(self, entree: _Entree | None,
                      ) -> tuple[dict[str, Service] | None, tuple[str, ...] | None]:
        """The services, and their codes (None when unreadable) even if a service is invalid."""
        if entree is None:
            return None, None
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« services »", libre=True)
        if entrees is None:
            return None, None
        if not entrees:
            self.signaler(entree.cle, "« services » est vide : décrivez au moins un service")
            return None, ()
        services = {}
        for code, service in entrees.items():
            if not _CODE_SERVICE.fullmatch(code):
                self.signaler(service.cle, f"code de service « {code} » invalide : lettres "
                                           "minuscules sans accent et « _ » seulement "
                                           "(par exemple restauration_scolaire)")
            services[code] = self.lire_service(service, code)
        if None in services.values():
            return None, tuple(entrees)
        return services, tuple(entrees)

    def lire_service(self, entree: _Entree, code: str) -> Service | None:
        prefixe = f"{code} : "
        entrees = self.dictionnaire(entree.valeur, entree.cle, "le service",
                                    obligatoires=("libelle", "unite", "bareme"),
                                    facultatives=("sans_quotient", "hors_commune", "jours"),
                                    prefixe=prefixe)
        if entrees is None:
            return None
        libelle = self.champ(entrees, "libelle", self.texte, prefixe)
        unite = self.champ(entrees, "unite", self.texte, prefixe)
        bareme = self.lire_bareme(entrees.get("bareme"), prefixe)
        sans_quotient = self.champ(entrees, "sans_quotient", self.nombre, prefixe)
        hors_commune = self.lire_hors_commune(entrees.get("hors_commune"), prefixe)
        jours = JOURS_DE_CLASSE
        if "jours" in entrees:
            jours = self.lire_codes(entrees["jours"], JOURS_DE_CLASSE,
                                    lambda jour: f"« {jour} » n’est pas un jour de classe",
                                    prefixe)
        if None in (libelle, unite, bareme, jours):
            return None
        prix_sans_quotient = (bareme.prix_maximal() if sans_quotient is None
                              else sans_quotient.valeur)
        return Service(
            code=code,
            libelle=libelle,
            unite=unite,
            bareme=bareme,
            sans_quotient=prix_sans_quotient,
            hors_commune=prix_sans_quotient if hors_commune is None else hors_commune,
            sans_quotient_explicite="sans_quotient" in entrees,
            hors_commune_explicite="hors_commune" in entrees,
            jours=tuple(jour for jour in JOURS_DE_CLASSE if jour in jours),
        )

    def lire_hors_commune(self, entree: _Entree | None,
                          prefixe: str) -> Decimal | Majoration | None:
        if entree is None:
            return None
        if isinstance(entree.valeur, MappingNode):
            entrees = self.dictionnaire(entree.valeur, entree.cle, "« hors_commune »",
                                        obligatoires=("majoration_pourcent",), prefixe=prefixe)
            pourcent = self.champ(entrees or {}, "majoration_pourcent", self.nombre, prefixe)
            return None if pourcent is None else Majoration(pourcent.valeur)
        if isinstance(entree.valeur, SequenceNode):
            self.signaler(entree.cle, f"{prefixe}« hors_commune » doit être un prix ou "
                                      "{majoration_pourcent: N}, pas une liste")
            return None
        prix = self.nombre(entree.valeur, entree.cle, "hors_commune", prefixe)
        return None if prix is None else prix.valeur

    def lire_bareme(self, entree: _Entree | None, prefixe: str) -> Bareme | None:
        if entree is None:
            return None
        toutes = tuple(cle for cles in _CLES_BAREME.values() for cle in cles)
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« bareme »", obligatoires=("mode",),
                                    facultatives=toutes, prefixe=prefixe)
        if entrees is None:
            return None
        mode = self.champ(entrees, "mode", self.texte, prefixe)
        if mode is None:
            return None
        if mode not in MODES:
            self.signaler(entrees["mode"].cle, f"{prefixe}mode de barème inconnu « {mode} » : "
                                               f"tranches, taux_effort ou lineaire"
                                               f"{_suggestion(mode, MODES)}")
            return None
        for cle, inutile in entrees.items():
            if cle != "mode" and cle not in _CLES_BAREME[mode]:
                self.signaler(inutile.cle, f"{prefixe}clé « {cle} » inutile en mode {mode}")
        self.manquantes(entree.valeur, entrees, _CLES_BAREME[mode], f"le barème {mode}", prefixe)
        if mode == "tranches":
            return self.lire_tranches(entrees.get("tranches"), prefixe)
        if mode == "taux_effort":
            return self.lire_taux_effort(entrees, prefixe)
        return self.lire_points(entrees.get("points"), prefixe)

    def lire_tranches(self, entree: _Entree | None, prefixe: str) -> BaremeTranches | None:
        if entree is None:
            return None
        noeuds = self.liste(entree, "une tranche", prefixe)
        if not noeuds:
            return None
        bornes = []
        prix = []
        tranches = []
        for numero, noeud in enumerate(noeuds, 1):
            entrees = self.dictionnaire(noeud, noeud, f"la tranche {numero}",
                                        obligatoires=("prix",), facultatives=("jusqu_a",),
                                        prefixe=prefixe)
            if entrees is None:
                tranches.append(None)
                continue
            derniere = numero == len(noeuds)
            borne = self.champ(entrees, "jusqu_a", self.nombre, prefixe)
            if derniere and "jusqu_a" in entrees:
                self.signaler(entrees["jusqu_a"].cle,
                              f"{prefixe}la dernière tranche n’a pas de « jusqu_a » : elle vaut "
                              "pour tous les QF au-delà (ajoutez une tranche sans borne après)")
            elif not derniere and "jusqu_a" not in entrees:
                self.signaler(noeud, f"{prefixe}la tranche {numero} doit avoir une borne "
                                     "« jusqu_a » : seule la dernière tranche n’en a pas")
            elif not derniere:
                bornes.append((numero, borne))
            prix_tranche = self.champ(entrees, "prix", self.nombre, prefixe)
            prix.append((numero, prix_tranche))
            tranches.append(None if prix_tranche is None else Tranche(
                None if derniere or borne is None else borne.valeur,
                prix_tranche.valeur, _ligne(noeud)))
        self.croissance(bornes, True, lambda borne, _, avant, __: (
            f"{prefixe}la borne {borne.texte} doit être supérieure à la précédente ({avant.texte})"
        ))
        self.croissance(prix, False, lambda cher, numero, avant, numero_avant: (
            f"{prefixe}le prix {cher.texte} de la tranche {numero} est inférieur à celui de la "
            f"tranche {numero_avant} ({avant.texte}) : un QF plus élevé ne peut pas payer moins"
        ))
        if None in tranches:
            return None
        return BaremeTranches(tuple(tranches))

    def lire_taux_effort(self, entrees: dict[str, _Entree],
                         prefixe: str) -> BaremeTauxEffort | None:
        taux = self.champ(entrees, "taux_pourcent", self.nombre, prefixe, decimales=4)
        plancher = self.champ(entrees, "plancher", self.nombre, prefixe)
        plafond = self.champ(entrees, "plafond", self.nombre, prefixe)
        # Checked whenever both bounds are readable, so a bad rate does not hide this error.
        if plancher is not None and plafond is not None and plafond.valeur < plancher.valeur:
            self.signaler(plafond.ou, f"{prefixe}le plafond {plafond.texte} est inférieur "
                                      f"au plancher {plancher.texte}")
            return None
        if None in (taux, plancher, plafond):
            return None
        return BaremeTauxEffort(taux.valeur, plancher.valeur, plafond.valeur)

    def lire_points(self, entree: _Entree | None, prefixe: str) -> BaremeLineaire | None:
        if entree is None:
            return None
        noeuds = self.liste(entree, "2 points", prefixe, minimum=2)
        if noeuds is None:
            return None
        abscisses = []
        prix = []
        points = []
        for numero, noeud in enumerate(noeuds, 1):
            entrees = self.dictionnaire(noeud, noeud, f"le point {numero}",
                                        obligatoires=("qf", "prix"), prefixe=prefixe) or {}
            qf = self.champ(entrees, "qf", self.nombre, prefixe)
            prix_point = self.champ(entrees, "prix", self.nombre, prefixe)
            abscisses.append((numero, qf))
            prix.append((numero, prix_point))
            points.append(None if qf is None or prix_point is None
                          else Point(qf.valeur, prix_point.valeur))
        self.croissance(abscisses, True, lambda qf, _, avant, __: (
            f"{prefixe}le qf {qf.texte} doit être supérieur au précédent ({avant.texte})"
        ))
        self.croissance(prix, False, lambda cher, numero, avant, numero_avant: (
            f"{prefixe}le prix {cher.texte} du point {numero} est inférieur à celui du "
            f"point {numero_avant} ({avant.texte}) : un QF plus élevé ne peut pas payer moins"
        ))
        if len(points) < 2 or None in points:
            return None
        return BaremeLineaire(tuple(points))

    def lire_reduction_fratrie(self, entree: _Entree | None,
                               codes_periode: tuple[str, ...] | None) -> ReductionFratrie | None:
        if entree is None:
            return None
        prefixe = "reduction_fratrie : "
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« reduction_fratrie »",
                                    obligatoires=("services", "rangs"))
        if entrees is None:
            return None
        services = self.lire_codes(
            entrees.get("services"), codes_periode,
            lambda code: f"le service « {code} » n’existe pas dans cette période", prefixe,
        )
        rangs = self.lire_rangs(entrees.get("rangs"), prefixe)
        if services is None or rangs is None:
            return None
        return ReductionFratrie(services, rangs)

    def lire_rangs(self, entree: _Entree | None,
                   prefixe: str) -> tuple[tuple[int, Decimal], ...] | None:
        if entree is None:
            return None
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« rangs »", prefixe=prefixe,
                                    libre=True)
        if entrees is None:
            return None
        if not entrees:
            self.signaler(entree.cle, f"{prefixe}« rangs » est vide : par exemple {{3: 50}} pour "
                                      "−50 % à partir du 3e enfant")
            return None
        rangs: dict[int, Decimal | None] = {}
        for texte, rang_entree in entrees.items():
            rang = self.entier(rang_entree.cle, rang_entree.cle, "rang", prefixe)
            pourcent = self.nombre(rang_entree.valeur, rang_entree.cle, f"rang {texte}", prefixe)
            if pourcent is not None and not 0 < pourcent.valeur <= 100:
                self.signaler(rang_entree.cle, f"{prefixe}le pourcentage du rang {texte} doit "
                                               f"être entre 0 (exclu) et 100, pas {pourcent.texte}")
                pourcent = None
            if rang in rangs:
                self.signaler(rang_entree.cle, f"{prefixe}rang {rang} en double")
            elif rang is not None:
                rangs[rang] = None if pourcent is None else pourcent.valeur
        if None in rangs.values():
            return None
        return tuple(sorted(rangs.items()))
