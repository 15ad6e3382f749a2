"""What an agent types in the search box of the back office, read as criteria: names (with or
without accents), a birth date as JJ/MM/AAAA (or JJ-MM-AAAA), a postcode, a dossier number.

Every word must match: « lea 14/02/2016 » is a person named Léa born that day, « martin 35000 »
a Martin household of that postcode. Five digits are a postcode or a dossier number: the
agent sees both, each result says which it is.
"""

import re
from dataclasses import dataclass
from datetime import date

from portail_famille.domaine import identite

# The dossier number is the household's id, shown padded with its letter: F-000042.
PREFIXE = "F-"
_NUMERO = re.compile(r"[Ff]-?0*(\d{1,9})")
_DATE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")
# Digits and separators only: meant as a date, whatever the order.
_CHIFFRES_SEPARES = re.compile(r"[\d/-]*\d[/-][\d/-]*")
_CHIFFRES = re.compile(r"\d{1,9}")
_CODE_POSTAL = re.compile(r"\d{5}")


class RechercheInvalide(ValueError):
    """The text cannot be read as criteria; the message says why, in French."""


@dataclass(frozen=True)
class Criteres:
    """`mots` and `date_naissance` must match one same person of the household; `numeros`
    the household's number; each of `cinq_chiffres` its postcode or its number."""

    mots: tuple[str, ...] = ()
    date_naissance: date | None = None
    numeros: tuple[int, ...] = ()
    cinq_chiffres: tuple[str, ...] = ()

    @property
    def personne(self) -> bool:
        return bool(self.mots) or self.date_naissance is not None


def formater_numero(famille_id: int) -> str:
    """The dossier number as agents read it and type it back: 42 → « F-000042 »."""
    return f"{PREFIXE}{famille_id:06d}"


def _date(morceau: re.Match) -> date:
    jour, mois, annee = map(int, morceau.groups())
    try:
        return date(annee, mois, jour)
    except ValueError:
        raise RechercheInvalide(f"« {morceau.group(0)} » n’est pas une date : écrivez-la "
                                "JJ/MM/AAAA, par exemple 14/02/2016.") from None


def lire(texte: str) -> Criteres:
    """The criteria of the text; raise RechercheInvalide."""
    mots, dates, numeros, cinq = [], [], [], []
    for morceau in texte.split():
        if (trouve := _DATE.fullmatch(morceau)) is not None:
            dates.append(_date(trouve))
        elif "/" in morceau or _CHIFFRES_SEPARES.fullmatch(morceau):
            raise RechercheInvalide(f"« {morceau} » n’est pas une date : écrivez-la "
                                    "JJ/MM/AAAA, par exemple 14/02/2016.")
        elif _CODE_POSTAL.fullmatch(morceau):
            cinq.append(morceau)
        elif _CHIFFRES.fullmatch(morceau):
            numeros.append(int(morceau))
        elif (trouve := _NUMERO.fullmatch(morceau)) is not None:
            numeros.append(int(trouve.group(1)))
        else:
            mots.extend(identite.normaliser(morceau).split())
    if len(dates) > 1:
        raise RechercheInvalide("Une seule date de naissance à la fois.")
    if not (mots or dates or numeros or cinq):
        raise RechercheInvalide("Saisissez un nom, une date de naissance, un code postal ou "
                                "un numéro de dossier.")
    return Criteres(tuple(mots), dates[0] if dates else None, tuple(numeros), tuple(cinq))
