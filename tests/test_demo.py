"""The README's demonstration command really serves the portal, with working demo accounts."""

import re

import pytest
import requests

from portail_famille.bac_a_sable import fournisseur_proconnect
from portail_famille.bac_a_sable import jeu_de_donnees
from tests.aides import Page
from tests.aides import code_totp
from tests.processus import BINAIRES
from tests.processus import environnement_neuf
from tests.processus import port_libre
from tests.processus import serveur


@pytest.fixture
def demo(tmp_path):
    """`PORTAIL_BAC_A_SABLE=1 flask --app portail_famille demo`, on a free port and a new base."""
    url = f"http://127.0.0.1:{port_libre()}"
    env = environnement_neuf(PORTAIL_BAC_A_SABLE="1", PORTAIL_URL=url,
                             DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}")
    with serveur([str(BINAIRES / "flask"), "--app", "portail_famille", "demo"],
                 url, env, tmp_path) as (lire_sortie, _):
        yield url, lire_sortie


def test_la_commande_de_demonstration_sert_le_portail(demo):
    url, lire_sortie = demo
    simulateur = requests.get(f"{url}/simulateur", timeout=10)
    assert simulateur.status_code == 200
    assert "Server" not in simulateur.headers  # the development server names itself otherwise
    page = Page(simulateur.text)
    assert page.tous("html")[0].get("lang") == "fr"
    assert page.tous("h1")[0].texte == "Simulateur de tarifs"
    assert "Bac à sable – données fictives." in simulateur.text

    connexion = requests.get(f"{url}/connexion", timeout=10)
    assert connexion.status_code == 200
    [bouton] = [b for b in Page(connexion.text).tous("button")
                if b.get("class") == "bouton-franceconnect"]
    assert bouton.texte == "S’identifier avec FranceConnect"

    sortie = lire_sortie()
    assert f"Portail famille (démonstration) : {url}/" in sortie
    for identite in jeu_de_donnees.IDENTITES:
        personne = identite.personne
        assert f"{' '.join(personne.prenoms)} {personne.nom_naissance}" in sortie
    # Beside the identities, what the numéro fiscal lookup takes (issue 9).
    assert "Angela Claire Louise DUBOIS : Identité de test publiée par FranceConnect ; quotient " \
        "CAF et avis d’impôt (numéro fiscal 9912000000011)" in sortie
    comptes = dict(re.findall(r"identifiant (\S+), mot de passe (\S+)", sortie))
    assert set(comptes) == {"agent.demo", "admin.demo"}
    # The sandbox ProConnect's agents, with the accounts made for the commune's ones.
    assert "« S’identifier avec ProConnect »" in sortie
    for agent in fournisseur_proconnect.AGENTS:
        compte = f"compte {agent.role}" if agent.role else "aucun compte"
        assert f"{agent.prenom} {agent.nom} ({agent.email}, {compte})" in sortie

    # The printed accounts open the back office, through the real form and its CSRF token.
    navigateur = requests.Session()
    formulaire = navigateur.get(f"{url}/connexion/personnel", timeout=10)
    [jeton] = [e.get("value") for e in Page(formulaire.text).tous("input", name="csrf_token")]
    reponse = navigateur.post(f"{url}/connexion/personnel", timeout=10, data={
        "identifiant": "agent.demo", "mot_de_passe": comptes["agent.demo"], "csrf_token": jeton})
    # No TOTP yet: the demo account enrols one, with the key its page shows.
    assert reponse.url == f"{url}/connexion/personnel/enrolement"
    page = Page(reponse.text)
    [jeton] = [e.get("value") for e in page.tous("input", name="csrf_token")]
    secret = page.par_id("cle-totp").texte.replace(" ", "")
    reponse = navigateur.post(reponse.url, timeout=10, data={
        "code": code_totp(secret), "csrf_token": jeton})
    assert reponse.url == f"{url}/connexion/personnel/codes-de-secours"
    assert len(Page(reponse.text).tous("code")) == 10
    reponse = navigateur.get(f"{url}/mairie/", timeout=10)
    assert reponse.status_code == 200
    assert "Espace des agents" in reponse.text
