"""« Mes enfants »: typed or confirmed from the CAF one by one, edited, removed."""

import html
from datetime import date
from datetime import timedelta

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Enfant
from portail_famille.services import foyers
from tests.fabriques import ajouter_enfant
from tests.familles.conftest import JOUR_DE_CLASSE

from .conftest import DEBUT
from .conftest import adresse_de_la_derniere_inscription

ENFANTS_CAF = [
    {"nom_naissance": "LEROY", "prenoms": "Lou", "date_naissance": "2015-03-21", "sexe": "F"},
    {"nom_naissance": "LEROY", "prenoms": "Timéo", "date_naissance": "2019-00-00", "sexe": "M"},
]


def enfants_en_base(app) -> list[tuple]:
    with app.app_context():
        return [tuple(ligne) for ligne in db.session.execute(sa.select(
            Enfant.prenoms, Enfant.nom, Enfant.date_naissance, Enfant.niveau, Enfant.ecole,
            Enfant.origine).order_by(Enfant.id))]


def proposer(client, enfants=ENFANTS_CAF, adresse=None):
    with client.session_transaction() as session:
        session["propositions_caf"] = {"enfants": list(enfants), "adresse": adresse}


def propositions_restantes(client):
    with client.session_transaction() as session:
        return session.get("propositions_caf")


def test_ajouter_un_enfant(app, client, famille):
    reponse = client.post("/espace-famille/enfants/ajouter", data={
        "prenoms": "Jade  Rose", "nom": "N’Diaye-Lœwenthal", "date_naissance": "2019-11-20",
        "niveau": "ms", "niveau_confirme": "y", "ecole": "École maternelle Jean-Macé"})
    assert reponse.status_code == 303
    assert enfants_en_base(app) == [("Jade Rose", "N’Diaye-Lœwenthal", date(2019, 11, 20), "ms",
                                     "École maternelle Jean-Macé", "famille")]
    page = client.get("/espace-famille/enfants").text
    assert "Jade Rose N’Diaye-Lœwenthal" in page
    assert "20 novembre 2019" in page


def test_date_saisie_a_la_francaise(app, client, famille):
    client.post("/espace-famille/enfants/ajouter", data={
        "prenoms": "Æsa", "nom": "ÉLUARD", "date_naissance": "05/07/2018",
        "niveau": "non_scolarise", "niveau_confirme": "y", "ecole": ""})
    assert enfants_en_base(app)[0][:3] == ("Æsa", "ÉLUARD", date(2018, 7, 5))


def test_saisie_invalide_422_rien_d_enregistre_saisie_conservee(app, client, famille):
    demain = (date.today() + timedelta(days=1)).isoformat()
    cas = [
        ({"prenoms": "L3o", "nom": "--", "date_naissance": demain, "niveau": "cp",
          "niveau_confirme": "y", "ecole": ""},
         ["Lettres, espaces, traits d’union et apostrophes seulement.",
          "La date de naissance ne peut pas être dans le futur.", "Indiquez l’école."]),
        ({"prenoms": "", "nom": "Martin", "date_naissance": "1990-01-01", "niveau": "doctorat",
          "niveau_confirme": "y",
          "ecole": "École"},
         ["Indiquez le prénom.", "moins de 20 ans", "N'est pas un choix valide."]),
        ({"prenoms": "Léo", "nom": "Martin", "date_naissance": "31/02/2019", "niveau": "",
          "ecole": "École"},
         ["Indiquez une date valide, par exemple 14/02/2019.", "Choisissez la classe."]),
    ]
    for donnees, messages in cas:
        reponse = client.post("/espace-famille/enfants/ajouter", data=donnees)
        assert reponse.status_code == 422
        for message in messages:
            assert message in html.unescape(reponse.text), message
        assert "rien n’a été enregistré et ce que vous avez saisi est conservé" in reponse.text
        for valeur in (donnees["prenoms"], donnees["nom"]):
            assert f'value="{valeur}"' in reponse.text
    assert enfants_en_base(app) == []


def test_propositions_caf_confirmees_une_par_une(app, client, famille):
    proposer(client)
    page = client.get("/espace-famille/enfants").text
    assert "Enfants connus de la CAF" in page
    assert "Lou LEROY</strong> –\n      naissance le 21 mars 2015" in page
    assert "naissance en 2019, date à compléter" in page
    # Looking at the proposals imports nothing.
    assert enfants_en_base(app) == []

    cle_lou, cle_timeo = (foyers.cle_de_proposition(e) for e in ENFANTS_CAF)
    formulaire = client.get(f"/espace-famille/enfants/caf/{cle_lou}").text
    assert 'value="Lou"' in formulaire and 'value="2015-03-21"' in formulaire
    reponse = client.post(f"/espace-famille/enfants/caf/{cle_lou}", data={
        "prenoms": "Lou", "nom": "LEROY", "date_naissance": "2015-03-21", "niveau": "cm2",
            "niveau_confirme": "y",
        "ecole": "École Berthelot"})
    assert reponse.status_code == 303
    assert enfants_en_base(app) == [("Lou", "LEROY", date(2015, 3, 21), "cm2", "École Berthelot",
                                     "caf")]
    assert propositions_restantes(client)["enfants"] == [ENFANTS_CAF[1]]

    # « 2019-00-00 »: the family must complete the date.
    formulaire = client.get(f"/espace-famille/enfants/caf/{cle_timeo}").text
    assert "seulement l’année 2019" in formulaire
    assert 'id="date_naissance" name="date_naissance" required type="date" value=""' in formulaire
    reponse = client.post(f"/espace-famille/enfants/caf/{cle_timeo}", data={
        "prenoms": "Timéo", "nom": "LEROY", "date_naissance": "", "niveau": "ms",
            "niveau_confirme": "y", "ecole": "A"})
    assert reponse.status_code == 422
    assert "Indiquez la date de naissance." in reponse.text
    assert len(enfants_en_base(app)) == 1

    assert client.post(f"/espace-famille/enfants/caf/{cle_timeo}/ignorer").status_code == 303
    assert propositions_restantes(client) is None
    assert len(enfants_en_base(app)) == 1
    assert client.get(f"/espace-famille/enfants/caf/{cle_timeo}").status_code == 404


def test_proposition_deja_dans_le_foyer_n_est_pas_offerte(app, client, famille):
    _, famille_id = famille
    ajouter_enfant(app, famille_id, "Lou Anne", date(2015, 3, 21), nom="Leroy")
    proposer(client)
    page = client.get("/espace-famille/enfants").text
    assert "Timéo" in page
    assert "Lou LEROY" not in page


def test_modifier_avec_une_version_perimee_409(app, client, famille):
    _, famille_id = famille
    enfant_id = ajouter_enfant(app, famille_id, "Léo", date(2017, 5, 3))
    donnees = {"prenoms": "Léo", "nom": "MARTIN", "date_naissance": "2017-05-03",
               "niveau": "ce2", "niveau_confirme": "y", "ecole": "École Jean-Macé", "version": "1"}
    assert client.post(f"/espace-famille/enfants/{enfant_id}", data=donnees).status_code == 303
    reponse = client.post(f"/espace-famille/enfants/{enfant_id}",
                          data={**donnees, "niveau": "cm1"})
    assert reponse.status_code == 409
    assert "modifiées entre-temps" in reponse.text
    assert enfants_en_base(app)[0][3] == "ce2"


def test_retirer_un_enfant_jamais_inscrit_le_supprime(app, client, famille):
    _, famille_id = famille
    enfant_id = ajouter_enfant(app, famille_id, "Léo", date(2017, 5, 3))
    assert "Sa fiche sera supprimée." in client.get(
        f"/espace-famille/enfants/{enfant_id}/retirer").text
    assert client.post(f"/espace-famille/enfants/{enfant_id}/retirer").status_code == 303
    assert enfants_en_base(app) == []


def test_g4_retirer_un_enfant_inscrit_l_archive_avec_son_historique(app, client, famille):
    _, famille_id = famille
    enfant_id = ajouter_enfant(app, famille_id, "Léo", date(2017, 5, 3))
    ajouter_enfant(app, famille_id, "Jade", date(2019, 11, 20))
    client.post("/espace-famille/inscriptions/nouvelle", data={
        "enfants": [enfant_id], "service": f"{DEBUT.isoformat()}:cantine", "jours": ["lundi"],
        "date_debut": JOUR_DE_CLASSE.isoformat()})
    inscription = adresse_de_la_derniere_inscription(app)
    assert "a une inscription en cours" in client.get(
        f"/espace-famille/enfants/{enfant_id}/retirer").text
    assert client.post(f"/espace-famille/enfants/{enfant_id}/retirer").status_code == 409
    client.post(f"{inscription}/annuler", data={"annulation-version": "1"})
    page = client.get(f"/espace-famille/enfants/{enfant_id}/retirer").text
    assert "L’historique de ses inscriptions est conservé par la mairie" in page

    reponse = client.post(f"/espace-famille/enfants/{enfant_id}/retirer",
                          follow_redirects=True)
    assert "La fiche de Léo est retirée de votre foyer. L’historique de ses inscriptions est " \
        "conservé." \
        in reponse.text
    # Kept, with its enrolment and every change of it.
    with app.app_context():
        archive = db.session.get(Enfant, enfant_id)
        assert archive.archive_le is not None
        (gardee,) = archive.inscriptions
        assert [h.action for h in gardee.historique] == ["demande", "annulation"]
    # Gone from the lists, the prices and new enrolments; its pages are not found.
    for url in ("/espace-famille/enfants", "/espace-famille/inscriptions",
                "/espace-famille/tarifs", "/espace-famille/inscriptions/nouvelle"):
        page = client.get(url).text
        assert "Léo" not in page, url
        assert "Jade" in page or url.endswith("/inscriptions"), url
    for url in (f"/espace-famille/enfants/{enfant_id}",
                f"/espace-famille/enfants/{enfant_id}/retirer", inscription):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{inscription}/annuler",
                       data={"annulation-version": "2"}).status_code == 404
    refus = client.post("/espace-famille/inscriptions/nouvelle", data={
        "enfants": [enfant_id], "service": f"{DEBUT.isoformat()}:cantine", "jours": ["lundi"],
        "date_debut": JOUR_DE_CLASSE.isoformat()})
    assert refus.status_code == 422
    # In the data export, with its enrolment history.
    tables = client.get("/espace-famille/donnees.json").json["tables"]
    (leo,) = [e for e in tables["enfant"]["lignes"] if e["id"] == enfant_id]
    assert leo["archive_le"] is not None
    assert [h["action"] for h in tables["historique_inscription"]["lignes"]] == [
        "demande", "annulation"]
