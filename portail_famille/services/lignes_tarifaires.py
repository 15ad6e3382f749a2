"""The billing export (issue 10.7): for a period and a month, one line per child × service ×
active enrolment, with the price « Mes tarifs » shows and what it rests on.

Priced by `tarifs_famille.tarif_de` on the inputs « Mes tarifs » uses (the QF that counts, the
residence, the sibling rank, the town hall's decisions): there is no second pricing path. A
whole town is fetched in a fixed number of queries (`charger`), then priced without any
(`situations`, then `tarifer`), so that the impact of a proposed grid (`impact_tarifaire`)
prices the same population twice from one fetch, and from one set of situations when both
grids decide the QF and the residence alike.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal
from functools import cache
from itertools import groupby
from operator import attrgetter

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from portail_famille.domaine import fratrie
from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine import recherche
from portail_famille.domaine import tarification
from portail_famille.domaine.montants import formater_montant
from portail_famille.extensions import db
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import TarifDecide
from portail_famille.models.foyers import STATUTS_ACTIFS
from portail_famille.models.foyers import liste_des_jours
from portail_famille.services import foyers
from portail_famille.services import quotients
from portail_famille.services import tarifs_famille
from portail_famille.services.grilles import GrilleChargee

# The columns, in order: the CSV's and the spreadsheet's header, the JSON objects' keys.
COLONNES = ("foyer", "enfant", "service", "jours_par_semaine", "prix_unitaire", "qf",
            "source_qf", "regle_residence", "rang_fratrie", "regle_tarif",
            "estimation_mensuelle", "version_grille")
MONTANTS = ("prix_unitaire", "qf", "estimation_mensuelle")
_MOIS = re.compile(r"(\d{4})-(\d{2})")
EVENEMENT = "export_facturation"
# A UTF-8 CSV that French spreadsheets open with its accents: the byte order mark first.
BOM = "\ufeff"


class DemandeInvalide(ValueError):
    """A period or a month the grid cannot price; the message is French, for the agent."""


@dataclass(slots=True)  # not frozen: a town holds 100 000 of them, built faster this way
class Ligne:
    famille_id: int
    foyer: str  # the dossier number, as agents read it (F-000042)
    enfant_id: int
    enfant: str
    service: str
    jours_par_semaine: int
    prix_unitaire: Decimal
    qf: Decimal | None
    source_qf: str  # the record's source (caf, dgfip, justificatif, mairie), else why none
    regle_residence: str  # commune, hors_commune, or inconnue (hors_commune applies)
    rang_fratrie: int
    regle_tarif: str  # bareme, sans_quotient, hors_commune, decision_mairie
    estimation_mensuelle: Decimal  # price × days a week × 4, as on « Mes tarifs »
    version_grille: str  # the SHA-256 of the grid version that priced it

    def valeurs(self) -> dict:
        return {colonne: getattr(self, colonne) for colonne in COLONNES}


@dataclass(frozen=True)
class Population:
    """What prices a period's enrolments, fetched once: each active enrolment with its
    child's and household's columns (household by household, eldest child first), the
    households' QF records, those with a document waiting, and the town hall's decisions.

    Read-only rows with the columns the pricing reads, not entities: the shared rules
    (`residence_du_foyer`, `etat_depuis`, `decision_en_vigueur`) read attributes only, and
    hydrating a town's worth of entities costs seconds.
    """

    periode_debut: date
    inscrites: list[sa.Row]
    quotients: dict[int, list[sa.Row]]
    en_attente: set[int]
    decisions: dict[int, list[sa.Row]]


@dataclass(slots=True)
class Situation:
    """One active enrolment and what prices it under a grid's rules: the QF that counts, the
    residence, the sibling rank. Two grids with the same rules (`regles`) share them."""

    inscrite: sa.Row
    jours_par_semaine: int
    qf: Decimal | None
    source_qf: str
    regle_residence: str
    hors_commune: bool
    rang: int
    decisions: list[sa.Row]


@dataclass(frozen=True)
class Moment:
    """When a month is priced: `le` for the decisions, `instant` for the QF's validity."""

    le: date
    instant: datetime


def trouver_periode(grille: grille_domaine.Grille, texte: str) -> grille_domaine.Periode:
    """A period of the grid by its start date (AAAA-MM-JJ) or its label; DemandeInvalide."""
    texte = (texte or "").strip()
    for periode in grille.periodes:
        if texte in (periode.debut.isoformat(), periode.libelle):
            return periode
    raise DemandeInvalide(f"aucune période de la grille ne commence le « {texte} » ni ne "
                          "s’appelle ainsi ; périodes : "
                          + ", ".join(f"{p.libelle} ({p.debut.isoformat()})"
                                      for p in grille.periodes))


def moment_du_mois(periode: grille_domaine.Periode, mois: str, maintenant_: datetime) -> Moment:
    """The month AAAA-MM priced as « Mes tarifs » prices it: now during the current month (a
    correction made today counts at once), else on its first day (the period's, when the
    month starts before it); DemandeInvalide for a month outside the period."""
    lu = _MOIS.fullmatch((mois or "").strip())
    if lu is None or not 1 <= int(lu.group(2)) <= 12 or not 1900 <= int(lu.group(1)) <= 2999:
        raise DemandeInvalide(f"mois « {mois} » invalide : écrivez-le AAAA-MM, par exemple "
                              "2026-09")
    premier = date(int(lu.group(1)), int(lu.group(2)), 1)
    suivant = date(premier.year + premier.month // 12, premier.month % 12 + 1, 1)
    if suivant <= periode.debut or premier > periode.fin:
        raise DemandeInvalide(f"le mois {premier:%m/%Y} n’est pas dans la période "
                              f"« {periode.libelle} » ({periode.debut:%d/%m/%Y} – "
                              f"{periode.fin:%d/%m/%Y})")
    aujourd_hui = maintenant_.date()
    if premier <= aujourd_hui < suivant and periode.couvre(aujourd_hui):
        return Moment(aujourd_hui, maintenant_)
    le = max(premier, periode.debut)
    return Moment(le, datetime.combine(le, time(), UTC))


def charger(periode: grille_domaine.Periode) -> Population:
    """Everything that prices the period's active enrolments, in four queries; each child's
    enrolments in the order of `periode`'s services."""
    actives = sa.and_(Enfant.archive_le.is_(None), Inscription.periode_debut == periode.debut,
                      Inscription.statut.in_(STATUTS_ACTIFS))
    inscrits = sa.select(Enfant.famille_id).join(Inscription).where(actives)
    ordre = {code: rang for rang, code in enumerate(periode.services)}
    inscrites = list(db.session.execute(
        sa.select(Famille.id.label("famille_id"), Famille.quotient_refuse_le,
                  Famille.code_postal, Famille.commune_residence,
                  Famille.reside_dans_la_commune, Enfant.id.label("enfant_id"), Enfant.nom,
                  Enfant.prenoms, Enfant.date_naissance, Inscription.service, Inscription.jours)
        .join(Enfant, Enfant.famille_id == Famille.id).join(Inscription).where(actives)
        .order_by(Famille.id, Enfant.date_naissance, Enfant.id,
                  sa.case(ordre, value=Inscription.service, else_=len(ordre)))))
    decisions: dict[int, list[sa.Row]] = {}
    for decision in db.session.execute(
            sa.select(Enfant.famille_id, TarifDecide.enfant_id, TarifDecide.service,
                      TarifDecide.prix, TarifDecide.motif, TarifDecide.debut, TarifDecide.fin,
                      TarifDecide.decide_le)
            .join(Enfant).where(Enfant.famille_id.in_(inscrits), Enfant.archive_le.is_(None))
            .order_by(TarifDecide.decide_le.desc(), TarifDecide.id.desc())):
        decisions.setdefault(decision.famille_id, []).append(decision)
    return Population(periode.debut, inscrites, quotients.quotients_parmi(inscrits),
                      quotients.justificatifs_en_attente_parmi(inscrits), decisions)


def regles(grille: grille_domaine.Grille) -> tuple:
    """What of a grid decides the situations: the QF sources and validity, the postcodes."""
    return grille.sources, grille.validite_mois, grille.codes_postaux


def situations(population: Population, grille: grille_domaine.Grille,
               moment: Moment) -> list[Situation]:
    """Each enrolment of `population` with its QF, residence and rank under `grille`'s rules,
    without a query."""
    resultat = []
    for famille_id, rangees in groupby(population.inscrites, key=attrgetter("famille_id")):
        rangees = list(rangees)
        famille = rangees[0]
        etat = quotients.etat_depuis(population.quotients.get(famille_id, []), famille,
                                     grille.sources, grille.validite_mois, moment.instant,
                                     famille_id in population.en_attente)
        residence = foyers.residence_du_foyer(famille, grille)
        source = etat.quotient.source if etat.qf is not None else etat.raison
        regle_residence = ("inconnue" if not residence.connue
                           else "hors_commune" if residence.hors_commune else "commune")
        decisions = population.decisions.get(famille_id, [])
        enfants = list(dict.fromkeys((r.enfant_id, r.date_naissance) for r in rangees))
        inscrits: dict[str, set[int]] = {}
        for r in rangees:
            inscrits.setdefault(r.service, set()).add(r.enfant_id)
        rangs = {code: fratrie.rangs(enfants, ids) for code, ids in inscrits.items()}
        resultat += [Situation(r, jours_par_semaine(r.jours), etat.qf, source, regle_residence,
                               residence.hors_commune, rangs[r.service][r.enfant_id].rang,
                               decisions)
                     for r in rangees]
    return resultat


@cache
def jours_par_semaine(jours: str) -> int:
    """How many days a week an enrolment's `jours` names: a town holds a handful of values."""
    return len(liste_des_jours(jours))


def tarifer(situations_: list[Situation], periode: grille_domaine.Periode,
            moment: Moment) -> list[tuple[Situation, tarification.Tarif]]:
    """The price of each situation whose service `periode` holds (`tarifs_famille.tarif_de`)."""
    calculer_tarif = _memoise()
    return [(s, tarifs_famille.tarif_de(periode, s.inscrite.service, s.inscrite.enfant_id, s.qf,
                                        s.hors_commune, s.rang, s.decisions, moment.le,
                                        calculer_tarif))
            for s in situations_ if s.inscrite.service in periode.services]


def calculer(population: Population, grille: grille_domaine.Grille,
             periode: grille_domaine.Periode, moment: Moment, version: str) -> list[Ligne]:
    """The lines of `population` priced under `grille` (its period `periode`), without a
    query: the QF, the residence and the ranks follow that grid's rules."""
    return [Ligne(s.inscrite.famille_id, recherche.formater_numero(s.inscrite.famille_id),
                  s.inscrite.enfant_id, f"{s.inscrite.prenoms} {s.inscrite.nom}",
                  s.inscrite.service, s.jours_par_semaine, tarif.prix, tarif.qf, s.source_qf,
                  s.regle_residence, s.rang, tarif.regle,
                  tarification.estimer_mois(tarif.prix, s.jours_par_semaine), version)
            for s, tarif in tarifer(situations(population, grille, moment), periode, moment)]


def _memoise():
    """`calculer_tarif` computed once per situation, for the one period `tarifer` prices, and
    without its words, which no line carries: the grid's arithmetic is pure, and a CAF QF is in
    whole euros, so the same few thousand situations recur across a town."""
    calcules: dict[tuple, tarification.Tarif] = {}

    def calculer(periode_: grille_domaine.Periode, code: str, qf: Decimal | None, *,
                 hors_commune: bool, rang: int) -> tarification.Tarif:
        cle = (code, qf, hors_commune, rang)
        if cle not in calcules:
            calcules[cle] = tarification.calculer_tarif(
                periode_, code, qf, hors_commune=hors_commune, rang=rang, expliquer=False)
        return calcules[cle]

    return calculer


def lignes(chargee: GrilleChargee, periode: grille_domaine.Periode, mois: str,
           maintenant_: datetime) -> list[Ligne]:
    """The billing lines of the period for the month, under the grid in force."""
    moment = moment_du_mois(periode, mois, maintenant_)
    return calculer(charger(periode), chargee.grille, periode, moment, chargee.sha256)


# --- Formats ---------------------------------------------------------------------------------

def _texte(valeur, decimales: str) -> str:
    """A cell as text: amounts with 2 decimals and the given separator, None empty."""
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return formater_montant(valeur).replace(".", decimales)
    return str(valeur)


def en_csv(lignes_: list[Ligne]) -> bytes:
    """`;`-separated, UTF-8 with its BOM, decimals with a comma: what French spreadsheets
    open as numbers."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(COLONNES)
    for ligne in lignes_:
        ecrivain.writerow([_texte(v, ",") for v in ligne.valeurs().values()])
    return (BOM + tampon.getvalue()).encode("utf-8")


def en_json(lignes_: list[Ligne]) -> str:
    """An array of objects keyed by the column names; amounts as 2-decimal strings."""
    return json.dumps([{c: (None if v is None else v if isinstance(v, int) else _texte(v, "."))
                        for c, v in ligne.valeurs().items()} for ligne in lignes_],
                      ensure_ascii=False, indent=1)


def en_xlsx(lignes_: list[Ligne]) -> bytes:
    """One sheet, the header frozen, amounts as numbers shown with 2 decimals."""
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("Facturation")
    feuille.freeze_panes = "A2"
    feuille.append(list(COLONNES))
    for ligne in lignes_:
        feuille.append([_cellule(feuille, v) for v in ligne.valeurs().values()])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _cellule(feuille, valeur):
    if not isinstance(valeur, Decimal):
        return valeur
    cellule = WriteOnlyCell(feuille, value=valeur)
    cellule.number_format = "0.00"
    return cellule
