"""A real server process for the tests that need one (the demo, gunicorn): started on a free
loopback port, awaited until it answers, always stopped."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

BINAIRES = Path(sys.executable).parent
DELAI_DEMARRAGE_S = 60
# The test process's own settings must not leak into a server meant to start from scratch.
_VARIABLES_DU_TEST = ("SECRET_KEY", "DATABASE_URL", "TARIFS_FICHIER", "FLASK_APP", "REDIS_URL")
_PREFIXES_DU_TEST = ("FRANCECONNECT_", "API_PARTICULIER_", "IMPOT_PARTICULIER_")


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


def environnement_neuf(**variables: str) -> dict[str, str]:
    """This process's environment without the portal's settings, plus `variables`."""
    env = {cle: valeur for cle, valeur in os.environ.items()
           if cle not in _VARIABLES_DU_TEST and not cle.startswith(_PREFIXES_DU_TEST)}
    env.update(PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", **variables)
    return env


@contextmanager
def serveur(commande: list[str], url: str, env: dict[str, str], dossier: Path):
    """Run `commande` in `dossier` until `url` answers; yields readers of its standard output
    and of its standard error."""
    sortie, erreurs = dossier / "sortie.txt", dossier / "erreurs.txt"
    with sortie.open("w") as out, erreurs.open("w") as err:
        processus = subprocess.Popen(  # noqa: S603 (our own executables, fixed arguments)
            commande, cwd=dossier, env=env, stdout=out, stderr=err)
    try:
        limite = time.monotonic() + DELAI_DEMARRAGE_S
        while True:
            assert processus.poll() is None, erreurs.read_text(encoding="utf-8")
            try:
                requests.get(f"{url}/", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < limite, f"{commande[0]} ne répond pas"
                time.sleep(0.2)  # a real process starting: nothing to fake here
        yield (lambda: sortie.read_text(encoding="utf-8"),
               lambda: erreurs.read_text(encoding="utf-8"))
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
