"""What a clerk would check (issue 9): a service's days, a first day that is a school day,
a class consistent with the child's age."""

from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portail_famille.extensions import db
from portail_famille.models import Enfant
from tests.aides import Page
from tests.fabriques import ajouter_enfant
from tests.fabriques import creer_famille
from tests.fabriques import famille_de
from tests.familles.conftest import DEBUT
from tests.familles.conftest import GRILLE
from tests.familles.conftest import JOUR_DE_CLASSE
from tests.familles.conftest import connecter

ATELIERS_DU_MERCREDI = GRILLE.replace("    unite: après-midi\n",
                                      "    unite: après-midi\n        jours: [mercredi]\n", 1)


@pytest.fixture
def portail(fabrique, tmp_path):
    chemin = tmp_path / "mercredi.yaml"
    chemin.write_text(ATELIERS_DU_MERCREDI, encoding="utf-8")
    return fabrique(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False, tarifs_fichier=chemin)


@pytest.fixture
def navigateur(portail):
    compte = creer_famille(portail)
    client = portail.test_client()
    connecter(client, compte)
    return client, famille_de(portail, compte)


def _demander(client, enfant: int, service: str, jours, debut: date):
    return client.post("/espace-famille/inscriptions/nouvelle", data={
        "enfants": [enfant], "service": f"{DEBUT.isoformat()}:{service}", "jours": list(jours),
        "date_debut": debut.isoformat()})


def _mercredi_a_venir() -> date:
    jour = JOUR_DE_CLASSE
    while jour.weekday() != 2:
        jour += timedelta(days=1)
    return jour


def test_un_atelier_du_mercredi_ne_se_demande_que_le_mercredi(portail, navigateur):
    client, famille_id = navigateur
    enfant = ajouter_enfant(portail, famille_id, "Léo", date(2018, 5, 3))
    page = client.get("/espace-famille/inscriptions/nouvelle").text
    assert "Ateliers (le mercredi)" in page
    reponse = _demander(client, enfant, "ateliers", ["lundi"], _mercredi_a_venir())
    assert reponse.status_code == 422
    assert "Ateliers : le mercredi seulement." in reponse.text
    assert _demander(client, enfant, "ateliers", ["mercredi"],
                     _mercredi_a_venir()).status_code == 303
    with portail.app_context():
        (inscription,) = db.session.scalars(sa.select(Enfant)).one().inscriptions
    modification = Page(client.get(f"/espace-famille/inscriptions/{inscription.id}").text)
    assert [c.get("value") for c in modification.tous("input", type="checkbox")] == ["mercredi"]


def test_le_premier_jour_est_un_jour_de_classe(portail, navigateur):
    client, famille_id = navigateur
    enfant = ajouter_enfant(portail, famille_id, "Léo", date(2018, 5, 3))
    samedi = JOUR_DE_CLASSE + timedelta(days=(5 - JOUR_DE_CLASSE.weekday()) % 7)
    reponse = _demander(client, enfant, "cantine", ["lundi"], samedi)
    assert reponse.status_code == 422
    assert "n’est pas un jour de classe" in reponse.text
    # The form's first day is one already.
    page = Page(client.get("/espace-famille/inscriptions/nouvelle").text)
    propose = date.fromisoformat(page.par_id("date_debut").get("value"))
    assert propose.weekday() < 5


ENFANT = {"prenoms": "Zoé", "nom": "MARTIN", "ecole": "École Jean-Macé"}


@time_machine.travel("2026-12-02T10:00:00+01:00", tick=False)
def test_une_classe_inhabituelle_pour_l_age_se_confirme_et_est_signalee(portail, navigateur):
    client, _ = navigateur
    deux_jours = {**ENFANT, "date_naissance": "2026-11-30", "niveau": "cp"}
    reponse = client.post("/espace-famille/enfants/ajouter", data=deux_jours)
    assert reponse.status_code == 422
    assert "Un enfant né en 2026 est d’habitude en Pas encore scolarisé cette année" in \
        reponse.text
    assert 'name="niveau_confirme"' in reponse.text
    assert client.post("/espace-famille/enfants/ajouter",
                       data={**deux_jours, "niveau_confirme": "y"}).status_code == 303
    usuel = {**ENFANT, "prenoms": "Léa", "date_naissance": "2020-03-01", "niveau": "cp"}
    assert client.post("/espace-famille/enfants/ajouter", data=usuel).status_code == 303
    with portail.app_context():
        signales = dict(db.session.execute(
            sa.select(Enfant.prenoms, Enfant.niveau_a_verifier)).all())
    assert signales == {"Zoé": True, "Léa": False}


def test_pas_encore_scolarise_n_a_pas_d_ecole(portail, navigateur):
    client, _ = navigateur
    reponse = client.post("/espace-famille/enfants/ajouter", data={
        **ENFANT, "date_naissance": "2025-01-01", "niveau": "non_scolarise"})
    assert reponse.status_code == 422
    assert "Un enfant pas encore scolarisé n’a pas d’école" in reponse.text


@pytest.mark.parametrize(("instant", "libelle"), [
    ("2026-12-02T10:00:00+01:00", "Classe cette année (2026-2027)"),
    ("2027-07-10T10:00:00+02:00", "Classe à la rentrée"),
])
def test_la_classe_demandee_est_celle_de_la_saison(portail, navigateur, instant, libelle):
    client, _ = navigateur
    with time_machine.travel(instant, tick=False):
        connecter(client, creer_famille(portail, prenom="Ana"))
        page = Page(client.get("/espace-famille/enfants/ajouter").text)
    assert [lab.texte for lab in page.tous("label") if lab.get("for") == "niveau"] == [libelle]
