"""Static files under names that carry a hash of their content (`portail.3f2a1b9c0d4e.css`):
a browser keeps them a year without asking again, and a new version, having a new name, is
fetched at once (issue 12: pages under load).

`url_for("static", filename="css/portail.css")` gives the hashed name; the plain name still
answers, revalidated at each use. A stylesheet's own `url(…)` references are rewritten to
hashed names too, so the whole chain is cacheable.
"""

import hashlib
import mimetypes
import re
from pathlib import Path

from flask import Response
from flask import abort
from flask import request

# name.<12 hex>.ext
EMPREINTE = re.compile(r"(?P<base>.+)\.(?P<empreinte>[0-9a-f]{12})(?P<extension>\.[A-Za-z0-9]+)")
URL_CSS = re.compile(r"""url\((?P<guillemet>["']?)(?P<cible>[^"')]+)(?P=guillemet)\)""")
UN_AN = 365 * 24 * 3600


class Statiques:
    """The static folder's files, their content as served and its hash, read once per change."""

    def __init__(self, dossier: Path):
        self.dossier = dossier.resolve()
        # name → (what it was read from: its files and their mtimes, content, hash)
        self._lus: dict[str, tuple[tuple, bytes, str]] = {}

    def _chemin(self, nom: str) -> Path | None:
        chemin = (self.dossier / nom).resolve()
        if not chemin.is_relative_to(self.dossier) or not chemin.is_file():
            return None
        return chemin

    def lire(self, nom: str) -> tuple[bytes, str] | None:
        """The content served for `nom` and its hash, or None when there is no such file."""
        chemin = self._chemin(nom)
        if chemin is None:
            return None
        deja = self._lus.get(nom)
        if deja is None or not all(_date(source) == date for source, date in deja[0]):
            contenu, sources = chemin.read_bytes(), [chemin]
            if chemin.suffix == ".css":
                contenu = self._reecrire(nom, contenu, sources)
            deja = (tuple((source, _date(source)) for source in sources), contenu,
                    hashlib.sha256(contenu).hexdigest()[:12])
            self._lus[nom] = deja
        return deja[1], deja[2]

    def _reecrire(self, nom: str, feuille: bytes, sources: list[Path]) -> bytes:
        """The sheet with hashed `url(…)` targets; each target joins `sources`, so that a
        changed image renames the sheet too."""
        dossier = Path(nom).parent

        def empreinter(trouve: re.Match) -> str:
            cible = trouve["cible"]
            if ":" in cible or cible.startswith(("/", "#")):
                return trouve[0]
            relatif = (self.dossier / dossier / cible).resolve()
            if not relatif.is_relative_to(self.dossier):
                return trouve[0]
            sources.append(relatif)
            hache = self.nom_empreint(relatif.relative_to(self.dossier).as_posix())
            profondeur = "../" * len(dossier.parts)
            return f'url("{profondeur}{hache}")'

        return URL_CSS.sub(empreinter, feuille.decode("utf-8")).encode("utf-8")

    def nom_empreint(self, nom: str) -> str:
        """`css/portail.css` → `css/portail.<hash>.css`; unchanged if the file does not exist."""
        lu = self.lire(nom)
        if lu is None:
            return nom
        chemin = Path(nom)
        return chemin.with_name(f"{chemin.stem}.{lu[1]}{chemin.suffix}").as_posix()


def _date(chemin: Path) -> int | None:
    try:
        return chemin.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def init_app(app) -> None:
    """Serve `static` under hashed names, and have `url_for` give them."""
    statiques = Statiques(Path(app.static_folder))

    @app.url_defaults
    def empreinter(endpoint, valeurs):
        if endpoint == "static" and "filename" in valeurs:
            valeurs["filename"] = statiques.nom_empreint(valeurs["filename"])

    def servir(filename: str):
        trouve = EMPREINTE.fullmatch(filename)
        nom = f"{trouve['base']}{trouve['extension']}" if trouve else filename
        lu = statiques.lire(nom)
        if lu is None or (trouve and trouve["empreinte"] != lu[1]):
            abort(404)
        contenu, empreinte = lu
        type_mime = mimetypes.guess_type(nom)[0] or "application/octet-stream"
        reponse = Response(contenu, mimetype=type_mime)
        reponse.set_etag(empreinte)
        reponse.cache_control.public = True
        if trouve:
            reponse.cache_control.max_age = UN_AN
            reponse.cache_control.immutable = True
        else:
            reponse.cache_control.no_cache = True
        return reponse.make_conditional(request)

    app.view_functions["static"] = servir
