"""« Mon foyer »: address and residence, the CAF's address as a prefill only, second adult."""

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Famille
from portail_famille.models import SecondAdulte
from tests.aides import poster_adresse
from tests.fabriques import creer_famille
from tests.fabriques import famille_de

from .conftest import connecter

ADRESSE_CAF = {"destinataire": "MADAME DUBOIS ANGELA", "complement_information": None,
               "complement_information_geographique": "BATIMENT B",
               "numero_libelle_voie": "12 RUE DE LA REPUBLIQUE", "lieu_dit": None,
               "code_postal_ville": "35000 VILLENEUVE-SUR-TEST", "pays": "FRANCE"}


def lire_famille(app, famille_id):
    with app.app_context():
        famille = db.session.get(Famille, famille_id)
        return (famille.adresse_voie, famille.adresse_complement, famille.code_postal,
                famille.commune_residence, famille.reside_dans_la_commune)


def test_enregistrer_l_adresse_et_la_residence(app, client):
    compte = creer_famille(app, reside=None, adresse_voie="", code_postal="",
                           commune_residence="")
    connecter(client, compte)
    page = client.get("/espace-famille/foyer").text
    assert "Vous n’avez pas encore indiqué votre adresse" in page
    assert "Habitez-vous Villeneuve-sur-Test ?" in page

    reponse = poster_adresse(client, {
        "adresse_voie": "  4  impasse des Glycines ", "adresse_complement": "",
        "code_postal": "35000", "commune_residence": "Saint-Jacques-de-la-Lande",
        "reside": "non"})
    assert reponse.status_code == 303
    assert lire_famille(app, famille_de(app, compte)) == (
        "4 impasse des Glycines", "", "35000", "Saint-Jacques-de-la-Lande", False)
    assert "Hors commune" in client.get("/espace-famille/foyer").text


def test_adresse_invalide_422_en_francais_rien_d_enregistre(app, client, famille):
    _, famille_id = famille
    avant = lire_famille(app, famille_id)
    reponse = poster_adresse(client, {
        "adresse_voie": "<script>x</script>", "code_postal": "3500A",
        "commune_residence": "Rennes", "reside": "peut-être"})
    assert reponse.status_code == 422
    page = reponse.text
    assert "Le formulaire contient 3 erreurs" in page
    assert "Ce caractère ne peut pas figurer dans une adresse : retirez-le." in page
    assert "Le code postal compte 5 chiffres, par exemple 69002." in page
    # What was typed is kept, escaped (I3).
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in page
    assert 'value="3500A"' in page
    assert "<script>x" not in page
    assert lire_famille(app, famille_id) == avant


def test_adresse_caf_preremplit_sans_rien_enregistrer(app, client, famille):
    _, famille_id = famille
    avant = lire_famille(app, famille_id)
    with client.session_transaction() as session:
        session["propositions_caf"] = {"enfants": [], "adresse": ADRESSE_CAF}
    page = client.get("/espace-famille/foyer").text
    assert "l’adresse connue de la CAF" in page
    assert 'value="12 RUE DE LA REPUBLIQUE"' in page
    assert 'value="BATIMENT B"' in page
    assert 'value="35000"' in page
    # The city is the grid's commune: « oui » is proposed, the family confirms by saving.
    assert 'checked id="reside-0"' in page
    assert lire_famille(app, famille_id) == avant

    poster_adresse(client, {
        "adresse_voie": "12 RUE DE LA REPUBLIQUE", "adresse_complement": "BATIMENT B",
        "code_postal": "35000", "commune_residence": "VILLENEUVE-SUR-TEST", "reside": "oui"})
    with client.session_transaction() as session:
        assert "propositions_caf" not in session
    assert lire_famille(app, famille_id)[0] == "12 RUE DE LA REPUBLIQUE"


def test_adresse_caf_ecartee(app, client, famille):
    _, famille_id = famille
    avant = lire_famille(app, famille_id)
    enfant = {"nom_naissance": "DUBOIS", "prenoms": "Maël", "date_naissance": "2016-02-14",
              "sexe": "M"}
    with client.session_transaction() as session:
        session["propositions_caf"] = {"enfants": [enfant], "adresse": ADRESSE_CAF}
    assert client.post("/espace-famille/foyer/adresse-caf/ignorer").status_code == 303
    with client.session_transaction() as session:
        # The children's proposal stays until it is handled on its own.
        assert session["propositions_caf"] == {"enfants": [enfant], "adresse": None}
    assert 'value="3 rue des Écoles"' in client.get("/espace-famille/foyer").text
    assert lire_famille(app, famille_id) == avant


def test_second_adulte(app, client, famille):
    reponse = client.post("/espace-famille/foyer/second-adulte", data={
        "prenoms": "Thomas Paul", "nom": "ROUSSEAU-d’Aubigné", "telephone": "06 12 34 56 78",
        "courriel": "thomas@exemple.test"})
    assert reponse.status_code == 303
    assert "Thomas Paul ROUSSEAU-d’Aubigné, 06\u00a012\u00a034\u00a056\u00a078" in client.get(
        "/espace-famille/foyer").text

    reponse = client.post("/espace-famille/foyer/second-adulte", data={
        "prenoms": "Thomas", "nom": "R2D2", "telephone": "12", "courriel": "pas-un-courriel"})
    assert reponse.status_code == 422
    assert "Lettres, espaces, traits d’union et apostrophes seulement." in reponse.text
    assert "Un numéro français à 10 chiffres" in reponse.text
    assert "Par exemple : prenom.nom@exemple.fr." in reponse.text
    with app.app_context():
        assert db.session.scalars(sa.select(SecondAdulte.prenoms)).all() == ["Thomas Paul"]

    assert client.post("/espace-famille/foyer/second-adulte/retirer").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SecondAdulte)) == 0
