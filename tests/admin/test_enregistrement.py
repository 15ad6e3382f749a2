"""Preview, then save: the comment is required, a save after another one answers 409 (T4), a
failure before the commit changes nothing (T5), each save is a version and is audited (T6)."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Evenement
from portail_famille.models import GrilleVersion
from portail_famille.services import audit
from portail_famille.services import grilles
from tests.admin.formulaires import CANTINE
from tests.admin.formulaires import donnees
from tests.admin.formulaires import envoyer
from tests.admin.formulaires import texte_de
from tests.aides import Page
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.grilles_essai import GRILLE_ESSAI

NOUVEAU_PRIX = {f"{CANTINE}-2-prix": "4.20"}  # the open-ended bracket: 4.00 → 4.20


def apercu(client, **valeurs):
    html = client.get("/admin/grille/modifier").text
    return envoyer(client, html, "verifier", **(valeurs or NOUVEAU_PRIX))


def enregistrer(client, html_apercu: str, commentaire: str = "Délibération n° 2030/7"):
    return client.post("/admin/grille/enregistrer",
                       data={**donnees(html_apercu), "commentaire": commentaire})


def versions(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(v.auteur, v.commentaire, v.sha256) for v in db.session.scalars(
            sa.select(GrilleVersion).order_by(GrilleVersion.id))]


def prix_servi(client) -> str:
    """The canteen's last price of the first period, as the public API serves it."""
    grille = client.get("/api/tarifs").get_json()
    return grille["periodes"][0]["services"]["cantine"]["bareme"]["tranches"][-1]["prix"]


def test_l_apercu_montre_les_deux_courbes_et_leur_tableau(admin):
    reponse = apercu(admin)
    assert reponse.status_code == 200
    page = Page(reponse.text)
    figures = page.tous("figure")
    assert len(figures) == 1  # only the canteen of the first period changed
    svg = figures[0].tous("svg")[0]
    assert svg.get("role") == "img"
    assert svg.tous("title")[0].texte == ("Restauration scolaire, Année scolaire 2030-2031 : "
                                          "prix selon le quotient familial, grille en vigueur "
                                          "et grille proposée")
    assert "En pointillés, la grille en vigueur : de 1,00\u00a0€ à 4,00\u00a0€" in \
        svg.tous("desc")[0].texte
    assert [p.get("class") for p in svg.tous("polyline")] == ["courbe courbe--actuelle", "courbe"]
    lignes = [[td.texte for td in tr.tous("td")] for tr in figures[0].tous("tbody")[0].tous("tr")]
    assert ["800,00\u00a0€", "2,55\u00a0€", "2,55\u00a0€", "inchangé"] in lignes
    assert ["800,01\u00a0€", "4,00\u00a0€", "4,20\u00a0€", "+0,20\u00a0€"] in lignes
    # The text's changed line, side by side.
    assert [d.texte for d in page.tous("del")] == ["retiré : - prix: 4.00 # au-delà de 800"]
    assert [i.texte for i in page.tous("ins")] == ["ajouté : - prix: 4.20 # au-delà de 800"]


def test_enregistrer_exige_le_numero_de_la_deliberation(app, admin):
    reponse = enregistrer(admin, apercu(admin).text, commentaire="  ")
    assert reponse.status_code == 422
    assert "Indiquez le numéro de la délibération." in reponse.text
    assert len(versions(app)) == 1
    # The proposed text is still there, ready to save.
    assert grilles.lire(donnees(reponse.text)["texte"]).periodes[0].services[
        "cantine"].bareme.tranches[-1].prix == Decimal("4.20")


def test_enregistrer_met_la_version_en_vigueur_sans_redemarrer(app, admin):
    assert prix_servi(admin) == "4.00"
    reponse = enregistrer(admin, apercu(admin).text)
    assert (reponse.status_code, reponse.location) == (303, "/admin/grille")
    _, (auteur, commentaire, sha) = versions(app)
    assert (auteur, commentaire) == ("admin.durand", "Délibération n° 2030/7")
    assert prix_servi(admin) == "4.20"
    page = admin.get("/admin/grille").text
    assert sha in page and "La version n° " in page
    with app.app_context():
        (evenement,) = db.session.scalars(sa.select(Evenement).where(
            Evenement.type == grilles.EVENEMENT_MODIFICATION))
        assert evenement.detail.endswith(sha[:12])


def test_t4_la_seconde_session_recoit_409_et_garde_son_texte(app, admin):
    autre = app.test_client()
    planter_session(autre, creer_personnel(app, "admin", identifiant="admin.martin"), "admin")
    apercu_premier = apercu(admin).text
    apercu_second = apercu(autre, **{f"{CANTINE}-0-prix": "0.90"}).text
    assert enregistrer(admin, apercu_premier).status_code == 303
    reponse = enregistrer(autre, apercu_second, "Délibération n° 2030/8")
    assert reponse.status_code == 409
    page = Page(reponse.text)
    texte_garde = texte_de(page.par_id("texte"))
    assert "prix: 0.90" in texte_garde and "prix: 4.00   # au-delà de 800" in texte_garde
    assert "Rien n’a été enregistré" in reponse.text
    # What the first admin changed meanwhile, side by side.
    assert [i.texte for i in page.tous("ins")] == ["ajouté : - prix: 4.20 # au-delà de 800"]
    assert [a for a, _, _ in versions(app)] == ["fichier", "admin.durand"]
    assert prix_servi(admin) == "4.20"


def test_t4_deux_enregistrements_simultanes_ne_passent_pas_tous_les_deux(app, monkeypatch):
    with app.app_context():
        premiere = grilles.derniere_version()
        # The other save landed between this one's check and its insert: both read the same
        # newest version, the unique « precedente_id » refuses the second.
        db.session.add(GrilleVersion(texte=GRILLE_ESSAI, sha256="a" * 64, source="admin",
                                     auteur="admin.martin", precedente_id=premiere.id))
        db.session.commit()
        with monkeypatch.context() as patch, pytest.raises(grilles.VersionDepassee):
            patch.setattr(grilles, "derniere_version", lambda: premiere)
            grilles.enregistrer(GRILLE_ESSAI.replace("4.00", "4.20"), premiere.sha256,
                                auteur="admin.durand", commentaire="n° 1")
        db.session.rollback()
    assert [a for a, _, _ in versions(app)] == ["fichier", "admin.martin"]


def test_t5_un_echec_avant_la_validation_ne_change_rien(app, admin, monkeypatch):
    html = apercu(admin).text

    def panne(*args, **kwargs):
        raise RuntimeError("panne injectée avant la validation")

    monkeypatch.setattr(audit, "consigner", panne)
    with pytest.raises(RuntimeError):
        enregistrer(admin, html)
    assert len(versions(app)) == 1
    assert prix_servi(admin) == "4.00"


def test_t6_un_agent_ne_peut_pas_enregistrer(app):
    agent = app.test_client()
    planter_session(agent, creer_personnel(app, "agent"), "agent")
    reponse = agent.post("/admin/grille/enregistrer",
                         data={"texte": GRILLE_ESSAI, "base": "", "commentaire": "x"})
    assert reponse.status_code == 403
    assert len(versions(app)) == 1
