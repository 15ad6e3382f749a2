"""Finding a household in the back office: by the names of its adults and children (accents
and case ignored), a birth date, its postcode or its dossier number, a page at a time.

Names are compared on the columns the models keep normalised (`models.recherche`), so that
SQLite and PostgreSQL answer alike. A result says whether the household has a valid QF and
until when, never its value: the value is income data, shown only in the file, whose opening
is traced (securite.md A5).
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portail_famille.domaine import recherche
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import SecondAdulte
from portail_famille.services import foyers
from portail_famille.services import quotients

PAR_PAGE = 20

Criteres = recherche.Criteres
RechercheInvalide = recherche.RechercheInvalide
lire = recherche.lire
formater_numero = recherche.formater_numero


@dataclass(frozen=True)
class Resultat:
    """One household as the results table shows it."""

    famille: Famille
    adultes: tuple[str, ...]
    enfants: tuple[Enfant, ...]
    etat: quotients.EtatQuotient

    @property
    def numero(self) -> str:
        return formater_numero(self.famille.id)


@dataclass(frozen=True)
class PageDeResultats:
    resultats: tuple[Resultat, ...]
    total: int
    page: int  # 1 for the first
    pages: int


def _mots(colonne, mots: tuple[str, ...]) -> list:
    # The column is framed by spaces: « ␣HEL » matches the start of a word, never its middle.
    return [colonne.contains(f" {mot}", autoescape=True) for mot in mots]


def _personnes(criteres: Criteres) -> sa.CompoundSelect:
    """The households one of whose people has all the names and the birth date."""
    naissance = criteres.date_naissance
    adultes = sa.select(Compte.famille_id).where(
        Compte.role == "famille", Compte.famille_id.is_not(None),
        *_mots(Compte.nom_recherche, criteres.mots),
        *([Compte.date_naissance == naissance.isoformat()] if naissance else []))
    enfants = sa.select(Enfant.famille_id).where(
        Enfant.archive_le.is_(None), *_mots(Enfant.nom_recherche, criteres.mots),
        *([Enfant.date_naissance == naissance] if naissance else []))
    requetes = [adultes, enfants]
    if naissance is None:  # the second adult's birth date is not asked
        requetes.append(sa.select(SecondAdulte.famille_id).where(
            *_mots(SecondAdulte.nom_recherche, criteres.mots)))
    return sa.union(*requetes)


def _conditions(criteres: Criteres) -> list:
    conditions = [Famille.id == numero for numero in criteres.numeros]
    conditions += [sa.or_(Famille.code_postal == code, Famille.id == int(code))
                   for code in criteres.cinq_chiffres]
    if criteres.personne:
        conditions.append(Famille.id.in_(_personnes(criteres)))
    return conditions


def _adultes(famille: Famille) -> tuple[str, ...]:
    noms = [f"{a.prenoms} {a.nom_usage or a.nom_naissance}".strip() for a in famille.adultes
            if a.role == "famille"]
    second = foyers.trouver_second_adulte(famille.id)
    return (*noms, *([f"{second.prenoms} {second.nom}"] if second else []))


def rechercher(criteres: Criteres, page: int, sources: tuple[str, ...], validite_mois: int,
               maintenant: datetime) -> PageDeResultats:
    """The households matching every criterion, by dossier number, `PAR_PAGE` a page; a page
    beyond the last gives the last."""
    conditions = _conditions(criteres)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Famille)
                              .where(*conditions))
    pages = max(1, -(-total // PAR_PAGE))
    page = min(max(page, 1), pages)
    familles = db.session.scalars(sa.select(Famille).where(*conditions).order_by(Famille.id)
                                  .offset((page - 1) * PAR_PAGE).limit(PAR_PAGE))
    resultats = tuple(
        Resultat(famille, _adultes(famille), tuple(foyers.lister_enfants(famille.id)),
                 quotients.etat_quotient(famille, sources, validite_mois, maintenant))
        for famille in familles)
    return PageDeResultats(resultats, total, page, pages)
