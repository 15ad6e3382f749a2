"""What the browser session remembers of the last income retrieval, for the family's pages.

The sign-in callback must end with a redirect, so its outcome crosses it in the server-side
session: the failures to explain, and the CAF's children and address to offer for import.
Those proposals never reach the family's tables unless the family confirms them one by one;
they die with the session (logout, or 12 hours at most).
"""

from dataclasses import asdict

from flask import session

CLE_ECHECS = "recuperation_echecs"
CLE_PROPOSITIONS = "propositions_caf"


def retenir(recuperation) -> None:
    """Keep a retrieval's failures (when no source answered) and CAF proposals."""
    if recuperation.quotient is None:
        session[CLE_ECHECS] = [asdict(echec) for echec in recuperation.echecs]
    enfants = [asdict(enfant) for enfant in recuperation.enfants]
    adresse = asdict(recuperation.adresse) if recuperation.adresse else None
    if enfants or adresse:
        session[CLE_PROPOSITIONS] = {"enfants": enfants, "adresse": adresse}


def echecs() -> list[dict]:
    """The failures of the last retrieval, shown once."""
    return session.pop(CLE_ECHECS, [])
