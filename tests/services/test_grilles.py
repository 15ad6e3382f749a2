"""Versions of the grid in the database (tarifs.md §6, securite.md T5/T6).

Two apps built on one database stand for two processes (or two machines) of one deployment.
"""

import types

import pytest
import sqlalchemy as sa

from portail_famille.domaine.grille import GrilleInvalide
from portail_famille.extensions import db
from portail_famille.models import GrilleVersion
from portail_famille.services import grilles
from tests.grilles_essai import GRILLE_CASSEE
from tests.grilles_essai import GRILLE_ESSAI
from tests.grilles_essai import ecrire

GRILLE_ADMIN = GRILLE_ESSAI.replace("prix: 4.00   # au-delà de 800", "prix: 4.10   # admin")
GRILLE_DELIBEREE = GRILLE_ESSAI.replace("prix: 4.00   # au-delà de 800",
                                        "prix: 4.30   # nouvelle délibération")


def versions(app) -> list[tuple[str, str, str]]:
    """(source, auteur, texte) of every version, oldest first."""
    with app.app_context():
        return [(v.source, v.auteur, v.texte) for v in db.session.scalars(
            sa.select(GrilleVersion).order_by(GrilleVersion.id))]


def en_vigueur(app) -> grilles.GrilleChargee:
    with app.app_context():
        return app.extensions["grille"].obtenir()


def ajouter(app, texte: str, source: str = "admin", auteur: str = "admin.test",
            commentaire: str = "") -> GrilleVersion:
    with app.app_context():
        version = grilles.ajouter_version(texte, source=source, auteur=auteur,
                                          commentaire=commentaire)
        db.session.commit()
        app.extensions["grille"].oublier()
        return version


@pytest.fixture
def horloge(monkeypatch):
    """The monotonic clock the per-process cache reads, moved by hand (time-machine does not
    move time.monotonic)."""
    horloge = types.SimpleNamespace(t=1000.0)
    faux_time = types.SimpleNamespace(monotonic=lambda: horloge.t)
    monkeypatch.setattr(grilles, "time", faux_time)
    return horloge


def test_au_demarrage_le_fichier_devient_la_premiere_version(fabrique, tmp_path):
    fichier = ecrire(tmp_path)
    app = fabrique(tarifs_fichier=fichier)
    assert versions(app) == [("fichier", "fichier", GRILLE_ESSAI)]
    chargee = en_vigueur(app)
    assert chargee.texte == GRILLE_ESSAI  # comments included
    assert chargee.sha256 == grilles.empreinte(GRILLE_ESSAI)
    assert chargee.version_id is not None


def test_au_demarrage_un_fichier_modifie_devient_une_nouvelle_version(fabrique, tmp_path):
    fichier = ecrire(tmp_path)
    fabrique(tarifs_fichier=fichier)
    ecrire(tmp_path, GRILLE_DELIBEREE)
    app = fabrique(tarifs_fichier=fichier)
    assert [texte for _, _, texte in versions(app)] == [GRILLE_ESSAI, GRILLE_DELIBEREE]
    assert en_vigueur(app).texte == GRILLE_DELIBEREE


def test_un_redemarrage_avec_le_meme_fichier_n_ajoute_rien(fabrique, tmp_path):
    fichier = ecrire(tmp_path)
    fabrique(tarifs_fichier=fichier)
    app = fabrique(tarifs_fichier=fichier)
    assert len(versions(app)) == 1


def test_un_fichier_inchange_ne_remplace_pas_une_version_plus_recente(fabrique, tmp_path):
    fichier = ecrire(tmp_path)
    premiere = fabrique(tarifs_fichier=fichier)
    ajouter(premiere, GRILLE_ADMIN)
    redemarree = fabrique(tarifs_fichier=fichier)  # a deployment with the same file
    assert [source for source, _, _ in versions(redemarree)] == ["fichier", "admin"]
    assert en_vigueur(redemarree).texte == GRILLE_ADMIN


def test_un_fichier_modifie_remplace_une_version_admin(fabrique, tmp_path):
    fichier = ecrire(tmp_path)
    premiere = fabrique(tarifs_fichier=fichier)
    ajouter(premiere, GRILLE_ADMIN)
    ecrire(tmp_path, GRILLE_DELIBEREE)  # a new council decision deployed with the code
    redemarree = fabrique(tarifs_fichier=fichier)
    assert [source for source, _, _ in versions(redemarree)] == ["fichier", "admin", "fichier"]
    assert en_vigueur(redemarree).texte == GRILLE_DELIBEREE


def test_un_autre_processus_voit_la_nouvelle_version_dans_son_intervalle(
        fabrique, tmp_path, horloge):
    fichier = ecrire(tmp_path)
    ecrivain = fabrique(tarifs_fichier=fichier, grille_rafraichissement_s=5)
    lecteur = fabrique(tarifs_fichier=fichier, grille_rafraichissement_s=5)
    client = lecteur.test_client()
    assert client.get("/api/tarifs").json["version"] == grilles.empreinte(GRILLE_ESSAI)

    ajouter(ecrivain, GRILLE_ADMIN)
    assert en_vigueur(ecrivain).texte == GRILLE_ADMIN  # the writer switches at once

    horloge.t += 4.9  # within the interval, the reader keeps the grid it has
    assert client.get("/api/tarifs").json["version"] == grilles.empreinte(GRILLE_ESSAI)
    assert en_vigueur(lecteur).texte == GRILLE_ESSAI

    horloge.t += 0.2  # past it, without any restart
    assert client.get("/api/tarifs").json["version"] == grilles.empreinte(GRILLE_ADMIN)
    reponse = client.get("/api/simulation", query_string={
        "qf": "1001", "date": "2030-09-01"})
    assert reponse.json["services"]["cantine"]["prix"] == "4.10"


def test_une_version_ajoutee_mais_non_validee_n_est_jamais_en_vigueur(fabrique, tmp_path):
    fichier = ecrire(tmp_path)
    app = fabrique(tarifs_fichier=fichier, grille_rafraichissement_s=0)
    autre = fabrique(tarifs_fichier=fichier, grille_rafraichissement_s=0)
    with app.app_context():
        grilles.ajouter_version(GRILLE_ADMIN, source="admin", auteur="admin.test")
        assert en_vigueur(autre).texte == GRILLE_ESSAI  # flushed, not committed
        db.session.rollback()  # a failure before the commit (T5)
    assert len(versions(app)) == 1
    assert en_vigueur(autre).texte == GRILLE_ESSAI


def test_un_texte_invalide_est_refuse_et_rien_n_est_enregistre(fabrique, tmp_path):
    app = fabrique(tarifs_fichier=ecrire(tmp_path))
    with app.app_context():
        with pytest.raises(GrilleInvalide) as refus:
            grilles.ajouter_version(GRILLE_CASSEE, source="admin", auteur="admin.test",
                                    fichier="editeur")
        db.session.commit()
    assert "editeur:21:15: cantine : la borne 800 doit être supérieure à la précédente (900)" \
        in refus.value.lignes()
    assert len(versions(app)) == 1
    assert en_vigueur(app).texte == GRILLE_ESSAI


def test_l_application_refuse_de_demarrer_sur_un_fichier_invalide(fabrique, tmp_path):
    app = fabrique(tarifs_fichier=ecrire(tmp_path))
    cassee = ecrire(tmp_path, GRILLE_CASSEE, "cassee.yaml")
    with pytest.raises(GrilleInvalide) as refus:
        fabrique(tarifs_fichier=cassee)
    assert f"{cassee}:30:11: soir : clé inconnue « plancer » (vouliez-vous dire « plancher » ?)" \
        in refus.value.lignes()
    assert len(versions(app)) == 1


def test_l_historique_garde_chaque_version_avec_auteur_empreinte_et_commentaire(
        fabrique, tmp_path):
    app = fabrique(tarifs_fichier=ecrire(tmp_path))
    ajouter(app, GRILLE_ADMIN, commentaire="correction d'un prix")
    ajouter(app, GRILLE_DELIBEREE, source="import", auteur="ligne de commande",
            commentaire="délibération n° 2030/7")
    with app.app_context():
        lignes = db.session.scalars(sa.select(GrilleVersion).order_by(GrilleVersion.id)).all()
        assert [(v.source, v.auteur, v.commentaire) for v in lignes] == [
            ("fichier", "fichier", "import de tarifs.yaml au démarrage"),
            ("admin", "admin.test", "correction d'un prix"),
            ("import", "ligne de commande", "délibération n° 2030/7"),
        ]
        assert [v.sha256 for v in lignes] == [
            grilles.empreinte(t) for t in (GRILLE_ESSAI, GRILLE_ADMIN, GRILLE_DELIBEREE)]
        assert all(v.cree_le is not None and v.cree_le.tzinfo is not None for v in lignes)


def test_une_version_illisible_par_ce_processus_laisse_la_precedente_en_vigueur(
        fabrique, tmp_path, caplog):
    # During a rolling deploy, newer code may have saved a version that this code cannot read.
    app = fabrique(tarifs_fichier=ecrire(tmp_path))
    ajouter(app, GRILLE_ADMIN)
    with app.app_context():
        db.session.add(GrilleVersion(texte=GRILLE_CASSEE, sha256=grilles.empreinte(GRILLE_CASSEE),
                                     source="admin", auteur="code plus récent"))
        db.session.commit()
    app.extensions["grille"].oublier()
    assert en_vigueur(app).texte == GRILLE_ADMIN
    app.extensions["grille"].oublier()
    assert en_vigueur(app).texte == GRILLE_ADMIN
    assert caplog.text.count("illisible par ce processus") == 1


def test_t4_deux_processus_qui_demarrent_ensemble_n_importent_qu_une_fois(fabrique, tmp_path,
                                                                        monkeypatch):
    fichier = ecrire(tmp_path)
    premier = fabrique(tarifs_fichier=fichier)
    with premier.app_context():
        depart = db.session.get(GrilleVersion, grilles.derniere_version().id)
        # The other process imported the new file between this one's read and its insert.
        db.session.add(GrilleVersion(texte=GRILLE_DELIBEREE, sha256=grilles.empreinte(
            GRILLE_DELIBEREE), source="fichier", auteur="fichier", precedente_id=depart.id))
        db.session.commit()
        db.session.refresh(depart)
        db.session.expunge(depart)
    ecrire(tmp_path, GRILLE_DELIBEREE)
    # Both of this process's reads happened before the other's commit: the newest version,
    # and the last import from the file (so it imports the file too).
    monkeypatch.setattr(grilles, "derniere_version", lambda: depart)
    monkeypatch.setattr(grilles, "synchroniser_fichier", lambda texte, chemin: (
        grilles.ajouter_version(texte, source="fichier", auteur="fichier")))
    app = fabrique(tarifs_fichier=fichier)
    monkeypatch.undo()
    assert [texte for _, _, texte in versions(app)] == [GRILLE_ESSAI, GRILLE_DELIBEREE]
    assert en_vigueur(app).texte == GRILLE_DELIBEREE
