"""The hourly quota of income lookups (securite.md I6) counts what reached an API or stored a
file, never a form the portal refused itself; once spent, the form stays as typed and says
from when the family may try again."""

import io

import pytest
import responses
import sqlalchemy as sa
import time_machine

from portail_famille.extensions import db
from portail_famille.models import Justificatif
from tests.aides import Page
from tests.fabriques import creer_famille
from tests.familles.conftest import connecter
from tests.familles.test_formulaires import IDENTITE
from tests.familles.test_formulaires import PDF
from tests.familles.test_formulaires import APIsBouchonnees

# 13:32 UTC is 14:32 in Paris in December; the quota ends an hour after the first lookup.
MAINTENANT = "2026-12-02T13:32:00+00:00"


@pytest.fixture
def portail(fabrique, fichier_grille):
    return fabrique(WTF_CSRF_ENABLED=False, tarifs_fichier=fichier_grille)


@pytest.fixture
def apis(portail):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield APIsBouchonnees(mock, portail.extensions["portail"])


@pytest.fixture
def compte(portail):
    return creer_famille(portail)


@pytest.fixture
def navigateur(portail, compte):
    client = portail.test_client()
    connecter(client, compte)
    return client


@time_machine.travel(MAINTENANT, tick=False)
def test_les_saisies_refusees_par_le_formulaire_ne_comptent_pas(portail, navigateur, apis):
    for _ in range(15):
        assert navigateur.post("/espace-famille/quotient/identite",
                               data={**IDENTITE, "nom_naissance": "   "}).status_code == 422
    assert apis.appels == 0
    assert navigateur.post("/espace-famille/quotient/identite",
                           data=IDENTITE).status_code == 303
    assert apis.appels == 1


@time_machine.travel(MAINTENANT, tick=False)
def test_apres_dix_recherches_le_formulaire_reste_et_dit_a_partir_de_quand(portail, navigateur,
                                                                          compte, apis):
    apis.reponse = "introuvable"
    for _ in range(10):
        assert navigateur.post("/espace-famille/quotient/identite",
                               data=IDENTITE).status_code == 422
    assert apis.appels == 10
    saisie = {**IDENTITE, "nom_usage": "DURANDAL"}
    reponse = navigateur.post("/espace-famille/quotient/identite", data=saisie)
    assert reponse.status_code == 429
    assert apis.appels == 10
    assert "réessayer à partir de 15 h 32" in reponse.text
    assert reponse.headers["Retry-After"] == "3600"
    champ = Page(reponse.text).par_id("nom_usage")
    assert champ.get("value") == "DURANDAL"
    # The other lookups share the same hour.
    numero = navigateur.post("/espace-famille/quotient/numero-fiscal",
                             data={"numero": "3999 123 456 789", "consentement": "y"})
    assert numero.status_code == 429
    with time_machine.travel("2026-12-02T14:32:01+00:00", tick=False):
        connecter(navigateur, compte)  # the idle session has expired meanwhile
        assert navigateur.post("/espace-famille/quotient/identite",
                               data=IDENTITE).status_code == 422
        assert apis.appels == 11


def _deposer(navigateur, contenu: bytes):
    return navigateur.post("/espace-famille/quotient/justificatif", data={
        "nature": "avis_impot", "fichier": (io.BytesIO(contenu), "avis.pdf")},
        content_type="multipart/form-data")


@time_machine.travel(MAINTENANT, tick=False)
def test_un_document_refuse_ne_compte_pas_un_document_garde_compte(portail, navigateur):
    for _ in range(12):
        assert _deposer(navigateur, b"GIF89a pas un document").status_code == 422
    for _ in range(10):
        assert _deposer(navigateur, PDF).status_code == 303
    reponse = _deposer(navigateur, PDF)
    assert reponse.status_code == 429
    assert "réessayer à partir de 15 h 32" in reponse.text
    with portail.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Justificatif)) == 10



def test_un_document_bien_trop_lourd_est_refuse_a_cote_du_champ(fabrique, fichier_grille):
    portail = fabrique(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                       tarifs_fichier=fichier_grille, justificatif_taille_max=1024)
    navigateur = portail.test_client()
    connecter(navigateur, creer_famille(portail))
    # A little over the limit (read, then refused), then far beyond what the portal reads.
    for taille, statut in ((1500, 422), (100_000, 413)):
        reponse = _deposer(navigateur, PDF + b"0" * taille)
        assert reponse.status_code == statut
        erreur = Page(reponse.text).par_id("fichier-erreur")
        assert "Le fichier dépasse 1\u00a0ko" in erreur.texte
