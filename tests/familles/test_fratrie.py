"""Sibling ranks at their edges: twins, a cancelled enrolment, an enrolment in another period.

Ranks are read off « Mes tarifs » and each price is checked against `flask tarifs simuler` for
the rank expected by hand (test grid: canteen −10 % from the 2nd child, −40 % from the 3rd in
the period in force; −50 % from the 3rd only in the next one).
"""

from datetime import date

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Inscription
from tests.fabriques import ajouter_enfant
from tests.fabriques import ajouter_qf_caf

from .aides_tarifs import inscrire
from .aides_tarifs import pourquoi
from .aides_tarifs import verifier_contre_le_simulateur
from .conftest import DEBUT
from .conftest import DEBUT_SUIVANTE

JUMEAUX = date(2017, 4, 10)


def fratrie(page: str, periode: date, enfant: int, service: str = "cantine") -> str:
    return next(e for e in pourquoi(page, periode, enfant, service) if e.startswith("Fratrie"))


def annuler(app, client, enfant: int, service: str, periode: date) -> None:
    with app.app_context():
        inscription = db.session.scalars(sa.select(Inscription).where(
            Inscription.enfant_id == enfant, Inscription.service == service,
            Inscription.periode_debut == periode)).one()
        url, version = f"/espace-famille/inscriptions/{inscription.id}", inscription.version
    reponse = client.post(f"{url}/annuler", data={"annulation-version": str(version)})
    assert reponse.status_code == 303


def test_b2_jumeaux_ranges_par_fiche_et_dits_nes_le_meme_jour(app, client, famille,
                                                              fichier_grille):
    _, famille_id = famille
    ajouter_qf_caf(app, famille_id, 1120)
    lea = ajouter_enfant(app, famille_id, "Léa", JUMEAUX)
    lou = ajouter_enfant(app, famille_id, "Lou", JUMEAUX)
    # Enrolled in the reverse order: the rank follows the records, not the enrolment.
    inscrire(client, [lou], DEBUT, "cantine")
    inscrire(client, [lea], DEBUT, "cantine")

    page = client.get("/espace-famille/tarifs").text
    # Nobody is enrolled anywhere else: every other card is a rank 1.
    verifier_contre_le_simulateur(app, fichier_grille, page, "1120",
                                  {(DEBUT.isoformat(), lou, "cantine"): 2}, False)
    texte = fratrie(page, DEBUT, lou)
    assert texte.startswith("Fratrie : rang 2, après Léa (même date de naissance, fiche "
                            "enregistrée avant), inscrit à ce service cette année.")
    assert "plus âgé, inscrit" not in texte
    assert "à date de naissance égale (jumeaux), dans l’ordre où leurs fiches ont été " \
           "enregistrées" in texte
    assert fratrie(page, DEBUT, lea).startswith("Fratrie : rang 1 : aucun frère ou sœur")


def test_b2_aine_et_jumeau_chacun_son_motif(app, client, famille, fichier_grille):
    _, famille_id = famille
    ajouter_qf_caf(app, famille_id, 1120)
    hugo = ajouter_enfant(app, famille_id, "Hugo", date(2014, 9, 9))
    lea = ajouter_enfant(app, famille_id, "Léa", JUMEAUX)
    lou = ajouter_enfant(app, famille_id, "Lou", JUMEAUX)
    inscrire(client, [hugo, lea, lou], DEBUT, "cantine")

    page = client.get("/espace-famille/tarifs").text
    assert fratrie(page, DEBUT, lou).startswith(
        "Fratrie : rang 3, après Hugo, Léa (même date de naissance, fiche enregistrée avant), "
        "inscrits à ce service cette année.")
    assert fratrie(page, DEBUT, lea).startswith(
        "Fratrie : rang 2, après Hugo, inscrit à ce service cette année.")


def test_g2_une_inscription_annulee_ne_compte_pas(app, client, famille, fichier_grille):
    _, famille_id = famille
    ajouter_qf_caf(app, famille_id, 1120)
    hugo = ajouter_enfant(app, famille_id, "Hugo", date(2014, 9, 9))
    lina = ajouter_enfant(app, famille_id, "Lina", date(2017, 1, 15))
    noe = ajouter_enfant(app, famille_id, "Noé", date(2020, 6, 30))
    inscrire(client, [hugo, lina, noe], DEBUT, "cantine")
    annuler(app, client, hugo, "cantine", DEBUT)

    page = client.get("/espace-famille/tarifs").text
    # Hugo's cancelled enrolment leaves Lina first and Noé second; Hugo, were he enrolled
    # again, would be first too.
    verifier_contre_le_simulateur(app, fichier_grille, page, "1120",
                                  {(DEBUT.isoformat(), noe, "cantine"): 2}, False)
    assert fratrie(page, DEBUT, lina).startswith("Fratrie : rang 1 : aucun frère ou sœur")
    assert fratrie(page, DEBUT, noe).startswith("Fratrie : rang 2, après Lina, inscrit")


def test_g2_une_inscription_d_une_autre_annee_ne_compte_pas(app, client, famille,
                                                            fichier_grille):
    _, famille_id = famille
    ajouter_qf_caf(app, famille_id, 1120)
    hugo = ajouter_enfant(app, famille_id, "Hugo", date(2014, 9, 9))
    lina = ajouter_enfant(app, famille_id, "Lina", date(2017, 1, 15))
    inscrire(client, [hugo], DEBUT_SUIVANTE, "cantine")
    inscrire(client, [lina], DEBUT, "cantine")

    page = client.get("/espace-famille/tarifs").text
    # This year Lina is the only one at the canteen; next year she would come after Hugo.
    verifier_contre_le_simulateur(app, fichier_grille, page, "1120",
                                  {(DEBUT_SUIVANTE.isoformat(), lina, "cantine"): 2}, False)
    assert fratrie(page, DEBUT, lina).startswith("Fratrie : rang 1 : aucun frère ou sœur")
    assert fratrie(page, DEBUT_SUIVANTE, lina).startswith("Fratrie : rang 2, après Hugo")
