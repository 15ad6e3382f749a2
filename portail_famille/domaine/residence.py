"""Where a household lives, as far as the tariff is concerned (tarifs.md §2–§3).

When the grid names the commune's postcodes, the household's address decides; otherwise the
family says whether it lives in the commune. Until either is known, the hors_commune rule
applies, so that no price is ever quietly cheaper (securite.md R2).
"""

import re
from dataclasses import dataclass

from portail_famille.domaine import identite
from portail_famille.domaine.grille import CodePostal

# A French postcode: a département (01–95, Corsica's 20, overseas 97 and 98) and 3 digits.
_CODE_POSTAL = re.compile(r"(?:0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}")
_BLANCS = re.compile(r"[\s\u00a0\u202f]")


@dataclass(frozen=True)
class AdressePostale:
    voie: str
    complement: str
    code_postal: str
    commune: str


@dataclass(frozen=True)
class Residence:
    """What the portal concludes: `connue` once the address (or the family's answer) is
    there; `dans_la_commune` then says which prices apply; `selon` says what decided."""

    connue: bool
    dans_la_commune: bool
    selon: str  # "adresse", "declaration", or "rien" while unknown

    @property
    def hors_commune(self) -> bool:
        return not self.dans_la_commune


INCONNUE = Residence(False, False, "rien")


def normaliser_code_postal(texte: str | None) -> str:
    """A postcode as typed, its spaces removed (« 69 002 » → « 69002 »)."""
    return _BLANCS.sub("", texte or "")


def code_postal_valide(code: str) -> bool:
    """Whether `code` can be a French postcode (5 digits, a real département first)."""
    return _CODE_POSTAL.fullmatch(code) is not None


def meme_commune(une: str | None, autre: str | None) -> bool:
    """Two commune names compared as the registers do (accents, case and hyphens ignored)."""
    return identite.normaliser(une) == identite.normaliser(autre)


def dans_la_commune(codes_postaux: tuple[CodePostal, ...], code_postal: str,
                    commune: str) -> bool:
    """Whether an address with this postcode and commune name is in the grid's commune; a
    shared postcode counts only for the communes it lists."""
    return any(c.code == code_postal
               and (not c.communes or any(meme_commune(nom, commune) for nom in c.communes))
               for c in codes_postaux)


def decider(codes_postaux: tuple[CodePostal, ...] | None, code_postal: str, commune: str,
            declaree: bool | None) -> Residence:
    """The household's residence: from its address when the grid names its postcodes, from
    the family's answer otherwise; INCONNUE until the one that counts is given."""
    if codes_postaux is None:
        return INCONNUE if declaree is None else Residence(True, declaree, "declaration")
    if not code_postal:
        return INCONNUE
    return Residence(True, dans_la_commune(codes_postaux, code_postal, commune), "adresse")


def depuis_lignes_caf(lignes: dict | None) -> AdressePostale | None:
    """The address of the CAF's postal lines (numero_libelle_voie, lieu_dit, complements,
    code_postal_ville), or None when it gave none."""
    if not lignes:
        return None
    ville = (lignes.get("code_postal_ville") or "").strip()
    code_postal, _, commune = ville.partition(" ")
    if not (len(code_postal) == 5 and code_postal.isascii() and code_postal.isdigit()):
        code_postal, commune = "", ville
    complements = [lignes.get("complement_information"),
                   lignes.get("complement_information_geographique")]
    voie = lignes.get("numero_libelle_voie") or lignes.get("lieu_dit") or ""
    if lignes.get("numero_libelle_voie") and lignes.get("lieu_dit"):
        complements.append(lignes["lieu_dit"])
    return AdressePostale(voie.strip(), " ".join(c.strip() for c in complements if c),
                          code_postal, commune.strip())
