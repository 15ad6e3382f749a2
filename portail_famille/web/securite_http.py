"""HTTP hardening: security headers on every response, proxy handling (securite.md H1–H3)."""

from urllib.parse import urlsplit

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix


def _origine(url: str) -> str:
    morceaux = urlsplit(url)
    return f"{morceaux.scheme}://{morceaux.netloc}" if morceaux.netloc else ""


def init_app(app, config) -> None:
    """Install ProxyFix with the configured hop count and the after-request header hook."""
    if config.proxy_fix_sauts:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_fix_sauts,
                                x_proto=config.proxy_fix_sauts, x_host=config.proxy_fix_sauts)
    # Chromium applies form-action to the redirect that follows a form POST (logout → FC).
    form_action = " ".join(filter(None, ["'self'", _origine(config.franceconnect_issuer)]))
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

    @app.after_request
    def entetes(reponse):
        reponse.headers["Content-Security-Policy"] = csp
        reponse.headers["X-Content-Type-Options"] = "nosniff"
        reponse.headers["Referrer-Policy"] = "same-origin"
        reponse.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        reponse.headers["X-Frame-Options"] = "DENY"
        # Pages may show a family's data, and the callback carries a code: never cached (H2).
        if request.endpoint != "static":
            reponse.headers["Cache-Control"] = "no-store"
        if config.https:
            reponse.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return reponse
