"""What a session carries is encrypted with a key derived from the browser's token: the database
alone reads none of it (securite.md S3, E8), and a row cannot be replayed under another token."""

import sqlalchemy as sa

from portail_famille.auth import sessions
from portail_famille.extensions import db
from portail_famille.models import SessionServeur
from tests.aides import creer_compte
from tests.aides import jeton_session
from tests.aides import planter_session

PROPOSITION = {"enfants": [{"prenoms": "BASTIEN", "date_naissance": "2017-00-00"}],
               "adresse": {"numero_libelle_voie": "3 RUE DES ACACIAS"}}


def lignes(app) -> list[SessionServeur]:
    with app.app_context():
        return db.session.scalars(sa.select(SessionServeur)).all()


def test_la_base_ne_lit_rien_de_la_session(app, client):
    compte_id = creer_compte(app, "famille")
    planter_session(client, compte_id, "famille", propositions_caf=PROPOSITION,
                    id_token="eyJhbGciOiJFUzI1NiJ9.charge.signature")
    client.get("/espace-famille/")

    [ligne] = lignes(app)
    for clair in ("BASTIEN", "ACACIAS", "2017-00-00", "eyJhbGci", "famille", "_user_id", "{"):
        assert clair not in ligne.donnees
    assert ligne.compte_id == compte_id  # revocation still finds the account's sessions
    assert sessions.dechiffrer(ligne.donnees, jeton_session(client, app))["propositions_caf"] \
        == PROPOSITION


def test_une_ligne_recopiee_sous_un_autre_jeton_ne_s_ouvre_pas(app, client):
    # Copying a family's row onto another session's id gives nothing: the key is the token.
    victime, curieux = app.test_client(), client
    planter_session(victime, creer_compte(app, "famille"), "famille")
    planter_session(curieux, creer_compte(app, "famille"), "famille")
    donnees_victime = next(ligne.donnees for ligne in lignes(app)
                           if ligne.id != sessions.empreinte(jeton_session(curieux, app)))
    with app.app_context():
        db.session.execute(sa.update(SessionServeur)
                           .where(SessionServeur.id == sessions.empreinte(
                               jeton_session(curieux, app)))
                           .values(donnees=donnees_victime))
        db.session.commit()

    assert curieux.get("/espace-famille/").status_code == 302
    assert victime.get("/espace-famille/").status_code == 200


def test_une_ligne_alteree_rend_la_session_anonyme(app, client):
    planter_session(client, creer_compte(app, "famille"), "famille")
    [ligne] = lignes(app)
    with app.app_context():
        db.session.execute(sa.update(SessionServeur).values(donnees=ligne.donnees[:-4] + "AAAA"))
        db.session.commit()

    reponse = client.get("/espace-famille/")
    assert reponse.status_code == 302
    assert reponse.location.startswith("/connexion")
