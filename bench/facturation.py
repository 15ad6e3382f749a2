"""Time and memory of a month's invoicing campaign (issue 13): the draft computed, then issued.

    python bench/facturation.py [--enfants 60000] [--base postgresql://…/bench_facturation]

On a fresh PostgreSQL base (`bench_facturation` by default, dropped first), migrated: households
of two children on average (one in three with one child, one in three with three), each child
enrolled in the canteen four days a week with November 2026's school days booked, one child in
five marked on half the days (present, justified or unjustified absence, unbooked presence),
CAF QFs spread over the grid's brackets, a tenth of the households living elsewhere. Seeded in
bulk here rather than by `demo peupler`, whose households have no bookings nor attendance
marks, which are what a campaign bills. Reported: seconds of the draft and of the issue, the
process's peak resident memory after each, invoices and lines written (target: the whole
campaign under 60 s).
"""

import argparse
import random
import resource
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from commun import base_neuve
from flask_migrate import upgrade

from portail_famille import create_app
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Facture
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import LigneFacture
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import QuotientFamilial
from portail_famille.models import Reservation
from portail_famille.services import factures

NOVEMBRE = date(2026, 11, 1)
RENTREE = date(2026, 9, 1)
JOURS = ("lundi", "mardi", "jeudi", "vendredi")
LOT = 20_000


def _inserer(modele, lignes: list[dict]) -> None:
    for debut in range(0, len(lignes), LOT):
        db.session.execute(sa.insert(modele), lignes[debut:debut + LOT])


def peupler(app, enfants: int) -> None:
    hasard = random.Random(13)
    with app.app_context():
        calendrier = app.extensions["calendrier"].obtenir()
        jours = calendrier.jours_de_classe(NOVEMBRE.year, NOVEMBRE.month, JOURS)
        tailles = []
        while sum(tailles) < enfants:
            tailles.append(hasard.choice((1, 2, 3)))
        maintenant = datetime.now(UTC)
        _inserer(Famille, [{"id": n, "reside_dans_la_commune": True,
                            "code_postal": "38000" if n % 10 == 0 else "69002",
                            "adresse_voie": "1 rue de la République",
                            "commune_residence": "Grenoble" if n % 10 == 0 else "Lyon"}
                           for n in range(1, len(tailles) + 1)])
        _inserer(Compte, [{"role": "famille", "famille_id": n, "fc_issuer": "https://banc.test",
                           "fc_sub": f"banc-{n}", "nom_naissance": f"NOM{n}",
                           "prenoms": "Camille"} for n in range(1, len(tailles) + 1)])
        _inserer(QuotientFamilial, [{"famille_id": n, "source": "caf", "mode": "france_connect",
                                     "fournisseur": "CNAF",
                                     "valeur": Decimal(hasard.randrange(0, 2500)),
                                     "recupere_le": datetime(2026, 9, 2, tzinfo=UTC)}
                                    for n in range(1, len(tailles) + 1) if n % 7])
        lignes_enfants, lignes_inscriptions = [], []
        identifiant = 0
        for famille_id, taille in enumerate(tailles, 1):
            for rang in range(taille):
                identifiant += 1
                lignes_enfants.append({"id": identifiant, "famille_id": famille_id,
                                       "nom": f"NOM{famille_id}", "prenoms": f"Enfant{rang}",
                                       "date_naissance": date(2015 + rang, 3, 1),
                                       "niveau": "ce1", "ecole": f"École {famille_id % 40}"})
                lignes_inscriptions.append({
                    "id": identifiant, "enfant_id": identifiant,
                    "service": "restauration_scolaire", "periode_debut": RENTREE,
                    "periode_libelle": "Année scolaire 2026-2027", "jours": ",".join(JOURS),
                    "date_debut": RENTREE, "statut": "validee"})
        _inserer(Enfant, lignes_enfants)
        _inserer(Inscription, lignes_inscriptions)
        _inserer(Reservation, [{"inscription_id": i, "jour": jour, "statut": "reservee",
                                "origine": "inscription", "modifie_le": maintenant}
                               for i in range(1, identifiant + 1) for jour in jours])
        listes = [{"id": n + 1, "ecole": f"École {e}", "service": "restauration_scolaire",
                   "jour": jour, "verrouille": False}
                  for n, (e, jour) in enumerate((e, j) for e in range(40) for j in jours)]
        _inserer(ListePointage, listes)
        par_cle = {(liste["ecole"], liste["jour"]): liste["id"] for liste in listes}
        etats = ("present", "absent_justifie", "absent_injustifie", "present")
        _inserer(Pointage, [{"liste_id": par_cle[(e["ecole"], jour)], "enfant_id": e["id"],
                             "etat": hasard.choice(etats), "saisi_le": maintenant}
                            for e in lignes_enfants if e["id"] % 5 == 0 for jour in jours[::2]])
        # Ids given above leave the sequences behind: nothing else is inserted in those tables.
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def memoire() -> float:
    """The process's peak resident memory so far, in MiB (Linux counts it in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mesurer(etape):
    debut = time.perf_counter()
    resultat = etape()
    return resultat, time.perf_counter() - debut, memoire()


def main() -> None:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--enfants", type=int, default=60_000)
    parametres.add_argument("--base", default=None, help="URL PostgreSQL (vidée d'abord)")
    args = parametres.parse_args()
    url = args.base or base_neuve("bench_facturation")
    app = create_app({"database_url": url, "secret_key": "b" * 64, "tests": True})
    with app.app_context():
        with db.engine.begin() as connexion:
            connexion.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
    app = create_app({"database_url": url, "secret_key": "b" * 64, "tests": True})
    debut = time.perf_counter()
    peupler(app, args.enfants)
    print(f"jeu de données : {args.enfants} enfants en {time.perf_counter() - debut:.1f} s, "
          f"pic de mémoire {memoire():.0f} Mio")
    with app.app_context():
        agent = Compte(role="agent", identifiant="banc.facturation")
        db.session.add(agent)
        db.session.commit()
        chargee = app.extensions["grille"].obtenir()
        calendrier = app.extensions["calendrier"].obtenir()

        def brouillon():
            campagne = factures.calculer(NOVEMBRE, chargee.grille, chargee.sha256, calendrier,
                                         agent, datetime.now(UTC))
            db.session.commit()
            return campagne

        campagne, duree_brouillon, memoire_brouillon = mesurer(brouillon)

        def emission():
            emises = factures.emettre(campagne, agent, datetime.now(UTC), calendrier)
            db.session.commit()
            return emises

        emises, duree_emission, memoire_emission = mesurer(emission)
        lignes = db.session.scalar(sa.select(sa.func.count()).select_from(LigneFacture))
        nombre = db.session.scalar(sa.select(sa.func.count()).select_from(Facture))
    print(f"brouillon : {nombre} factures, {lignes} lignes en {duree_brouillon:.1f} s, "
          f"pic de mémoire du processus {memoire_brouillon:.0f} Mio")
    print(f"émission : {emises} factures numérotées en {duree_emission:.1f} s, "
          f"pic de mémoire du processus {memoire_emission:.0f} Mio")
    print(f"campagne complète : {duree_brouillon + duree_emission:.1f} s (cible : < 60 s)")


if __name__ == "__main__":
    main()
