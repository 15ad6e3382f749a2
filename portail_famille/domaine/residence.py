"""Where a household lives, as far as the tariff is concerned: its postal address, read from the
CAF's La Poste lines, and the rule that makes the hors_commune price apply (tarifs.md §3)."""

from dataclasses import dataclass

from portail_famille.domaine import identite


@dataclass(frozen=True)
class AdressePostale:
    voie: str
    complement: str
    code_postal: str
    commune: str


def hors_commune(reside_dans_la_commune: bool | None) -> bool:
    """Whether the grid's hors_commune rule applies: unless the household is known to live in
    the commune, it does, so that no price is ever quietly cheaper (securite.md R2)."""
    return reside_dans_la_commune is not True


def meme_commune(une: str | None, autre: str | None) -> bool:
    """Two commune names compared as the registers do (accents, case and hyphens ignored)."""
    return identite.normaliser(une) == identite.normaliser(autre)


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
