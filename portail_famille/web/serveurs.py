"""The HTTP servers say nothing of themselves: no `Server` header naming the software and its
version, which only helps an attacker pick an exploit (securite.md, issue 14.5)."""

from werkzeug.serving import WSGIRequestHandler


def _annonce_le_serveur(nom: str) -> bool:
    return nom.strip().lower() == "server"


class GestionnaireDiscret(WSGIRequestHandler):
    """The development server's handler (the demo runs it) without its `Server` header."""

    def send_header(self, keyword: str, value: str) -> None:
        if not _annonce_le_serveur(keyword):
            super().send_header(keyword, value)


def taire_gunicorn() -> None:
    """Drop the `Server` line gunicorn writes before the application's headers.

    gunicorn has no setting for it: its `Response.default_headers` always adds the line, so the
    method is wrapped once, in the master, before the workers fork.
    """
    from gunicorn.http import wsgi

    origine = wsgi.Response.default_headers
    if getattr(origine, "discret", False):
        return

    def default_headers(reponse):
        return [ligne for ligne in origine(reponse)
                if not _annonce_le_serveur(ligne.partition(":")[0])]

    default_headers.discret = True
    wsgi.Response.default_headers = default_headers
