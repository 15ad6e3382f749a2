"""Residence decided by the address when the grid names the commune's postcodes (issue 9):
the portal concludes, says so, and a family that disagrees asks an agent to check."""

from datetime import date

import pytest
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import ContestationResidence
from portail_famille.models import Famille
from tests.aides import Page
from tests.aides import poster_adresse
from tests.fabriques import EnfantPrevu
from tests.fabriques import creer_foyer
from tests.familles.conftest import GRILLE
from tests.familles.conftest import connecter

# Villeneuve-sur-Test has one postcode of its own, and shares another with Saint-Fictif.
PAR_ADRESSE = GRILLE.replace('code_insee: "35238"\n', 'code_insee: "35238"\ncodes_postaux: '
                             '["35760", {code: "35136", communes: [Villeneuve-sur-Test]}]\n')
ADRESSE = {"adresse_voie": "3 rue des Écoles", "adresse_complement": "",
           "code_postal": "35760", "commune_residence": "Villeneuve-sur-Test"}


@pytest.fixture
def portail(fabrique, tmp_path):
    chemin = tmp_path / "par-adresse.yaml"
    chemin.write_text(PAR_ADRESSE, encoding="utf-8")
    return fabrique(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False, tarifs_fichier=chemin)


@pytest.fixture
def foyer(portail):
    """A household whose address is not known yet, and its signed-in browser."""
    cree = creer_foyer(portail, reside=None, adresse={},
                       enfants=(EnfantPrevu("Léa", date(2018, 3, 3)),))
    navigateur = portail.test_client()
    connecter(navigateur, cree.compte_id)
    return cree, navigateur


def adresse_de(portail, famille_id: int) -> tuple:
    with portail.app_context():
        famille = db.session.get(Famille, famille_id)
        return (famille.adresse_voie, famille.code_postal, famille.commune_residence,
                famille.reside_dans_la_commune)


def test_plus_de_question_l_adresse_decide(portail, foyer):
    cree, navigateur = foyer
    page = navigateur.get("/espace-famille/foyer").text
    assert "Habitez-vous" not in page
    # Rennes, even with a forged « oui »: the address decides.
    reponse = poster_adresse(navigateur, {
        **ADRESSE, "code_postal": "35000", "commune_residence": "Rennes", "reside": "oui"},
        follow_redirects=True)
    assert "D’après elle, vous n’habitez pas Villeneuve-sur-Test" in reponse.text
    assert "Hors commune" in reponse.text
    assert adresse_de(portail, cree.famille_id) == ("3 rue des Écoles", "35000", "Rennes", None)
    tarifs = navigateur.get("/espace-famille/tarifs").text
    assert "6,75\u00a0€" in tarifs  # the canteen's hors_commune price

    reponse = poster_adresse(navigateur, ADRESSE, follow_redirects=True)
    assert "D’après elle, vous habitez Villeneuve-sur-Test" in reponse.text
    assert "6,75\u00a0€" not in navigateur.get("/espace-famille/tarifs").text


@pytest.mark.parametrize(("commune", "dans"), [("Villeneuve sur test", True),
                                                ("Saint-Fictif", False)])
def test_un_code_partage_ne_vaut_que_pour_les_communes_citees(portail, foyer, commune, dans):
    _, navigateur = foyer
    reponse = poster_adresse(navigateur, {
        **ADRESSE, "code_postal": "35 136", "commune_residence": commune}, follow_redirects=True)
    assert ("vous habitez Villeneuve-sur-Test" in reponse.text) is dans


@pytest.mark.parametrize(("champs", "message"), [
    ({"code_postal": "00000"}, "Ce code postal n’existe pas"),
    ({"code_postal": "3576"}, "Le code postal compte 5 chiffres"),
    ({"code_postal": "  "}, "Indiquez le code postal."),
    ({"adresse_voie": "   "}, "Indiquez le numéro et la voie."),
    ({"commune_residence": " "}, "Indiquez la commune."),
    ({"adresse_voie": "3 rue <b>"}, "Ce caractère ne peut pas figurer dans une adresse"),
])
def test_ce_qui_ne_peut_pas_etre_une_adresse_est_refuse(portail, foyer, champs, message):
    cree, navigateur = foyer
    reponse = poster_adresse(navigateur, {**ADRESSE, **champs})
    assert reponse.status_code == 422
    assert message in reponse.text
    assert adresse_de(portail, cree.famille_id) == ("", "", "", None)


@pytest.mark.parametrize(("voie", "complement", "commune"), [
    ("Résidence « Les Lilas », bât. B #12", "3 bis rue d’Alsace-Lorraine & de Metz",
     "Villeneuve-sur-Test"),
    ("12, place de l'Église ; porte 2", "Appt n° 4 (2e étage)", "Villeneuve-sur-Test 2e"),
])
def test_ce_que_contiennent_les_adresses_francaises_est_accepte(portail, foyer, voie,
                                                                 complement, commune):
    cree, navigateur = foyer
    reponse = poster_adresse(navigateur, {
        **ADRESSE, "adresse_voie": voie, "adresse_complement": complement,
        "commune_residence": commune})
    assert reponse.status_code == 303, Page(reponse.text).par_id("resume-erreurs").texte
    assert adresse_de(portail, cree.famille_id)[0] == voie


def test_une_famille_en_desaccord_demande_une_verification(portail, foyer):
    cree, navigateur = foyer
    poster_adresse(navigateur, {**ADRESSE, "code_postal": "35000",
                                                  "commune_residence": "Rennes"})
    page = navigateur.get("/espace-famille/foyer").text
    assert "Demander à la mairie de vérifier" in page
    for _ in range(2):  # a second tap is the same request
        reponse = navigateur.post("/espace-famille/foyer/residence/verification",
                                  data={"message": "Nous avons déménagé le 1er novembre."})
        assert reponse.status_code == 303
    with portail.app_context():
        demandes = db.session.scalars(sa.select(ContestationResidence)).all()
        assert [(d.famille_id, d.statut, d.message) for d in demandes] == [
            (cree.famille_id, "a_traiter", "Nous avons déménagé le 1er novembre.")]
    page = navigateur.get("/espace-famille/foyer").text
    assert "Vous avez demandé à la mairie de vérifier votre commune de résidence" in page


def test_sans_codes_postaux_rien_a_faire_verifier(app, client, famille):
    reponse = client.post("/espace-famille/foyer/residence/verification", data={"message": ""})
    assert reponse.status_code == 404


def _sections(page: str) -> list[str]:
    return [h2.texte for h2 in Page(page).tous("h2")]


def test_l_accueil_demande_l_adresse_d_abord_et_dit_les_prix_provisoires(portail, foyer):
    _, navigateur = foyer
    page = navigateur.get("/espace-famille/").text
    assert _sections(page)[0] == "Indiquez votre adresse"
    assert "les prix ci-dessous sont provisoires" in page
    assert "Vos tarifs provisoires" in page
    with navigateur.session_transaction() as session:
        session["propositions_caf"] = {"enfants": [], "adresse": {
            "numero_libelle_voie": "3 RUE DES ECOLES", "code_postal_ville": "35760 VILLENEUVE"}}
    page = navigateur.get("/espace-famille/").text
    assert _sections(page)[0] == "Confirmez votre adresse"
    assert "Confirmer mon adresse" in page

    poster_adresse(navigateur, ADRESSE)
    page = navigateur.get("/espace-famille/").text
    assert "Confirmez votre adresse" not in page and "provisoires" not in page
