"""The YAML reader the portal's configuration files share (tarifs.yaml, calendrier.yaml).

It composes the YAML node tree and reads it by hand, never building Python objects with a YAML
constructor: the exact text of every scalar is kept (a number becomes a Decimal), YAML 1.2
applies (`no` is text, `0755` is not octal), tags cannot run anything, and each error keeps its
position. With `edition` (which edits the grid's node tree for the admin's form, never building
objects either), the only module of the project that imports the YAML library (securite.md T1);
each file's schema is a subclass of `Lecteur`.
"""

import difflib
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from typing import TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode
from ruamel.yaml.nodes import Node
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.nodes import SequenceNode
from ruamel.yaml.reader import ReaderError

from portail_famille.domaine.erreurs import ErreurDeFichier
from portail_famille.domaine.erreurs import FichierInvalide

# The node types a schema inspects, so that only this module names the YAML library.
__all__ = ["Entree", "Lecteur", "MappingNode", "Node", "Nombre", "ScalarNode", "SequenceNode",
           "analyser", "decrire", "ligne", "lire_texte", "suggestion"]

T = TypeVar("T")
L = TypeVar("L", bound="Lecteur")

# Far deeper than the schema: only a pathological text reaches it, before Python's own limit.
_PROFONDEUR_MAXIMALE = 50

NULS = ("", "~", "null", "Null", "NULL")
_NOMBRE = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_ENTIER = re.compile(r"[0-9]+")
# 15 digits before the point keep every product and quotient exact in CONTEXTE_EXACT.
_CHIFFRES_ENTIERS_MAXIMUM = 15
_NOMBRE_A_VIRGULE = re.compile(r"-?[0-9]+,[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
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



def analyser(texte: str, fichier: str, lecteur: L, lire: Callable[[L, Node | None], T],
             invalide: type[FichierInvalide]) -> T:
    """What `lire` reads from the text's root with `lecteur`; raise `invalide` listing every
    error at once (a syntax error stops at the first)."""
    try:
        racine = _composer(texte)
    except YAMLError as exc:
        raise invalide([_erreur_de_syntaxe(exc, texte)], fichier) from exc
    resultat = lire(lecteur, racine)
    if lecteur.erreurs:
        raise invalide(lecteur.erreurs, fichier)
    return resultat


def lire_texte(chemin: str | Path, illisible: type[FichierInvalide]) -> str:
    """The text of a UTF-8 file; raise `illisible` at the first invalid byte, or OSError."""
    octets = Path(chemin).read_bytes()
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError as exc:
        debut_ligne = octets.rfind(b"\n", 0, exc.start) + 1
        erreur = ErreurDeFichier(
            octets.count(b"\n", 0, exc.start) + 1,
            exc.start - debut_ligne + 1,
            f"octet 0x{octets[exc.start]:02X} invalide : enregistrez le fichier en UTF-8",
        )
        raise illisible([erreur], str(chemin)) from exc

def _composer(texte: str) -> Node | None:
    yaml = YAML(typ="safe", pure=True)
    yaml.max_depth = _PROFONDEUR_MAXIMALE
    # Anchors are refused with a clear message; the composer's own warning would only be noise.
    yaml.composer.warn_double_anchors = False
    return yaml.compose(texte)


def _erreur_de_syntaxe(exc: YAMLError, texte: str) -> ErreurDeFichier:
    if isinstance(exc, ReaderError):
        debut_ligne = texte.rfind("\n", 0, exc.position) + 1
        return ErreurDeFichier(
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
            return ErreurDeFichier(ligne, colonne, f"YAML invalide : {francais}")
    return ErreurDeFichier(ligne, colonne, f"YAML invalide : {probleme}")


def decrire(noeud: Node) -> str:
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


def suggestion(mot: str, possibles: tuple[str, ...]) -> str:
    proches = difflib.get_close_matches(mot, possibles, n=1)
    if proches:
        return f" (vouliez-vous dire « {proches[0]} » ?)"
    return f" (possibles : {', '.join(possibles)})" if possibles else ""


def ligne(noeud: Node) -> int:
    return noeud.start_mark.line + 1


class Entree(NamedTuple):
    cle: ScalarNode
    valeur: Node


class Nombre(NamedTuple):
    """A number read from the file: its value, its text as written, and where to point at it."""

    valeur: Decimal
    texte: str
    ou: Node

class Lecteur:
    """Walks the node tree once, collecting every error instead of stopping at the first."""

    def __init__(self):
        self.erreurs: list[ErreurDeFichier] = []
        self._refuses: set[int] = set()

    def signaler(self, ou: Node, message: str) -> None:
        self.erreurs.append(ErreurDeFichier(ou.start_mark.line + 1, ou.start_mark.column + 1,
                                            message))

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
                     libre: bool = False) -> dict[str, Entree] | None:
        """The entries of a mapping; unknown keys (unless `libre`) and duplicates are errors."""
        if self.refuse(noeud):
            return None
        if not isinstance(noeud, MappingNode):
            self.signaler(ou, f"{prefixe}{lieu} doit être un dictionnaire (clé: valeur), "
                              f"pas {decrire(noeud)}")
            return None
        connues = obligatoires + facultatives
        entrees: dict[str, Entree] = {}
        for cle, valeur in noeud.value:
            if self.refuse(cle):
                continue
            if not isinstance(cle, ScalarNode):
                self.signaler(cle, f"{prefixe}une clé doit être un simple mot, pas {decrire(cle)}")
            elif cle.value in entrees:
                self.signaler(cle, f"{prefixe}clé « {cle.value} » en double "
                                   f"(déjà ligne {ligne(entrees[cle.value].cle)})")
            elif not libre and cle.value not in connues:
                self.signaler(cle, f"{prefixe}clé inconnue « {cle.value} »"
                                   f"{suggestion(cle.value, connues)}")
            else:
                entrees[cle.value] = Entree(cle, valeur)
        self.manquantes(noeud, entrees, obligatoires, lieu, prefixe)
        return entrees

    def manquantes(self, noeud: MappingNode, entrees: dict[str, Entree],
                   obligatoires: tuple[str, ...], lieu: str, prefixe: str) -> None:
        for cle in obligatoires:
            if cle not in entrees:
                self.signaler(noeud, f"{prefixe}clé « {cle} » manquante dans {lieu}")

    def liste(self, entree: Entree, element: str, prefixe: str = "",
              minimum: int = 1) -> list[Node] | None:
        """The items of a sequence, reporting fewer than `minimum` of them."""
        if self.refuse(entree.valeur):
            return None
        if not isinstance(entree.valeur, SequenceNode):
            self.signaler(entree.cle, f"{prefixe}« {entree.cle.value} » doit être une liste, "
                                      f"pas {decrire(entree.valeur)}")
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
            self.signaler(ou, f"{prefixe}« {nom} » doit être {attendu}, pas {decrire(noeud)}")
            return None
        return noeud

    def texte(self, noeud: Node, ou: Node, nom: str, prefixe: str = "") -> str | None:
        scalaire = self.scalaire(noeud, ou, nom, "un texte", prefixe)
        return None if scalaire is None else scalaire.value.strip()

    def nombre(self, noeud: Node, ou: Node, nom: str, prefixe: str = "",
               decimales: int = 2) -> Nombre | None:
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
                conseil = f"un nombre comme 12 ou 0.80 est attendu, pas {decrire(scalaire)}"
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
            return Nombre(Decimal(scalaire.value), ecrit, ou)
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
                          f"écrit sans guillemets, pas {decrire(scalaire)}")
        return None

    def date_iso(self, noeud: Node, ou: Node, nom: str) -> date | None:
        scalaire = self.scalaire(noeud, ou, nom, "une date AAAA-MM-JJ", "")
        if scalaire is None:
            return None
        if not _DATE.fullmatch(scalaire.value):
            self.signaler(ou, f"« {nom} » doit être une date AAAA-MM-JJ, "
                              f"pas {decrire(scalaire)}")
            return None
        try:
            return date.fromisoformat(scalaire.value)
        except ValueError:
            self.signaler(ou, f"« {nom} » : la date {scalaire.value} n’existe pas")
            return None

    def champ(self, entrees: dict[str, Entree], cle: str, lire: Callable, *options, **noms):
        """Read entry `cle` with `lire` (None when absent: a missing key is already reported)."""
        entree = entrees.get(cle)
        if entree is None:
            return None
        return lire(entree.valeur, entree.cle, cle, *options, **noms)

    def croissance(self, valeurs: list[tuple[int, Nombre | None]], strict: bool,
                   message: Callable[[Nombre, int, Nombre, int], str]) -> None:
        """Report each value lower than (or, if `strict`, equal to) the previous valid one."""
        precedent: tuple[int, Nombre] | None = None
        for numero, nombre in valeurs:
            if nombre is None:
                continue
            if precedent is not None:
                numero_avant, avant = precedent
                if nombre.valeur < avant.valeur or (strict and nombre.valeur == avant.valeur):
                    self.signaler(nombre.ou, message(nombre, numero, avant, numero_avant))
            precedent = (numero, nombre)

    def lire_codes(self, entree: Entree | None, possibles: tuple[str, ...] | None,
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
                self.signaler(noeud, f"{prefixe}{inconnu(code)}{suggestion(code, possibles)}")
                valide = False
            elif code in codes:
                self.signaler(noeud, f"{prefixe}« {entree.cle.value} » : « {code} » cité deux "
                                     f"fois (déjà ligne {ligne(codes[code])})")
            else:
                codes[code] = noeud
        return tuple(codes) if valide else None
