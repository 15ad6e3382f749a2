"""The security and audit journal (securite.md G3, A5): who did what, never what the data was."""

import logging

from portail_famille.extensions import db
from portail_famille.models import Evenement

journal = logging.getLogger("portail_famille.audit")


def neutraliser(texte: str) -> str:
    """Escape CR, LF and other control characters so that one event stays one log line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in texte)


def consigner(type_: str, *, compte_id: int | None = None, famille_id: int | None = None,
              detail: str = "") -> Evenement:
    """Add an event to the journal (flushed with the request's transaction) and log it."""
    detail = neutraliser(detail)[:500]
    evenement = Evenement(type=type_, compte_id=compte_id, famille_id=famille_id, detail=detail)
    db.session.add(evenement)
    journal.info("%s compte=%s famille=%s %s", type_, compte_id, famille_id, detail)
    return evenement
