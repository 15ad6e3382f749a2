"""What the benchmarks share: free ports, the venv's executables, a fresh PostgreSQL base, and
a server process started and awaited until it answers."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

RACINE = Path(__file__).resolve().parents[1]
POSTGRESQL = os.environ.get("BENCH_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


def executable(nom: str) -> str:
    """An executable of this venv (flask, gunicorn)."""
    chemin = shutil.which(nom, path=os.path.dirname(sys.executable))
    if chemin is None:
        raise SystemExit(f"{nom} introuvable dans l'environnement virtuel")
    return chemin


def base_neuve(nom: str) -> str:
    """A new empty PostgreSQL base `nom` (dropped first if it exists); its URL."""
    moteur = sa.create_engine(POSTGRESQL.replace("postgresql://", "postgresql+psycopg://")
                              + "/postgres", isolation_level="AUTOCOMMIT")
    with moteur.connect() as connexion:
        connexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)'))
        connexion.execute(sa.text(f'CREATE DATABASE "{nom}"'))
    moteur.dispose()
    return f"{POSTGRESQL}/{nom}"


def migrer(env: dict[str, str]) -> None:
    # The venv's own executable, with fixed arguments.
    subprocess.run([executable("flask"), "--app", "portail_famille", "db", "upgrade"],  # noqa: S603
                   env=env, check=True, capture_output=True, cwd=RACINE)


@contextlib.contextmanager
def serveur(commande: list[str], env: dict[str, str], url: str, delai_s: float = 60):
    """Run `commande` until `url` answers 200; stop it (SIGTERM, then SIGKILL) afterwards."""
    processus = subprocess.Popen(commande, env=env, cwd=RACINE,  # noqa: S603
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        limite = time.monotonic() + delai_s
        while True:
            if processus.poll() is not None:
                raise SystemExit(f"{commande[0]} s'est arrêté au démarrage")
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > limite:
                raise SystemExit(f"{url} ne répond pas")
            time.sleep(0.3)
        yield processus
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=30)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
