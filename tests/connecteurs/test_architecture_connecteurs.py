"""The connectors stay pure HTTP clients: stdlib and requests only (architecture.md §2)."""

import ast
import sys
from pathlib import Path

import portail_famille.connecteurs

DOSSIER = Path(portail_famille.connecteurs.__path__[0])
AUTORISES = set(sys.stdlib_module_names) | {"requests"}


def modules_importes(fichier: Path) -> set[str]:
    arbre = ast.parse(fichier.read_text(encoding="utf-8"))
    noms = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            noms |= {alias.name for alias in noeud.names}
        elif isinstance(noeud, ast.ImportFrom):
            noms.add("." * noeud.level + (noeud.module or ""))
    return noms


def test_connecteurs_n_importent_que_stdlib_requests_et_eux_memes():
    fichiers = sorted(DOSSIER.glob("*.py"))
    assert {f.name for f in fichiers} >= {"transport.py", "limiteur.py", "exceptions.py"}
    for fichier in fichiers:
        for module in modules_importes(fichier):
            interne = module.startswith(("portail_famille.connecteurs.", "."))
            racine = module.split(".")[0]
            assert interne or racine in AUTORISES, f"{fichier.name} importe {module}"
