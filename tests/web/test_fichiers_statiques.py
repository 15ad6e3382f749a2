"""Static files under hashed names (issue 12): cached a year, renamed when they change."""

import re
import time

import pytest

from portail_famille.web import fichiers_statiques
from tests.aides import Page


def _feuille(client) -> str:
    (lien,) = [e for e in Page(client.get("/").text).tous("link") if e.get("rel") == "stylesheet"]
    return lien.get("href")


def test_la_page_designe_la_feuille_par_son_empreinte(client):
    adresse = _feuille(client)
    assert re.fullmatch(r"/static/css/portail\.[0-9a-f]{12}\.css", adresse)
    reponse = client.get(adresse)
    assert reponse.status_code == 200 and reponse.mimetype == "text/css"
    assert reponse.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Asked again with its ETag: nothing to send.
    assert client.get(adresse, headers={"If-None-Match": reponse.headers["ETag"]}
                      ).status_code == 304


def test_les_images_de_la_feuille_ont_aussi_leur_empreinte(client):
    feuille = client.get(_feuille(client)).text
    (image,) = re.findall(r'url\("\.\./(img/franceconnect-logo\.[0-9a-f]{12}\.svg)"\)', feuille)
    reponse = client.get(f"/static/{image}")
    assert reponse.status_code == 200 and reponse.mimetype == "image/svg+xml"
    assert "immutable" in reponse.headers["Cache-Control"]


def test_le_nom_simple_repond_revalide(client):
    reponse = client.get("/static/css/portail.css")
    assert reponse.status_code == 200
    assert reponse.headers["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("adresse", ["/static/css/portail.000000000000.css",
                                     "/static/css/absente.css", "/static/../pyproject.toml",
                                     "/static/%2e%2e/pyproject.toml"])
def test_empreinte_perimee_ou_fichier_hors_du_dossier_404(client, adresse):
    assert client.get(adresse).status_code == 404


def test_un_fichier_modifie_change_de_nom(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "img").mkdir()
    feuille, image = tmp_path / "css" / "a.css", tmp_path / "img" / "b.svg"
    image.write_text("<svg/>")
    feuille.write_text('x { background: url("../img/b.svg") } y { background: url(data:x) }')
    statiques = fichiers_statiques.Statiques(tmp_path)
    avant = statiques.nom_empreint("css/a.css")
    time.sleep(0.01)
    image.write_text("<svg></svg>")  # the image alone changes: the sheet's name changes too
    assert statiques.nom_empreint("css/a.css") != avant
    contenu, _ = statiques.lire("css/a.css")
    assert b"url(data:x)" in contenu
    assert re.search(rb'url\("\.\./img/b\.[0-9a-f]{12}\.svg"\)', contenu)
