"""I3: names that are HTML render escaped on every family page.

The forms refuse such names (I2), so they are written straight into the database and into the
session, where the CAF's proposals wait: an identity from FranceConnect, a CAF answer or an
agent's edit could carry them just as well.
"""

from datetime import date

import pytest
import sqlalchemy as sa
from flask import url_for

from portail_famille.extensions import db
from portail_famille.models import Avoir
from portail_famille.models import Compte
from portail_famille.models import DemandeSuppression
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import SecondAdulte
from portail_famille.services import foyers
from tests.aides import est_un_document
from tests.fabriques import AvoirPrevu
from tests.fabriques import EncaissementPrevu
from tests.fabriques import LignePrevue
from tests.fabriques import PaiementPrevu
from tests.fabriques import ajouter_qf_caf
from tests.fabriques import creer_facture
from tests.fabriques import creer_famille

from .conftest import DEBUT
from .conftest import connecter

SCRIPT = "<script>x</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
# What must never reach the page as markup, whichever of the two names is where.
BRUTS = ("<script>", "<img src=x", '"><img')
ECHAPPES = ("&lt;script&gt;x&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
PROPOSITION = {"nom_naissance": SCRIPT, "prenoms": IMAGE, "date_naissance": "2019-04-01",
               "sexe": "F"}
ADRESSE_CAF = {"numero_libelle_voie": SCRIPT, "complement_information": IMAGE,
               "lieu_dit": None, "code_postal_ville": f"35000 {IMAGE}", "pays": "FRANCE"}


@pytest.fixture
def foyer_hostile(app, client):
    """A household whose every name is markup; returns the ids its pages take."""
    compte_id = creer_famille(app, prenom=IMAGE, nom=SCRIPT, reside=False)
    with app.app_context():
        compte = db.session.get(Compte, compte_id)
        famille = db.session.get(Famille, compte.famille_id)
        famille.adresse_voie, famille.adresse_complement = SCRIPT, IMAGE
        famille.commune_residence = IMAGE
        enfant = Enfant(famille_id=famille.id, nom=SCRIPT, prenoms=IMAGE,
                        date_naissance=date(2016, 5, 3), niveau="cp", ecole=SCRIPT)
        enfant.inscriptions.append(Inscription(
            service="cantine", periode_debut=DEBUT, periode_libelle=SCRIPT, jours="lundi",
            date_debut=DEBUT))
        db.session.add_all([
            enfant, SecondAdulte(famille_id=famille.id, nom=SCRIPT, prenoms=IMAGE,
                                 courriel=f"{IMAGE}@exemple.test"),
            DemandeSuppression(famille_id=famille.id, compte_id=compte_id, precisions=SCRIPT)])
        db.session.commit()
        ids = {"enfant_id": enfant.id, "inscription_id": enfant.inscriptions[0].id,
               "cle": foyers.cle_de_proposition(PROPOSITION), "reference": "a" * 32}
        famille_id = famille.id
    ids["facture_id"] = creer_facture(
        app, famille_id, LignePrevue(enfant_id=ids["enfant_id"], enfant=f"{SCRIPT} {IMAGE}",
                                     libelle_service=SCRIPT, jour=DEBUT, explication=IMAGE),
        destinataire=SCRIPT, adresse=IMAGE, avoir=AvoirPrevu(motif=SCRIPT),
        paiement=PaiementPrevu(reference=ids["reference"]),
        encaissement=EncaissementPrevu(montant="0.50", reference=SCRIPT[:40]))
    with app.app_context():
        ids["avoir_id"] = db.session.scalar(sa.select(Avoir.id))
    ajouter_qf_caf(app, famille_id, 640)
    connecter(client, compte_id)
    return ids


def test_i3_chaque_page_de_la_famille_echappe_les_noms(app, client, foyer_hostile):
    pages = []
    with app.test_request_context():
        for regle in app.url_map.iter_rules():
            if regle.endpoint.startswith("familles.") and "GET" in regle.methods \
                    and regle.endpoint != "familles.donnees_json":
                pages.append(url_for(regle.endpoint,
                                     **{a: foyer_hostile[a] for a in regle.arguments}))
    vus = set()
    for url in pages:
        # The CAF's proposals, as the sign-in callback leaves them (a page may consume them).
        with client.session_transaction() as session:
            session["propositions_caf"] = {"enfants": [PROPOSITION], "adresse": ADRESSE_CAF}
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        if est_un_document(reponse):
            continue
        for brut in BRUTS:
            assert brut not in reponse.text, (url, brut)
        vus.update(e for e in ECHAPPES if e in reponse.text)
        if url.endswith(("/enfants", "/foyer", "/tarifs", "/inscriptions", "/factures/"
                         f"{foyer_hostile['facture_id']}")):
            assert all(e in reponse.text for e in ECHAPPES), url
    assert vus == set(ECHAPPES)
    assert len(pages) >= 15
