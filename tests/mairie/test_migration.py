"""Revision 0022 fills the search column of the people already there, with the rule the models
apply to new ones (`models.recherche`), on a database migrated up to 0019 first."""

import sqlalchemy as sa
from flask_migrate import upgrade

from portail_famille import create_app
from portail_famille.extensions import db


def test_0022_remplit_la_colonne_de_recherche_des_personnes_existantes(tmp_path):
    app = create_app({"tests": True, "database_url": f"sqlite:///{tmp_path / 'ancienne.db'}",
                      "instance_path": tmp_path / "instance"})
    with app.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as connexion:
            connexion.execute(sa.text("INSERT INTO famille (id, cree_le, adresse_voie, "
                                      "adresse_complement, code_postal, commune_residence) "
                                      "VALUES (1, '2026-01-01', '', '', '', '')"))
            connexion.execute(sa.text(
                "INSERT INTO compte (id, role, actif, famille_id, nom_naissance, nom_usage, "
                "prenoms, date_naissance, sexe, code_commune_naissance, code_pays_naissance, "
                "email, cree_le) VALUES (1, 'famille', 1, 1, 'LEFÈVRE', '', 'Hélène Marie', "
                "'', '', '', '', '', '2026-01-01')"))
            connexion.execute(sa.text(
                "INSERT INTO enfant (id, famille_id, nom, prenoms, date_naissance, ecole, niveau, "
                "origine, cree_le, niveau_a_verifier, version) VALUES (1, 1, 'D’ARTAGNAN', "
                "'Maël', '2016-02-14', '', 'ce1', 'famille', '2026-01-01', 0, 1)"))
        upgrade(revision="0022")
        with db.engine.connect() as connexion:
            assert connexion.execute(sa.text("SELECT nom_recherche FROM compte")).scalar() == \
                " HELENE MARIE LEFEVRE "
            assert connexion.execute(sa.text("SELECT nom_recherche FROM enfant")).scalar() == \
                " MAEL D ARTAGNAN "
            assert connexion.execute(sa.text("SELECT version FROM famille")).scalar() == 1
        db.engine.dispose()
