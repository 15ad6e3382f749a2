"""`flask demo peupler` (issue 11 §9): invented households at a city's scale, the same ones for
the same seed, only in the sandbox, and usable by the agents' search and « Mes tarifs »."""

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from portail_famille.domaine import identite
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import QuotientFamilial
from portail_famille.models import SecondAdulte
from portail_famille.web import contexte
from tests.familles.conftest import GRILLE  # noqa: F401 (the grid the prices are checked on)
from tests.familles.conftest import connecter
from tests.familles.conftest import fichier_grille  # noqa: F401 (a fixture)
from tests.mairie.conftest import connecter_agent
from tests.mairie.conftest import ouvrir
from tests.mairie.test_recherche import chercher


@pytest.fixture
def app(fabrique_du_module, fichier_grille):  # noqa: F811
    partagee = fabrique_du_module(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                                  tarifs_fichier=fichier_grille)
    with partagee.pour_un_test() as app:
        yield app


def peupler(app, *options: str):
    return app.test_cli_runner().invoke(args=["demo", "peupler", *options])


def compter(modele) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(modele))


def test_cree_les_foyers_demandes_avec_tout_ce_qu_ils_tiennent(app):
    resultat = peupler(app, "--familles", "120", "--graine", "4")
    assert resultat.exit_code == 0, resultat.output
    with app.app_context():
        assert compter(Famille) == 120
        assert "120 foyers créés" in resultat.output
        comptes = db.session.scalars(sa.select(Compte)).all()
        assert len(comptes) == 120 and {c.role for c in comptes} == {"famille"}
        par_foyer = Counter(db.session.scalars(sa.select(Enfant.famille_id)))
        assert set(par_foyer.values()) == {1, 2, 3, 4}
        enfants = db.session.scalars(sa.select(Enfant)).all()
        assert f"{compter(Compte) + compter(SecondAdulte)} adultes, {len(enfants)} enfants" \
            in resultat.output
        # What the ORM's events fill on an ordinary write is there too.
        for enfant in enfants:
            assert enfant.nom_recherche == f" {identite.normaliser(enfant.prenoms)} " \
                                           f"{identite.normaliser(enfant.nom)} "
            assert enfant.version == 1
        assert all(c.nom_recherche.strip() for c in comptes)
        inscriptions = db.session.scalars(sa.select(Inscription)).all()
        services = contexte.grille().periode_a(date.today()).services
        assert {i.service for i in inscriptions} == set(services)
        for inscription in inscriptions:
            jours = inscription.liste_jours
            assert jours and set(jours) <= set(services[inscription.service].jours)
            assert inscription.historique[0].action == "demande"
            assert len(inscription.historique) == (2 if inscription.statut == "validee" else 1)
        assert compter(HistoriqueInscription) >= len(inscriptions)
        # QFs like real fetches: the CAF's and the DGFiP's, some typed at the town hall, some
        # families without any, some who refused to share it.
        quotients = db.session.scalars(sa.select(QuotientFamilial)).all()
        assert {q.source for q in quotients} == {"caf", "dgfip", "mairie"}
        assert all(q.rfr and q.parts and q.annrev for q in quotients if q.source == "dgfip")
        assert all(q.motif and q.expire_le for q in quotients if q.source == "mairie")
        assert 0 < len(quotients) < 120
        assert compter(Famille) > db.session.scalar(
            sa.select(sa.func.count()).where(Famille.quotient_refuse_le.is_not(None))) > 0
        assert sum(q.valeur < 1000 for q in quotients) > len(quotients) / 2


def _contenu(premier_id: int) -> list[tuple]:
    """The households from `premier_id` on, without their ids."""
    foyers = db.session.scalars(sa.select(Famille).where(Famille.id >= premier_id)
                                .order_by(Famille.id)).all()
    return [(f.code_postal, f.reside_dans_la_commune, f.quotient_refuse_le,
             [(a.prenoms, a.nom_naissance, a.date_naissance) for a in f.adultes],
             [(e.prenoms, e.date_naissance, e.niveau,
               [(i.service, i.jours, i.statut) for i in e.inscriptions])
              for e in db.session.scalars(sa.select(Enfant).where(Enfant.famille_id == f.id)
                                          .order_by(Enfant.id))],
             [(q.source, q.valeur, q.recupere_le) for q in db.session.scalars(
                 sa.select(QuotientFamilial).where(QuotientFamilial.famille_id == f.id))])
            for f in foyers]


def test_la_meme_graine_donne_les_memes_foyers(app):
    debuts = []
    for graine in ("11", "11", "12"):
        with app.app_context():
            debuts.append((db.session.scalar(sa.func.max(Famille.id)) or 0) + 1)
        assert peupler(app, "--familles", "15", "--graine", graine).exit_code == 0
    with app.app_context():
        premier, meme, autre = (_contenu(debut) for debut in debuts)
        premier, meme = premier[:15], meme[:15]
    assert premier == meme
    assert premier != autre


def test_refuse_hors_du_bac_a_sable(fabrique):
    app = fabrique(bac_a_sable=False)
    resultat = peupler(app, "--familles", "5")
    assert resultat.exit_code == 2
    assert "Erreur : la démonstration exige PORTAIL_BAC_A_SABLE=1 (données fictives)." \
        in resultat.output
    with app.app_context():
        assert compter(Famille) == 0


@pytest.mark.parametrize("nombre", ["0", "-3", "beaucoup"])
def test_un_nombre_de_familles_invalide_ne_cree_rien(app, nombre):
    resultat = peupler(app, "--familles", nombre)
    assert resultat.exit_code == 2
    with app.app_context():
        assert compter(Famille) == 0


def test_la_recherche_des_agents_trouve_un_enfant_tape_sans_accents(app, client):
    assert peupler(app, "--familles", "60", "--graine", "2").exit_code == 0
    with app.app_context():
        enfant = next(e for e in db.session.scalars(sa.select(Enfant).order_by(Enfant.id))
                      if identite.normaliser(e.prenom) != e.prenom.upper())
        prenom, nom, famille_id = enfant.prenom, enfant.nom, enfant.famille_id
    connecter_agent(app, client)
    tape = identite.normaliser(prenom).lower()
    assert tape != prenom.lower()
    reponse = chercher(client, f"{tape} {identite.normaliser(nom).lower()}")
    assert reponse.status_code == 200
    assert f"/mairie/familles/{famille_id}" in reponse.text
    # The file opens, its prices computed.
    assert prenom in ouvrir(client, famille_id).text


def test_mes_tarifs_se_calcule_pour_les_familles_creees(app, client):
    assert peupler(app, "--familles", "40", "--graine", "9").exit_code == 0
    with app.app_context():
        comptes = db.session.scalars(sa.select(Compte.id)).all()
        # Families without a QF among them: their prices are the grid's sans_quotient.
        assert db.session.scalar(sa.select(sa.func.count()).where(
            ~Famille.id.in_(sa.select(QuotientFamilial.famille_id)))) > 0
    for compte_id in comptes:
        connecter(client, compte_id)
        reponse = client.get("/espace-famille/tarifs")
        assert reponse.status_code == 200, reponse.text
        assert "€" in reponse.text
