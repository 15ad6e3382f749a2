"""Serving a stored document: only ever as the type it was checked to be, never as a page.

A browser that guessed HTML in an uploaded file would run it with the portal's origin; so the
type is the checked one, sniffing is off, the content-security policy sandboxes whatever is
shown, and the response names it as a file (securite.md I2, issue 14).
"""

from flask import current_app

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
              # The invoices' finance export, built by the portal itself.
              "text/csv": "csv",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}
# No script, no form, no plugin, nothing loaded from elsewhere; only the portal's own pages
# may frame it (the agents' review shows it inline).
CSP_DOCUMENT = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'self'"


def reponse(contenu: bytes, type_mime: str, nom: str, en_ligne: bool = True):
    """The response that serves a checked document; `nom` without extension (ASCII)."""
    if type_mime not in EXTENSIONS:
        raise ValueError(f"type de document non vérifié : {type_mime}")
    reponse_ = current_app.response_class(contenu, mimetype=type_mime)
    disposition = "inline" if en_ligne else "attachment"
    reponse_.headers["Content-Disposition"] = (
        f'{disposition}; filename="{nom}.{EXTENSIONS[type_mime]}"')
    reponse_.headers["X-Content-Type-Options"] = "nosniff"
    reponse_.headers["Content-Security-Policy"] = CSP_DOCUMENT
    reponse_.headers["X-Frame-Options"] = "SAMEORIGIN"
    reponse_.headers["Cache-Control"] = "no-store"
    return reponse_
