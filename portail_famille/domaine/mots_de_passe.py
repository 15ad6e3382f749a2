"""The staff password policy (issue 10, securite.md A4): long enough, not a common one.

Length beats composition rules (NIST SP 800-63B §3.1.1.2): at least 12 characters, checked
against a list of common passwords (mots_de_passe_courants.txt), nothing else imposed.
"""

import unicodedata
from functools import cache
from pathlib import Path

LONGUEUR_MINIMALE = 12
# Hashing cost grows with length: beyond this, nobody types it, an attacker sends it.
LONGUEUR_MAXIMALE = 256
CARACTERES_DISTINCTS = 5
LISTE = Path(__file__).with_name("mots_de_passe_courants.txt")


class MotDePasseRefuse(ValueError):
    """A password the policy refuses; the message says why, in French."""


def _forme(mot_de_passe: str) -> str:
    return unicodedata.normalize("NFKC", mot_de_passe).casefold().strip()


@cache
def courants() -> frozenset[str]:
    """The list of common passwords, in the form they are compared in."""
    lignes = LISTE.read_text(encoding="utf-8").splitlines()
    return frozenset(_forme(ligne) for ligne in lignes if ligne and not ligne.startswith("#"))


def verifier(mot_de_passe: str, identifiant: str | None = None) -> None:
    """Raise MotDePasseRefuse unless the password meets the policy."""
    if len(mot_de_passe) < LONGUEUR_MINIMALE:
        raise MotDePasseRefuse(f"le mot de passe doit compter au moins {LONGUEUR_MINIMALE} "
                               "caractères.")
    if len(mot_de_passe) > LONGUEUR_MAXIMALE:
        raise MotDePasseRefuse(f"le mot de passe doit compter au plus {LONGUEUR_MAXIMALE} "
                               "caractères.")
    forme = _forme(mot_de_passe)
    if any(unicodedata.category(c) == "Cc" for c in mot_de_passe):
        raise MotDePasseRefuse("le mot de passe ne peut pas contenir de caractère de contrôle.")
    if forme in courants() or len(set(forme)) < CARACTERES_DISTINCTS:
        raise MotDePasseRefuse("ce mot de passe est trop courant ou trop simple : choisissez-en "
                               "un autre, par exemple une phrase de plusieurs mots.")
    if identifiant and _forme(identifiant) in forme:
        raise MotDePasseRefuse("le mot de passe ne doit pas contenir l’identifiant.")
