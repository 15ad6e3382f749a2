"""Worklist 4 (issue 10 §4): the enrolled households whose QF ends within 30 days or has ended,
and those whose yearly renewal failed, with why."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from portail_famille.domaine import francais
from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.extensions import db
from portail_famille.models import Renouvellement
from portail_famille.models import Tache
from tests import fabriques
from tests.aides import Page
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.familles.conftest import DEBUT

AUJOURD_HUI = date.today()


def obtenu_pour(app, jours_restants: int) -> datetime:
    """The retrieval time of a QF that has `jours_restants` days of validity left."""
    with app.app_context():
        mois = app.extensions["grille"].obtenir().grille.validite_mois
    le = AUJOURD_HUI + timedelta(days=jours_restants)
    depuis = quotient_domaine.ajouter_mois(le, -mois)
    while quotient_domaine.ajouter_mois(depuis, mois) < le:  # end-of-month clipping
        depuis += timedelta(days=1)
    return datetime(depuis.year, depuis.month, depuis.day, 12, tzinfo=UTC)


def foyer(app, prenom: str, jours_restants: int | None, inscrit: bool = True):
    enfants = (EnfantPrevu("Léo", date(2018, 5, 3), inscriptions=(
        InscriptionPrevue("cantine", DEBUT),)),) if inscrit else ()
    quotients = () if jours_restants is None else (
        QuotientCAF(640, le=obtenu_pour(app, jours_restants)),)
    return fabriques.creer_foyer(app, prenom=prenom, nom="TEST", enfants=enfants,
                                 quotients=quotients)


def echouer_le_renouvellement(app, famille_id: int, raison: str) -> None:
    with app.app_context():
        tache = Tache(nature="renouvellement")
        db.session.add(tache)
        db.session.flush()
        db.session.add(Renouvellement(tache_id=tache.id, famille_id=famille_id, etat="echec",
                                      raison=raison, traite_le=datetime.now(UTC)))
        db.session.commit()


def test_la_liste_et_son_nombre(app, agent):
    foyer(app, "Alice", 10)
    foyer(app, "Bruno", -3)
    foyer(app, "Chloe", 120)  # far from its end
    foyer(app, "Denis", -3, inscrit=False)  # no enrolment: its QF prices nothing
    foyer(app, "Emma", None)  # never had one: not an expiry (the renewal did not fail)
    echoue = foyer(app, "Fanny", 150)
    echouer_le_renouvellement(app, echoue.famille_id, "indisponible")
    sans_qf = foyer(app, "Gael", None)
    echouer_le_renouvellement(app, sans_qf.famille_id, "introuvable")

    accueil = Page(agent.get("/mairie/").text)
    assert "4 quotients familiaux à échéance" in [a.texte for a in accueil.tous("a")]
    page = Page(agent.get("/mairie/quotients-a-echeance").text)
    rangs = {ligne.tous("td")[0].texte: ligne.tous("td")[1].texte + " | " +
             ligne.tous("td")[2].texte for ligne in page.tous("tr")[1:]}
    assert rangs == {
        "Gael TEST": "Aucun | Échec : la CAF ou la MSA ne trouve pas l’allocataire",
        "Bruno TEST": f"Expiré le {francais.date_longue(AUJOURD_HUI - timedelta(days=3))} | —",
        "Alice TEST": f"Expire le {francais.date_longue(AUJOURD_HUI + timedelta(days=10))} | —",
        "Fanny TEST": f"Expire le {francais.date_longue(AUJOURD_HUI + timedelta(days=150))} | "
                      "Échec : API indisponible",
    }
    assert list(rangs) == ["Gael TEST", "Bruno TEST", "Alice TEST", "Fanny TEST"]


def test_une_liste_vide(app, agent):
    foyer(app, "Chloe", 120)
    assert "Aucun quotient familial n’arrive à échéance" in agent.get(
        "/mairie/quotients-a-echeance").text
