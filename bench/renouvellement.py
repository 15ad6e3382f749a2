"""Throughput of the yearly QF renewal campaign through the real queue (issue 12).

    python bench/renouvellement.py [--familles 2000] [--travailleurs 1 4]

On a fresh PostgreSQL base `bench_renouvellement` and Redis: the portal in sandbox mode under
the Procfile's gunicorn settings serves the API Particulier simulator, which enforces 20
requests a second per token across its workers; `--familles` households of the sandbox's crowd
(who consented, with a child enrolled and a QF about to expire) are seeded. Then, for each
worker count, a campaign is started and that many `flask travaux executer` workers run it.
Reported: households per second from the first one taken to the last concluded (target: at
least 19, the figure bench/limiteur.py gives for the bare client), the 429 the workers received
(target: none), and the outcomes.
"""

import argparse
import os
import re
import subprocess
import tempfile
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from commun import RACINE
from commun import REDIS
from commun import executable
from commun import portail_neuf
from commun import serveur

from portail_famille import create_app
from portail_famille import travaux
from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import QuotientFamilial
from portail_famille.models import Renouvellement
from portail_famille.models import Tache
from portail_famille.services import inscriptions
from portail_famille.services import renouvellement
from portail_famille.travaux import renouvellement_annuel

# Far enough that every seeded QF no longer counts then.
AVANT = date.today() + timedelta(days=400)


def peupler(app, familles: int) -> None:
    """The crowd's first `familles` members, each a household that consented to the renewal,
    with a child enrolled in the open period and a QF fetched today."""
    with app.app_context():
        grille = app.extensions["grille"].obtenir().grille
        periode = inscriptions.periodes_ouvertes(grille, date.today())[0]
        service = next(iter(periode.services))
        maintenant = datetime.now(UTC)
        for rang in range(1, familles + 1):
            personne = jeu_de_donnees.membre_de_la_foule(rang).personne
            famille = Famille(reside_dans_la_commune=True, code_postal="69002",
                              adresse_voie="1 rue de la République", commune_residence="Lyon",
                              renouvellement_consenti_le=maintenant)
            db.session.add(famille)
            db.session.flush()
            db.session.add(Compte(
                role="famille", famille_id=famille.id, fc_issuer="https://banc.test",
                fc_sub=f"foule-{rang}", nom_naissance=personne.nom_naissance,
                prenoms=" ".join(personne.prenoms), date_naissance=personne.date_naissance,
                sexe=personne.sexe, code_commune_naissance=personne.code_commune_naissance,
                code_pays_naissance=personne.code_pays_naissance, connecte_le=maintenant))
            enfant = Enfant(famille_id=famille.id, nom=personne.nom_naissance, prenoms="Lou",
                            date_naissance=date(2017, 5, 1), niveau="ce1")
            enfant.inscriptions.append(Inscription(
                service=service, periode_debut=periode.debut, periode_libelle=periode.libelle,
                jours="lundi,jeudi", date_debut=periode.debut, statut="validee"))
            db.session.add(enfant)
            db.session.add(QuotientFamilial(famille_id=famille.id, source="caf",
                                            mode="france_connect", fournisseur="CNAF",
                                            valeur=Decimal("700.00")))
        db.session.commit()


def remettre_a_zero(app) -> None:
    """Before each run: no campaign, no renewed QF; the same households to renew again."""
    with app.app_context():
        db.session.execute(sa.delete(Renouvellement))
        db.session.execute(sa.delete(Tache))
        db.session.execute(sa.delete(QuotientFamilial).where(QuotientFamilial.mode == "identite"))
        db.session.commit()


def campagne(app, env: dict, travailleurs: int, journaux: Path) -> dict:
    remettre_a_zero(app)
    with app.app_context():
        tache = renouvellement_annuel.lancer(AVANT)
        db.session.commit()
        tache_id = tache.id
        # Its preparation here (the households listed, its batches queued in Redis): workers
        # « en rafale » stop on an empty queue, so they start once the batches wait in it.
        travaux.executer(tache_id, derniere_tentative=True)
    depart = time.monotonic()
    fichiers = [open(journaux / f"travailleur-{travailleurs}-{i}.log", "w")  # noqa: SIM115
                for i in range(travailleurs)]
    processus = [subprocess.Popen(  # noqa: S603 (the venv's own executable, fixed arguments)
        [executable("flask"), "--app", "portail_famille", "travaux", "executer", "--rafale"],
        env=env, cwd=RACINE, stdout=subprocess.DEVNULL, stderr=fichier) for fichier in fichiers]
    for p in processus:
        p.wait()
    duree_totale = time.monotonic() - depart
    for fichier in fichiers:
        fichier.close()
    with app.app_context():
        bilan = renouvellement.bilan(tache_id)
        premier, dernier = db.session.execute(sa.select(
            sa.func.min(Renouvellement.pris_le), sa.func.max(Renouvellement.traite_le))
            .where(Renouvellement.tache_id == tache_id)).one()
    journal = "".join(f.read_text(encoding="utf-8") for f in journaux.glob(
        f"travailleur-{travailleurs}-*.log"))
    return {"bilan": bilan, "duree": (dernier - premier).total_seconds(),
            "duree_totale": duree_totale,
            "429": len(re.findall(r"^.* 429 .*$", journal, flags=re.MULTILINE))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--familles", type=int, default=2000)
    parser.add_argument("--travailleurs", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    url_base, portail, env = portail_neuf("bench_renouvellement", WEB_CONCURRENCY="4")
    os.environ.update({"PORTAIL_URL": portail, "REDIS_URL": REDIS})
    app = create_app({"bac_a_sable": True, "database_url": url_base, "redis_url": REDIS,
                      "portail_url": portail})
    debut = time.monotonic()
    peupler(app, args.familles)
    print(f"{args.familles} foyers créés en {time.monotonic() - debut:.1f} s ; "
          f"portail sous gunicorn.conf.py (4 workers), PostgreSQL, Redis")
    with serveur([executable("gunicorn"), "-c", str(RACINE / "gunicorn.conf.py")], env,
                 f"{portail}/sante"), tempfile.TemporaryDirectory() as dossier:
        print(f"{'travailleurs':>12} {'foyers':>7} {'durée (s)':>10} {'foyers/s':>9} "
              f"{'429':>5} {'renouvelés':>11} {'échecs':>7} {'total (s)':>10}")
        for travailleurs in args.travailleurs:
            r = campagne(app, env, travailleurs, Path(dossier))
            bilan = r["bilan"]
            print(f"{travailleurs:>12} {bilan.total:>7} {r['duree']:>10.1f} "
                  f"{bilan.faits / r['duree']:>9.2f} {r['429']:>5} {bilan.renouvele:>11} "
                  f"{bilan.introuvable + bilan.echec:>7} {r['duree_totale']:>10.1f}")


if __name__ == "__main__":
    main()
