"""Safe return targets: `next` can only name a path of this site (securite.md O12)."""

from urllib.parse import unquote
from urllib.parse import urlsplit

_INTERDITS = ("\\", "\r", "\n", "\t", "\x00")


def cible_sure(cible: str | None, defaut: str) -> str:
    """`cible` if it is a local absolute path, else `defaut`.

    Browsers treat `//evil`, `/\\evil` and `https:evil` as other sites; percent-encoded forms are
    decoded first (twice, for double encoding) so that none of them slips through.
    """
    if not cible:
        return defaut
    for forme in (cible, unquote(cible), unquote(unquote(cible))):
        if any(c in forme for c in _INTERDITS) or not forme.startswith("/") or \
                forme.startswith("//"):
            return defaut
        morceaux = urlsplit(forme)
        if morceaux.scheme or morceaux.netloc:
            return defaut
    return cible
