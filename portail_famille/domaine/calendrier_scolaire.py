"""The school calendar of calendrier.yaml: the school years of the commune's zone, their holidays
and days off, the public holidays, and the cut-off after which a booked day no longer changes.

Pure: the public holidays come in as dates (`avec_feries`), from the `holidays` package in the
services. Every cut-off is a wall-clock time of the commune (Europe/Paris): a noon cut-off is
noon in winter (11:00 UTC) and in summer (10:00 UTC) alike.
"""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from portail_famille.domaine import francais
from portail_famille.domaine.erreurs import FichierInvalide
from portail_famille.domaine.facturation import RegleFacturation

JOURS_DE_LA_SEMAINE = francais.JOURS  # lundi … dimanche, in weekday() order
MODES_DE_DELAI = ("jours_ouvres", "jours", "jour_de_semaine")


class CalendrierInvalide(FichierInvalide):
    """A calendar text with errors, each at its line and column."""

    def __init__(self, erreurs, fichier: str = "calendrier.yaml"):
        super().__init__(erreurs, fichier)


class CalendrierIllisible(CalendrierInvalide):
    """The calendar file is not UTF-8 text."""


@dataclass(frozen=True)
class Vacances:
    libelle: str
    debut: date
    fin: date  # inclusive: the last day without class


@dataclass(frozen=True)
class JourSansClasse:
    jour: date
    libelle: str


@dataclass(frozen=True)
class AnneeScolaire:
    libelle: str
    rentree: date
    fin_des_cours: date  # the last day with class
    jours: tuple[str, ...]  # the weekdays with class
    vacances: tuple[Vacances, ...]
    sans_classe: tuple[JourSansClasse, ...]

    def couvre(self, jour: date) -> bool:
        return self.rentree <= jour <= self.fin_des_cours


@dataclass(frozen=True)
class Delai:
    """When a booked day stops changing: `nombre` working days (`jours_ouvres`: Monday to
    Friday, public holidays not counted) or calendar days (`jours`) before it, or the last
    `jour_de_semaine` before it; at `heure`, the commune's time."""

    mode: str
    heure: time
    nombre: int = 0
    jour_de_semaine: str = ""

    def jour_limite(self, jour: date, ouvre) -> date:
        """The day the cut-off falls on, for a booking of `jour`."""
        if self.mode == "jours":
            return jour - timedelta(days=self.nombre)
        if self.mode == "jour_de_semaine":
            cible = JOURS_DE_LA_SEMAINE.index(self.jour_de_semaine)
            ecart = (jour.weekday() - cible - 1) % 7 + 1
            return jour - timedelta(days=ecart)
        restants, limite = self.nombre, jour
        while restants:
            limite -= timedelta(days=1)
            if ouvre(limite):
                restants -= 1
        return limite


@dataclass(frozen=True)
class Facturation:
    """What the invoices need besides the prices: each service's billing rule (by code, and
    "defaut"), the town hall's postal address, the days to pay, how to pay, and the services
    that are childcare for the tax credit (CGI art. 200 quater B: supervision, never meals)."""

    regles: dict[str, RegleFacturation] = field(default_factory=dict)
    adresse: str = ""
    echeance_jours: int = 30
    paiement: str = ""
    frais_de_garde: tuple[str, ...] = ()

    def regle(self, service: str) -> RegleFacturation:
        return self.regles.get(service) or self.regles.get("defaut") or RegleFacturation()


@dataclass(frozen=True)
class Calendrier:
    commune: str
    zone: str
    fuseau: str
    annees: tuple[AnneeScolaire, ...]  # in order, never overlapping
    delais: dict[str, Delai]  # by service code, and "defaut"
    feries: frozenset[date] = field(default=frozenset())
    # Without a « facturation » section, every service bills its booked days.
    facturation: Facturation = field(default_factory=Facturation)

    def avec_feries(self, feries) -> "Calendrier":
        """The same calendar knowing the public holidays `feries`."""
        return replace(self, feries=frozenset(feries))

    @property
    def zone_horaire(self) -> ZoneInfo:
        return ZoneInfo(self.fuseau)

    def annee_de(self, jour: date) -> AnneeScolaire | None:
        """The school year whose classes run on `jour` (from its rentrée to its last day)."""
        return next((annee for annee in self.annees if annee.couvre(jour)), None)

    def sans_classe(self, jour: date) -> str | None:
        """Why there is no class on `jour` (« Vacances de la Toussaint », « jour férié »,
        « week-end »…), or None on a school day."""
        annee = self.annee_de(jour)
        if annee is None:
            return "hors année scolaire"
        if jour.weekday() >= 5:
            return "week-end"
        if JOURS_DE_LA_SEMAINE[jour.weekday()] not in annee.jours:
            return "pas de classe ce jour de la semaine"
        if jour in self.feries:
            return "jour férié"
        for vacances in annee.vacances:
            if vacances.debut <= jour <= vacances.fin:
                return vacances.libelle
        for jour_libre in annee.sans_classe:
            if jour_libre.jour == jour:
                return jour_libre.libelle
        return None

    def jour_de_classe(self, jour: date) -> bool:
        """Whether the children have class on `jour`."""
        return self.sans_classe(jour) is None

    def jours_de_classe(self, annee: int, mois: int, jours: tuple[str, ...]) -> list[date]:
        """The school days of a month that fall on one of the weekdays `jours`."""
        jour = date(annee, mois, 1)
        trouves = []
        while jour.month == mois:
            if JOURS_DE_LA_SEMAINE[jour.weekday()] in jours and self.jour_de_classe(jour):
                trouves.append(jour)
            jour += timedelta(days=1)
        return trouves

    def jour_ouvre(self, jour: date) -> bool:
        """Monday to Friday and not a public holiday: the days a cut-off counts."""
        return jour.weekday() < 5 and jour not in self.feries

    def delai(self, service: str) -> Delai:
        return self.delais.get(service) or self.delais["defaut"]

    def limite(self, service: str, jour: date) -> datetime:
        """The instant (aware, the commune's time) from which the booking of `service` on
        `jour` no longer changes."""
        delai = self.delai(service)
        return datetime.combine(delai.jour_limite(jour, self.jour_ouvre), delai.heure,
                                tzinfo=self.zone_horaire)

    def modifiable(self, service: str, jour: date, maintenant: datetime) -> bool:
        """Whether the booking may still change at `maintenant` (an aware datetime)."""
        return maintenant < self.limite(service, jour)

    def echeance(self, service: str, jour: date, maintenant: datetime) -> str:
        """The cut-off in plain French: « modifiable jusqu’au lundi 12:00 »; the date is added
        when it is a week or more away."""
        limite = self.limite(service, jour)
        aujourd_hui = maintenant.astimezone(self.zone_horaire).date()
        if maintenant >= limite:
            return f"plus modifiable depuis {_quand(limite, aujourd_hui)}"
        if limite.date() == aujourd_hui:
            return f"modifiable jusqu’à {limite:%H:%M} aujourd’hui"
        return f"modifiable jusqu’au {_quand(limite, aujourd_hui)}"

def _quand(limite: datetime, aujourd_hui: date) -> str:
    heure = f"{limite:%H:%M}"
    if limite.date() == aujourd_hui:
        return f"aujourd’hui {heure}"
    nom = JOURS_DE_LA_SEMAINE[limite.weekday()]
    if abs((limite.date() - aujourd_hui).days) < 7:
        return f"{nom} {heure}"
    return f"{nom} {francais.date_longue(limite.date())} {heure}"
