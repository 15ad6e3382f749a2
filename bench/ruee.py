"""The registration-day rush (issue 12): many families sign in within minutes.

    python bench/ruee.py [--familles 500] [--minutes 2] [--clients 64] [--travailleurs 2]
                         [--grille tarifs.yaml]

On a fresh PostgreSQL base `bench_ruee` and Redis: the portal in sandbox mode under gunicorn
with 4 workers (the Procfile's settings otherwise), its sandbox FranceConnect and API
simulators enforcing API Particulier's per-IP limits on FranceConnect-mode calls (30 a minute,
600 an hour), and `--travailleurs` queue workers. `--familles` members of the sandbox's crowd
sign in through the sandbox FranceConnect, consenting to the QF lookup, at a steady pace over
`--minutes`, from `--clients` concurrent clients; each follows every redirect as a browser
would, then opens its dashboard.

Reported: sign-ins completed, 5xx answers (target 0), 429 received from the API by the portal
and its workers (target 0), FranceConnect-mode and deferred identity-mode lookups, the time from
the last sign-in until every family has its QF (target: within a minute), and p50/p99 of each
step of the journey.
"""

import argparse
import contextlib
import json
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests
import sqlalchemy as sa
from commun import RACINE
from commun import executable
from commun import portail_neuf
from commun import serveur

from portail_famille import create_app
from portail_famille.extensions import db
from portail_famille.models import Evenement
from portail_famille.models import Famille
from portail_famille.models import QuotientFamilial

ETAPES = ("connexion", "fournisseur", "choix de l’identité", "jeton et retour", "tableau de bord")


class Formulaire(HTMLParser):
    """The sandbox provider's form: its action and hidden fields."""

    def __init__(self, html: str):
        super().__init__()
        self.action = ""
        self.champs: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        if tag == "form" and not self.action:
            self.action = attributs.get("action", "")
        elif tag == "input" and attributs.get("type") == "hidden":
            self.champs[attributs["name"]] = attributs.get("value", "")


class Mesures:
    def __init__(self):
        self.verrou = threading.Lock()
        self.durees: dict[str, list[float]] = {etape: [] for etape in ETAPES}
        self.statuts: dict[int, int] = {}
        self.reussies = 0
        self.echecs: list[str] = []
        self.derniere_connexion = 0.0

    def noter(self, etape: str, debut: float, reponse: requests.Response) -> requests.Response:
        with self.verrou:
            self.durees[etape].append((time.monotonic() - debut) * 1000)
            self.statuts[reponse.status_code] = self.statuts.get(reponse.status_code, 0) + 1
        return reponse


def suivre(session: requests.Session, mesures: Mesures, etape: str, methode: str, url: str,
           **options) -> requests.Response:
    """One step: the request and the redirects that belong to it, timed together."""
    debut = time.monotonic()
    reponse = session.request(methode, url, allow_redirects=True, timeout=60, **options)
    return mesures.noter(etape, debut, reponse)


def se_connecter(base: str, rang: int, mesures: Mesures, depart: float) -> None:
    time.sleep(max(0.0, depart - time.monotonic()))
    session = requests.Session()
    # Each family from its own address, as behind the commune's reverse proxy: the portal's
    # per-IP limits on its own pages apply to each, not to the benchmark's one address.
    session.headers["X-Forwarded-For"] = f"10.{rang // 65536 % 256}.{rang // 256 % 256}." \
                                         f"{rang % 256}"
    try:
        debut = time.monotonic()
        envoi = session.get(f"{base}/connexion/franceconnect", params={"donnees": "1"},
                            allow_redirects=False, timeout=60)
        mesures.noter("connexion", debut, envoi)
        page = suivre(session, mesures, "fournisseur", "GET", envoi.headers["Location"])
        formulaire = Formulaire(page.text)
        debut = time.monotonic()
        choix = session.post(urljoin(page.url, formulaire.action), allow_redirects=False,
                             data={**formulaire.champs, "identite": f"foule-{rang}"}, timeout=60)
        mesures.noter("choix de l’identité", debut, choix)
        # The provider's redirect to the portal's callback: the token, userinfo and the QF.
        retour = suivre(session, mesures, "jeton et retour", "GET",
                        urljoin(choix.url, choix.headers["Location"]))
        if not retour.url.startswith(f"{base}/espace-famille/"):
            raise RuntimeError(f"arrivée sur {retour.url} ({retour.status_code})")
        with mesures.verrou:
            mesures.derniere_connexion = max(mesures.derniere_connexion, time.monotonic())
        suivre(session, mesures, "tableau de bord", "GET", f"{base}/espace-famille/")
        with mesures.verrou:
            mesures.reussies += 1
    except Exception as exc:  # counted and shown: the run goes on for the other families
        with mesures.verrou:
            mesures.echecs.append(repr(exc)[:200])


def quotients(app) -> tuple[int, int, int]:
    """Households, and those with a QF, by FranceConnect and by identity."""
    with app.app_context():
        familles = db.session.scalar(sa.select(sa.func.count()).select_from(Famille))
        par_mode = dict(db.session.execute(
            sa.select(QuotientFamilial.mode, sa.func.count(sa.distinct(
                QuotientFamilial.famille_id))).group_by(QuotientFamilial.mode)).all())
        db.session.remove()
    return familles, par_mode.get("france_connect", 0), par_mode.get("identite", 0)


def appels_des_connecteurs(journal: str) -> list[str]:
    """The portal's log line of each API call: "GET /path-template STATUS N ms ..."."""
    messages = []
    for ligne in journal.splitlines():
        with contextlib.suppress(ValueError):
            entree = json.loads(ligne)
            if entree.get("journal") == "portail_famille.connecteurs":
                messages.append(entree["message"])
    return messages


def echecs_de_connexion(app) -> dict[str, int]:
    """The audit's reasons for the sign-ins the portal refused."""
    with app.app_context():
        causes = dict(db.session.execute(
            sa.select(Evenement.detail, sa.func.count()).where(
                Evenement.type == "echec_connexion").group_by(Evenement.detail)).all())
        db.session.remove()
    return causes


def centile(valeurs: list[float], rang: int) -> float:
    return statistics.quantiles(valeurs, n=100)[rang - 1] if len(valeurs) > 1 else valeurs[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--familles", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--travailleurs", type=int, default=2)
    parser.add_argument("--grille", default=str(RACINE / "tarifs.yaml"))
    args = parser.parse_args()
    url_base, base, env = portail_neuf("bench_ruee", WEB_CONCURRENCY="4",
                                       TARIFS_FICHIER=args.grille, PROXY_FIX_SAUTS="1")
    app = create_app({"bac_a_sable": True, "database_url": url_base, "tarifs_fichier":
                      Path(args.grille)})
    mesures = Mesures()
    with tempfile.TemporaryDirectory() as dossier:
        journaux = Path(dossier)
        with contextlib.ExitStack() as processus:
            processus.enter_context(serveur(
                [executable("gunicorn"), "-c", str(RACINE / "gunicorn.conf.py")], env,
                f"{base}/sante", journal=journaux / "gunicorn.log"))
            for i in range(args.travailleurs):
                processus.enter_context(serveur(
                    [executable("flask"), "--app", "portail_famille", "travaux", "executer"],
                    env, f"{base}/sante", journal=journaux / f"travailleur-{i}.log"))
            intervalle = args.minutes * 60 / args.familles
            depart = time.monotonic() + 1.0
            with ThreadPoolExecutor(max_workers=args.clients) as clients:
                for rang in range(1, args.familles + 1):
                    clients.submit(se_connecter, base, rang, mesures,
                                   depart + (rang - 1) * intervalle)
            fin_des_connexions = mesures.derniere_connexion or time.monotonic()
            # Until every household has its QF, or five minutes without the last ones.
            while True:
                familles, par_fc, par_identite = quotients(app)
                if par_fc + par_identite >= familles or \
                        time.monotonic() - fin_des_connexions > 300:
                    break
                time.sleep(0.5)
            attente = time.monotonic() - fin_des_connexions
            duree_connexions = fin_des_connexions - depart
        journal = "".join(f.read_text(encoding="utf-8") for f in journaux.glob("*.log"))
    appels_429 = [message for message in appels_des_connecteurs(journal)
                  if message.split()[2:3] == ["429"]]
    recus_429 = len(appels_429)
    cinq_cents = sum(n for statut, n in mesures.statuts.items() if statut >= 500)
    print(f"{args.familles} familles en {args.minutes:g} min, {args.clients} clients, gunicorn "
          f"4 workers, {args.travailleurs} travailleurs, PostgreSQL, Redis, grille {args.grille}")
    print(f"connexions réussies : {mesures.reussies} / {args.familles} "
          f"(dernière à {duree_connexions:.0f} s) ; réponses 5xx : {cinq_cents} ; "
          f"429 reçus de l’API : {recus_429}")
    print(f"quotients : {par_fc} par FranceConnect, {par_identite} par identité en différé, "
          f"{familles - par_fc - par_identite} sans quotient ; tous obtenus {attente:.1f} s "
          f"après la dernière connexion")
    print(f"{'étape':<22} {'n':>5} {'p50 (ms)':>9} {'p99 (ms)':>9}")
    for etape, durees in mesures.durees.items():
        if durees:
            print(f"{etape:<22} {len(durees):>5} {centile(durees, 50):>9.0f} "
                  f"{centile(durees, 99):>9.0f}")
    if appels_429:
        print(f"429, par exemple : {appels_429[0][:300]}")
    for cause, nombre in echecs_de_connexion(app).items():
        print(f"connexions refusées par le portail ({cause}) : {nombre}")
    if mesures.echecs:
        print(f"{len(mesures.echecs)} échecs, par exemple : {mesures.echecs[0]}")


if __name__ == "__main__":
    main()
