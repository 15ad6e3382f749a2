"""The one builder of the tariff grids the tests run on: YAML text, written the way an admin
would, from a few calls (`grille(periode(..., services=[service(..., tranches(...))]))`).

The loader's own tests keep writing raw YAML (positions, syntax errors, defaults): there, the
text itself is what is tested.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Bareme:
    lignes: tuple[str, ...]  # under `bareme:`, unindented


def tranches(*paliers: tuple[str | None, str], commentaire: str | None = None) -> Bareme:
    """Brackets as (jusqu_a, prix), the last one with None; `commentaire` ends the last line."""
    lignes = ["mode: tranches", "tranches:"]
    for numero, (jusqu_a, prix) in enumerate(paliers, 1):
        fin = f"   # {commentaire}" if commentaire and numero == len(paliers) else ""
        if jusqu_a is None:
            lignes.append(f"  - prix: {prix}{fin}")
        else:
            lignes += [f"  - jusqu_a: {jusqu_a}", f"    prix: {prix}{fin}"]
    return Bareme(tuple(lignes))


def taux_effort(taux: str, plancher: str, plafond: str) -> Bareme:
    return Bareme(("mode: taux_effort", f"taux_pourcent: {taux}", f"plancher: {plancher}",
                   f"plafond: {plafond}"))


def lineaire(*points: tuple[str, str]) -> Bareme:
    return Bareme(("mode: lineaire", "points:",
                   *(f"  - {{qf: {qf}, prix: {prix}}}" for qf, prix in points)))


@dataclass(frozen=True)
class Service:
    code: str
    libelle: str
    unite: str
    bareme: Bareme
    sans_quotient: str | None = None
    hors_commune: str | None = None  # a price, or "{majoration_pourcent: N}"

    def lignes(self) -> list[str]:
        lignes = [f"{self.code}:", f"  libelle: {self.libelle}", f"  unite: {self.unite}",
                  "  bareme:", *(f"    {ligne}" for ligne in self.bareme.lignes)]
        if self.sans_quotient is not None:
            lignes.append(f"  sans_quotient: {self.sans_quotient}")
        if self.hors_commune is not None:
            lignes.append(f"  hors_commune: {self.hors_commune}")
        return lignes


def service(code: str, libelle: str, unite: str, bareme: Bareme, **regles) -> Service:
    return Service(code, libelle, unite, bareme, **regles)


@dataclass(frozen=True)
class Periode:
    libelle: str
    debut: date
    fin: date
    services: tuple[Service, ...]
    deliberation: str | None = None
    fratrie: tuple[tuple[str, ...], dict[int, int]] | None = None  # (services, {rang: %})

    def lignes(self) -> list[str]:
        lignes = [f"- libelle: {self.libelle}", f"  debut: {self.debut.isoformat()}",
                  f"  fin: {self.fin.isoformat()}"]
        if self.deliberation is not None:
            lignes.append(f'  deliberation: "{self.deliberation}"')
        lignes.append("  services:")
        lignes += [f"    {ligne}" for s in self.services for ligne in s.lignes()]
        if self.fratrie is not None:
            codes, rangs = self.fratrie
            lignes += ["  reduction_fratrie:", f"    services: [{', '.join(codes)}]",
                       "    rangs: {" + ", ".join(f"{r}: {p}" for r, p in rangs.items()) + "}"]
        return lignes


def periode(libelle: str, debut: date, fin: date, services, **autres) -> Periode:
    return Periode(libelle, debut, fin, tuple(services), **autres)


def grille(*periodes: Periode, commune: str, code_insee: str,
           sources: tuple[str, ...] = ("caf", "dgfip"), validite_mois: int = 12,
           codes_postaux: tuple[str, ...] | None = None,
           commentaires: tuple[str, ...] = ()) -> str:
    """The YAML text of a grid (comments first, then the keys of tarifs.md §2)."""
    lignes = [f"# {c}" for c in commentaires]
    lignes += [f"commune: {commune}", f'code_insee: "{code_insee}"']
    if codes_postaux is not None:
        lignes.append("codes_postaux: [" + ", ".join(f'"{c}"' for c in codes_postaux) + "]")
    lignes += ["", "quotient_familial:", f"  sources: [{', '.join(sources)}]",
               f"  validite_mois: {validite_mois}", "", "periodes:"]
    for numero, une in enumerate(periodes):
        if numero:
            lignes.append("")
        lignes += [f"  {ligne}" for ligne in une.lignes()]
    return "\n".join(lignes) + "\n"


def ecrire(dossier: Path, texte: str, nom: str = "tarifs.yaml") -> Path:
    """Write a grid's text as a file of `dossier`; its path."""
    chemin = dossier / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin
