"""Throughput of the shared rate limiter against the API Particulier simulator (20 req/s).

    python bench/limiteur.py [--appels 400] [--processus 1 4]

Starts the portal in sandbox mode under gunicorn (4 workers, counters in Redis, so that the
simulator enforces 20 requests per second per token across its workers), then runs the lookups
from 1, then 4 client processes, each with the real connector and a `LimiteurRedis` on the same
Redis. Reports the achieved rate and how many 429 the simulator answered (the target: at least
19 requests per second, and no 429). Needs Redis on 127.0.0.1:6379.
"""

import argparse
import multiprocessing
import os
import subprocess
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import redis
import requests
from commun import executable
from commun import migrer
from commun import port_libre

from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.connecteurs.api_particulier import ClientAPIParticulier
from portail_famille.connecteurs.api_particulier import IdentiteCivile
from portail_famille.connecteurs.limiteur import EnVol
from portail_famille.connecteurs.limiteur import LimiteurRedis

REDIS = "redis://127.0.0.1:6379/0"
JETON = "jeton-bac-a-sable-complet"
RECIPIENT = "21690123100011"


class SessionComptee(requests.Session):
    """A requests session that counts the simulator's answers by status."""

    def __init__(self):
        super().__init__()
        self.statuts: dict[int, int] = {}

    def send(self, requete, **kwargs):
        reponse = super().send(requete, **kwargs)
        self.statuts[reponse.status_code] = self.statuts.get(reponse.status_code, 0) + 1
        return reponse


def demandes(nombre: int, decalage: int) -> list[tuple[IdentiteCivile, int, int]]:
    """Distinct lookups (identity × month of the last two years), so that neither the client's
    in-flight deduplication nor the simulator's 409 merges them."""
    allocataires = [dossier.allocataire for dossier in jeu_de_donnees.DOSSIERS_CAF]
    aujourd_hui = date.today()
    mois = []
    for recul in range(24):
        annee, index = divmod(aujourd_hui.year * 12 + aujourd_hui.month - 1 - recul, 12)
        mois.append((annee, index + 1))
    resultat = []
    for i in range(decalage, decalage + nombre):
        personne = allocataires[i % len(allocataires)]
        annee, numero_mois = mois[(i // len(allocataires)) % len(mois)]
        identite = IdentiteCivile(
            nom_naissance=personne.nom_naissance, prenoms=personne.prenoms, sexe=personne.sexe,
            date_naissance=date.fromisoformat(personne.date_naissance),
            code_pays_naissance=personne.code_pays_naissance,
            code_commune_naissance=personne.code_commune_naissance or None,
        )
        resultat.append((identite, annee, numero_mois))
    return resultat


def travailler(base: str, prefixe: str, taches, depart: float, file):
    session = SessionComptee()
    client_redis = redis.Redis.from_url(REDIS)
    client = ClientAPIParticulier(
        f"{base}/bac-a-sable/api-particulier", JETON, RECIPIENT, session=session,
        limiteur=LimiteurRedis(client_redis, prefixe=f"{prefixe}limiteur:"),
        en_vol=EnVol(client_redis, prefixe=f"{prefixe}en-vol:"), patience=30.0,
    )
    time.sleep(max(0.0, depart - time.time()))
    erreur = None
    try:
        for identite, annee, mois in taches:
            # Each month is asked anew: the simulator's 24 h cache would otherwise answer.
            client.quotient_familial_identite(identite, annee=annee, mois=mois, sans_cache=True)
    except Exception as exc:  # reported by the parent, which would otherwise wait forever
        erreur = repr(exc)
    file.put((session.statuts, erreur))


def mesurer(base: str, appels: int, processus: int) -> tuple[float, dict[int, int]]:
    prefixe = f"bench:{uuid.uuid4().hex}:"
    file = multiprocessing.Queue()
    depart = time.time() + 1.0
    # The first workers take one call more when the count does not divide evenly.
    parts = [appels // processus + (i < appels % processus) for i in range(processus)]
    travailleurs = [
        multiprocessing.Process(target=travailler, args=(
            base, prefixe, demandes(part, sum(parts[:i])), depart, file))
        for i, part in enumerate(parts)
    ]
    for travailleur in travailleurs:
        travailleur.start()
    statuts: dict[int, int] = {}
    erreurs = []
    for _ in travailleurs:
        statuts_travailleur, erreur = file.get()
        for statut, nombre in statuts_travailleur.items():
            statuts[statut] = statuts.get(statut, 0) + nombre
        if erreur:
            erreurs.append(erreur)
    for travailleur in travailleurs:
        travailleur.join()
    duree = time.time() - depart
    if erreurs:
        raise SystemExit(f"{len(erreurs)} processus en échec : {erreurs[0]}")
    return duree, statuts


def demarrer_portail(dossier: Path) -> tuple[subprocess.Popen, str]:
    port = port_libre()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORTAIL_BAC_A_SABLE": "1", "PORTAIL_URL": base, "REDIS_URL": REDIS,
           "DATABASE_URL": f"sqlite:///{dossier / 'bench.db'}"}
    migrer(env)
    serveur = subprocess.Popen(  # noqa: S603 (the venv's own executable, fixed arguments)
        [executable("gunicorn"), "--workers", "4", "--threads", "8", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "portail_famille:create_app()"], env=env)
    for _ in range(60):
        try:
            if requests.get(f"{base}/", timeout=5).status_code == 200:
                return serveur, base
        except requests.RequestException:
            time.sleep(0.5)
    serveur.terminate()
    raise SystemExit("le portail n'a pas démarré")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appels", type=int, default=400)
    parser.add_argument("--processus", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as dossier:
        serveur, base = demarrer_portail(Path(dossier))
        try:
            print(f"{'processus':>9} {'appels':>7} {'durée (s)':>10} {'req/s':>7} {'429':>5}")
            for processus in args.processus:
                duree, statuts = mesurer(base, args.appels, processus)
                total = sum(statuts.values())
                print(f"{processus:>9} {total:>7} {duree:>10.2f} {total / duree:>7.2f} "
                      f"{statuts.get(429, 0):>5}   {dict(sorted(statuts.items()))}")
        finally:
            serveur.terminate()
            serveur.wait()


if __name__ == "__main__":
    main()
