"""What the benchmarks share: free ports, the venv's executables, a fresh PostgreSQL base, and
a server process started and awaited until it answers."""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
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


def portail_neuf(nom_base: str, **reglages: str) -> tuple[str, str, dict[str, str]]:
    """For a benchmark of the portal in sandbox mode: a fresh PostgreSQL base `nom_base`,
    migrated, an empty Redis and a free port; (base URL, portal URL, environment)."""
    url_base = base_neuve(nom_base)
    redis.Redis.from_url(REDIS).flushdb()
    port = port_libre()
    portail = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url_base, "REDIS_URL": REDIS, "PORT": str(port),
           "PORTAIL_BAC_A_SABLE": "1", "PORTAIL_URL": portail,
           "SECRET_KEY": secrets.token_hex(32), **reglages}
    migrer(env)
    return url_base, portail, env


def migrer(env: dict[str, str]) -> None:
    # The venv's own executable, with fixed arguments.
    subprocess.run([executable("flask"), "--app", "portail_famille", "db", "upgrade"],  # noqa: S603
                   env=env, check=True, capture_output=True, cwd=RACINE)


@contextlib.contextmanager
def serveur(commande: list[str], env: dict[str, str], url: str, delai_s: float = 60,
            journal: Path | None = None):
    """Run `commande` until `url` answers 200, its error output to `journal` if given; stop
    it (SIGTERM, then SIGKILL) afterwards."""
    sortie = open(journal, "w") if journal else subprocess.DEVNULL  # noqa: SIM115
    processus = subprocess.Popen(commande, env=env, cwd=RACINE,  # noqa: S603
                                 stdout=subprocess.DEVNULL, stderr=sortie)
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
        if journal:
            sortie.close()


def ville(nom_base: str, familles: int, graine: int = 1,
          mois: str | None = None) -> tuple[str, dict[str, str]]:
    """A fresh PostgreSQL base `nom_base`, migrated and filled by `flask demo peupler` with
    `familles` invented households (about 2.4 children each) and the bookings and marks of
    `mois` (AAAA-MM, by default the command's); (base URL, environment)."""
    url_base = base_neuve(nom_base)
    env = {**os.environ, "DATABASE_URL": url_base, "PORTAIL_BAC_A_SABLE": "1",
           "SECRET_KEY": secrets.token_hex(32)}
    env.pop("REDIS_URL", None)
    migrer(env)
    sortie = subprocess.run(  # noqa: S603 (the venv's own executable, fixed arguments)
        [executable("flask"), "--app", "portail_famille", "demo", "peupler",
         "--familles", str(familles), "--graine", str(graine),
         *(("--mois", mois) if mois else ())],
        env=env, check=True, capture_output=True, text=True, cwd=RACINE).stdout
    print(sortie.strip())
    return url_base, env
