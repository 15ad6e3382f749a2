"""Emails (issue 12): written in French, text and HTML, queued after the decision and sent by a
job through SMTP once each; the sandbox shows them instead of sending them; each morning, the
families whose QF ends within 30 days are told once."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portail_famille import travaux
from portail_famille.connecteurs import courrier
from portail_famille.domaine import calendrier
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Courriel
from portail_famille.travaux import echeances
from portail_famille.travaux import expedition
from portail_famille.web import redaction
from tests import fabriques
from tests import smtp_factice
from tests.aides import Page


@pytest.fixture
def boite():
    boite = smtp_factice.Boite()
    port, arreter = smtp_factice.servir(boite)
    boite.port = port
    yield boite
    arreter()


@pytest.fixture
def app_smtp(fabrique, boite):
    return fabrique(smtp_url=f"smtp://127.0.0.1:{boite.port}",
                    courriel_expediteur="ne-pas-repondre@lyon.exemple.fr")


def foyer_a_deux_adultes(app) -> int:
    foyer = fabriques.creer_foyer(app, prenom="Camille", email="camille@exemple.test")
    with app.app_context():
        db.session.add(Compte(role="famille", famille_id=foyer.famille_id, fc_issuer="x",
                              fc_sub="second", prenoms="Sam", email="SAM@exemple.test "))
        db.session.commit()
    return foyer.famille_id


def annoncer(app, famille_id: int, cle: str = "essai:1") -> int:
    with app.test_request_context():
        nombre = redaction.annoncer("qf_expire", cle, famille_id, expire_le=date(2027, 1, 9))
        db.session.commit()
        return nombre


def expedier(app) -> None:
    with app.test_request_context():
        expedition.envoyer_les_courriels()


def lignes(app) -> list[Courriel]:
    with app.app_context():
        courriels = list(db.session.scalars(sa.select(Courriel).order_by(Courriel.id)))
        db.session.expunge_all()
        return courriels


def test_un_courriel_par_adulte_texte_et_html_envoye_une_fois(app_smtp, boite):
    famille_id = foyer_a_deux_adultes(app_smtp)
    assert annoncer(app_smtp, famille_id) == 2
    expedier(app_smtp)
    assert sorted(m["To"] for m in boite.messages) == ["camille@exemple.test", "sam@exemple.test"]
    message = boite.messages[0]
    assert message["Subject"] == "Votre quotient familial arrive à échéance"
    assert "ne-pas-repondre@lyon.exemple.fr" in message["From"]
    texte = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "9 janvier 2027" in texte and "9 janvier 2027" in html
    portail = app_smtp.extensions["portail"].portail_url
    assert f"{portail}/espace-famille/quotient" in texte
    assert f'href="{portail}/espace-famille/quotient"' in html
    assert all(c.envoye_le is not None and c.tentatives == 1 for c in lignes(app_smtp))
    expedier(app_smtp)  # nothing left to send
    assert len(boite.messages) == 2


def test_la_meme_nouvelle_n_est_ecrite_qu_une_fois(app_smtp, boite):
    famille_id = foyer_a_deux_adultes(app_smtp)
    annoncer(app_smtp, famille_id)
    assert annoncer(app_smtp, famille_id) == 0
    assert len(lignes(app_smtp)) == 2


def test_un_refus_du_serveur_est_note_et_retente(app_smtp, boite):
    famille_id = foyer_a_deux_adultes(app_smtp)
    annoncer(app_smtp, famille_id)
    boite.refuser = True
    expedier(app_smtp)
    assert [(c.envoye_le, c.erreur, c.tentatives) for c in lignes(app_smtp)] == \
        [(None, "550", 1), (None, "550", 1)]
    boite.refuser = False
    expedier(app_smtp)
    assert len(boite.messages) == 2


def test_un_foyer_sans_adresse_ne_recoit_rien(app_smtp):
    foyer = fabriques.creer_foyer(app_smtp, email="")
    assert annoncer(app_smtp, foyer.famille_id) == 0


def test_le_bac_a_sable_montre_les_courriels_sans_les_envoyer(app, client):
    famille_id = foyer_a_deux_adultes(app)
    annoncer(app, famille_id)
    expedier(app)
    page = Page(client.get("/bac-a-sable/courriels/").text)
    assert [h.texte for h in page.tous("h2")] == ["Votre quotient familial arrive à échéance"] * 2
    assert "camille@exemple.test" in client.get("/bac-a-sable/courriels/").text


@pytest.mark.parametrize("url", ["http://relais", "smtp://", "relais:25"])
def test_adresse_smtp_mal_formee(url):
    with pytest.raises(ValueError):
        courrier.ServeurSMTP(url, "x@y")


def test_prevenus_trente_jours_avant_l_echeance_une_seule_fois(app_smtp, boite):
    aujourd_hui = date.today()
    with app_smtp.app_context():
        grille = app_smtp.extensions["grille"].obtenir().grille
        debut = calendrier.periodes_ouvertes(grille, aujourd_hui)[0].debut
    inscription = fabriques.InscriptionPrevue("restauration_scolaire", debut)
    il_y_a_presque_un_an = datetime.now(UTC) - timedelta(days=350)
    bientot = fabriques.creer_foyer(app_smtp, email="bientot@exemple.test", enfants=(
        fabriques.EnfantPrevu("Léa", date(2017, 1, 1), inscriptions=(inscription,)),),
        quotients=(fabriques.QuotientCAF(700, le=il_y_a_presque_un_an),))
    fabriques.creer_foyer(app_smtp, email="tranquille@exemple.test", enfants=(
        fabriques.EnfantPrevu("Noé", date(2017, 1, 1), inscriptions=(inscription,)),),
        quotients=(fabriques.QuotientCAF(700),))
    fabriques.creer_foyer(app_smtp, email="sans-inscription@exemple.test",
                          quotients=(fabriques.QuotientCAF(700, le=il_y_a_presque_un_an),))
    for jour in (aujourd_hui, aujourd_hui + timedelta(days=1)):
        with time_machine.travel(datetime.combine(jour, datetime.min.time(), UTC)
                                 + timedelta(hours=7), tick=False), \
                app_smtp.test_request_context():
            tache = echeances.tache_du_jour(jour)
            db.session.commit()
            travaux.envoyer(tache)
    assert [m["To"] for m in boite.messages] == ["bientot@exemple.test"]
    assert {c.famille_id for c in lignes(app_smtp)} == {bientot.famille_id}
