"""Generic error pages in French: no trace, no SQL, no path (securite.md I5)."""

import logging

from flask import render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from portail_famille.extensions import db

journal = logging.getLogger(__name__)

TITRES = {
    400: "Requête incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action non permise",
    409: "Modification concurrente",
    413: "Fichier trop volumineux",
    429: "Trop de demandes",
    500: "Erreur du portail",
    503: "Service momentanément indisponible",
}

MESSAGES = {
    400: "La demande n’a pas pu être comprise. Revenez à la page précédente et réessayez.",
    403: "Vous n’avez pas accès à cette page.",
    404: "Cette page n’existe pas ou a été déplacée.",
    405: "Cette action n’est pas permise sur cette page.",
    409: "Ces données ont été modifiées entre-temps. Rechargez la page avant de recommencer.",
    413: "Le fichier envoyé dépasse la taille autorisée.",
    429: "Vous avez fait beaucoup de demandes en peu de temps. Patientez un instant.",
    500: "Une erreur s’est produite de notre côté. Vos données n’ont pas été modifiées.",
    503: "Le portail est momentanément indisponible. Vos données n’ont pas été modifiées.",
}


def page_erreur(code: int, message: str | None = None):
    """Render the French error page for `code`."""
    return render_template(
        "erreur.html",
        code=code,
        titre=TITRES.get(code, "Erreur"),
        message=message or MESSAGES.get(code, MESSAGES[500]),
    ), code


def conflit(message: str):
    """The 409 page of a change made on stale data (securite.md R1): the transaction is rolled
    back, so nothing of it is written."""
    db.session.rollback()
    return page_erreur(409, message)


def init_app(app) -> None:
    """Register the handlers; every database failure rolls back before the page is drawn."""

    @app.errorhandler(CSRFError)
    def csrf_invalide(erreur):
        journal.warning("jeton CSRF refusé")
        return page_erreur(400, "Le formulaire a expiré ou n’est pas valide. "
                                "Rechargez la page et recommencez.")

    @app.errorhandler(HTTPException)
    def http(erreur):
        if erreur.code is None or erreur.code < 400:
            return erreur
        reponse = page_erreur(erreur.code)
        if erreur.code == 429 and getattr(erreur, "retry_after", None):
            return reponse[0], 429, {"Retry-After": str(erreur.retry_after)}
        return reponse

    @app.errorhandler(OperationalError)
    def base_indisponible(erreur):
        db.session.rollback()
        journal.error("base de données indisponible : %s", type(erreur.orig).__name__)
        return page_erreur(503)

    @app.errorhandler(InternalServerError)
    def interne(erreur):
        db.session.rollback()
        return page_erreur(500)
