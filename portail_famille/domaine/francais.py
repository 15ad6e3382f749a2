"""French formatting: amounts as `3,62 €`, dates as `1 septembre 2026`, for pages and messages."""

import re
from datetime import date
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portail_famille.domaine.montants import arrondir

PARIS = ZoneInfo("Europe/Paris")
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ESPACE_INSECABLE = "\u00a0"
ESPACE_FINE = "\u202f"


def nombre(valeur: Decimal | int, decimales: int = 2) -> str:
    """`1258.6` → `1 258,60` (thin no-break space between thousands, comma for decimals)."""
    if decimales == 2:
        valeur = arrondir(Decimal(valeur))
    entier, _, fraction = f"{valeur:,.{decimales}f}".partition(".")
    entier = entier.replace(",", ESPACE_FINE)
    return f"{entier},{fraction}" if decimales else entier


def decimal_court(valeur: Decimal) -> str:
    """`2.50` → `2,5`, `4.00` → `4`: a count such as tax shares, without useless zeros."""
    texte = format(Decimal(valeur).normalize(), "f")
    return texte.replace(".", ",")


_NOMBRE = re.compile(r"(?<![\w.])(\d+)(?:\.(\d+))?")


def nombres_fr(texte: str) -> str:
    """The numbers of an engine explanation written the French way: `1258.67` → `1 258,67`."""

    def francais(m: re.Match) -> str:
        entier = f"{int(m.group(1)):,}".replace(",", ESPACE_FINE)
        return f"{entier},{m.group(2)}" if m.group(2) else entier

    return _NOMBRE.sub(francais, texte)


def euros(valeur: Decimal | int | None) -> str:
    """An amount the French way: `3,62 €`; an em dash when there is none."""
    if valeur is None:
        return "—"
    return f"{nombre(valeur)}{ESPACE_INSECABLE}€"


def date_longue(valeur: date | datetime | None) -> str:
    """`2026-09-01` → `1 septembre 2026`; datetimes are shown in Paris time with the hour."""
    if valeur is None:
        return "—"
    if isinstance(valeur, datetime):
        local = valeur.astimezone(PARIS)
        return f"{date_longue(local.date())} à {local:%H:%M}"
    jour = "1er" if valeur.day == 1 else str(valeur.day)
    return f"{jour} {MOIS[valeur.month - 1]} {valeur.year}"


def jour_et_date(valeur: date) -> str:
    """`2025-11-03` → `lundi 3 novembre 2025`."""
    return f"{JOURS[valeur.weekday()]} {date_longue(valeur)}"


def heure(valeur: datetime) -> str:
    """A time of day in Paris time, the French way: « 14 h 32 »."""
    local = valeur.astimezone(PARIS)
    return f"{local.hour} h {local:%M}"


def telephone(numero: str | None) -> str:
    """A French number stored as digits, read the French way: `+33612345678` and `0612345678`
    both give `06 12 34 56 78` (no-break spaces); anything else is shown as stored."""
    chiffres = (numero or "").replace("+33", "0", 1) if (numero or "").startswith("+33") \
        else (numero or "")
    if len(chiffres) != 10 or not chiffres.isdigit():
        return numero or ""
    return ESPACE_INSECABLE.join(chiffres[i:i + 2] for i in range(0, 10, 2))


def majuscule_initiale(texte: str) -> str:
    """The first letter upper-cased, the rest untouched (« via FranceConnect » stays so, where
    Jinja's `capitalize` would lower it)."""
    return texte[:1].upper() + texte[1:]


def taille(octets: int) -> str:
    """A file size the way people say it: `5242880` → `5 Mo`, `1024` → `1 ko`."""
    if octets >= 1024 * 1024:
        return f"{nombre(Decimal(octets) / (1024 * 1024), 0)}{ESPACE_INSECABLE}Mo"
    return f"{nombre(Decimal(max(octets, 1024)) / 1024, 0)}{ESPACE_INSECABLE}ko"


def mois_annee(valeur: date) -> str:
    """`2026-11-01` → `novembre 2026`."""
    return f"{MOIS[valeur.month - 1]} {valeur.year}"


def date_courte(valeur: date | None) -> str:
    """`2026-09-01` → `01/09/2026`."""
    return "—" if valeur is None else f"{valeur:%d/%m/%Y}"
