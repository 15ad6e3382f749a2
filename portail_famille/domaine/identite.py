"""Comparing people across sources: is the adult signed in one of the people an API answered?

Lookups by typed identity or by numéro fiscal reach whichever household answers; their result
is kept only for one of that household's own adults (securite.md A6, impot-particulier §6). The
same rule tells whether a child the CAF knows is already in the household.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Letters NFKD does not decompose into ASCII: without this, « CŒUR » would become « CUR ».
_LIGATURES = str.maketrans({"Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae", "ß": "ss"})
# Hyphens and every apostrophe families type (’ from phones, ' from keyboards) separate words.
_SEPARATEURS = re.compile(r"[-‐‑'’ʼ‘`´]")


@dataclass(frozen=True)
class Personne:
    """A person as a source names them: birth name, first names in order, birth date as
    AAAA-MM-JJ (zeros for an unknown part, as the CAF writes it), any of them possibly absent."""

    nom_naissance: str | None
    prenoms: str | None
    date_naissance: str | None


def normaliser(texte: str | None) -> str:
    """A name as the registers compare it: upper case, no accents, hyphens and apostrophes as
    spaces, single spaces (« d’Artagnan-Lefèvre » and « D'ARTAGNAN LEFEVRE » are equal)."""
    texte = _SEPARATEURS.sub(" ", (texte or "").translate(_LIGATURES))
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return " ".join(sans_accents.upper().split())


def premier_prenom(prenoms: str | None) -> str:
    """The first of the first names, normalised (« Anne-Laure Marie » → « ANNE »)."""
    mots = normaliser(prenoms).split(" ")
    return mots[0]


def date_concorde(connue: str | None, autre: str | None) -> bool:
    """Whether `autre` (AAAA-MM-JJ, zeros for an unknown part) can be the date `connue`."""
    references, morceaux = (connue or "").split("-"), (autre or "").split("-")
    return len(references) == len(morceaux) == 3 and all(
        morceau in (reference, "0" * len(morceau))
        for reference, morceau in zip(references, morceaux, strict=True))


def date_partielle(texte: str | None) -> tuple[date | None, int | None]:
    """A birth date as the CAF writes it: « 2016-02-14 » → the date; « 2019-00-00 » → (None,
    2019), only the year being known; anything else → (None, None)."""
    try:
        return date.fromisoformat(texte or ""), None
    except ValueError:
        annee = (texte or "")[:4]
        return None, int(annee) if annee.isascii() and annee.isdigit() and int(annee) else None


def meme_personne(connue: Personne, autre: Personne) -> bool:
    """Same birth name, same first first name, and a birth date that can be the same."""
    return (date_concorde(connue.date_naissance, autre.date_naissance)
            and normaliser(autre.nom_naissance) == normaliser(connue.nom_naissance)
            and premier_prenom(autre.prenoms) == premier_prenom(connue.prenoms))


def est_parmi(connue: Personne, personnes: list[Personne]) -> bool:
    """Whether `connue` is one of `personnes` (`meme_personne`)."""
    return any(meme_personne(connue, autre) for autre in personnes)
