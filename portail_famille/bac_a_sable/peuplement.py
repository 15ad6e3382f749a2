"""A city-scale set of invented households for demos and benchmarks (`flask demo peupler`).

Households are drawn like a real city's: mostly residents, 1 to 4 children of school age, a QF
spread like a French city's (most under 1 000 €, a long tail above), fetched from the CAF or the
DGFiP, typed by an agent, expired or missing, and enrolments in every service of the period in
force on realistic days, with one month's bookings and attendance marks. Every name is drawn
from lists of common first names and surnames: the people are invented, never real ones.

Tens of thousands of rows are written by a few Core executemany per table, chunk by chunk, their
ids reserved beforehand, never object by object: the ORM's events are bypassed, so
what they would fill — the search columns, the versions — is filled here. The bookings and
marks, whose ids nobody needs back, go in one INSERT … SELECT per chunk on PostgreSQL.

The month's bookings are the ones the portal fixes from each enrolment's weekdays
(services.reservations.reservee_par_ses_jours, the rule the portal books by). One child in five
is marked on the attendance lists of that month's past days: present most often, now and then
absent (justified or not), once in a while present on a day the service runs but not booked.
The marks are drawn by their own seeded draw, so the households are the same whatever month.
"""

import math
import random
import uuid
from dataclasses import astuple
from dataclasses import dataclass
from dataclasses import fields
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from portail_famille.domaine import calendrier
from portail_famille.domaine import francais
from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.domaine import scolarite
from portail_famille.domaine.calendrier_scolaire import Calendrier
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import Periode
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import QuotientFamilial
from portail_famille.models import Reservation
from portail_famille.models import SecondAdulte
from portail_famille.models import texte_de_recherche
from portail_famille.models.foyers import liste_des_jours
from portail_famille.services import reservations

# The generated family accounts' issuer: no provider answers for it, so none can sign in; the
# subject is the household's id, unique however many times the command runs.
ISSUER = "https://peuplement.bac-a-sable.invalid"
PAR_LOT = 2_000  # households per round of inserts

PRENOMS_FILLES = (
    "Emma", "Jade", "Louise", "Alice", "Chloé", "Léa", "Manon", "Inès", "Léna", "Zoé", "Juliette",
    "Rose", "Anna", "Ambre", "Mila", "Lina", "Romane", "Agathe", "Clémence", "Margaux", "Éloïse",
    "Maëlys", "Héloïse", "Anaïs", "Noémie", "Céleste", "Mélina", "Joséphine", "Adèle", "Gabrielle",
    "Hélène", "Bérénice", "Maïwenn", "Aurélie", "Sélène", "Nour", "Yasmine", "Salomé", "Capucine",
    "Thaïs", "Océane", "Léonie", "Françoise", "Solène", "Amélie", "Cécile", "Élise", "Maëlle",
)
PRENOMS_GARCONS = (
    "Gabriel", "Léo", "Raphaël", "Louis", "Arthur", "Jules", "Adam", "Maël", "Lucas", "Hugo",
    "Noé", "Sacha", "Gabin", "Timéo", "Nathan", "Aaron", "Mathéo", "Théo", "Éthan", "Noah",
    "Elliot", "Côme", "Anatole", "Rayan", "Ilyès", "Baptiste", "Clément", "Jérôme", "Étienne",
    "Grégoire", "Aurélien", "Benoît", "Joël", "Loïc", "Mathis", "Youssef", "Amir", "Sébastien",
    "Frédéric", "Rémi", "Valentin", "Titouan", "Gaël", "Anaël", "Célestin", "Zinédine", "Paulin",
)
NOMS = (
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY",
    "MOREAU", "SIMON", "LAURENT", "LEFÈVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX",
    "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRÉ", "MERCIER", "DUPONT", "LAMBERT", "BONNET",
    "FRANÇOIS", "MARTINEZ", "LEGRAND", "GARNIER", "FAURE", "ROUSSEAU", "BLANC", "GUÉRIN",
    "MULLER", "HENRY", "ROUSSEL", "NICOLAS", "PERRIN", "MATHIEU", "CLÉMENT", "GAUTHIER", "DUMONT",
    "LOPEZ", "FONTAINE", "CHEVALIER", "ROBIN", "MASSON", "SANCHEZ", "NOËL", "BÉNARD", "LECLERC",
    "BRUNET", "BOYER", "MÉNARD", "PERROT", "RENAUD", "COLIN", "PRÉVOST", "BÉGUIN", "DA SILVA",
    "N’DIAYE", "BENSAÏD", "NGUYEN", "D’ALMEIDA", "LE GOFF", "LE BRIS", "CARRÉ", "PÉRON", "JÉGOU",
    "FERRAND", "HÉBERT", "BARTHÉLEMY", "VALLÉE", "LÉVÊQUE", "BOUCHÉ", "CORDIER", "POIRIER",
)
VOIES = ("rue de la République", "avenue Jean-Jaurès", "rue Victor-Hugo", "place Bellecour",
         "rue des Écoles", "boulevard des Belges", "chemin des Vignes", "rue Édouard-Herriot",
         "impasse des Glycines", "cours Émile-Zola", "rue de l’Église", "allée des Tilleuls",
         "quai Saint-Antoine", "montée de la Grande-Côte", "rue Pasteur", "rue du Pré-Gaudry")
# Where the non-residents live (a postcode of the grid's commune is never taken from here).
AILLEURS = (("69100", "Villeurbanne"), ("69500", "Bron"), ("69200", "Vénissieux"),
            ("69300", "Caluire-et-Cuire"), ("69130", "Écully"), ("69600", "Oullins-Pierre-Bénite"),
            ("69160", "Tassin-la-Demi-Lune"), ("38200", "Vienne"), ("01700", "Miribel"))
ECOLES = ("École Jean-Macé", "École Louis-Pergaud", "École Berthelot", "École des Chartreux",
          "École Condorcet", "École Marie-Curie", "École Gilbert-Dru", "École Anatole-France",
          "École Jules-Ferry", "École Lucie-Aubrac", "École Simone-Veil", "École Jean-Zay")
MOTIFS_MAIRIE = ("Attestation CAF vue au guichet", "Avis d’imposition présenté au guichet",
                 "Décision de la commission sociale", "Changement de situation (séparation)")

# How the city's households are made (shares of households, summing to 1 per line).
ENFANTS_PAR_FOYER = {1: 0.20, 2: 0.35, 3: 0.30, 4: 0.15}  # 2.4 children on average
PROVENANCES = {"caf": 0.45, "dgfip": 0.20, "mairie": 0.05, "perime": 0.12, "aucun": 0.13,
               "refuse": 0.05}
# The QF: log-normal around a median of 750 € (two households in three under 1 000 €).
QF_MEDIAN = 750
QF_DISPERSION = 0.65
QF_PLAFOND = 6_000
# The attendance marks: the children marked, the share of their booked days marked and the
# marks drawn, and the share of their unbooked days (the service runs) they come anyway.
POINTES = 0.2
JOURS_POINTES = 0.6
MARQUES = {"present": 0.85, "absent_injustifie": 0.08, "absent_justifie": 0.07}
SANS_RESERVATION = 0.05


class PasDePeriode(ValueError):
    """The grid has no period to enrol in, or the month asked is outside the period."""


@dataclass(frozen=True)
class Bilan:
    """What was created."""

    familles: int
    adultes: int
    enfants: int
    inscriptions: int
    quotients: int
    reservations: int
    pointages: int


def _horodatage(jour: date, rng: random.Random) -> datetime:
    """A moment of `jour` during office hours, UTC."""
    return datetime.combine(jour, time(7), UTC) + timedelta(seconds=rng.randrange(11 * 3600))


def _reference(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _qf(rng: random.Random) -> int:
    return min(QF_PLAFOND, round(math.exp(rng.gauss(math.log(QF_MEDIAN), QF_DISPERSION))))


def _tirer(rng: random.Random, parts: dict):
    return rng.choices(tuple(parts), weights=tuple(parts.values()))[0]


class _Generateur:
    """Draws one household after the other; rows are dicts ready for a Core insert."""

    def __init__(self, rng: random.Random, grille: Grille, periode: Periode, aujourd_hui: date):
        self.rng = rng
        self.periode = periode
        self.aujourd_hui = aujourd_hui
        self.rentree = scolarite.annee_de_la_rentree(aujourd_hui)
        codes = grille.codes_postaux or ()
        self.ici = tuple((c.code, c.communes[0] if c.communes else grille.commune)
                         for c in codes) or (("", grille.commune),)
        pris = {c.code for c in codes}
        self.ailleurs = tuple(a for a in AILLEURS if a[0] not in pris)

    def famille(self) -> dict:
        rng = self.rng
        tirage = rng.random()
        if tirage < 0.02:  # the address not given yet: hors_commune applies
            code, commune, reside, voie = "", "", None, ""
        else:
            reside = tirage >= 0.10  # about one in twelve households lives elsewhere
            code, commune = rng.choice(self.ici if reside else self.ailleurs)
            voie = f"{rng.randint(1, 180)} {rng.choice(VOIES)}"
        cree = self.aujourd_hui - timedelta(days=rng.randint(30, 1500))
        return {"cree_le": _horodatage(cree, rng), "adresse_voie": voie,
                "code_postal": code, "commune_residence": commune,
                "reside_dans_la_commune": reside, "version": 1, "quotient_refuse_le": None,
                "renouvellement_consenti_le": (_horodatage(cree, rng) if rng.random() < 0.4
                                               else None)}

    def _adulte(self, femme: bool) -> tuple[str, date]:
        rng = self.rng
        prenoms = rng.choice(PRENOMS_FILLES if femme else PRENOMS_GARCONS)
        if rng.random() < 0.3:
            prenoms += " " + rng.choice(PRENOMS_FILLES if femme else PRENOMS_GARCONS)
        naissance = date(self.rentree - rng.randint(26, 52), rng.randint(1, 12),
                         rng.randint(1, 28))
        return prenoms, naissance

    def adultes(self, famille: dict, famille_id: int) -> tuple[dict, dict | None, str]:
        """The adult who signs in, the second one if any, and the children's surname."""
        rng = self.rng
        nom = rng.choice(NOMS)
        femme = rng.random() < 0.7  # the adult who handles school matters, more often a mother
        prenoms, naissance = self._adulte(femme)
        nom_usage = rng.choice(NOMS) if femme and rng.random() < 0.25 else ""
        compte = {"role": "famille", "actif": True, "famille_id": famille_id, "fc_issuer": ISSUER,
                  "fc_sub": f"foyer-{famille_id}", "nom_naissance": nom, "nom_usage": nom_usage,
                  "prenoms": prenoms, "date_naissance": naissance.isoformat(),
                  "sexe": "F" if femme else "M", "code_pays_naissance": "99100",
                  "email": f"famille-{famille_id}@exemple.test",
                  "nom_recherche": texte_de_recherche(prenoms, nom, nom_usage),
                  "cree_le": famille["cree_le"], "connecte_le": famille["cree_le"]}
        second = None
        if rng.random() < 0.6:  # two adults in most households
            nom_second = nom_usage or rng.choice(NOMS)
            prenoms_second, _ = self._adulte(not femme)
            second = {"famille_id": famille_id, "nom": nom_second, "prenoms": prenoms_second,
                      "telephone": f"06{rng.randrange(10 ** 8):08d}", "courriel": "",
                      "nom_recherche": texte_de_recherche(prenoms_second, nom_second),
                      "modifie_le": famille["cree_le"]}
        return compte, second, nom_usage or nom

    def enfants(self, famille: dict, famille_id: int, nom: str) -> list[dict]:
        rng = self.rng
        lignes = []
        for _ in range(_tirer(rng, ENFANTS_PAR_FOYER)):
            fille = rng.random() < 0.5
            prenoms = rng.choice(PRENOMS_FILLES if fille else PRENOMS_GARCONS)
            if rng.random() < 0.2:
                prenoms += " " + rng.choice(PRENOMS_FILLES if fille else PRENOMS_GARCONS)
            # Pre-school to CM2: the children the services take.
            naissance = date(self.rentree - rng.randint(3, 10), rng.randint(1, 12),
                             rng.randint(1, 28))
            lignes.append({
                "famille_id": famille_id, "nom": nom, "prenoms": prenoms,
                "date_naissance": naissance, "ecole": rng.choice(ECOLES),
                "niveau": scolarite.niveaux_attendus(naissance, self.rentree)[-1],
                "origine": "caf" if rng.random() < 0.5 else "famille",
                "nom_recherche": texte_de_recherche(prenoms, nom), "cree_le": famille["cree_le"],
                "niveau_a_verifier": False, "version": 1})
        return lignes

    def _jours(self, code: str, jours: tuple[str, ...]) -> str:
        """Days like a family's: Wednesday alone for a service named after it (Lyon's
        « ateliers du mercredi »), else most often the four days of a full school week,
        Wednesday left out when the service has other days."""
        semaine = [j for j in jours if j != "mercredi"] or list(jours)
        if "mercredi" in code and "mercredi" in jours:
            return "mercredi"
        nombre = min(len(semaine), _tirer(self.rng, {4: 0.55, 3: 0.15, 2: 0.2, 1: 0.1}))
        choisis = set(self.rng.sample(semaine, nombre))
        return ",".join(j for j in jours if j in choisis)

    def inscriptions(self, enfant: dict, enfant_id: int) -> list[dict]:
        """Lunch for most children, evening care and workshops for fewer."""
        rng = self.rng
        parts = (0.85, 0.35, 0.25)
        lignes = []
        for rang, (code, service) in enumerate(self.periode.services.items()):
            if rng.random() >= parts[min(rang, len(parts) - 1)]:
                continue
            debut = self.periode.debut
            if rng.random() < 0.1:  # enrolled later in the year
                debut = min(self.aujourd_hui, debut + timedelta(days=rng.randint(7, 60)))
            lignes.append({
                "enfant_id": enfant_id, "service": code, "periode_debut": self.periode.debut,
                "periode_libelle": self.periode.libelle, "jours": self._jours(code, service.jours),
                "date_debut": debut, "statut": "validee" if rng.random() < 0.92 else "demandee",
                "motif": "", "cree_le": enfant["cree_le"], "modifie_le": enfant["cree_le"],
                "version": 1})
        return lignes

    def quotient(self, famille: dict, famille_id: int) -> dict | None:
        """A record like a real fetch's, or None (no QF, or the family refused to share it)."""
        rng = self.rng
        provenance = _tirer(rng, PROVENANCES)
        if provenance in ("aucun", "refuse"):
            if provenance == "refuse":
                famille["quotient_refuse_le"] = famille["cree_le"]
            return None
        age = rng.randint(400, 700) if provenance == "perime" else rng.randint(1, 300)
        recupere = _horodatage(self.aujourd_hui - timedelta(days=age), rng)
        valeur = _qf(rng)
        # Every row names every column: a multi-row insert takes the first row's columns.
        ligne = {"famille_id": famille_id, "recupere_le": recupere, "depuis_cache": False,
                 "motif": "", "reference": _reference(rng), "rfr": None, "parts": None,
                 "annee": None, "mois": None, "annee_calcul": None, "mois_calcul": None,
                 "annrev": None, "expire_le": None}
        if provenance == "dgfip":
            parts = Decimal(rng.choice(("2", "2.5", "3", "3.5", "4")))
            rfr = round(valeur * 12 * parts)
            return {**ligne, "source": "dgfip", "mode": _tirer(
                        rng, {"france_connect": 0.8, "numero_fiscal": 0.2}),
                    "fournisseur": "DGFiP", "rfr": rfr, "parts": parts,
                    "valeur": quotient_domaine.quotient_municipal(rfr, parts),
                    "annrev": recupere.year - 1}
        if provenance == "mairie":
            return {**ligne, "source": "mairie", "mode": "saisie_mairie", "fournisseur": "mairie",
                    "valeur": Decimal(valeur), "reference": "", "motif": rng.choice(MOTIFS_MAIRIE),
                    "expire_le": quotient_domaine.ajouter_mois(recupere.date(), 12)}
        calcul = recupere.date().replace(day=1) - timedelta(days=rng.choice((1, 32)))
        return {**ligne, "source": "caf", "mode": _tirer(
                    rng, {"france_connect": 0.85, "identite": 0.15}),
                "fournisseur": "MSA" if rng.random() < 0.04 else "CNAF",
                "valeur": Decimal(valeur), "annee": recupere.year, "mois": recupere.month,
                "annee_calcul": calcul.year, "mois_calcul": calcul.month}


class _Mois:
    """One month of the enrolments: their bookings, and the attendance marks of its past days."""

    def __init__(self, rng: random.Random, calendrier: Calendrier, periode: Periode,
                 mois: date, aujourd_hui: date):
        self.rng = rng
        self.calendrier = calendrier
        self.periode = periode
        self.aujourd_hui = aujourd_hui
        self.jours = reservations.jours_du_mois(mois.year, mois.month)
        # The nightly job fixes the bookings a month ahead.
        self.fixees_le = datetime.combine(self.jours[0] - timedelta(days=30), time(2), UTC)
        self._jours_par_cle = {}
        self.listes = {}  # (école, service, jour) → id of the list

    def jours_de(self, inscription: dict) -> tuple[tuple[date, ...], tuple[date, ...]]:
        """The days of the month the enrolment books, and those its service runs for it
        without a booking; the same few combinations of service, weekdays and first day
        come back for thousands of children."""
        cle = (inscription["service"], inscription["jours"], inscription["date_debut"])
        if cle not in self._jours_par_cle:
            service, jours, debut = cle
            ouverts = [j for j in self.jours
                       if reservations.reservable(self.calendrier, self.periode, service, debut, j)]
            reserves = tuple(j for j in ouverts if reservations.reservee_par_ses_jours(
                self.calendrier, self.periode, service, debut, liste_des_jours(jours), j))
            self._jours_par_cle[cle] = (reserves, tuple(j for j in ouverts if j not in reserves))
        return self._jours_par_cle[cle]

    def reservations(self, inscription: dict, inscription_id: int) -> list[dict]:
        modifie_le = max(self.fixees_le, inscription["cree_le"])
        return [{"inscription_id": inscription_id, "jour": jour, "statut": "reservee",
                 "origine": "inscription", "modifie_le": modifie_le}
                for jour in self.jours_de(inscription)[0]]

    def marques(self, ecole: str, inscriptions: list[dict]) -> list[tuple[tuple, str]]:
        """A child's marks, ((école, service, jour), état), on the days already past; for one
        child in five."""
        rng = self.rng
        if rng.random() >= POINTES:
            return []
        marques = []
        for inscription in inscriptions:
            reserves, sans_reservation = self.jours_de(inscription)
            for jour in reserves:
                if jour < self.aujourd_hui and rng.random() < JOURS_POINTES:
                    marques.append(((ecole, inscription["service"], jour), _tirer(rng, MARQUES)))
            for jour in sans_reservation:
                if jour < self.aujourd_hui and rng.random() < SANS_RESERVATION:
                    marques.append(((ecole, inscription["service"], jour),
                                    "present_sans_reservation"))
        return marques

    def ouvrir_les_listes(self, cles: set[tuple]) -> None:
        """The lists of `cles` opened, as an agent's first mark opens them (a list another
        run opened already is taken as it is); their ids in `listes`."""
        nouvelles = cles - self.listes.keys()
        if not nouvelles:
            return
        reservations.inserer_sans_conflit(
            ListePointage, [{"ecole": e, "service": s, "jour": j, "verrouille": False}
                            for e, s, j in sorted(nouvelles)], ["ecole", "service", "jour"])
        table = ListePointage.__table__
        self.listes.update(((e, s, j), i) for i, e, s, j in db.session.execute(
            sa.select(table.c.id, table.c.ecole, table.c.service, table.c.jour)
            .where(table.c.jour.between(self.jours[0], self.jours[-1]))))


def _reserver(table: sa.Table, nombre: int) -> list[int]:
    """`nombre` fresh ids of `table`, taken from its sequence on PostgreSQL (other writers keep
    drawing theirs), after the largest one on SQLite (whose writer holds the base alone)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return list(db.session.scalars(
            sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :nombre)"), {"table": table.name, "nombre": nombre}))
    premier = (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
    return list(range(premier, premier + nombre))


def _inserer(modele, lignes: list[dict]) -> list[int]:
    """Insert the rows with ids reserved beforehand, in one executemany (a pipeline on
    PostgreSQL, several times faster than a multi-row insert returning its ids); the ids in
    the rows' order."""
    if not lignes:
        return []
    table = modele.__table__
    ids = _reserver(table, len(lignes))
    db.session.execute(sa.insert(table), [{**ligne, "id": i}
                                          for ligne, i in zip(lignes, ids, strict=True)])
    return ids


def _ecrire(table: sa.Table, lignes: list[dict]) -> None:
    """Insert rows whose ids nobody needs back: on PostgreSQL, one INSERT … SELECT from the
    columns sent as arrays (a million bookings in seconds, where an executemany pipeline takes
    a minute), elsewhere an executemany."""
    if not lignes:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(sa.insert(table), lignes)
        return
    colonnes = list(lignes[0])
    tableaux = sa.func.unnest(*(
        sa.bindparam(f"c_{colonne}", [ligne[colonne] for ligne in lignes],
                     type_=postgresql.ARRAY(table.c[colonne].type))
        for colonne in colonnes)).table_valued(*colonnes).render_derived()
    db.session.execute(sa.insert(table).from_select(
        colonnes, sa.select(*(tableaux.c[colonne] for colonne in colonnes))))


def _historique(inscription: dict, inscription_id: int, compte_id: int) -> list[dict]:
    """The family's request, then the town hall's validation when there is one."""
    demande = {"inscription_id": inscription_id, "quand": inscription["cree_le"],
               "compte_id": compte_id, "role": "famille", "action": "demande",
               "statut": "demandee", "jours": inscription["jours"],
               "date_debut": inscription["date_debut"], "motif": ""}
    if inscription["statut"] != "validee":
        return [demande]
    return [demande, {**demande, "quand": inscription["cree_le"] + timedelta(days=2),
                      "compte_id": None, "role": "agent", "action": "validation",
                      "statut": "validee"}]


def _du_mois(mois: _Mois, enfants: list[dict], enfant_ids: list[int], inscriptions: list[dict],
            inscription_ids: list[int]) -> tuple[int, int]:
    """The month's bookings and marks of a batch of children; how many of each."""
    lignes = [ligne for inscription, inscription_id in zip(inscriptions, inscription_ids,
                                                           strict=True)
              for ligne in mois.reservations(inscription, inscription_id)]
    _ecrire(Reservation.__table__, lignes)
    par_enfant = {}
    for inscription in inscriptions:
        par_enfant.setdefault(inscription["enfant_id"], []).append(inscription)
    marques = [(enfant_id, cle, etat) for enfant, enfant_id in zip(enfants, enfant_ids,
                                                                   strict=True)
               for cle, etat in mois.marques(enfant["ecole"], par_enfant.get(enfant_id, []))]
    mois.ouvrir_les_listes({cle for _, cle, _ in marques})
    pointages = [{"liste_id": mois.listes[cle], "enfant_id": enfant_id, "etat": etat,
                  "saisi_le": datetime.combine(cle[2], time(10, 30), UTC)}
                 for enfant_id, cle, etat in marques]
    _ecrire(Pointage.__table__, pointages)
    return len(lignes), len(pointages)


def _lot(generateur: _Generateur, mois: _Mois, nombre: int) -> Bilan:
    familles = [generateur.famille() for _ in range(nombre)]
    # A refusal to share the income is drawn with the QF and written on the household: QFs
    # are drawn first, their household's id set once it has one.
    quotients = [generateur.quotient(famille, 0) for famille in familles]
    famille_ids = _inserer(Famille, familles)
    tires = [generateur.adultes(f, i) for f, i in zip(familles, famille_ids, strict=True)]
    compte_ids = _inserer(Compte, [compte for compte, _, _ in tires])
    _inserer(SecondAdulte, [second for _, second, _ in tires if second is not None])
    enfants, comptes_des_enfants = [], []
    for famille, famille_id, (_, _, nom), compte_id in zip(familles, famille_ids, tires,
                                                            compte_ids, strict=True):
        de_la_famille = generateur.enfants(famille, famille_id, nom)
        enfants += de_la_famille
        comptes_des_enfants += [compte_id] * len(de_la_famille)
    enfant_ids = _inserer(Enfant, enfants)
    inscriptions, comptes_des_inscriptions = [], []
    for enfant, enfant_id, compte_id in zip(enfants, enfant_ids, comptes_des_enfants,
                                            strict=True):
        de_l_enfant = generateur.inscriptions(enfant, enfant_id)
        inscriptions += de_l_enfant
        comptes_des_inscriptions += [compte_id] * len(de_l_enfant)
    inscription_ids = _inserer(Inscription, inscriptions)
    historique = [ligne for inscription, inscription_id, compte_id
                  in zip(inscriptions, inscription_ids, comptes_des_inscriptions, strict=True)
                  for ligne in _historique(inscription, inscription_id, compte_id)]
    db.session.execute(sa.insert(HistoriqueInscription.__table__), historique)
    quotients = [{**q, "famille_id": i} for q, i in zip(quotients, famille_ids, strict=True)
                 if q is not None]
    if quotients:
        db.session.execute(sa.insert(QuotientFamilial.__table__), quotients)
    reservees, pointages = _du_mois(mois, enfants, enfant_ids, inscriptions, inscription_ids)
    seconds = sum(1 for _, second, _ in tires if second is not None)
    return Bilan(len(familles), len(compte_ids) + seconds, len(enfant_ids),
                 len(inscription_ids), len(quotients), reservees, pointages)


def _periode(grille: Grille, aujourd_hui: date) -> Periode:
    """The period the households enrol in: the one in force, or the next to come."""
    ouvertes = calendrier.periodes_ouvertes(grille, aujourd_hui)
    if not ouvertes:
        raise PasDePeriode("La grille n’a aucune période en cours ni à venir : aucune "
                           "inscription possible.")
    return ouvertes[0]


def _rencontre(periode: Periode, mois: date) -> bool:
    fin = reservations.jours_du_mois(mois.year, mois.month)[-1]
    return mois <= periode.fin and fin >= periode.debut


def mois_par_defaut(grille: Grille, aujourd_hui: date) -> date:
    """The month booked when none is asked: the last month over, when the households' period
    met it (its campaign can run at once, all its days are past), else the period's first."""
    periode = _periode(grille, aujourd_hui)
    precedent = (aujourd_hui.replace(day=1) - timedelta(days=1)).replace(day=1)
    return precedent if _rencontre(periode, precedent) else periode.debut.replace(day=1)


def peupler(nombre: int, graine: int, grille: Grille, calendrier_scolaire: Calendrier,
            aujourd_hui: date, mois: date) -> Bilan:
    """Create `nombre` invented households, the same ones for the same seed and day, with the
    bookings and marks of `mois` (its first day); the caller commits. Raise PasDePeriode
    without a period, or for a month outside it."""
    periode = _periode(grille, aujourd_hui)
    if not _rencontre(periode, mois):
        raise PasDePeriode(f"Le mois de {francais.mois_annee(mois)} n’est pas dans la période "
                           f"« {periode.libelle} » : rien à y réserver.")
    # Seeded draws, for invented data only: nothing secret comes from them.
    generateur = _Generateur(random.Random(graine), grille, periode, aujourd_hui)  # noqa: S311
    du_mois = _Mois(random.Random(f"pointage-{graine}"),  # noqa: S311
                    calendrier_scolaire, periode, mois, aujourd_hui)
    totaux = [0] * len(fields(Bilan))
    for debut in range(0, nombre, PAR_LOT):
        bilan = _lot(generateur, du_mois, min(PAR_LOT, nombre - debut))
        totaux = [a + b for a, b in zip(totaux, astuple(bilan), strict=True)]
    return Bilan(*totaux)
