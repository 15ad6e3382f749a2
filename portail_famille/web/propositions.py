"""What the browser session remembers of the last income retrieval, for the family's pages.

The sign-in callback must end with a redirect, so its outcome crosses it in the server-side
session: the failures to explain, and the CAF's children and address to offer for import.
Those proposals never reach the family's tables unless the family confirms them one by one;
they die with the session (logout, or 12 hours at most).
"""

from dataclasses import asdict

from flask import session

from portail_famille.services import foyers

CLE_ECHECS = "recuperation_echecs"
CLE_PROPOSITIONS = "propositions_caf"


def retenir(recuperation) -> None:
    """Keep a retrieval's failures (when no source answered) and CAF proposals. A lookup
    deferred is no failure: the pages show it as under way."""
    if recuperation.quotient is None:
        session[CLE_ECHECS] = [asdict(echec) for echec in recuperation.echecs
                               if echec.classe != "differee"]
    enfants = [asdict(enfant) for enfant in recuperation.enfants]
    adresse = asdict(recuperation.adresse) if recuperation.adresse else None
    if enfants or adresse:
        session[CLE_PROPOSITIONS] = {"enfants": enfants, "adresse": adresse}


def echecs() -> list[dict]:
    """The failures of the last retrieval, shown once."""
    return session.pop(CLE_ECHECS, [])


def propositions() -> dict:
    """The CAF's children and address offered after the last retrieval (never stored as such)."""
    return session.get(CLE_PROPOSITIONS) or {}


def oublier(*, enfant: str | None = None, adresse: bool = False) -> None:
    """Drop a proposal the family handled (confirmed or dismissed) from the session."""
    restantes = dict(propositions())
    if adresse:
        restantes["adresse"] = None
    if enfant is not None:
        restantes["enfants"] = [e for e in restantes.get("enfants") or []
                              if foyers.cle_de_proposition(e) != enfant]
    if restantes.get("adresse") or restantes.get("enfants"):
        session[CLE_PROPOSITIONS] = restantes
    else:
        session.pop(CLE_PROPOSITIONS, None)
