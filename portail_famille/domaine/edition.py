"""Editing a grid's YAML text without YAML: the admin's form reads and writes the text's nodes.

The text is composed into ruamel's node tree in round-trip mode (no Python object is ever
built, securite.md T1), the form's values are written into its scalars, items are added,
moved or removed, and the tree is serialised back: comments, quotes and flow styles that the
edit does not touch stay as written. The result is a text like any other, validated by
`chargement` (the same loader as the text view): the form cannot produce a grid the text view
could not.

A place in the tree is a path: mapping keys (str), sequence indexes (int), and (n, 0) / (n, 1)
for the key / value of a mapping's n-th entry (the sibling reduction's ranks are keys).
"""

import copy
import io
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode
from ruamel.yaml.nodes import Node
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.nodes import SequenceNode

from portail_famille.domaine.lecture_yaml import NULS

Chemin = tuple

_NOMBRE_FRANCAIS = re.compile(r"-?[0-9]+,[0-9]+")
_ANNEE = re.compile(r"(?<![0-9])(19|20)([0-9]{2})(?![0-9])")
_MODES_LISTES = {"tranches": "tranches", "lineaire": "points"}
NOMS_DES_CHAMPS = {
    "libelle": "Libellé",
    "debut": "Début (AAAA-MM-JJ)",
    "fin": "Fin (AAAA-MM-JJ)",
    "deliberation": "Délibération du conseil municipal",
    "unite": "Unité (repas, soir…)",
    "jusqu_a": "Jusqu’à un QF de (inclus)",
    "prix": "Prix (€)",
    "qf": "Quotient familial (€)",
    "taux_pourcent": "Taux d’effort (% du QF)",
    "plancher": "Plancher (€)",
    "plafond": "Plafond (€)",
    "sans_quotient": "Prix sans quotient valide (€)",
    "hors_commune": "Valeur hors commune (€ ou %)",
    "rang": "À partir du rang",
    "pourcent": "Réduction (%)",
}


class TexteIllisible(Exception):
    """The text is not YAML, or not shaped like a grid: only the text view can edit it."""


_NOMBRES = frozenset(("jusqu_a", "prix", "qf", "taux_pourcent", "plancher", "plafond",
                      "sans_quotient", "hors_commune", "majoration_pourcent", "rangs"))
# Left empty, these keys are removed: the grid's default applies (tarifs.md §2).
_OPTIONNELS = frozenset(("deliberation", "sans_quotient"))


@dataclass(frozen=True)
class Champ:
    """One value of the form: where it is in the text, its label and its current text;
    `optionnel`: left empty, the key is removed rather than written empty."""

    chemin: Chemin
    libelle: str
    valeur: str
    nombre: bool = False
    optionnel: bool = False

    @property
    def identifiant(self) -> str:
        return identifiant(self.chemin)


def identifiant(chemin: Chemin) -> str:
    """A path as an HTML id and form field name: `periodes-0-services-cantine-…`."""
    return "-".join(f"{pas[0]}_{pas[1]}" if isinstance(pas, tuple) else str(pas)
                    for pas in chemin)


@dataclass(frozen=True)
class Ligne:
    """A bracket, a curve point or a sibling rank: its fields and its place in its list."""

    numero: int
    champs: tuple[Champ, ...]
    liste: Chemin
    indice: int
    derniere: bool


@dataclass
class ServiceEdite:
    code: str
    chemin: Chemin
    libelle: str
    mode: str
    champs: list[Champ]  # libelle, unite, and the effort rate's three values
    lignes: list[Ligne]  # brackets or points
    liste: Chemin | None
    sans_quotient: Champ
    hors_commune_regle: str  # "" (default), "prix" or "majoration"
    hors_commune: Champ


@dataclass
class PeriodeEditee:
    numero: int
    chemin: Chemin
    libelle: str
    champs: list[Champ]
    services: list[ServiceEdite]
    fratrie_services: list[str]
    rangs: list[Ligne] = field(default_factory=list)


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    # The house style of tarifs.yaml: serialising an untouched text gives it back unchanged.
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _vide(noeud: Node | None) -> bool:
    return noeud is None or (isinstance(noeud, ScalarNode) and noeud.style is None
                             and noeud.value in NULS)


def _sans_commentaires(noeud: Node) -> Node:
    noeud.comment = None
    if isinstance(noeud, MappingNode):
        for cle, valeur in noeud.value:
            _sans_commentaires(cle)
            _sans_commentaires(valeur)
    elif isinstance(noeud, SequenceNode):
        for element in noeud.value:
            _sans_commentaires(element)
    return noeud


class Brouillon:
    """A grid text being edited, as its node tree."""

    def __init__(self, texte: str):
        self._yaml = _yaml()
        try:
            self.racine = self._yaml.compose(texte)
        except YAMLError as exc:
            raise TexteIllisible(str(exc)) from exc
        if not isinstance(self.racine, MappingNode):
            raise TexteIllisible("le texte n’est pas un dictionnaire")

    def texte(self) -> str:
        """The edited text."""
        sortie = io.StringIO()
        # A serializer serves once, and its emitter consumes the comments it writes.
        _yaml().serialize(copy.deepcopy(self.racine), sortie)
        return sortie.getvalue()

    # -- reading ------------------------------------------------------------------------------

    def noeud(self, chemin: Chemin) -> Node | None:
        """The node at `chemin`, or None when a step is missing or of another shape."""
        noeud = self.racine
        for pas in chemin:
            if isinstance(pas, tuple):
                if not isinstance(noeud, MappingNode) or pas[0] >= len(noeud.value):
                    return None
                noeud = noeud.value[pas[0]][pas[1]]
            elif isinstance(pas, int):
                if not isinstance(noeud, SequenceNode) or pas >= len(noeud.value):
                    return None
                noeud = noeud.value[pas]
            else:
                noeud = _entree(noeud, pas)
                if noeud is None:
                    return None
                noeud = noeud[1]
        return noeud

    def valeur(self, chemin: Chemin) -> str:
        """The text of the scalar at `chemin`; "" when absent, empty or not a scalar."""
        noeud = self.noeud(chemin)
        if not isinstance(noeud, ScalarNode) or _vide(noeud):
            return ""
        return noeud.value

    def cle(self, chemin: Chemin) -> Node | None:
        """The key node of the entry at `chemin` (a mapping key or an (n, 0) step), where the
        loader reports the errors of its value; the node itself for a sequence item."""
        if not chemin:
            return self.racine
        parent = self.noeud(chemin[:-1])
        dernier = chemin[-1]
        if isinstance(dernier, tuple):
            return self.noeud((*chemin[:-1], (dernier[0], 0)))
        if isinstance(dernier, int):
            return self.noeud(chemin)
        entree = _entree(parent, dernier)
        return None if entree is None else entree[0]

    # -- writing ------------------------------------------------------------------------------

    def _scalaire(self, texte: str) -> ScalarNode:
        etiquette = self._yaml.resolver.resolve(ScalarNode, texte, (True, False))
        return ScalarNode(etiquette, texte)

    def fixer(self, chemin: Chemin, texte: str, nombre: bool = False) -> None:
        """Write `texte` at `chemin` (creating the last key); a number typed the French way
        (`1,50`) is written with a point. An unchanged value keeps its node (quotes, style)."""
        texte = " ".join(texte.split())
        if nombre and _NOMBRE_FRANCAIS.fullmatch(texte):
            texte = texte.replace(",", ".")
        if self.valeur(chemin) == texte and self.noeud(chemin) is not None:
            return
        parent = self.noeud(chemin[:-1])
        dernier = chemin[-1]
        nouveau = self._scalaire(texte)
        ancien = self.noeud(chemin)
        if ancien is not None:
            nouveau.comment = ancien.comment  # the comment at the end of its line stays
        if isinstance(dernier, tuple):
            cle, valeur = parent.value[dernier[0]]
            parent.value[dernier[0]] = (nouveau, valeur) if dernier[1] == 0 else (cle, nouveau)
        elif isinstance(dernier, int):
            parent.value[dernier] = nouveau
        else:
            _poser(parent, dernier, nouveau, self._scalaire(dernier))

    def retirer(self, chemin: Chemin) -> None:
        """Remove the entry at `chemin` (a mapping key), if present."""
        parent = self.noeud(chemin[:-1])
        if isinstance(parent, MappingNode):
            parent.value[:] = [(c, v) for c, v in parent.value
                               if not (isinstance(c, ScalarNode) and c.value == chemin[-1])]

    def fixer_hors_commune(self, service: Chemin, regle: str, texte: str) -> None:
        """`hors_commune` as a price, as {majoration_pourcent: N}, or absent (the default)."""
        chemin = (*service, "hors_commune")
        if regle == "prix":
            if isinstance(self.noeud(chemin), MappingNode):
                self.retirer(chemin)
            self.fixer(chemin, texte, nombre=True)
        elif regle == "majoration":
            if not isinstance(self.noeud(chemin), MappingNode):
                self.retirer(chemin)
                _poser(self.noeud(service), "hors_commune",
                       MappingNode("tag:yaml.org,2002:map", [], flow_style=True),
                       self._scalaire("hors_commune"))
            self.fixer((*chemin, "majoration_pourcent"), texte, nombre=True)
        else:
            self.retirer(chemin)

    def fixer_optionnel(self, chemin: Chemin, texte: str, nombre: bool = False) -> None:
        """Write `texte`, or remove the key when it is left empty (the grid's default)."""
        if texte.strip():
            self.fixer(chemin, texte, nombre)
        else:
            self.retirer(chemin)

    def fixer_codes(self, chemin: Chemin, codes: list[str]) -> None:
        """A flow list of codes (the services a sibling reduction applies to)."""
        if [self.valeur((*chemin, i)) for i in range(len(codes))] == codes and len(
                getattr(self.noeud(chemin), "value", ())) == len(codes):
            return
        self.retirer(chemin)
        _poser(self.noeud(chemin[:-1]), chemin[-1],
               SequenceNode("tag:yaml.org,2002:seq", [self._scalaire(c) for c in codes],
                            flow_style=True), self._scalaire(chemin[-1]))

    def ajouter(self, liste: Chemin) -> None:
        """A new blank item shaped like the first one: before the last bracket (open-ended),
        after the last point or rank."""
        noeud = self.noeud(liste)
        if isinstance(noeud, SequenceNode) and noeud.value:
            modele = _vierge(copy.deepcopy(noeud.value[0]), self._scalaire(""))
            position = len(noeud.value) - 1 if liste[-1] == "tranches" else len(noeud.value)
            noeud.value.insert(position, _sans_commentaires(modele))
        elif isinstance(noeud, MappingNode):
            rangs = [int(c.value) for c, _ in noeud.value
                     if isinstance(c, ScalarNode) and c.value.isdigit()]
            noeud.value.append((self._scalaire(str(max(rangs, default=1) + 1)),
                                self._scalaire("")))

    def deplacer(self, liste: Chemin, indice: int, vers: int) -> None:
        """Move item `indice` one place up (vers = -1) or down (+1)."""
        elements = self.noeud(liste).value
        cible = indice + vers
        if 0 <= indice < len(elements) and 0 <= cible < len(elements):
            elements[indice], elements[cible] = elements[cible], elements[indice]
            if liste[-1] == "tranches":
                self._borner(liste)

    def supprimer(self, liste: Chemin, indice: int) -> None:
        elements = self.noeud(liste).value
        if 0 <= indice < len(elements):
            del elements[indice]
            if liste[-1] == "tranches":
                self._borner(liste)

    def _borner(self, liste: Chemin) -> None:
        """Every bracket but the last needs a bound: give one that lacks it an empty bound,
        for the admin to fill in (an existing bound is never dropped)."""
        elements = self.noeud(liste).value
        for element in elements[:-1]:
            if isinstance(element, MappingNode) and _entree(element, "jusqu_a") is None:
                element.value.insert(0, (self._scalaire("jusqu_a"), self._scalaire("")))

    def ajouter_annee_suivante(self) -> None:
        """Copy the latest period as next year's: dates and years in its label one year
        later, no council decision yet (to fill in), comments left behind."""
        periodes = self.noeud(("periodes",))
        if not isinstance(periodes, SequenceNode) or not periodes.value:
            return
        derniere = max(range(len(periodes.value)),
                       key=lambda i: self.valeur(("periodes", i, "fin")))
        copie = _sans_commentaires(copy.deepcopy(periodes.value[derniere]))
        periodes.value.append(copie)
        chemin = ("periodes", len(periodes.value) - 1)
        self.fixer((*chemin, "libelle"), _ANNEE.sub(
            lambda m: str(int(m[0]) + 1), self.valeur((*chemin, "libelle"))))
        for cle in ("debut", "fin"):
            self.fixer((*chemin, cle), _un_an_plus_tard(self.valeur((*chemin, cle))))
        self.retirer((*chemin, "deliberation"))

    # -- the form's plan ----------------------------------------------------------------------

    def plan(self) -> list[PeriodeEditee]:
        """What the form shows: every period and service with their fields; raise
        TexteIllisible when the text is not shaped like a grid."""
        periodes = self.noeud(("periodes",))
        if not isinstance(periodes, SequenceNode):
            raise TexteIllisible("« periodes » n’est pas une liste")
        return [self._periode(("periodes", i), i + 1) for i in range(len(periodes.value))]

    def _champ(self, chemin: Chemin, libelle: str | None = None,
               optionnel: bool = False) -> Champ:
        nom = _nom(chemin)
        return Champ(chemin, libelle or NOMS_DES_CHAMPS[nom], self.valeur(chemin),
                     nombre=nom in _NOMBRES, optionnel=optionnel or nom in _OPTIONNELS)

    def saisir(self, champ: Champ, texte: str) -> None:
        """Write what the admin typed in `champ`."""
        if champ.optionnel:
            self.fixer_optionnel(champ.chemin, texte, champ.nombre)
        else:
            self.fixer(champ.chemin, texte, champ.nombre)

    def fixer_fratrie(self, periode: Chemin, codes: list[str]) -> None:
        """The services a sibling reduction applies to; none and no rank: no reduction."""
        chemin = (*periode, "reduction_fratrie")
        rangs = self.noeud((*chemin, "rangs"))
        if not codes and not getattr(rangs, "value", None):
            self.retirer(chemin)
            return
        if not isinstance(self.noeud(chemin), MappingNode):
            self.retirer(chemin)
            _poser(self.noeud(periode), "reduction_fratrie",
                   MappingNode("tag:yaml.org,2002:map", []), self._scalaire("reduction_fratrie"))
        self.fixer_codes((*chemin, "services"), codes)
        if rangs is None:
            _poser(self.noeud(chemin), "rangs",
                   MappingNode("tag:yaml.org,2002:map", [], flow_style=True),
                   self._scalaire("rangs"))

    def _periode(self, chemin: Chemin, numero: int) -> PeriodeEditee:
        services_noeud = self.noeud((*chemin, "services"))
        if not isinstance(self.noeud(chemin), MappingNode) or not isinstance(
                services_noeud, MappingNode):
            raise TexteIllisible(f"la période {numero} n’a pas la forme attendue")
        services = [self._service((*chemin, "services", cle.value), cle.value)
                    for cle, _ in services_noeud.value if isinstance(cle, ScalarNode)]
        fratrie = (*chemin, "reduction_fratrie")
        codes = self.noeud((*fratrie, "services"))
        rangs = self.noeud((*fratrie, "rangs"))
        lignes_rangs = []
        if isinstance(rangs, MappingNode):
            liste = (*fratrie, "rangs")
            lignes_rangs = [
                Ligne(i + 1, (self._champ((*liste, (i, 0)), NOMS_DES_CHAMPS["rang"]),
                              self._champ((*liste, (i, 1)), NOMS_DES_CHAMPS["pourcent"])),
                      liste, i, i == len(rangs.value) - 1)
                for i in range(len(rangs.value))]
        return PeriodeEditee(
            numero, chemin, self.valeur((*chemin, "libelle")) or f"Période {numero}",
            [self._champ((*chemin, cle)) for cle in ("libelle", "debut", "fin", "deliberation")],
            services,
            [self.valeur((*(fratrie), "services", i)) for i in range(len(codes.value))]
            if isinstance(codes, SequenceNode) else [],
            lignes_rangs)

    def _service(self, chemin: Chemin, code: str) -> ServiceEdite:
        if not isinstance(self.noeud(chemin), MappingNode):
            raise TexteIllisible(f"le service {code} n’a pas la forme attendue")
        bareme = (*chemin, "bareme")
        mode = self.valeur((*bareme, "mode"))
        champs = [self._champ((*chemin, "libelle")), self._champ((*chemin, "unite"))]
        if mode == "taux_effort":
            champs += [self._champ((*bareme, cle)) for cle in ("taux_pourcent", "plancher",
                                                               "plafond")]
        lignes = []
        liste = None
        if mode in _MODES_LISTES:
            liste = (*bareme, _MODES_LISTES[mode])
            elements = self.noeud(liste)
            if not isinstance(elements, SequenceNode) or not all(
                    isinstance(e, MappingNode) for e in elements.value):
                raise TexteIllisible(f"le barème de {code} n’a pas la forme attendue")
            cles = ("jusqu_a", "prix") if mode == "tranches" else ("qf", "prix")
            for i, element in enumerate(elements.value):
                derniere = i == len(elements.value) - 1
                presentes = [c for c in cles
                             if not (c == "jusqu_a" and derniere
                                     and _entree(element, c) is None)]
                lignes.append(Ligne(i + 1, tuple(self._champ((*liste, i, c), optionnel=(
                                                                 derniere and c == "jusqu_a"))
                                                 for c in presentes),
                                    liste, i, derniere))
        hors_commune = self.noeud((*chemin, "hors_commune"))
        if isinstance(hors_commune, MappingNode):
            regle, valeur = "majoration", self._champ(
                (*chemin, "hors_commune", "majoration_pourcent"), NOMS_DES_CHAMPS["hors_commune"])
        else:
            regle = "" if hors_commune is None else "prix"
            valeur = self._champ((*chemin, "hors_commune"))
        return ServiceEdite(code, chemin, self.valeur((*chemin, "libelle")) or code, mode,
                            champs, lignes, liste, self._champ((*chemin, "sans_quotient")),
                            regle, valeur)


def _nom(chemin: Chemin) -> str:
    return next(pas for pas in reversed(chemin) if isinstance(pas, str))


def _entree(noeud: Node | None, cle: str) -> tuple[Node, Node] | None:
    if not isinstance(noeud, MappingNode):
        return None
    for entree in noeud.value:
        if isinstance(entree[0], ScalarNode) and entree[0].value == cle:
            return entree
    return None


def _poser(parent: MappingNode, cle: str, valeur: Node, noeud_cle: ScalarNode) -> None:
    for i, (existante, _) in enumerate(parent.value):
        if isinstance(existante, ScalarNode) and existante.value == cle:
            parent.value[i] = (existante, valeur)
            return
    parent.value.append((noeud_cle, valeur))


def _vierge(noeud: Node, vide: ScalarNode) -> Node:
    """The same shape with every value emptied."""
    if isinstance(noeud, MappingNode):
        noeud.value = [(cle, _vierge(valeur, vide)) for cle, valeur in noeud.value]
        return noeud
    return copy.copy(vide)


def _un_an_plus_tard(texte: str) -> str:
    try:
        jour = date.fromisoformat(texte)
    except ValueError:
        return texte
    try:
        return jour.replace(year=jour.year + 1).isoformat()
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + 1, day=28).isoformat()


def positions(texte: str, chemins: list[Chemin]) -> dict[tuple[int, int], Chemin]:
    """Where each path's key starts in `texte` (line, column from 1): the loader's errors
    point there, so the form can show each one next to its field."""
    try:
        brouillon = Brouillon(texte)
    except TexteIllisible:
        return {}
    trouvees = {}
    for chemin in chemins:
        cle = brouillon.cle(chemin)
        if cle is not None:
            trouvees[(cle.start_mark.line + 1, cle.start_mark.column + 1)] = chemin
    return trouvees


def champs_du_plan(plan: list[PeriodeEditee]) -> list[Champ]:
    """Every field of the form, in the page's order."""
    champs = []
    for periode in plan:
        champs += periode.champs
        for service in periode.services:
            champs += [*service.champs, *(c for ligne in service.lignes for c in ligne.champs),
                       service.sans_quotient, service.hors_commune]
        champs += [c for ligne in periode.rangs for c in ligne.champs]
    return champs


def listes_du_plan(plan: list[PeriodeEditee]) -> dict[str, Chemin]:
    """The lists the form may add to, reorder or shorten, by identifier."""
    listes = {}
    for periode in plan:
        listes[identifiant((*periode.chemin, "reduction_fratrie", "rangs"))] = (
            *periode.chemin, "reduction_fratrie", "rangs")
        for service in periode.services:
            if service.liste is not None:
                listes[identifiant(service.liste)] = service.liste
    return listes
