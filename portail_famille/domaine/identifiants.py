"""Identifier checks: SIRET, numéro fiscal (SPI), INSEE commune and country codes (COG)."""

import re

SIREN_LA_POSTE = "356000000"

_SIRET = re.compile(r"[0-9]{14}")
_NUMERO_FISCAL = re.compile(r"[0-9]{13}")
# Départements 01–19, 21–95 (20 was split into 2A/2B in 1976), Corsica, then the overseas
# départements whose code has 3 digits (971–976), each followed by the commune's own number.
_CODE_COMMUNE = re.compile(r"(?:0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5])[0-9]{3}|97[1-6][0-9]{2}")
_CODE_PAYS = re.compile(r"99[0-9]{3}")


class IdentifiantInvalide(ValueError):
    """A string that is not a well-formed identifier."""


def siret_valide(s: str) -> bool:
    """True for 14 digits passing the Luhn check, or any SIRET of La Poste (exempt from it)."""
    if not _SIRET.fullmatch(s):
        return False
    # La Poste's establishments outnumber what the Luhn key allows; INSEE exempts its SIREN.
    return s.startswith(SIREN_LA_POSTE) or _luhn_valide(s)


def normaliser_numero_fiscal(s: str) -> str:
    """The 13 digits of a numéro fiscal without spaces; raise IdentifiantInvalide (never pads)."""
    chiffres = "".join(s.split())
    if not _NUMERO_FISCAL.fullmatch(chiffres):
        raise IdentifiantInvalide("le numéro fiscal comporte exactement 13 chiffres")
    return chiffres


def numero_fiscal_valide(s: str) -> bool:
    """True when `s` is 13 digits, spaces allowed."""
    try:
        normaliser_numero_fiscal(s)
    except IdentifiantInvalide:
        return False
    return True


def code_commune_valide(s: str) -> bool:
    """True for the shape of an INSEE COG commune code (`69123`, `2A004`, `97411`)."""
    return _CODE_COMMUNE.fullmatch(s) is not None


def code_pays_valide(s: str) -> bool:
    """True for an INSEE COG country code: 5 digits starting with 99 (`99100` is France)."""
    return _CODE_PAYS.fullmatch(s) is not None


def _luhn_valide(chiffres: str) -> bool:
    total = 0
    for position, caractere in enumerate(reversed(chiffres)):
        chiffre = int(caractere)
        if position % 2:
            chiffre *= 2
            if chiffre > 9:
                chiffre -= 9
        total += chiffre
    return total % 10 == 0
