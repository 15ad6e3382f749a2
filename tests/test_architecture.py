"""The dependency rules of architecture.md §2 and of the house's shape, and T1, I3 and H2 of
securite.md, as data.

Each rule is a row: which files, what they may import (an allow-list) or must not (a deny-list),
and why. A new violation fails with `file:line: rule: imports « module » (why)`. The scan reads
the source with `ast`: imports inside functions count as much as the ones at the top.
"""

import ast
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import portail_famille

PAQUET = Path(portail_famille.__file__).resolve().parent
PROJET = PAQUET.parent
STDLIB = "<stdlib>"

# The audience blueprints and the sandbox: packages that serve pages.
BLUEPRINTS = ("public", "auth", "familles", "mairie", "admin", "bac_a_sable")
PAQUETS_BLUEPRINTS = tuple(f"portail_famille.{nom}" for nom in BLUEPRINTS)
# What a view may take from another blueprint package: the role guards (architecture.md §2).
PARTAGES_ENTRE_BLUEPRINTS = ("portail_famille.auth.gardes",)
REQUETE_FLASK = ("flask.request", "flask.session", "flask.g", "flask.url_for")
FORMULAIRES = ("wtforms", "flask_wtf", "portail_famille.web.formulaires")


@dataclass(frozen=True)
class Regle:
    nom: str
    fichiers: tuple[str, ...]  # globs under portail_famille/
    pourquoi: str
    autorises: tuple[str, ...] | None = None  # None: anything the deny-list does not name
    interdits: tuple[str, ...] = ()
    sauf: tuple[str, ...] = ()  # allowed although a deny-list entry matches


REGLES = (
    Regle("domaine", ("domaine/**/*.py",),
          "le domaine est pur : la bibliothèque standard et lui-même seulement",
          autorises=(STDLIB, "portail_famille.domaine"),
          sauf=("ruamel.yaml",)),
    Regle("chargeur", tuple(f"domaine/{f.name}" for f in (Path(portail_famille.__file__).parent
                                                         / "domaine").glob("*.py")
                            if f.name not in ("lecture_yaml.py", "edition.py")),
          "seuls le lecteur des fichiers de configuration et l'éditeur de la grille touchent "
          "au YAML",
          interdits=("ruamel", "yaml")),
    Regle("connecteurs", ("connecteurs/**/*.py",),
          "un connecteur est un client pur (HTTP, SMTP) : réglages reçus par le constructeur",
          autorises=(STDLIB, "requests", "portail_famille.connecteurs")),
    Regle("models", ("models.py", "models/**/*.py"),
          "un modèle ne touche ni à la requête ni aux couches au-dessus",
          interdits=(*REQUETE_FLASK, "flask.current_app", "portail_famille.services",
                     *PAQUETS_BLUEPRINTS)),
    Regle("services", ("services/**/*.py",),
          "un service ne connaît ni la requête, ni les formulaires, ni les pages",
          interdits=(*REQUETE_FLASK, "flask.flash", "flask.render_template", "flask.current_app",
                     *FORMULAIRES, *PAQUETS_BLUEPRINTS, "portail_famille.web")),
    Regle("web", ("web/**/*.py",), "l'aile web sert tous les blueprints sans en connaître un",
          interdits=PAQUETS_BLUEPRINTS),
    Regle("travaux", ("travaux/**/*.py",),
          "une tâche de fond est une requête sans navigateur : ni requête, ni page, ni formulaire",
          interdits=(*REQUETE_FLASK, "flask.flash", "flask.render_template", *FORMULAIRES,
                     *PAQUETS_BLUEPRINTS, "portail_famille.web"),
          # Sessions' timeouts for the purge; emails are written from templates like pages.
          sauf=("portail_famille.auth.sessions", "portail_famille.web.redaction")),
)

# Blueprint views: found by their route decorators, so that a new views module is covered.
INTERDITS_AUX_VUES = ("yaml", "ruamel", "requests", "httpx", "urllib3", "authlib",
                      "portail_famille.connecteurs", "portail_famille.domaine")

# Per blueprint, with the reason: the sandbox *is* an OpenID provider, built on Authlib's server.
# The PayFiP simulator notifies the portal over HTTP, as PayFiP does.
EXCEPTIONS_DES_VUES = {"bac_a_sable": ("authlib.integrations.flask_oauth2", "authlib.oauth2",
                                       "authlib.oidc", "authlib.common",
                                       "portail_famille.domaine.identifiants", "requests")}

# Nothing loads the sandbox, except the factory (when switched on) and the demo command.
IMPORTEURS_DU_BAC_A_SABLE = ("portail_famille/__init__.py", "portail_famille/cli.py")

# T1: PyYAML's unsafe entry points, and ruamel's unsafe mode.
NOMS_YAML_DANGEREUX = {"FullLoader", "UnsafeLoader", "full_load", "full_load_all",
                       "unsafe_load", "unsafe_load_all", "load_all", "CFullLoader", "CUnsafeLoader"}

# H2: the only external address a template may hold (franceconnect.md §11, official button).
URLS_EXTERNES_PERMISES = {
    ("auth/_bouton_franceconnect.html", "https://franceconnect.gouv.fr/"),
    # The ProConnect button's own "Qu'est-ce que ProConnect ?" link, as FranceConnect's.
    ("auth/connexion_personnel.html", "https://www.proconnect.gouv.fr/"),
}


# ---------------------------------------------------------------------------------------------
# Reading imports
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    fichier: str
    ligne: int
    module: str  # absolute and dotted: `from flask import request` gives "flask.request"


def nom_de_module(fichier: Path) -> str:
    relatif = fichier.resolve().relative_to(PROJET).with_suffix("")
    parties = list(relatif.parts)
    if parties[-1] == "__init__":
        parties.pop()
    return ".".join(parties)


def imports_de(fichier: Path, source: str | None = None) -> list[Import]:
    source = fichier.read_text(encoding="utf-8") if source is None else source
    arbre = ast.parse(source)
    module = nom_de_module(fichier)
    paquet = module if fichier.name == "__init__.py" else module.rpartition(".")[0]
    nom = str(fichier.resolve().relative_to(PROJET))
    trouves = []
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            trouves += [Import(nom, noeud.lineno, alias.name) for alias in noeud.names]
        elif isinstance(noeud, ast.ImportFrom):
            if noeud.level:
                base = paquet.split(".")
                base = base[:len(base) - noeud.level + 1]
                origine = ".".join([*base, *([noeud.module] if noeud.module else [])])
            else:
                origine = noeud.module or ""
            for alias in noeud.names:
                cible = origine if alias.name == "*" else f"{origine}.{alias.name}"
                trouves.append(Import(nom, noeud.lineno, cible))
    return trouves


def correspond(module: str, motif: str) -> bool:
    if motif == STDLIB:
        return module.split(".")[0] in sys.stdlib_module_names
    return module == motif or module.startswith(motif + ".")


def fichiers(*globs: str) -> list[Path]:
    return sorted({f for motif in globs for f in PAQUET.glob(motif)})


def violations(regle: Regle, a_verifier: list[Path]) -> list[str]:
    trouvees = []
    for fichier in a_verifier:
        for imp in imports_de(fichier):
            if any(correspond(imp.module, motif) for motif in regle.sauf):
                continue
            if regle.autorises is not None and not any(
                    correspond(imp.module, motif) for motif in regle.autorises):
                trouvees.append(f"{imp.fichier}:{imp.ligne}: {regle.nom} : importe "
                                f"« {imp.module} », hors de ce qui est permis ({regle.pourquoi})")
            for motif in regle.interdits:
                if correspond(imp.module, motif):
                    trouvees.append(f"{imp.fichier}:{imp.ligne}: {regle.nom} : importe "
                                    f"« {imp.module} », interdit ({regle.pourquoi})")
    return trouvees


# ---------------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("regle", REGLES, ids=[r.nom for r in REGLES])
def test_regles_de_dependances(regle):
    a_verifier = fichiers(*regle.fichiers)
    assert a_verifier, f"la règle {regle.nom} ne couvre aucun fichier : dossier renommé ?"
    assert violations(regle, a_verifier) == []


def est_une_vue(fichier: Path) -> bool:
    """A module that registers routes: `@bp.get(...)`, `@bp.route(...)`…"""
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.FunctionDef):
            for decorateur in noeud.decorator_list:
                appel = decorateur.func if isinstance(decorateur, ast.Call) else decorateur
                if isinstance(appel, ast.Attribute) and appel.attr in (
                        "route", "get", "post", "put", "patch", "delete"):
                    return True
    return False


def modules_de_vues() -> dict[str, list[Path]]:
    return {nom: [f for f in fichiers(f"{nom}/**/*.py") if est_une_vue(f)] for nom in BLUEPRINTS}


def test_chaque_blueprint_a_ses_vues_reperees():
    vues = modules_de_vues()
    assert all(vues[nom] for nom in BLUEPRINTS), vues


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_les_vues_d_un_blueprint(blueprint):
    autres = tuple(p for p in PAQUETS_BLUEPRINTS if p != f"portail_famille.{blueprint}")
    regle = Regle(f"vues de {blueprint}", (), "une vue appelle des services, jamais un autre "
                  "blueprint, le YAML, un client HTTP ou l'arithmétique des tarifs",
                  interdits=(*autres, *INTERDITS_AUX_VUES),
                  sauf=(*PARTAGES_ENTRE_BLUEPRINTS, *EXCEPTIONS_DES_VUES.get(blueprint, ())))
    assert violations(regle, modules_de_vues()[blueprint]) == []


def test_seuls_la_fabrique_et_la_demo_chargent_le_bac_a_sable():
    dehors = [f for f in fichiers("**/*.py") if "bac_a_sable" not in f.relative_to(PAQUET).parts]
    importeurs = {imp.fichier for f in dehors for imp in imports_de(f)
                  if correspond(imp.module, "portail_famille.bac_a_sable")}
    assert importeurs <= set(IMPORTEURS_DU_BAC_A_SABLE), importeurs - set(
        IMPORTEURS_DU_BAC_A_SABLE)


# ---------------------------------------------------------------------------------------------
# T1: safe YAML loading, everywhere in the project
# ---------------------------------------------------------------------------------------------


def usages_yaml_dangereux(fichier: Path, source: str | None = None) -> list[str]:
    source = fichier.read_text(encoding="utf-8") if source is None else source
    arbre = ast.parse(source)
    alias_pyyaml = {alias.asname or alias.name for n in ast.walk(arbre) if isinstance(n, ast.Import)
                    for alias in n.names if alias.name == "yaml"}
    trouves = []
    for noeud in ast.walk(arbre):
        nom = (noeud.attr if isinstance(noeud, ast.Attribute)
               else noeud.id if isinstance(noeud, ast.Name) else None)
        if nom in NOMS_YAML_DANGEREUX:
            trouves.append(f"{fichier}:{noeud.lineno}: « {nom} »")
        if (isinstance(noeud, ast.Attribute) and noeud.attr == "load"
                and isinstance(noeud.value, ast.Name) and noeud.value.id in alias_pyyaml):
            trouves.append(f"{fichier}:{noeud.lineno}: « yaml.load » (utilisez yaml.safe_load)")
        if isinstance(noeud, ast.ImportFrom) and noeud.module == "yaml":
            trouves += [f"{fichier}:{noeud.lineno}: « from yaml import {a.name} »"
                        for a in noeud.names if a.name in ("load", *NOMS_YAML_DANGEREUX)]
        if isinstance(noeud, ast.Call) and any(
                k.arg == "typ" and isinstance(k.value, ast.Constant) and k.value.value == "unsafe"
                for k in noeud.keywords):
            trouves.append(f"{fichier}:{noeud.lineno}: ruamel « typ='unsafe' »")
    return trouves


def test_t1_aucun_chargement_yaml_dangereux():
    sources = [f for dossier in ("portail_famille", "bench", "migrations", "tests")
               for f in (PROJET / dossier).rglob("*.py")]
    assert len(sources) > 20
    assert [u for f in sources for u in usages_yaml_dangereux(f)] == []


# ---------------------------------------------------------------------------------------------
# I3 and H2: templates
# ---------------------------------------------------------------------------------------------

GABARITS = PROJET / "templates"
NON_ECHAPPE = re.compile(r"\|\s*safe\b|Markup\s*\(|{%-?\s*autoescape\s+false")
URL_EXTERNE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
ATTRIBUT_URL = re.compile(r"""\b(?:href|src|action|srcset|formaction)\s*=\s*["']([^"']*)["']""")


def gabarits() -> list[Path]:
    trouves = sorted(GABARITS.rglob("*.html"))
    assert len(trouves) > 10
    return trouves


def test_i3_aucun_contenu_marque_sur_dans_les_gabarits():
    trouves = [f"{g.relative_to(GABARITS)}:{numero}: {ligne.strip()}"
               for g in gabarits()
               for numero, ligne in enumerate(g.read_text(encoding="utf-8").splitlines(), 1)
               if NON_ECHAPPE.search(ligne)]
    assert trouves == []


def test_i3_aucun_markup_dans_le_code():
    trouves = [imp for f in fichiers("**/*.py") for imp in imports_de(f)
               if correspond(imp.module, "markupsafe") or imp.module.endswith(".Markup")]
    assert trouves == []


def urls_externes(gabarit: Path) -> list[str]:
    texte = gabarit.read_text(encoding="utf-8")
    urls = {m.group(0) for m in re.finditer(r"https?://[^\s\"'<>)]+", texte)}
    urls |= {v for v in ATTRIBUT_URL.findall(texte) if v.startswith("//")}
    return sorted(urls)


def test_h2_aucune_url_externe_dans_les_gabarits_sauf_le_lien_franceconnect():
    trouvees = {(str(g.relative_to(GABARITS)), url) for g in gabarits() for url in urls_externes(g)}
    assert trouvees - URLS_EXTERNES_PERMISES == set()


def test_h2_le_seul_lien_externe_est_qu_est_ce_que_franceconnect(client):
    # Drawn by the buttons' macro (auth/_bouton_federation.html) from the URL given to it.
    page = client.get("/connexion").text
    liens = re.findall(r'<a href="https://franceconnect\.gouv\.fr/"[^>]*>([^<]*)</a>', page)
    assert liens == ["Qu’est-ce que FranceConnect ?"]


def test_h2_aucune_ressource_externe_dans_les_feuilles_de_style_et_scripts():
    statiques = [f for motif in ("css/**/*", "js/**/*") for f in (PROJET / "static").glob(motif)
                 if f.is_file()]
    trouvees = [(str(f), m.group(0)) for f in statiques
                for m in URL_EXTERNE.finditer(f.read_text(encoding="utf-8"))
                if m.group(0).startswith(("http", "//"))]
    assert trouvees == []


# ---------------------------------------------------------------------------------------------
# The checks themselves find what they look for
# ---------------------------------------------------------------------------------------------


def test_le_controle_trouve_une_violation_plantee(tmp_path, monkeypatch):
    faux = PAQUET / "services" / "faux_pour_le_test.py"
    source = "from flask import request\nfrom ..public.forms import SimulationForm\n"
    imports = imports_de(faux, source)
    assert [i.module for i in imports] == [
        "flask.request", "portail_famille.public.forms.SimulationForm"]
    regle = next(r for r in REGLES if r.nom == "services")
    monkeypatch.setattr(sys.modules[__name__], "imports_de", lambda f: imports)
    messages = violations(regle, [faux])
    assert messages == [
        "portail_famille/services/faux_pour_le_test.py:1: services : importe « flask.request », "
        "interdit (un service ne connaît ni la requête, ni les formulaires, ni les pages)",
        "portail_famille/services/faux_pour_le_test.py:2: services : importe "
        "« portail_famille.public.forms.SimulationForm », interdit (un service ne connaît ni "
        "la requête, ni les formulaires, ni les pages)",
    ]
    domaine = violations(next(r for r in REGLES if r.nom == "domaine"), [faux])
    assert len(domaine) == 2 and "hors de ce qui est permis" in domaine[0]


def test_le_controle_yaml_trouve_les_chargements_dangereux(tmp_path):
    source = ("import yaml\nimport yaml as y\nfrom ruamel.yaml import YAML\n"
              "yaml.load(t)\ny.load(t, Loader=y.FullLoader)\nYAML(typ='unsafe')\n"
              "yaml.safe_load(t)\nYAML(typ='safe').load(t)\n")
    trouves = usages_yaml_dangereux(tmp_path / "x.py", source)
    assert len(trouves) == 4, trouves


def test_le_controle_des_gabarits_trouve_safe_et_urls(tmp_path):
    assert NON_ECHAPPE.search("{{ nom|safe }}") and NON_ECHAPPE.search("{{ nom | safe }}")
    assert not NON_ECHAPPE.search("{{ nom|e }}")
    gabarit = tmp_path / "g.html"
    gabarit.write_text('<link href="//cdn.exemple.net/x.css"><img src="https://a.b/c.png">')
    assert urls_externes(gabarit) == ["//cdn.exemple.net/x.css", "https://a.b/c.png"]


# ---------------------------------------------------------------------------------------------
# The shape of the house: one blueprint shape, names that say one thing
# ---------------------------------------------------------------------------------------------

AUDIENCES = ("public", "auth", "familles", "mairie", "admin")
# What the top level keeps: the factory, the settings, the extensions, the command line.
SOMMET = {"__init__.py", "config.py", "extensions.py", "cli.py"}
# The files of a blueprint's shape, found in every one of them.
FORME = {"__init__.py", "commun.py", "forms.py"}
# Layers whose module names must say one role each. `models/` is left out: its modules are
# read through the package's face (`from portail_famille.models import Compte`), by area.
COUCHES = ("domaine", "connecteurs", "services", "web", "travaux", "bac_a_sable")


def arbre(fichier: Path) -> ast.Module:
    return ast.parse(fichier.read_text(encoding="utf-8"))


def test_le_sommet_ne_garde_que_la_fabrique_la_configuration_les_extensions_et_la_cli():
    assert {f.name for f in PAQUET.glob("*.py")} == SOMMET


def test_la_grille_du_domaine_sous_400_lignes():
    assert len((PAQUET / "domaine" / "grille.py").read_text(encoding="utf-8").splitlines()) < 400


def _definit_bp(module: ast.Module) -> bool:
    return any(isinstance(n, ast.Assign) and [getattr(c, "id", None) for c in n.targets] == ["bp"]
               and isinstance(n.value, ast.Call) and getattr(n.value.func, "id", "") == "Blueprint"
               for n in module.body)


@pytest.mark.parametrize("blueprint", AUDIENCES)
def test_une_seule_forme_de_blueprint(blueprint):
    dossier = PAQUET / blueprint
    assert _definit_bp(arbre(dossier / "__init__.py")), "bp se définit dans __init__.py"
    assert not (dossier / "views.py").exists()
    for vue in [f for f in dossier.glob("*.py") if est_une_vue(f)]:
        assert vue.name not in FORME, f"{vue.name} : les routes vivent dans un module de pages"
        assert any(i.module == f"portail_famille.{blueprint}.bp" for i in imports_de(vue)), \
            f"{vue} : une page s'inscrit sur le bp du paquet"
    for module in dossier.glob("*.py"):
        formulaires = [n.name for n in ast.walk(arbre(module)) if isinstance(n, ast.ClassDef)
                       and n.name.endswith("Form")]
        assert not formulaires or module.name == "forms.py", (module, formulaires)


def test_une_vue_ne_porte_jamais_le_nom_d_un_service():
    services = {f.stem for f in (PAQUET / "services").glob("*.py")}
    vues = {f.stem for nom in AUDIENCES for f in (PAQUET / nom).glob("*.py") if est_une_vue(f)}
    assert vues & services == set()


def test_un_nom_de_module_dit_un_seul_role():
    roles: dict[str, set[str]] = {}
    for couche in (*COUCHES, *AUDIENCES):
        for fichier in (PAQUET / couche).glob("*.py"):
            if fichier.name not in FORME:
                roles.setdefault(fichier.stem, set()).add(
                    "pages" if couche in AUDIENCES and est_une_vue(fichier) else couche)
    assert {nom: r for nom, r in roles.items() if len(r) > 1} == {}


def test_journal_designe_toujours_un_logger():
    for fichier in fichiers("**/*.py"):
        for noeud in ast.walk(arbre(fichier)):
            if isinstance(noeud, ast.Assign) and any(getattr(c, "id", None) == "journal"
                                                     for c in noeud.targets):
                appel = noeud.value
                assert isinstance(appel, ast.Call) and getattr(appel.func, "attr", "") == \
                    "getLogger", f"{fichier}:{noeud.lineno}"
            if isinstance(noeud, ast.ImportFrom | ast.Import):
                noms = {a.asname or a.name.rpartition(".")[2] for a in noeud.names}
                assert "journal" not in noms, f"{fichier}:{noeud.lineno}"


def test_le_paquet_ne_charge_le_bac_a_sable_que_s_il_est_active(tmp_path):
    script = (
        "import sys\n"
        "from portail_famille import create_app\n"
        f"reglages = {{'tests': True, 'database_url': 'sqlite:///{tmp_path}/b.db',"
        f" 'instance_path': '{tmp_path}'}}\n"
        "create_app({**reglages, 'bac_a_sable': False})\n"
        "print(sorted(m for m in sys.modules if 'bac_a_sable' in m))\n"
        "create_app({**reglages, 'bac_a_sable': True})\n"
        "print('portail_famille.bac_a_sable' in sys.modules)\n"
    )
    sortie = subprocess.run(  # noqa: S603 (this Python, a script written here)
        [sys.executable, "-c", script], capture_output=True, text=True,
        check=True, cwd=PROJET, env={**os.environ, "PORTAIL_BAC_A_SABLE": ""})
    assert sortie.stdout.splitlines() == ["[]", "True"]
