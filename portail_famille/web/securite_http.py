"""HTTP hardening: security headers on every response, proxy handling (securite.md H1–H3),
and no control character in what a request carries."""

import unicodedata
from urllib.parse import urlsplit

from flask import jsonify
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from portail_famille.web.pages_erreur import page_erreur

# Line breaks and tabs are text (a multi-line message); every other control character, NUL
# first, is not: PostgreSQL refuses NUL in text, and the logs must stay one line per event.
_PERMIS = frozenset("\t\n\r")


def contient_un_controle(texte: str) -> bool:
    """Whether `texte` holds a control character other than a tab or a line break."""
    return any(c not in _PERMIS and unicodedata.category(c) == "Cc" for c in texte)


def _valeurs_de_la_requete():
    for multi in (request.args, request.form):
        for cle, valeurs in multi.lists():
            yield cle
            yield from valeurs


def _origine(url: str) -> str:
    morceaux = urlsplit(url)
    return f"{morceaux.scheme}://{morceaux.netloc}" if morceaux.netloc else ""


def init_app(app, config) -> None:
    """Install ProxyFix with the configured hop count and the after-request header hook."""
    if config.proxy_fix_sauts:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_fix_sauts,
                                x_proto=config.proxy_fix_sauts, x_host=config.proxy_fix_sauts)
    # Chromium applies form-action to the redirect that follows a form POST (logout → FC or
    # ProConnect's session/end, « Payer cette facture » → PayFiP's page); the portal's own
    # origin is 'self'.
    payfip = _origine(config.payfip_url) if config.payfip_numcli else ""
    if payfip == _origine(config.portail_url):
        payfip = ""  # the sandbox's simulator
    form_action = " ".join(dict.fromkeys(filter(None, [
        "'self'", _origine(config.franceconnect_issuer), _origine(config.proconnect_issuer),
        payfip])))
    csp = "; ".join([
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        f"form-action {form_action}",
    ])

    @app.before_request
    def refuser_les_caracteres_de_controle():
        if not any(contient_un_controle(valeur) for valeur in _valeurs_de_la_requete()):
            return None
        if request.path.startswith("/api/"):
            return jsonify({"erreur": "paramètre contenant un caractère de contrôle"}), 400
        return page_erreur(400, "Ce que vous avez envoyé contient un caractère invisible qui "
                                "n’est pas accepté. Revenez à la page précédente, retapez le "
                                "texte et recommencez.")

    @app.after_request
    def entetes(reponse):
        # A served document brings its own, stricter policy (web.envoi_de_document).
        reponse.headers.setdefault("Content-Security-Policy", csp)
        reponse.headers["X-Content-Type-Options"] = "nosniff"
        reponse.headers["Referrer-Policy"] = "same-origin"
        reponse.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        reponse.headers.setdefault("X-Frame-Options", "DENY")
        # Pages may show a family's data, and the callback carries a code: never cached (H2).
        if request.endpoint != "static":
            reponse.headers["Cache-Control"] = "no-store"
        if config.https:
            reponse.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return reponse
