"""Time and memory of a month's invoicing campaign (issue 13): the draft computed, then issued.

    python bench/facturation.py [--familles 25000] [--mois AAAA-MM] [--base bench_facturation]

On a fresh PostgreSQL base (`bench_facturation` by default, dropped first), migrated and filled
by `flask demo peupler` (bench/commun.py `ville`): 25 000 invented households by default, about
60 000 children, their enrolments in the period's services on their own weekdays, the month's
bookings the portal fixes from those weekdays, one child in five marked on the attendance lists
(present, justified or unjustified absence, unbooked presence), QFs of every source, a tenth of
the households living elsewhere. The month is the command's default (the last month over)
unless `--mois` names one: it must be over for its campaign to run. Reported: seconds of the
draft and of the issue, the process's peak resident memory after each, invoices and lines
written (target: the whole campaign under 60 s).
"""

import argparse
import resource
import time
from datetime import UTC
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from commun import ville

from portail_famille import create_app
from portail_famille.bac_a_sable import peuplement
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Facture
from portail_famille.models import LigneFacture
from portail_famille.services import factures


def memoire() -> float:
    """The process's peak resident memory so far, in MiB (Linux counts it in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mesurer(etape):
    debut = time.perf_counter()
    resultat = etape()
    return resultat, time.perf_counter() - debut, memoire()


def compter(modele) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(modele))


def main() -> None:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--familles", type=int, default=25_000)
    parametres.add_argument("--graine", type=int, default=1)
    parametres.add_argument("--mois", default=None, help="AAAA-MM (par défaut, celui de "
                                                         "`demo peupler`)")
    parametres.add_argument("--base", default="bench_facturation",
                            help="nom de la base PostgreSQL (vidée d'abord)")
    args = parametres.parse_args()
    url, _env = ville(args.base, args.familles, args.graine, args.mois)
    app = create_app({"database_url": url, "secret_key": "b" * 64, "tests": True})
    with app.app_context():
        # The statistics the nightly autovacuum would have gathered on a real base.
        db.session.execute(sa.text("ANALYZE"))
        agent = Compte(role="agent", identifiant="banc.facturation")
        db.session.add(agent)
        db.session.commit()
        chargee = app.extensions["grille"].obtenir()
        calendrier = app.extensions["calendrier"].obtenir()
        mois = (datetime.strptime(args.mois, "%Y-%m").date() if args.mois
                else peuplement.mois_par_defaut(chargee.grille, date.today()))
        print(f"{compter(Enfant)} enfants, campagne de {mois:%Y-%m}")

        def brouillon():
            campagne = factures.calculer(mois, chargee.grille, chargee.sha256, calendrier,
                                         agent, datetime.now(UTC))
            db.session.commit()
            return campagne

        campagne, duree_brouillon, memoire_brouillon = mesurer(brouillon)

        def emission():
            emises = factures.emettre(campagne, agent, datetime.now(UTC), calendrier)
            db.session.commit()
            return emises

        emises, duree_emission, memoire_emission = mesurer(emission)
        lignes = compter(LigneFacture)
        nombre = compter(Facture)
    print(f"brouillon : {nombre} factures, {lignes} lignes en {duree_brouillon:.1f} s, "
          f"pic de mémoire du processus {memoire_brouillon:.0f} Mio")
    print(f"émission : {emises} factures numérotées en {duree_emission:.1f} s, "
          f"pic de mémoire du processus {memoire_emission:.0f} Mio")
    print(f"campagne complète : {duree_brouillon + duree_emission:.1f} s (cible : < 60 s)")


if __name__ == "__main__":
    main()
