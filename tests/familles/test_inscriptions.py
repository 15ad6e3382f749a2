"""Enrolments: asked for one or several children, changed, cancelled, asked again; every change
kept; « validée » out of a family's reach (A3); atomic and guarded against stale forms (R1)."""

import re
from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from portail_famille.extensions import db
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import QuotientFamilial
from tests.fabriques import ajouter_enfant
from tests.fabriques import creer_famille
from tests.fabriques import famille_de
from tests.familles.conftest import JOUR_DE_CLASSE

from .conftest import DEBUT
from .conftest import DEBUT_SUIVANTE
from .conftest import FIN
from .conftest import adresse_de_la_derniere_inscription
from .conftest import connecter

AUJOURD_HUI = JOUR_DE_CLASSE.isoformat()


def demande(enfants, service="cantine", periode=DEBUT, jours=("lundi", "jeudi"),
            date_debut=AUJOURD_HUI, **autres):
    return {"enfants": list(enfants), "service": f"{periode.isoformat()}:{service}",
            "jours": list(jours), "date_debut": date_debut, **autres}


def lignes(app):
    with app.app_context():
        inscriptions = [tuple(r) for r in db.session.execute(sa.select(
            Inscription.enfant_id, Inscription.service, Inscription.periode_debut,
            Inscription.jours, Inscription.date_debut, Inscription.statut,
            Inscription.version).order_by(Inscription.id))]
        historique = [tuple(r) for r in db.session.execute(sa.select(
            HistoriqueInscription.inscription_id, HistoriqueInscription.action,
            HistoriqueInscription.statut, HistoriqueInscription.jours,
            HistoriqueInscription.role).order_by(HistoriqueInscription.id))]
        return inscriptions, historique


@pytest.fixture
def enfants(app, famille):
    _, famille_id = famille
    return (ajouter_enfant(app, famille_id, "Léo", date(2016, 5, 3)),
            ajouter_enfant(app, famille_id, "Jade", date(2019, 11, 20)))


def test_inscrire_deux_enfants_en_une_demande(app, client, enfants):
    leo, jade = enfants
    reponse = client.post("/espace-famille/inscriptions/nouvelle",
                          data=demande([jade, leo], jours=("jeudi", "lundi")))
    assert reponse.status_code == 303
    inscriptions, historique = lignes(app)
    assert [(i[0], i[3], i[5]) for i in inscriptions] == [(jade, "lundi,jeudi", "demandee"),
                                                          (leo, "lundi,jeudi", "demandee")]
    assert [(h[1], h[4]) for h in historique] == [("demande", "famille")] * 2
    page = client.get("/espace-famille/inscriptions").text
    assert "Année en cours" in page and "Demandée" in page and "lundi, jeudi" in page


def test_champs_en_trop_ignores_a3(app, client, famille, enfants):
    """Posting a status, a QF, a role or another household changes nothing (A3)."""
    leo, _ = enfants
    client.post("/espace-famille/inscriptions/nouvelle", data=demande(
        [leo], statut="validee", famille_id="999", qf="1", role="agent", version="7",
        periode_libelle="gratuit", valeur="0"))
    url = adresse_de_la_derniere_inscription(app)
    inscriptions, _ = lignes(app)
    assert [(i[5], i[6]) for i in inscriptions] == [("demandee", 1)]
    client.post(url, data={
        "jours": ["mardi"], "date_debut": AUJOURD_HUI, "version": "1", "statut": "validee"})
    client.post("/espace-famille/enfants/ajouter", data={
        "prenoms": "Noé", "nom": "MARTIN", "date_naissance": "2020-06-30", "niveau": "ps",
            "niveau_confirme": "y",
        "ecole": "École", "famille_id": "999", "origine": "caf", "id": "1"})
    with app.app_context():
        assert db.session.scalar(sa.select(Inscription.statut)) == "demandee"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuotientFamilial)) == 0
    assert "Noé" in client.get("/espace-famille/enfants").text


def test_modifier_annuler_redemander_tout_est_garde(app, client, enfants):
    leo, _ = enfants
    client.post("/espace-famille/inscriptions/nouvelle", data=demande([leo]))
    url = adresse_de_la_derniere_inscription(app)
    # An agent validated it (the back office is a later issue).
    with app.app_context():
        db.session.scalar(sa.select(Inscription)).statut = "validee"
        db.session.commit()
    page = client.get(url).text
    assert "Après une modification, la mairie valide à nouveau l’inscription." in page

    assert client.post(url, data={
        "jours": ["mardi", "vendredi"], "date_debut": AUJOURD_HUI, "version": "2"},
    ).status_code == 303
    assert client.post(f"{url}/annuler",
                       data={"annulation-version": "3"}).status_code == 303
    assert client.post("/espace-famille/inscriptions/nouvelle",
                       data=demande([leo], jours=("mercredi",))).status_code == 303

    inscriptions, historique = lignes(app)
    assert len(inscriptions) == 1
    assert inscriptions[0][3:6] == ("mercredi", date.today(), "demandee")
    assert [(h[1], h[2], h[3]) for h in historique] == [
        ("demande", "demandee", "lundi,jeudi"),
        ("modification", "demandee", "mardi,vendredi"),
        ("annulation", "annulee", "mardi,vendredi"),
        ("reprise", "demandee", "mercredi")]
    page = client.get(url).text
    for texte in ("Demande d’inscription", "Modification", "Annulation", "Nouvelle demande",
                  "Vous"):
        assert texte in page


def test_regles_de_la_demande(app, client, enfants):
    leo, jade = enfants
    client.post("/espace-famille/inscriptions/nouvelle", data=demande([leo]))
    hier = (date.today() - timedelta(days=1)).isoformat()
    apres = (FIN + timedelta(days=1)).isoformat()
    cas = [
        (demande([leo, jade]), "Léo a déjà une inscription à ce service pour cette année"),
        (demande([jade], date_debut=hier), "Choisissez une date à partir d’aujourd’hui."),
        (demande([jade], date_debut=apres), "Choisissez une date entre le"),
        (demande([jade], jours=("samedi",)), "Choisissez parmi les cases proposées."),
        (demande([jade], jours=()), "Cochez au moins un jour."),
        (demande([]), "Cochez au moins un enfant."),
        (demande([jade], service="piscine"), "N&#39;est pas un choix valide."),
        # The next period has no workshops.
        (demande([jade], service="ateliers", periode=DEBUT_SUIVANTE),
         "N&#39;est pas un choix valide."),
    ]
    for donnees, message in cas:
        reponse = client.post("/espace-famille/inscriptions/nouvelle", data=donnees)
        assert reponse.status_code == 422, message
        assert message in reponse.text, message
    assert len(lignes(app)[0]) == 1
    # The next school year is open already.
    assert client.post("/espace-famille/inscriptions/nouvelle", data=demande(
        [jade], periode=DEBUT_SUIVANTE, date_debut=DEBUT_SUIVANTE.isoformat()),
    ).status_code == 303


def test_r1_echec_sur_le_deuxieme_enfant_ne_laisse_rien(app, client, enfants):
    """A failure injected on the second child's row leaves no partial rows (R1)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    leo, jade = enfants
    vues = []

    def panne(mapper, connexion, cible):
        vues.append(cible.enfant_id)
        if len(vues) == 2:
            raise RuntimeError("panne simulée au deuxième enfant")

    event.listen(Inscription, "before_insert", panne)
    try:
        reponse = client.post("/espace-famille/inscriptions/nouvelle",
                              data=demande([leo, jade]))
    finally:
        event.remove(Inscription, "before_insert", panne)
    assert vues == [leo, jade]
    assert reponse.status_code == 500
    assert "Vos données n’ont pas été modifiées." in reponse.text
    assert lignes(app) == ([], [])


def test_r1_deux_sessions_sur_une_inscription_409(app, client, famille, enfants):
    compte_id, _ = famille
    leo, _ = enfants
    client.post("/espace-famille/inscriptions/nouvelle", data=demande([leo]))
    url = adresse_de_la_derniere_inscription(app)
    autre = app.test_client()
    connecter(autre, compte_id)
    # Both load version 1; the first saves, the second gets the 409 page and writes nothing.
    for navigateur in (client, autre):
        assert 'name="version" type="hidden" value="1"' in navigateur.get(
            url).text
    assert client.post(url, data={
        "jours": ["mardi"], "date_debut": AUJOURD_HUI, "version": "1"}).status_code == 303
    reponse = autre.post(url, data={
        "jours": ["vendredi"], "date_debut": AUJOURD_HUI, "version": "1"})
    assert reponse.status_code == 409
    assert "Modification concurrente" in reponse.text
    assert autre.post(f"{url}/annuler",
                      data={"annulation-version": "1"}).status_code == 409
    inscriptions, historique = lignes(app)
    assert inscriptions[0][3:] == ("mardi", date.today(), "demandee", 2)
    assert len(historique) == 2


def test_r1_modification_concurrente_au_moment_d_ecrire_409(app, client, enfants):
    """The version column catches a change committed between reading and writing."""
    leo, _ = enfants
    client.post("/espace-famille/inscriptions/nouvelle", data=demande([leo]))
    url = adresse_de_la_derniere_inscription(app)

    def agent_passe_avant(session, contexte, instances):
        with db.engine.begin() as connexion:
            connexion.execute(sa.update(Inscription.__table__).values(
                statut="validee", version=Inscription.__table__.c.version + 1))

    event.listen(db.session, "before_flush", agent_passe_avant, once=True)
    reponse = client.post(url, data={
        "jours": ["mardi"], "date_debut": AUJOURD_HUI, "version": "1"})
    assert reponse.status_code == 409
    inscriptions, historique = lignes(app)
    assert inscriptions[0][3:] == ("lundi,jeudi", date.today(), "validee", 2)
    assert len(historique) == 1


def test_une_famille_ne_peut_pas_valider(app):
    """No family route even knows the word: « validée » belongs to agents."""
    regles = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("familles.")]
    assert not [r for r in regles if "valid" in r.rule]


def test_i1_les_deux_formulaires_de_la_page_portent_leur_jeton(fabrique, fichier_grille):
    """With CSRF on, the change form and the cancel confirmation each carry a valid token."""
    app = fabrique(RATELIMIT_ENABLED=False, tarifs_fichier=fichier_grille)
    client = app.test_client()
    compte = creer_famille(app)
    connecter(client, compte)
    leo = ajouter_enfant(app, famille_de(app, compte), "Léo", date(2016, 5, 3))

    def jetons(url):
        return re.findall(r'name="((?:annulation-)?csrf_token)" type="hidden" value="([^"]+)"',
                          client.get(url).text)

    (nom, jeton), = jetons("/espace-famille/inscriptions/nouvelle")
    assert client.post("/espace-famille/inscriptions/nouvelle",
                       data=demande([leo])).status_code == 400
    assert client.post("/espace-famille/inscriptions/nouvelle",
                       data={**demande([leo]), nom: jeton}).status_code == 303
    url = adresse_de_la_derniere_inscription(app)
    champs = {**dict(jetons(url)), **dict(jetons(f"{url}/annuler"))}
    assert set(champs) == {"csrf_token", "annulation-csrf_token"}
    assert client.post(url, data={
        "jours": ["mardi"], "date_debut": AUJOURD_HUI, "version": "1",
        "csrf_token": champs["csrf_token"]}).status_code == 303
    assert client.post(f"{url}/annuler", data={
        "annulation-version": "2",
        "annulation-csrf_token": champs["annulation-csrf_token"]}).status_code == 303
    assert lignes(app)[0][0][5] == "annulee"
