"""« Mes tarifs » gives the price `flask tarifs simuler` gives for the same QF, sibling rank and
residence, on a grid written for the test, for the period in force and the next one."""

import html
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

import pytest

from portail_famille.extensions import db
from portail_famille.models import Famille
from portail_famille.web import affichage
from tests.fabriques import ajouter_enfant
from tests.fabriques import ajouter_qf_caf
from tests.fabriques import ajouter_qf_dgfip
from tests.fabriques import creer_famille
from tests.fabriques import famille_de

from .aides_tarifs import inscrire
from .aides_tarifs import pourquoi
from .aides_tarifs import prix_affiches
from .aides_tarifs import simuler
from .aides_tarifs import verifier_contre_le_simulateur
from .conftest import DEBUT
from .conftest import DEBUT_SUIVANTE
from .conftest import GRILLE
from .conftest import connecter


def test_rfr_rang_3_et_hors_commune_egaux_au_simulateur(app, client, fichier_grille):
    compte = creer_famille(app, reside=False)
    connecter(client, compte)
    famille_id = famille_de(app, compte)
    aine = ajouter_enfant(app, famille_id, "Hugo", date(2014, 9, 9))
    cadette = ajouter_enfant(app, famille_id, "Lina", date(2017, 1, 15))
    benjamin = ajouter_enfant(app, famille_id, "Noé", date(2020, 6, 30))
    # RFR 37 760 € and 2.5 parts: QF 1 258.67 (tarifs.md §1).
    ajouter_qf_dgfip(app, famille_id, 37760, "2.5", "1258.67")
    inscrire(client, [aine, cadette, benjamin], DEBUT, "cantine", ("lundi", "mardi", "jeudi"))
    inscrire(client, [benjamin, aine], DEBUT, "ateliers")
    inscrire(client, [aine, cadette, benjamin], DEBUT_SUIVANTE, "cantine")

    page = client.get("/espace-famille/tarifs").text
    debut, suivante = DEBUT.isoformat(), DEBUT_SUIVANTE.isoformat()
    rangs = {(debut, cadette, "cantine"): 2, (debut, benjamin, "cantine"): 3,
             (suivante, cadette, "cantine"): 2, (suivante, benjamin, "cantine"): 3,
             # Lina is not enrolled in the workshops: she would come after Hugo, and Noé too.
             (debut, cadette, "ateliers"): 2, (debut, benjamin, "ateliers"): 2}
    verifier_contre_le_simulateur(app, fichier_grille, page, "1258.67", rangs, True)
    # Both periods, three children, every service of each period.
    assert len(prix_affiches(page)) == 3 * 3 + 3 * 2
    assert "Année suivante (à venir)" in page
    assert "rang 3, après Hugo, Lina" in page
    assert "37\u202f760 € ÷ 12 ÷ 2,5 parts" in page
    assert "n° 2026/042 du 2 juillet 2026" in page


def test_qf_caf_et_estimation_du_mois(app, client, famille, fichier_grille):
    _, famille_id = famille
    enfant = ajouter_enfant(app, famille_id, "Maël", date(2016, 2, 14))
    ajouter_qf_caf(app, famille_id, 1120)
    inscrire(client, [enfant], DEBUT, "garderie", ("lundi", "mardi", "jeudi", "vendredi"))

    page = client.get("/espace-famille/tarifs").text
    verifier_contre_le_simulateur(app, fichier_grille, page, "1120", {}, False)
    prix = simuler(app, fichier_grille, DEBUT, qf="1120")["services"]["garderie"]["prix"]
    # Price × 4 days a week × 4 weeks, labelled as an estimate.
    estimation = Decimal(prix) * 16
    assert f"<strong class=\"estimation\">{str(estimation).replace('.', ',')}\u00a0€</strong>" \
        in page
    assert "Une estimation, pas une facture." in page
    assert "transmis par la CAF via FranceConnect, pour octobre 2026" in page


def test_residence_non_declaree_tarif_hors_commune_et_lien(app, client, fichier_grille):
    compte = creer_famille(app, reside=None)
    connecter(client, compte)
    famille_id = famille_de(app, compte)
    ajouter_enfant(app, famille_id, "Léa", date(2018, 3, 3))
    ajouter_qf_caf(app, famille_id, 640)

    page = client.get("/espace-famille/tarifs").text
    verifier_contre_le_simulateur(app, fichier_grille, page, "640", {}, True)
    assert "le tarif hors commune s’applique" in page
    assert '<a href="/espace-famille/foyer">Indiquer mon adresse</a>' in page


def _sans_quotient(app, client, fichier_grille, raison: str):
    page = client.get("/espace-famille/tarifs").text
    verifier_contre_le_simulateur(app, fichier_grille, page, None, {}, False)
    assert raison in page
    assert "Pas de quotient familial valide : le tarif sans quotient s’applique" in \
        html.unescape(page)
    assert '<a href="/espace-famille/quotient">Transmettre mon quotient familial</a>' in page
    return page


def test_sans_quotient_quand_il_manque(app, client, famille, fichier_grille):
    _, famille_id = famille
    ajouter_enfant(app, famille_id, "Léa", date(2018, 3, 3))
    _sans_quotient(app, client, fichier_grille,
                   "Nous n’avons pas encore votre quotient familial")


def test_sans_quotient_quand_il_a_expire(app, client, famille, fichier_grille):
    _, famille_id = famille
    ajouter_enfant(app, famille_id, "Léa", date(2018, 3, 3))
    # validite_mois is 12 in the test grid: obtained 13 months ago, expired last month.
    ajouter_qf_caf(app, famille_id, 640, le=datetime.now(UTC) - timedelta(days=396))
    page = _sans_quotient(app, client, fichier_grille, "Votre quotient familial a expiré le")
    assert "640,00" not in page.split("Ce qui fixe vos tarifs")[1].split("</section>")[0]


def test_g3_qf_expire_avant_l_annee_suivante_tarifs_sans_quotient(app, client, famille,
                                                                  fichier_grille):
    _, famille_id = famille
    enfant = ajouter_enfant(app, famille_id, "Léa", date(2018, 3, 3))
    # Obtained 300 days ago: valid today (12 months), expired when next year starts, in
    # FIN + 1 - today = 201 days.
    obtenu = datetime.now(UTC) - timedelta(days=300)
    ajouter_qf_caf(app, famille_id, 640, le=obtenu)

    page = client.get("/espace-famille/tarifs").text
    verifier_contre_le_simulateur(app, fichier_grille, page, "640", {}, False,
                                  qfs={DEBUT_SUIVANTE.isoformat(): None})
    jour = obtenu.date()
    expire = affichage.date_longue(date(jour.year + 1, jour.month,
                                        min(jour.day, 28 if jour.month == 2 else 31)))
    assert (f"Votre quotient familial expire le {expire}, avant le début de cette année : les "
            "tarifs ci-dessous sont ceux sans quotient familial.") in page
    assert pourquoi(page, DEBUT_SUIVANTE, enfant, "cantine")[0].startswith(
        f"Quotient familial : 640,00 € aujourd’hui, mais il expire le {expire}, avant le "
        "début de cette année")
    # This year is still priced with it.
    assert pourquoi(page, DEBUT, enfant, "cantine")[0].startswith(
        "Quotient familial : 640,00 €, transmis par la CAF")
    assert "Renouveler mon quotient familial" in page


def test_g3_qf_valable_au_debut_de_l_annee_suivante(app, client, famille, fichier_grille):
    _, famille_id = famille
    ajouter_enfant(app, famille_id, "Léa", date(2018, 3, 3))
    ajouter_qf_caf(app, famille_id, 640, le=datetime.now(UTC) - timedelta(days=100))

    page = client.get("/espace-famille/tarifs").text
    verifier_contre_le_simulateur(app, fichier_grille, page, "640", {}, False)
    assert "avant le début de cette année" not in page


def test_sans_quotient_quand_la_famille_refuse(app, client, famille, fichier_grille):
    _, famille_id = famille
    ajouter_enfant(app, famille_id, "Léa", date(2018, 3, 3))
    ajouter_qf_caf(app, famille_id, 640, le=datetime.now(UTC) - timedelta(days=1))
    with app.app_context():
        db.session.get(Famille, famille_id).quotient_refuse_le = datetime.now(UTC)
        db.session.commit()
    _sans_quotient(app, client, fichier_grille,
                   "Vous avez choisi de ne pas transmettre vos revenus")


@pytest.mark.parametrize("reside", [True, False])
def test_sans_enfant_la_page_invite_a_en_ajouter(app, client, reside):
    connecter(client, creer_famille(app, reside=reside))
    page = client.get("/espace-famille/tarifs").text
    assert "Ajoutez vos enfants pour voir le tarif de chacun" in page
    assert not prix_affiches(page)


PAGES_SANS_QUOTIENT = ("/espace-famille/", "/espace-famille/quotient", "/espace-famille/tarifs")


@pytest.mark.parametrize("refus", [False, True])
def test_b3_sans_quotient_sous_le_haut_du_bareme_n_est_pas_dit_le_plus_eleve(
        fabrique, tmp_path, refus):
    # The canteen's price without a QF (3.00) is below its top bracket (5.10).
    fichier = tmp_path / "sans-quotient-bas.yaml"
    fichier.write_text(GRILLE.replace("sans_quotient: 5.80", "sans_quotient: 3.00"),
                       encoding="utf-8")
    app = fabrique(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False, tarifs_fichier=fichier)
    client = app.test_client()
    compte = creer_famille(app)
    connecter(client, compte)
    ajouter_enfant(app, famille_de(app, compte), "Léa", date(2018, 3, 3))
    if refus:
        assert client.post("/espace-famille/quotient/refus").status_code == 303
    for url in PAGES_SANS_QUOTIENT:
        page = html.unescape(client.get(url).text)
        assert "le tarif sans quotient familial fixé par la commune s’applique" in page, url
        assert "(le plus élevé)" not in page and "plus élevé de chaque" not in page, url
    assert "3,00\u00a0€" in client.get("/espace-famille/tarifs").text


def test_b3_sans_quotient_au_haut_du_bareme_dit_le_plus_eleve(app, client, famille):
    # The test grid's prices without a QF are at or above the top of every barème.
    for url in PAGES_SANS_QUOTIENT:
        assert "le tarif sans quotient familial (le plus élevé) s’applique" in \
            client.get(url).text, url
    assert "Sans quotient familial, le tarif le plus élevé de chaque service s’applique." in \
        client.get("/espace-famille/quotient").text


def test_g8_les_etapes_donnent_les_montants_en_euros(app, client, famille, fichier_grille):
    _, famille_id = famille
    aine = ajouter_enfant(app, famille_id, "Hugo", date(2014, 9, 9))
    cadette = ajouter_enfant(app, famille_id, "Lina", date(2017, 1, 15))
    ajouter_qf_caf(app, famille_id, 1120)
    inscrire(client, [aine, cadette], DEBUT, "cantine")
    page = client.get("/espace-famille/tarifs").text
    # QF 1120: bracket 1001–1500, 3.62; Lina second: −10 %, 3.258 → 3.26.
    etapes = pourquoi(page, DEBUT, cadette, "cantine")
    assert "Quotient familial retenu : 1\u202f120,00\u00a0€." in etapes
    assert "Barème par tranches : QF 1\u202f120,00 ≤ 1\u202f500 : tranche 3, soit 3,62\u00a0€." \
        in etapes
    assert "Réduction fratrie, enfant de rang 2 : −10 %, 3,62\u00a0€ devient 3,26\u00a0€." in etapes
    # The one-line explanation of the command line keeps bare amounts (tarifs.md §5).
    explication = simuler(app, fichier_grille, DEBUT, qf="1120", rang=2)["services"]["cantine"]
    assert explication["explication"] == "QF 1120.00 ≤ 1500 : tranche 3 ; rang 2 : −10 %"
