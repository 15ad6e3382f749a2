"""The CAF lookup of a family that signed in while the per-IP budget of FranceConnect calls
was spent (the registration-day rush, issue 12): made later by identity, the family having
consented and FranceConnect having given the identity, at the API's own pace."""

from datetime import date

import sqlalchemy as sa
from flask import current_app

from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.services import recuperation
from portail_famille.travaux import creer
from portail_famille.travaux import parametres
from portail_famille.travaux import travail

NATURE = "recuperation_identite"


class RecuperationAReprendre(Exception):
    """A passing failure: the job raises it so that the queue tries again later."""


def pour_la_famille(famille_id: int, jour: date) -> Tache:
    """The household's deferred lookup of `jour`: one, however often it signs in that day."""
    return creer(NATURE, {"famille_id": famille_id}, cle=f"{NATURE}:{famille_id}:{jour}")


def en_attente(famille_id: int) -> Tache | None:
    """The household's deferred lookup not yet done, if any."""
    return db.session.scalars(sa.select(Tache).where(
        Tache.nature == NATURE, Tache.etat.in_(("en_attente", "en_cours")),
        Tache.cle.like(f"{NATURE}:{famille_id}:%")).order_by(Tache.id.desc())).first()


@travail(NATURE)
def recuperer(tache: Tache) -> dict:
    famille_id = parametres(tache)["famille_id"]
    compte = recuperation.adulte_france_connect(famille_id)
    civile = None if compte is None else recuperation.identite_france_connect(compte)
    if civile is None:
        return {"resultat": "identite_incomplete"}
    try:
        recuperation.recuperer_par_identite(compte, civile, current_app.extensions["revenus"])
    except recuperation.RecuperationImpossible as refus:
        db.session.commit()  # the audit rows of a refusal stay
        if refus.echec.classe in recuperation.PASSAGERES:
            # Another attempt later, on RQ's backoff.
            raise RecuperationAReprendre(refus.echec.classe) from None
        return {"resultat": refus.echec.classe}
    db.session.commit()
    return {"resultat": "trouve"}
