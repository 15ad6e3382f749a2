"""The tariff grid of tarifs.md: its model, read by `chargement` from the YAML text, and its errors.

Every value is exact: amounts and QF bounds are Decimals, the dataclasses are frozen, so a grid
parsed once can be shared by every request of a process.
"""

from bisect import bisect_left
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from decimal import localcontext
from functools import cached_property
from typing import ClassVar
from typing import NamedTuple

from portail_famille.domaine.erreurs import ErreurDeFichier
from portail_famille.domaine.erreurs import FichierInvalide
from portail_famille.domaine.montants import CONTEXTE_EXACT
from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.montants import formater_montant
from portail_famille.domaine.montants import formater_tel_quel

MODES = ("tranches", "taux_effort", "lineaire")
SOURCES = ("caf", "dgfip")
# The days a service may run: school days. A service that names none runs all of them.
JOURS_DE_CLASSE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")

# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


def _sans_zeros_inutiles(nombre: Decimal) -> str:
    """`3.6000` → `3.60`, `5.005000` → `5.005`: an exact intermediate result, readable."""
    if nombre == arrondir(nombre):
        return formater_montant(nombre)
    return formater_tel_quel(nombre.normalize(CONTEXTE_EXACT))


class PrixDeBase(NamedTuple):
    """A barème's price (to the cent) for one QF, why in one line, and the bracket number."""

    prix: Decimal
    explication: str
    tranche: int | None = None


@dataclass(frozen=True)
class Tranche:
    jusqu_a: Decimal | None
    prix: Decimal
    ligne: int


@dataclass(frozen=True)
class BaremeTranches:
    tranches: tuple[Tranche, ...]

    mode: ClassVar[str] = "tranches"
    nom: ClassVar[str] = "barème par tranches"

    @cached_property
    def _bornes(self) -> tuple[Decimal, ...]:
        return tuple(tranche.jusqu_a for tranche in self.tranches[:-1])

    def prix_maximal(self) -> Decimal:
        """The price of the last bracket, the highest since prices never decrease."""
        return self.tranches[-1].prix

    def prix_de_base(self, qf: Decimal, expliquer: bool = True) -> PrixDeBase:
        """The price of the bracket holding `qf` (a QF to the cent); `jusqu_a` is inclusive."""
        indice = bisect_left(self._bornes, qf)
        tranche = self.tranches[indice]
        if not expliquer:
            return PrixDeBase(arrondir(tranche.prix), "", indice + 1)
        if tranche.jusqu_a is not None:
            comparaison = f" ≤ {formater_tel_quel(tranche.jusqu_a)}"
        elif indice:
            comparaison = f" > {formater_tel_quel(self._bornes[-1])}"
        else:
            comparaison = ""
        numero = indice + 1
        explication = f"QF {formater_montant(qf)}{comparaison} : tranche {numero}"
        return PrixDeBase(arrondir(tranche.prix), explication, numero)

    def cassures(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """Each bound twice: the price of its bracket, then the price of the next one."""
        return tuple(
            point
            for borne, tranche, suivante in zip(
                self._bornes, self.tranches[:-1], self.tranches[1:], strict=True)
            for point in ((borne, tranche.prix), (borne, suivante.prix))
        )


@dataclass(frozen=True)
class BaremeTauxEffort:
    taux_pourcent: Decimal
    plancher: Decimal
    plafond: Decimal

    mode: ClassVar[str] = "taux_effort"
    nom: ClassVar[str] = "taux d’effort"

    def prix_maximal(self) -> Decimal:
        """The ceiling."""
        return self.plafond

    def prix_de_base(self, qf: Decimal, expliquer: bool = True) -> PrixDeBase:
        """QF × rate / 100, clamped to [plancher, plafond], then rounded half-up to the cent."""
        with localcontext(CONTEXTE_EXACT):
            brut = qf * self.taux_pourcent / 100
        prix = arrondir(min(max(brut, self.plancher), self.plafond))
        if not expliquer:
            return PrixDeBase(prix, "")
        calcul = (f"QF {formater_montant(qf)} × {formater_tel_quel(self.taux_pourcent)} % "
                  f"= {_sans_zeros_inutiles(brut)}")
        if brut < self.plancher:
            return PrixDeBase(prix, f"{calcul}, relevé au plancher {formater_montant(prix)}")
        if brut > self.plafond:
            return PrixDeBase(prix, f"{calcul}, ramené au plafond {formater_montant(prix)}")
        if brut != prix:
            return PrixDeBase(prix, f"{calcul}, arrondi à {formater_montant(prix)}")
        return PrixDeBase(prix, calcul)

    def cassures(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """The two knees: where QF × rate reaches the floor, then the ceiling (QF to the cent)."""
        if not self.taux_pourcent:
            return ()
        with localcontext(CONTEXTE_EXACT):
            return tuple(
                (arrondir(prix * 100 / self.taux_pourcent), prix)
                for prix in (self.plancher, self.plafond)
            )


@dataclass(frozen=True)
class Point:
    qf: Decimal
    prix: Decimal


@dataclass(frozen=True)
class BaremeLineaire:
    points: tuple[Point, ...]

    mode: ClassVar[str] = "lineaire"
    nom: ClassVar[str] = "tarif linéaire"

    @cached_property
    def _abscisses(self) -> tuple[Decimal, ...]:
        return tuple(point.qf for point in self.points)

    def prix_maximal(self) -> Decimal:
        """The price of the last point."""
        return self.points[-1].prix

    def prix_de_base(self, qf: Decimal, expliquer: bool = True) -> PrixDeBase:
        """First or last price outside the points; inside, exact interpolation rounded half-up."""
        premier = self.points[0]
        dernier = self.points[-1]
        if qf <= premier.qf or qf >= dernier.qf:
            point, signe, quel = ((premier, "≤", "premier") if qf <= premier.qf
                                  else (dernier, "≥", "dernier"))
            prix = arrondir(point.prix)
            if not expliquer:
                return PrixDeBase(prix, "")
            return PrixDeBase(prix, f"QF {formater_montant(qf)} {signe} "
                                    f"{formater_tel_quel(point.qf)} : prix du {quel} point "
                                    f"{formater_montant(prix)}")
        indice = bisect_right(self._abscisses, qf)
        gauche = self.points[indice - 1]
        droite = self.points[indice]
        with localcontext(CONTEXTE_EXACT):
            brut = gauche.prix + (droite.prix - gauche.prix) * (qf - gauche.qf) / (
                droite.qf - gauche.qf)
        prix = arrondir(brut)
        if not expliquer:
            return PrixDeBase(prix, "")
        explication = (f"QF {formater_montant(qf)} entre {formater_tel_quel(gauche.qf)} "
                       f"({formater_montant(gauche.prix)}) et {formater_tel_quel(droite.qf)} "
                       f"({formater_montant(droite.prix)}) : {formater_montant(prix)}")
        return PrixDeBase(prix, explication)

    def cassures(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """The points themselves."""
        return tuple((point.qf, point.prix) for point in self.points)


Bareme = BaremeTranches | BaremeTauxEffort | BaremeLineaire


@dataclass(frozen=True)
class Majoration:
    pourcent: Decimal


@dataclass(frozen=True)
class Service:
    code: str
    libelle: str
    unite: str
    bareme: Bareme
    sans_quotient: Decimal
    hors_commune: Decimal | Majoration
    sans_quotient_explicite: bool
    hors_commune_explicite: bool
    jours: tuple[str, ...] = JOURS_DE_CLASSE  # in the week's order


@dataclass(frozen=True)
class ReductionFratrie:
    services: tuple[str, ...]
    rangs: tuple[tuple[int, Decimal], ...]

    def pourcentage(self, rang: int) -> Decimal:
        """The percentage of the largest rank ≤ `rang`; 0 below the smallest one."""
        retenu = Decimal(0)
        for depuis, pourcent in self.rangs:
            if depuis <= rang:
                retenu = pourcent
        return retenu


@dataclass(frozen=True)
class Periode:
    libelle: str
    debut: date
    fin: date
    deliberation: str | None
    services: dict[str, Service]
    reduction_fratrie: ReductionFratrie | None

    def couvre(self, d: date) -> bool:
        """True when `debut` ≤ `d` ≤ `fin`."""
        return self.debut <= d <= self.fin


class PeriodeIntrouvable(LookupError):
    """No period of the grid covers the date: there is no price, rather than a guess."""


@dataclass(frozen=True)
class CodePostal:
    """A postcode of the commune; `communes` names the ones that count as resident when the
    postcode is shared with other communes (empty: the whole postcode is the commune's)."""

    code: str
    communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grille:
    commune: str
    code_insee: str
    sources: tuple[str, ...]
    validite_mois: int
    periodes: tuple[Periode, ...]  # in chronological order
    # The commune's postcodes: residence follows the household's address; None: the family
    # declares it (tarifs.md §2).
    codes_postaux: tuple[CodePostal, ...] | None = None

    def periode_a(self, d: date) -> Periode:
        """The period with `debut` ≤ `d` ≤ `fin`; raise PeriodeIntrouvable."""
        for periode in self.periodes:
            if periode.couvre(d):
                return periode
        raise PeriodeIntrouvable(f"aucune période tarifaire ne couvre le {d.isoformat()}")

    def periode_suivante(self, periode: Periode) -> Periode | None:
        """The next period in time (next year's grid entered in advance), or None."""
        suivantes = [autre for autre in self.periodes if autre.debut > periode.fin]
        return suivantes[0] if suivantes else None


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


# A grid's error is any file's error: the same line:column format (tarifs.md §4).
ErreurGrille = ErreurDeFichier


class GrilleInvalide(FichierInvalide):
    """A grid text with errors; `erreurs` holds every one of them, sorted by position."""

    def __init__(self, erreurs: list[ErreurDeFichier], fichier: str = "tarifs.yaml"):
        super().__init__(erreurs, fichier)


class FichierIllisible(GrilleInvalide):
    """The file could not be read as UTF-8 text: an invalid argument rather than an invalid grid
    (tarifs.md §5, exit 2), reported at the offending byte like any other error."""

