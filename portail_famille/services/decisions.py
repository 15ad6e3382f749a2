"""The agents' decisions on the items of their worklists: each item is decided once.

Two agents may open the same item; the first decision wins and the second is told so
(`DejaDecide`, a 409 page), whatever the order in which their requests reach the database:
the item changes state by a conditional UPDATE, which only one transaction can make.
"""

import sqlalchemy as sa

from portail_famille.extensions import db


class DejaDecide(Exception):
    """The item was decided by someone else in the meantime: nothing was written."""


def trancher(objet, champ: str, attendu: str, **valeurs) -> None:
    """Give `objet` the `valeurs` if its `champ` is still `attendu` in the database (flushed);
    raise DejaDecide otherwise."""
    modele = type(objet)
    colonne = getattr(modele, champ)
    pris = db.session.execute(
        sa.update(modele).where(modele.id == objet.id, colonne == attendu).values(**valeurs)
        .execution_options(synchronize_session=False)).rowcount
    if not pris:
        raise DejaDecide
    db.session.refresh(objet)
