"""Households of the billing export's and the impact's tests: one for each rule the price
rests on (no QF, non-resident, siblings, a QF typed by an agent, a CCAS decision)."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.services import corrections
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.fabriques import QuotientDGFiP
from tests.fabriques import creer_foyer
from tests.familles.conftest import AUJOURD_HUI
from tests.familles.conftest import DEBUT

EN_COURS = "Année en cours"


def inscrit(*services: str, jours: str = "lundi,mardi,jeudi") -> tuple[InscriptionPrevue, ...]:
    return tuple(InscriptionPrevue(s, DEBUT, EN_COURS, jours=jours, statut="validee")
                 for s in services)


def peupler(app, agent_id: int) -> dict[str, int]:
    """The households, by what they show; returns their ids."""
    foyers = {
        "sans_quotient": creer_foyer(app, prenom="Sans", enfants=(
            EnfantPrevu("Léa", date(2017, 3, 1), inscriptions=inscrit("cantine", "garderie")),)),
        "hors_commune": creer_foyer(app, prenom="Hors", reside=False, quotients=(
            QuotientCAF(820),), enfants=(
            EnfantPrevu("Noé", date(2016, 5, 2), inscriptions=inscrit("cantine", "garderie")),)),
        "fratrie": creer_foyer(app, prenom="Fratrie", quotients=(
            QuotientDGFiP(37760, "2.5", "1258.67"),), enfants=(
            EnfantPrevu("Aîné", date(2014, 1, 5), inscriptions=inscrit("cantine", "ateliers")),
            EnfantPrevu("Cadet", date(2016, 7, 9), inscriptions=inscrit("cantine")),
            EnfantPrevu("Benjamin", date(2018, 2, 3),
                        inscriptions=inscrit("cantine", "ateliers", jours="mercredi")),
            EnfantPrevu("Non inscrit", date(2019, 2, 3)))),
        "corrige": creer_foyer(app, prenom="Corrigé", quotients=(QuotientCAF(1800),), enfants=(
            EnfantPrevu("Zoé", date(2015, 9, 9), inscriptions=inscrit("cantine", "ateliers")),)),
        "ccas": creer_foyer(app, prenom="Ccas", quotients=(QuotientCAF(1600),), enfants=(
            EnfantPrevu("Tom", date(2015, 9, 9), inscriptions=inscrit("cantine", "garderie")),)),
        "demande_annulee": creer_foyer(app, prenom="Annulé", enfants=(
            EnfantPrevu("Ugo", date(2015, 9, 9), inscriptions=(
                InscriptionPrevue("cantine", DEBUT, EN_COURS, statut="annulee"),)),)),
    }
    with app.app_context():
        agent = db.session.get(Compte, agent_id)
        fin = AUJOURD_HUI + timedelta(days=90)
        corrige = db.session.get(Famille, foyers["corrige"].famille_id)
        corrections.saisir_quotient(corrige, corrige.version, agent, Decimal("640"),
                                    corrections.Saisie("Attestation vue au guichet", fin))
        ccas = db.session.get(Famille, foyers["ccas"].famille_id)
        enfant = db.session.get(Enfant, foyers["ccas"].enfants[0])
        corrections.decider_tarif(ccas, ccas.version, agent, enfant, "cantine", Decimal("0.50"),
                                  corrections.Saisie("Décision du CCAS n° 12", fin),
                                  AUJOURD_HUI)
        db.session.commit()
    return {nom: foyer.famille_id for nom, foyer in foyers.items()}
