"""The family's pages under load, beside a bare Flask app, in one run (issue 12).

    python bench/web.py [--duree 20] [--connexions 50]

On PostgreSQL (a fresh base `bench_web`) and Redis, both apps under the Procfile's gunicorn
settings (gunicorn.conf.py: 2 workers × 4 threads): the portal in sandbox mode with one signed-in
family of three children (enrolled, with a QF), and bench/app_nue.py, which answers one SELECT.
wrk (Debian: `apt-get install -y wrk`) loads each page for `--duree` seconds at `--connexions`
connections after a warm-up; reported: requests per second, p50 and p99 latency, errors, and the
ratio of each page to the bare app (targets: dashboard ≥ 30 %, p99 < 100 ms, no error).
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
from datetime import date
from decimal import Decimal

from commun import RACINE
from commun import REDIS
from commun import base_neuve
from commun import executable
from commun import migrer
from commun import port_libre
from commun import serveur

from portail_famille import create_app
from portail_famille.auth import sessions
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import QuotientFamilial
from portail_famille.models import SessionServeur
from portail_famille.services import inscriptions

PAGES = {"tableau de bord": "/espace-famille/", "Mes tarifs": "/espace-famille/tarifs"}


def peupler(url_base: str) -> str:
    """One household of three enrolled children with a QF, and its session; the cookie."""
    app = create_app({"bac_a_sable": True, "database_url": url_base})
    with app.app_context():
        grille = app.extensions["grille"].obtenir().grille
        periode = inscriptions.periodes_ouvertes(grille, date.today())[0]
        famille = Famille(reside_dans_la_commune=True, code_postal="69003",
                          adresse_voie="3 rue de la Banque", commune_residence="Lyon")
        compte = Compte(role="famille", famille=famille, fc_issuer="https://banc.test",
                        fc_sub="banc-1", prenoms="Camille", nom_naissance="BANC")
        db.session.add(compte)
        db.session.flush()
        for rang, prenom in enumerate(("Léa", "Noé", "Lou")):
            enfant = Enfant(famille_id=famille.id, nom="BANC", prenoms=prenom,
                            date_naissance=date(2015 + rang, 3, 1), niveau="ce1")
            for code in periode.services:
                enfant.inscriptions.append(Inscription(
                    service=code, periode_debut=periode.debut, periode_libelle=periode.libelle,
                    jours="lundi,mardi,jeudi", date_debut=periode.debut, statut="validee"))
            db.session.add(enfant)
        db.session.add(QuotientFamilial(famille_id=famille.id, source="caf", mode="identite",
                                        fournisseur="CNAF", valeur=Decimal("812.00")))
        jeton = secrets.token_urlsafe(32)
        donnees = {"_user_id": str(compte.id), "_fresh": True, "role": "famille"}
        db.session.add(SessionServeur(id=sessions.empreinte(jeton), compte_id=compte.id,
                                      donnees=sessions.chiffrer(donnees, jeton)))
        db.session.commit()
    return jeton


def wrk(url: str, duree: int, connexions: int, cookie: str | None) -> dict:
    entetes = ["-H", f"Cookie: session={cookie}"] if cookie else []
    commande = [shutil.which("wrk"), "-t2", f"-c{connexions}", f"-d{duree}s", "--latency",
                *entetes, url]
    sortie = subprocess.run(commande, check=True, capture_output=True, text=True).stdout  # noqa: S603

    def duree_ms(texte: str) -> float:
        valeur, unite = re.fullmatch(r"([\d.]+)(us|ms|s)", texte).groups()
        return float(valeur) * {"us": 0.001, "ms": 1, "s": 1000}[unite]

    erreurs = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", sortie))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", sortie)
    return {
        "req_s": float(re.search(r"Requests/sec:\s+([\d.]+)", sortie)[1]),
        "p50": duree_ms(re.search(r"\s50%\s+(\S+)", sortie)[1]),
        "p99": duree_ms(re.search(r"\s99%\s+(\S+)", sortie)[1]),
        "erreurs": erreurs + (int(non_2xx[1]) if non_2xx else 0),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duree", type=int, default=20)
    parser.add_argument("--connexions", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk absent : apt-get install -y wrk")
    url_base = base_neuve("bench_web")
    env = {**os.environ, "DATABASE_URL": url_base, "REDIS_URL": REDIS,
           "PORTAIL_BAC_A_SABLE": "1", "SECRET_KEY": secrets.token_hex(32)}
    env.pop("WEB_CONCURRENCY", None)
    migrer(env)
    cookie = peupler(url_base)
    conf = str(RACINE / "gunicorn.conf.py")
    port_portail, port_nue = port_libre(), port_libre()
    portail = f"http://127.0.0.1:{port_portail}"
    env_portail = {**env, "PORTAIL_URL": portail, "PORT": str(port_portail)}
    env_nue = {**env, "PORT": str(port_nue)}
    resultats = {}
    with serveur([executable("gunicorn"), "-c", conf, "--bind", f"127.0.0.1:{port_portail}"],
                 env_portail, f"{portail}/sante"), \
         serveur([executable("gunicorn"), "-c", conf, "--bind", f"127.0.0.1:{port_nue}",
                  "--chdir", str(RACINE / "bench"), "app_nue:creer()"],
                 env_nue, f"http://127.0.0.1:{port_nue}/"):
        cibles = {"application nue (1 SELECT)": (f"http://127.0.0.1:{port_nue}/", None),
                  **{nom: (portail + chemin, cookie) for nom, chemin in PAGES.items()}}
        for nom, (url, jeton) in cibles.items():
            wrk(url, 3, args.connexions, jeton)  # warm-up: pools, caches, the grid parsed
            resultats[nom] = wrk(url, args.duree, args.connexions, jeton)
    nue = resultats["application nue (1 SELECT)"]["req_s"]
    print(f"{args.connexions} connexions, {args.duree} s par page, gunicorn.conf.py "
          f"(2 workers × 4 threads), PostgreSQL, Redis")
    print(f"{'page':<28} {'req/s':>8} {'p50 (ms)':>9} {'p99 (ms)':>9} {'erreurs':>8} "
          f"{'/ nue':>7}")
    for nom, r in resultats.items():
        print(f"{nom:<28} {r['req_s']:>8.1f} {r['p50']:>9.1f} {r['p99']:>9.1f} "
              f"{r['erreurs']:>8} {r['req_s'] / nue:>7.0%}")


if __name__ == "__main__":
    main()
