"""The impact of a changed grid over a city's households (issue 11), beside a bare SELECT of the
same rows in the same run.

    python bench/impact.py [--familles 25000] [--repetitions 3]

On a fresh PostgreSQL base `bench_impact`, `flask demo peupler` invents the households
(25 000 households ≈ 60 000 children, Lyon's scale). Then, in one process, for the period in
force: the bare SELECT of the rows the billing export prices (each active enrolment with its
child and household), and `impact_tarifaire.calculer` for a grid whose evening-care effort rate
and one canteen bracket change, as the admin's preview runs it. Reported: the median of each
over `--repetitions` runs, their ratio and the process's peak memory (targets: under 1 s, at
most 2× the bare SELECT).
"""

import argparse
import resource
import statistics
import time
from datetime import UTC
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from commun import RACINE
from commun import ville

from portail_famille import create_app
from portail_famille.domaine import chargement
from portail_famille.extensions import db
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models.foyers import STATUTS_ACTIFS
from portail_famille.services import impact_tarifaire
from portail_famille.web import contexte

# The council's change for 2026-2027: evening care up from 0.31 % to 0.34 % of the QF, one canteen
# bracket up.
CHANGEMENTS = (("taux_pourcent: 0.31", "taux_pourcent: 0.34"), ("prix: 3.70", "prix: 3.85"))


def grille_proposee() -> tuple[str, object]:
    texte = (RACINE / "tarifs.yaml").read_text(encoding="utf-8")
    for avant, apres in CHANGEMENTS:
        assert avant in texte, f"{avant!r} absent de tarifs.yaml : adaptez le banc"
        texte = texte.replace(avant, apres)
    return texte, chargement.charger_grille(texte)


def select_nu(periode_debut) -> int:
    """The rows the export prices, fetched and nothing else."""
    requete = (sa.select(Inscription.enfant_id, Inscription.service, Inscription.jours,
                         Enfant.famille_id, Enfant.nom, Enfant.prenoms, Enfant.date_naissance,
                         Famille.code_postal, Famille.reside_dans_la_commune)
               .join(Enfant, Enfant.id == Inscription.enfant_id)
               .join(Famille, Famille.id == Enfant.famille_id)
               .where(Inscription.periode_debut == periode_debut,
                      Inscription.statut.in_(STATUTS_ACTIFS), Enfant.archive_le.is_(None)))
    return len(db.session.execute(requete).all())


def mesurer(fonction, repetitions: int) -> tuple[float, object]:
    durees, resultat = [], None
    for _ in range(repetitions):
        debut = time.perf_counter()
        resultat = fonction()
        durees.append(time.perf_counter() - debut)
        db.session.rollback()  # nothing cached in the session from one run to the next
    return statistics.median(durees), resultat


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--familles", type=int, default=25_000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    url_base, _env = ville("bench_impact", args.familles)
    _texte, proposee = grille_proposee()
    app = create_app({"bac_a_sable": True, "database_url": url_base})
    with app.app_context():
        chargee = contexte.grille_chargee()
        maintenant_ = datetime.now(UTC)
        periode = chargee.grille.periode_a(maintenant_.date())
        mois = impact_tarifaire.mois_par_defaut(periode, maintenant_.date())
        nu, lignes = mesurer(lambda: select_nu(periode.debut), args.repetitions)
        memoire_avant = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        calcul, impact = mesurer(lambda: impact_tarifaire.calculer(
            chargee, proposee, periode, mois, maintenant_, Decimal(5)), args.repetitions)
        memoire = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total = impact.total
    print(f"{total.familles} foyers, {total.enfants} enfants, {lignes} lignes ; "
          f"{total.hausses} foyers en hausse, {total.baisses} en baisse")
    print(f"SELECT nu des lignes : {nu * 1000:.0f} ms (médiane de {args.repetitions})")
    print(f"impact de la grille : {calcul * 1000:.0f} ms, soit {calcul / nu:.1f} × le SELECT nu "
          f"(cibles : < 1 s, ≤ 2 ×)")
    print(f"mémoire du processus : {memoire // 1024} Mo au plus "
          f"({memoire_avant // 1024} Mo avant le calcul)")


if __name__ == "__main__":
    main()
