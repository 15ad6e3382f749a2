"""No control character reaches a view (issue 14): a NUL byte, ESC or a C1 character in any
query parameter or form field gets a 400 in French, on SQLite as on PostgreSQL, which refuses
NUL in text; a field of spaces only is a field left blank."""

import pytest

from tests.aides import routes_sans_parametre

CONTROLES = ["\x00", "Zo\x00é", "\x1b[2J", "a\x7fb", "\u0085", "\x08"]


@pytest.mark.parametrize("valeur", CONTROLES)
def test_chaque_page_refuse_un_controle_dans_ses_parametres(app, client, valeur):
    for endpoint, url in routes_sans_parametre(app):
        if endpoint == "static":
            continue
        reponse = client.get(url, query_string={"q": valeur})
        assert reponse.status_code == 400, endpoint
        if url.startswith("/api/"):
            assert reponse.json == {"erreur": "paramètre contenant un caractère de contrôle"}
        else:
            assert "caractère invisible" in reponse.text, endpoint


@pytest.mark.parametrize("identifiant", ["\x00", "Zo\x00é", "agent\x1b", "agent\x00.demo"])
def test_la_connexion_du_personnel_refuse_un_nul(client, identifiant):
    reponse = client.post("/connexion/personnel",
                          data={"identifiant": identifiant, "mot_de_passe": "x" * 12})
    assert reponse.status_code == 400
    assert "caractère invisible" in reponse.text


def test_un_nom_de_champ_avec_un_controle_aussi(client):
    assert client.post("/connexion/personnel", data={"a\x00": "b"}).status_code == 400


@pytest.mark.parametrize("blanc", ["   ", "\t", " \u00a0 "])
def test_un_identifiant_de_blancs_est_un_identifiant_oublie(client, blanc):
    reponse = client.post("/connexion/personnel",
                          data={"identifiant": blanc, "mot_de_passe": "x" * 12})
    assert reponse.status_code == 422
    assert "Indiquez votre identifiant." in reponse.text


def test_tabulations_et_retours_a_la_ligne_restent_du_texte(client):
    reponse = client.get("/simulateur", query_string={"qf": "850\r\n", "mode": "qf"})
    assert reponse.status_code != 400
