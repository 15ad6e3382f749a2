"""The yearly QF renewal (issue 12): families consent at sign-in, an admin starts the campaign,
the CAF is asked by identity through the sandbox simulator, the report counts renewed, not
found and failed households, each family is told by email, the failures go to the agents; a
campaign whose worker died is resumed and renews each household once."""

from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portail_famille import travaux
from portail_famille.extensions import db
from portail_famille.models import Courriel
from portail_famille.models import Famille
from portail_famille.models import QuotientFamilial
from portail_famille.models import Renouvellement
from portail_famille.models import Tache
from portail_famille.services import recuperation
from portail_famille.services import renouvellement
from portail_famille.travaux import renouvellement_annuel
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.fabriques import InscriptionPrevue
from tests.fabriques import ajouter_enfant
from tests.revenus.test_parcours_alternatifs import connecter
from tests.revenus.test_parcours_alternatifs import csrf
from tests.revenus.test_parcours_alternatifs import url
from tests.revenus.test_ruee import AUJOURD_HUI
from tests.revenus.test_ruee import grille_caf  # noqa: F401 (a fixture)

# Far enough that every QF of the test, fetched today, no longer counts then.
AVANT = AUJOURD_HUI + timedelta(days=800)
# Sandbox identities: two the CAF knows, one it has no file for, one whose QF it cannot compute.
TROUVEES = ("angela", "sophie")
INTROUVABLES = ("anne-laure", "karim")


def famille_inscrite(app, identite: str, consent: bool) -> int:
    """A household signed in through the sandbox FranceConnect (its QF fetched), with a child
    enrolled; its id."""
    navigateur = connecter(app, identite, donnees="1",
                           **({"renouvellement": "1"} if consent else {}))
    page = navigateur.get(url(app, "/espace-famille/quotient"))
    assert ("Ne plus le renouveler automatiquement" in page.text) is consent
    with app.app_context():
        famille_id = db.session.scalar(sa.select(Famille.id).order_by(Famille.id.desc()))
    ajouter_enfant(app, famille_id, "Enfant", date(2017, 3, 3), inscriptions=(
        InscriptionPrevue("cantine", AUJOURD_HUI - timedelta(days=30)),))
    return famille_id


@pytest.fixture
def portail(serveur, grille_caf):  # noqa: F811
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille_caf)
    familles = {cle: famille_inscrite(app, cle, consent=True) for cle in TROUVEES + INTROUVABLES}
    familles["pierre"] = famille_inscrite(app, "pierre", consent=False)
    return app, familles


def quotients_par_identite(app) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(
            sa.select(QuotientFamilial.famille_id, sa.func.count())
            .where(QuotientFamilial.mode == "identite").group_by(QuotientFamilial.famille_id))
            .all())


def test_une_campagne_lancee_par_l_administration(portail):
    app, familles = portail
    admin = app.test_client()
    planter_session(admin, creer_personnel(app, "admin"), "admin")
    page = admin.get("/admin/renouvellement", query_string={"avant": AVANT.isoformat()})
    assert page.status_code == 200
    assert "Lancer le renouvellement" in page.text

    refus = admin.post("/admin/renouvellement", data={"csrf_token": csrf(page), "avant": "32/13"})
    assert refus.status_code == 422
    assert "date" in refus.text.lower()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tache)) == 0

    lancee = admin.post("/admin/renouvellement",
                        data={"csrf_token": csrf(page), "avant": AVANT.strftime("%d/%m/%Y")})
    assert lancee.status_code == 303
    rapport = admin.get(lancee.headers["Location"])
    assert rapport.status_code == 200
    # Without Redis the campaign ran in the request: its report is final.
    assert "Bilan provisoire" not in rapport.text and "<progress" not in rapport.text
    with app.app_context():
        [campagne] = db.session.scalars(sa.select(Tache).where(Tache.nature == "renouvellement"))
        bilan = renouvellement.bilan(campagne.id)
        relancer = {item.famille_id for item in renouvellement.a_relancer()}
        courriels = sorted((c.famille_id, c.nature) for c in db.session.scalars(
            sa.select(Courriel).where(Courriel.nature.like("qf_%renouvele"))))
    assert (bilan.total, bilan.renouvele, bilan.introuvable, bilan.echec) == (4, 2, 2, 0)
    assert set(bilan.raisons) == {"sans_dossier", "non_calculable"}
    assert "Aucun dossier à la CAF ou à la MSA : 1" in rapport.text
    # Only those who consented, each asked once; the family that did not is left alone.
    assert quotients_par_identite(app) == {familles[cle]: 1 for cle in TROUVEES}
    assert relancer == {familles[cle] for cle in INTROUVABLES}
    assert courriels == sorted([(familles[cle], "qf_renouvele") for cle in TROUVEES]
                               + [(familles[cle], "qf_non_renouvele") for cle in INTROUVABLES])

    etat = admin.get(f"/admin/renouvellement/{campagne.id}/etat").json
    assert etat == {"avance": 4, "total": 4, "termine": True,
                    "texte": "4 foyers traités sur 4"}
    # Asked again: those renewed now have a QF that counts; the others are asked again.
    with app.app_context():
        assert sorted(renouvellement.cibles(app.extensions["grille"].obtenir().grille,
                                            AUJOURD_HUI + timedelta(days=300), AUJOURD_HUI,
                                            campagne.cree_le)) == sorted(
            familles[cle] for cle in INTROUVABLES)


class TravailleurArrete(BaseException):
    """The worker process killed mid-run: nothing of it catches this."""


def test_une_campagne_reprise_apres_l_arret_du_travailleur(portail, monkeypatch):
    app, familles = portail
    appels: list[int] = []
    vraie = recuperation.recuperer_par_identite

    def interrompue(compte, civile, clients):
        appels.append(compte.famille_id)
        if len(appels) == 3:
            raise TravailleurArrete
        return vraie(compte, civile, clients)

    monkeypatch.setattr(recuperation, "recuperer_par_identite", interrompue)
    with app.app_context():
        campagne = renouvellement_annuel.lancer(AVANT)
        db.session.commit()
        with pytest.raises(TravailleurArrete):
            travaux.envoyer(campagne)
        db.session.rollback()
        assert renouvellement.bilan(campagne.id).faits == 2
        assert renouvellement_annuel.en_cours(campagne)
        # A new worker starts later: the silent jobs are resumed, the household under way
        # when the first one died is taken again, none of those done is.
        with time_machine.travel(timedelta(minutes=6)):
            reprises = travaux.reprendre_les_orphelines()
        assert campagne.id in reprises
        db.session.expire_all()
        bilan = renouvellement.bilan(campagne.id)
        assert not renouvellement_annuel.en_cours(db.session.get(Tache, campagne.id))
        issues = dict(db.session.execute(sa.select(Renouvellement.famille_id,
                                                   Renouvellement.etat)).all())
    assert (bilan.total, bilan.faits) == (4, 4)
    assert issues == {**{familles[cle]: "renouvele" for cle in TROUVEES},
                      **{familles[cle]: "introuvable" for cle in INTROUVABLES}}
    # Four households, five attempts: the one interrupted is the only one asked twice, and
    # every renewed household has one QF record.
    assert len(appels) == 5 and len(set(appels)) == 4
    assert [f for f in set(appels) if appels.count(f) > 1] == [appels[2]]
    assert quotients_par_identite(app) == {familles[cle]: 1 for cle in TROUVEES}


def test_la_famille_change_d_avis(portail):
    app, familles = portail
    navigateur = connecter(app, "pierre", donnees="1")
    page = navigateur.get(url(app, "/espace-famille/quotient"))
    choix = navigateur.post(url(app, "/espace-famille/quotient/renouvellement"),
                            data={"csrf_token": csrf(page), "choix": "oui"})
    assert "la mairie renouvellera votre quotient familial" in choix.text
    with app.app_context():
        assert db.session.get(Famille, familles["pierre"]).renouvellement_consenti_le
    page = navigateur.get(url(app, "/espace-famille/quotient"))
    navigateur.post(url(app, "/espace-famille/quotient/renouvellement"),
                    data={"csrf_token": csrf(page), "choix": "non"})
    with app.app_context():
        assert db.session.get(Famille, familles["pierre"]).renouvellement_consenti_le is None


def test_l_horloge_lance_la_campagne_de_la_rentree_une_fois(app, monkeypatch):
    debut = AUJOURD_HUI + timedelta(days=40)
    monkeypatch.setattr(renouvellement, "prochaine_periode",
                        lambda grille, jour: type("P", (), {"debut": debut})())
    with app.app_context():
        renouvellement_annuel.lancer_avant_la_rentree()
        renouvellement_annuel.lancer_avant_la_rentree()
        campagnes = list(db.session.scalars(sa.select(Tache).where(
            Tache.nature == "renouvellement")))
    assert [(c.cle, c.etat) for c in campagnes] == [
        (f"renouvellement:{debut.isoformat()}", "terminee")]
