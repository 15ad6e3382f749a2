"""Retention (securite.md G1): the nightly purge, moved past each limit with time-machine,
deletes what has outlived its duration and nothing younger, and journals what it did."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.models import SessionServeur
from portail_famille.models import Tache
from portail_famille.services import retention
from portail_famille.travaux import purge
from tests import fabriques

T0 = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
JOUR = timedelta(days=1)


@pytest.fixture
def donnees(app):
    """At T0: two households with a QF (one will sign in again), a reviewed document, a
    session, a journal row."""
    with time_machine.travel(T0, tick=False):
        inactif = fabriques.creer_foyer(app, quotients=(fabriques.QuotientCAF(700),))
        actif = fabriques.creer_foyer(app, prenom="Inès",
                                      quotients=(fabriques.QuotientCAF(900),))
        with app.app_context():
            for foyer in (inactif, actif):
                db.session.get(Compte, foyer.compte_id).connecte_le = T0
            db.session.add(Justificatif(famille_id=inactif.famille_id, nature="avis_impot",
                                        type_mime="application/pdf", taille=3, contenu=b"pdf",
                                        statut="accepte", traite_le=T0))
            db.session.add(SessionServeur(id="a" * 64, donnees="{}", cree_le=T0, vu_le=T0))
            db.session.add(Evenement(type="connexion_franceconnect", famille_id=actif.famille_id))
            db.session.commit()
    return inactif, actif


def purger(app, moment: datetime) -> str:
    with time_machine.travel(moment, tick=False):
        resultat = app.test_cli_runner().invoke(args=["travaux", "purger"])
    assert resultat.exit_code == 0, resultat.output
    return resultat.output


def compter(app, modele, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(modele)
                                 .where(*conditions))


def test_sessions_echues_apres_le_plus_long_delai_d_inactivite(app, donnees):
    # Twice in a day: the service itself (the command runs once a day).
    durees = purge.durees(app.extensions["portail"])
    with app.app_context():
        assert retention.purger(durees, T0 + timedelta(minutes=29))["sessions"] == 0
        # Past every role's idle timeout (30 min).
        assert retention.purger(durees, T0 + timedelta(minutes=31))["sessions"] == 1
        db.session.commit()
    assert compter(app, SessionServeur) == 0


def test_justificatif_une_annee_apres_sa_verification(app, donnees):
    purger(app, T0 + 364 * JOUR)
    assert compter(app, Justificatif) == 1
    sortie = purger(app, T0 + 366 * JOUR)
    assert compter(app, Justificatif) == 0
    assert "justificatifs 1" in sortie
    # The QF keeps its provenance without the file.
    assert compter(app, QuotientFamilial) == 2


def test_quotients_d_un_foyer_clos_seulement(app, donnees):
    inactif, actif = donnees
    with app.app_context():
        db.session.get(Compte, actif.compte_id).connecte_le = T0 + 700 * JOUR
        db.session.commit()
    purger(app, T0 + 729 * JOUR)
    assert compter(app, QuotientFamilial) == 2
    purger(app, T0 + 731 * JOUR)
    assert compter(app, QuotientFamilial, QuotientFamilial.famille_id == inactif.famille_id) == 0
    assert compter(app, QuotientFamilial, QuotientFamilial.famille_id == actif.famille_id) == 1


def test_une_inscription_recente_garde_le_foyer_ouvert(app, donnees):
    inactif, _ = donnees
    with time_machine.travel(T0 + 600 * JOUR, tick=False):
        fabriques.ajouter_enfant(app, inactif.famille_id, "Lou", T0.date() - 3000 * JOUR,
                                 inscriptions=(fabriques.InscriptionPrevue(
                                     "cantine", T0.date()),))
    purger(app, T0 + 731 * JOUR)
    assert compter(app, QuotientFamilial, QuotientFamilial.famille_id == inactif.famille_id) == 1


def test_journal_apres_sa_duree_et_la_purge_journalisee(app, donnees):
    purger(app, T0 + 364 * JOUR)
    assert compter(app, Evenement, Evenement.type == "connexion_franceconnect") == 1
    purger(app, T0 + 366 * JOUR)
    assert compter(app, Evenement, Evenement.type == "connexion_franceconnect") == 0
    with app.app_context():
        details = db.session.scalars(sa.select(Evenement.detail)
                                     .where(Evenement.type == "purge")).all()
    assert len(details) == 2 and "journal=1" in details[-1]


def test_une_purge_par_jour(app, donnees):
    purger(app, T0 + timedelta(hours=1))
    purger(app, T0 + timedelta(hours=2))
    assert compter(app, Tache) == 1
    assert compter(app, Evenement, Evenement.type == "purge") == 1


def test_durees_reglables(fabrique, donnees):
    app = fabrique(retention_justificatifs_jours=30)
    purger(app, T0 + 31 * JOUR)
    assert compter(app, Justificatif) == 0
