"""One JSON line per request, with a request id, for the platform's log pipeline (issue 12):
method, route, path, status, duration — never a query string, a body or who asked.

The id comes from the router's `X-Request-ID` when it looks like one, else it is drawn here;
it goes back in the response and on every log line written while the request runs.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC
from datetime import datetime

from flask import g
from flask import has_request_context
from flask import request

journal = logging.getLogger("portail_famille.requetes")

# A router's id (Heroku, Scalingo, nginx $request_id): letters, digits, dashes. Anything else
# is replaced, so that a client cannot write into the logs through this header.
ID_ACCEPTE = re.compile(r"[A-Za-z0-9-]{8,64}")
# The health checks run every few seconds: a line each would drown the requests.
SILENCIEUX = {"public.sante", "public.sante_pret"}


def requete_id() -> str | None:
    """The current request's id, or None outside a request."""
    return g.get("requete_id") if has_request_context() else None


class FormatJSON(logging.Formatter):
    """A log record as one JSON object on one line, with the request id when there is one."""

    CHAMPS = ("methode", "route", "chemin", "statut", "duree_ms", "octets")

    def format(self, record: logging.LogRecord) -> str:
        ligne = {
            "horodatage": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "niveau": record.levelname,
            "journal": record.name,
            "message": record.getMessage(),
        }
        identifiant = getattr(record, "requete_id", None)
        if identifiant:
            ligne["requete_id"] = identifiant
        ligne.update({cle: getattr(record, cle) for cle in self.CHAMPS if hasattr(record, cle)})
        if record.exc_info:
            ligne["exception"] = self.formatException(record.exc_info)
        return json.dumps(ligne, ensure_ascii=False)


class _AvecIdentifiant(logging.Filter):
    """Stamp each record with the request it was written in, while that request runs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "requete_id", None):
            record.requete_id = requete_id()
        return True


def installer_format_json() -> None:
    """The portal's loggers write JSON lines on standard error (a serving process only)."""
    racine = logging.getLogger("portail_famille")
    if any(isinstance(h.formatter, FormatJSON) for h in racine.handlers):
        return
    sortie = logging.StreamHandler()
    sortie.addFilter(_AvecIdentifiant())
    sortie.setFormatter(FormatJSON())
    racine.addHandler(sortie)
    racine.setLevel(logging.INFO)
    racine.propagate = False


def init_app(app) -> None:
    """Give every request an id and log it once it is answered."""

    @app.before_request
    def identifier():
        entrant = request.headers.get("X-Request-ID", "")
        g.requete_id = entrant if ID_ACCEPTE.fullmatch(entrant) else uuid.uuid4().hex
        g.requete_debut = time.perf_counter()

    @app.after_request
    def consigner(reponse):
        identifiant = g.get("requete_id")
        if identifiant is None:
            return reponse
        # The sandbox's simulated APIs give their own ids, as the real ones do.
        reponse.headers.setdefault("X-Request-ID", identifiant)
        if request.endpoint not in SILENCIEUX:
            duree = (time.perf_counter() - g.requete_debut) * 1000
            journal.info("%s %s %s", request.method, request.path, reponse.status_code, extra={
                "requete_id": identifiant, "methode": request.method,
                "route": request.endpoint or "", "chemin": request.path,
                "statut": reponse.status_code,
                "duree_ms": round(duree, 1), "octets": reponse.calculate_content_length(),
            })
        return reponse
