"""/admin/grille/versions: every version, any two side by side, restore as a new version (T6)."""

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import GrilleVersion
from portail_famille.services import grilles
from tests.admin.formulaires import donnees
from tests.admin.formulaires import texte_de
from tests.aides import Page
from tests.grilles_essai import GRILLE_ESSAI

RELEVEE = GRILLE_ESSAI.replace("prix: 4.00   # au-delà de 800", "prix: 4.20   # au-delà de 800")


def ajouter(app, texte: str, auteur: str = "admin.durand", commentaire: str = "n° 2030/7"):
    with app.app_context():
        version = grilles.ajouter_version(texte, source="admin", auteur=auteur,
                                          commentaire=commentaire)
        db.session.commit()
        app.extensions["grille"].oublier()
        return version.id, version.sha256


def test_t6_chaque_version_avec_heure_auteur_commentaire_et_empreinte(app, admin):
    nouvelle, sha = ajouter(app, RELEVEE)
    page = Page(admin.get("/admin/grille/versions").text)
    lignes = [[td.texte for td in tr.tous("td")] for tr in page.tous("tbody")[0].tous("tr")]
    assert [ligne[0] for ligne in lignes] == [f"n° {nouvelle} en vigueur", f"n° {nouvelle - 1}"]
    assert lignes[0][2:5] == ["admin.durand", "n° 2030/7", sha]
    assert lignes[1][2:5] == ["fichier", "import de tarifs.yaml au démarrage",
                              grilles.empreinte(GRILLE_ESSAI)]
    assert " à " in lignes[0][1]  # the time, not only the day


def test_deux_versions_cote_a_cote(app, admin):
    nouvelle, _ = ajouter(app, RELEVEE)
    reponse = admin.get("/admin/grille/versions/comparer",
                        query_string={"de": nouvelle - 1, "a": nouvelle})
    assert reponse.status_code == 200
    page = Page(reponse.text)
    tableau = page.tous("table")[0]
    assert [th.texte for th in tableau.tous("th")] == ["Ligne", f"Version n° {nouvelle - 1}",
                                                        "Ligne", f"Version n° {nouvelle}"]
    assert [d.texte for d in tableau.tous("del")] == ["retiré : - prix: 4.00 # au-delà de 800"]
    assert [i.texte for i in tableau.tous("ins")] == ["ajouté : - prix: 4.20 # au-delà de 800"]


def test_comparer_une_version_inconnue_est_refuse_en_francais(admin):
    reponse = admin.get("/admin/grille/versions/comparer", query_string={"de": "x", "a": 999})
    assert reponse.status_code == 422
    assert "Le formulaire contient" in reponse.text


def test_restaurer_montre_l_apercu_puis_ajoute_une_version(app, admin):
    nouvelle, _ = ajouter(app, RELEVEE)
    reponse = admin.get(f"/admin/grille/versions/{nouvelle - 1}/restaurer")
    assert reponse.status_code == 200
    assert f"Restaurer la version n° {nouvelle - 1}" in reponse.text
    assert len(Page(reponse.text).tous("figure")) == 1  # the canteen's curves, 4.20 → 4.00
    envoi = donnees(reponse.text)
    assert envoi["commentaire"] == f"Restauration de la version n° {nouvelle - 1}"
    enregistree = admin.post("/admin/grille/enregistrer", data=envoi)
    assert enregistree.status_code == 303
    with app.app_context():
        textes = list(db.session.scalars(sa.select(GrilleVersion.texte)
                                         .order_by(GrilleVersion.id)))
    assert textes == [GRILLE_ESSAI, RELEVEE, GRILLE_ESSAI]
    assert admin.get("/api/tarifs").get_json()["version"] == grilles.empreinte(GRILLE_ESSAI)


def test_restaurer_une_version_inconnue_404(admin):
    assert admin.get("/admin/grille/versions/999/restaurer").status_code == 404


def test_restaurer_une_version_que_ce_code_ne_lit_plus_ouvre_l_editeur(app, admin):
    with app.app_context():
        # Saved under older rules (written here directly: the service would refuse it).
        ancienne = GrilleVersion(texte=GRILLE_ESSAI.replace("plancher", "plancer"),
                                 sha256="c" * 64, source="admin", auteur="admin.ancien")
        db.session.add(ancienne)
        db.session.commit()
        ancienne_id = ancienne.id
    reponse = admin.get(f"/admin/grille/versions/{ancienne_id}/restaurer")
    assert reponse.status_code == 422
    assert "clé inconnue « plancer »" in reponse.text
    assert "plancer: 0.50" in texte_de(Page(reponse.text).par_id("texte"))
