"""Production's gunicorn, started as the Procfile starts it: it does not name itself (issue
14.5; the demo's development server is checked by tests/test_demo.py), and it logs each request
as a JSON line with its id (issue 12)."""

import json
from pathlib import Path

import requests

from tests.processus import BINAIRES
from tests.processus import environnement_neuf
from tests.processus import port_libre
from tests.processus import serveur

RACINE = Path(__file__).resolve().parents[1]


def test_le_procfile_lance_gunicorn_avec_sa_configuration():
    procfile = (RACINE / "Procfile").read_text(encoding="utf-8")
    assert "web: gunicorn -c gunicorn.conf.py\n" in procfile


def test_gunicorn_ne_dit_ni_son_nom_ni_sa_version(tmp_path):
    port = port_libre()
    url = f"http://127.0.0.1:{port}"
    env = environnement_neuf(PORTAIL_BAC_A_SABLE="1", PORTAIL_URL=url, PORT=str(port),
                             WEB_CONCURRENCY="1",
                             DATABASE_URL=f"sqlite:///{tmp_path / 'portail.db'}",
                             TARIFS_FICHIER=str(RACINE / "tarifs.yaml"))
    commande = [str(BINAIRES / "gunicorn"), "-c", str(RACINE / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}"]
    with serveur(commande, url, env, tmp_path) as (_, lire_erreurs):
        reponse = requests.get(f"{url}/simulateur?qf=700", timeout=10)
        assert reponse.status_code == 200
        assert "Server" not in reponse.headers
        assert reponse.headers["X-Content-Type-Options"] == "nosniff"  # the app's still go
        journal = lire_erreurs()
    lignes = [json.loads(ligne) for ligne in journal.splitlines() if ligne.startswith("{")]
    [requete] = [ligne for ligne in lignes if ligne.get("chemin") == "/simulateur"]
    assert requete["requete_id"] == reponse.headers["X-Request-ID"]
    assert requete["statut"] == 200 and requete["route"] == "public.simulateur"
    assert "qf=700" not in journal
