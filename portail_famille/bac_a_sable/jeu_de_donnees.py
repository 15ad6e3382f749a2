"""The sandbox's invented households: one dataset shared by the FranceConnect provider and both
API simulators, so that a sandbox sign-in leads to the same family's QF and tax situation.

Every person here is fictitious. Angela DUBOIS, Pierre MERCIER, Anne-Laure HUCHE and Ermengardi
GODIN are FranceConnect's published test identities (franceconnect.md §12); their CAF and tax data
are invented by the project. Tax years are relative to the current year (`il_y_a` = how many
years before it), so the data stays valid as time passes.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta


@dataclass(frozen=True)
class Personne:
    """A civil-status identity, as FranceConnect's identity pivot carries it."""

    nom_naissance: str
    prenoms: tuple[str, ...]
    sexe: str  # "M" or "F"
    date_naissance: str  # AAAA-MM-JJ, parts may be 00 when unknown
    code_pays_naissance: str = "99100"
    code_commune_naissance: str = ""  # empty when born abroad
    nom_commune_naissance: str = ""
    code_departement_naissance: str = ""
    nom_usage: str = ""


@dataclass(frozen=True)
class DossierCAF:
    """What API Particulier's quotient familial route knows of a household."""

    fournisseur: str  # CNAF or MSA
    valeur: int  # 0 = not computable (resources not declared)
    allocataire: Personne
    conjoint: Personne | None = None
    enfants: tuple[Personne, ...] = ()
    adresse: tuple[str, str] = ("", "")  # (numero_libelle_voie, code_postal_ville)
    mois_calcul_decalage: int = 2  # how many months before the requested month it was computed


@dataclass(frozen=True)
class Revenus:
    """One income year of a tax household."""

    rfr: int
    nb_parts: str  # decimal text, in quarters
    sit_fam: str
    pac: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FoyerFiscal:
    """What API Impôt particulier knows of a tax household, by income year."""

    spi: str
    declarant1: Personne
    declarant2: Personne | None = None
    revenus: dict[int, Revenus] = field(default_factory=dict)  # il_y_a → income of that year
    adresse: str = ""


@dataclass(frozen=True)
class Identite:
    """A sandbox FranceConnect identity: who signs in, and their contact email."""

    cle: str
    personne: Personne
    email: str
    description: str


ANGELA = Personne("DUBOIS", ("Angela", "Claire", "Louise"), "F", "1962-08-24",
                  code_commune_naissance="75107", nom_commune_naissance="PARIS 07",
                  code_departement_naissance="75")
PIERRE = Personne("MERCIER", ("Pierre",), "M", "1969-03-17", code_commune_naissance="95277",
                  nom_commune_naissance="GONESSE", code_departement_naissance="95",
                  nom_usage="DUBOIS")
ANNE_LAURE = Personne("HUCHE", ("Anne-Laure",), "F", "1945-09-30",
                      code_commune_naissance="31555", nom_commune_naissance="TOULOUSE",
                      code_departement_naissance="31")
ERMENGARDI = Personne("GODIN", ("Ermengardi",), "F", "1985-09-05", code_pays_naissance="99350")
SOPHIE = Personne("MARTIN", ("Sophie", "Anne"), "F", "1988-04-12",
                  code_commune_naissance="69383", nom_commune_naissance="LYON 03",
                  code_departement_naissance="69")
CLAIRE = Personne("FAURE", ("Claire",), "F", "1983-07-19", code_commune_naissance="01053",
                  nom_commune_naissance="BOURG-EN-BRESSE", code_departement_naissance="01",
                  nom_usage="ROUSSEAU")
THOMAS = Personne("ROUSSEAU", ("Thomas", "Paul"), "M", "1981-02-02",
                  code_commune_naissance="69387", nom_commune_naissance="LYON 07",
                  code_departement_naissance="69")
JEAN_BAPTISTE = Personne("LEROY", ("Jean-Baptiste", "Aurélien"), "M", "1984-01-09",
                         code_commune_naissance="22278", nom_commune_naissance="SAINT-BRIEUC",
                         code_departement_naissance="22")
CHLOE = Personne("MOREL", ("Chloé",), "F", "1986-12-01", code_commune_naissance="69266",
                 nom_commune_naissance="VILLEURBANNE", code_departement_naissance="69")
KARIM = Personne("BENALI", ("Karim",), "M", "1990-10-10", code_commune_naissance="69266",
                 nom_commune_naissance="VILLEURBANNE", code_departement_naissance="69")
INCONNU = Personne("VALLET", ("Gaston",), "M", "1970-05-05", code_commune_naissance="75056",
                   nom_commune_naissance="PARIS", code_departement_naissance="75")
# Invented, born in Portugal: no birth commune, only the INSEE country code (99139).
INES = Personne("CARVALHO", ("Inês", "Maria"), "F", "1987-03-28", code_pays_naissance="99139")


def _enfant(nom: str, prenoms: str, sexe: str, naissance: str) -> Personne:
    return Personne(nom, tuple(prenoms.split()), sexe, naissance)


IDENTITES = (
    Identite("angela", ANGELA, "wossewodda-3728@yopmail.com",
             "Identité de test publiée par FranceConnect ; quotient CAF et avis d’impôt"),
    Identite("sophie", SOPHIE, "sophie.martin@exemple.test",
             "Parent isolé, CNAF ; impôts : seulement l’avant-dernière année"),
    Identite("claire", CLAIRE, "claire.rousseau@exemple.test",
             "Nom d’usage ROUSSEAU, allocataire MSA, couple marié avec trois enfants"),
    Identite("thomas", THOMAS, "thomas.rousseau@exemple.test",
             "Conjoint de Claire : inconnu de la MSA comme allocataire"),
    Identite("jean-baptiste", JEAN_BAPTISTE, "jb.leroy@exemple.test",
             "Prénoms composés, couple pacsé, garde alternée (2,75 parts)"),
    Identite("ermengardi", ERMENGARDI, "ermengardi.godin@exemple.test",
             "Née au Maroc (pas de commune de naissance), CNAF"),
    Identite("karim", KARIM, "karim.benali@exemple.test",
             "Quotient CAF non calculable (0) et revenu fiscal de référence nul"),
    Identite("pierre", PIERRE, "pierre.mercier@exemple.test",
             "Identité de test FranceConnect avec nom d’usage DUBOIS"),
    Identite("anne-laure", ANNE_LAURE, "anne-laure.huche@exemple.test",
             "Identité de test FranceConnect, sans dossier CAF"),
    Identite("ines", INES, "ines.carvalho@exemple.test",
             "Née au Portugal (pas de commune de naissance), parent isolé, CNAF et avis d’impôt"),
)

DOSSIERS_CAF = (
    DossierCAF("CNAF", 1120, ANGELA,
               enfants=(_enfant("DUBOIS", "Maël", "M", "2016-02-14"),),
               adresse=("12 RUE DE LA REPUBLIQUE", "69002 LYON")),
    DossierCAF("CNAF", 640, SOPHIE,
               enfants=(_enfant("MARTIN", "Léo", "M", "2016-05-03"),
                        _enfant("MARTIN", "Jade Rose", "F", "2019-11-20")),
               adresse=("8 RUE DES TANNEURS", "69001 LYON")),
    DossierCAF("MSA", 980, CLAIRE, conjoint=THOMAS,
               enfants=(_enfant("ROUSSEAU", "Hugo", "M", "2014-09-09"),
                        _enfant("ROUSSEAU", "Lina", "F", "2017-01-15"),
                        _enfant("ROUSSEAU", "Noé", "M", "2020-06-30")),
               adresse=("LIEU-DIT LES CHAUMES", "69390 VERNAISON"), mois_calcul_decalage=0),
    DossierCAF("CNAF", 1340, JEAN_BAPTISTE, conjoint=CHLOE,
               enfants=(_enfant("LEROY", "Lou", "F", "2015-03-21"),
                        _enfant("LEROY", "Timéo", "M", "2019-00-00")),
               adresse=("4 IMPASSE DES GLYCINES", "69008 LYON")),
    DossierCAF("CNAF", 480, ERMENGARDI,
               enfants=(_enfant("GODIN", "Yasmine", "F", "2018-07-07"),),
               adresse=("31 AVENUE BERTHELOT", "69007 LYON")),
    DossierCAF("CNAF", 0, KARIM, adresse=("2 PLACE GUICHARD", "69003 LYON")),
    DossierCAF("CNAF", 1560, PIERRE,
               enfants=(_enfant("MERCIER", "Paul", "M", "2013-10-01"),
                        _enfant("MERCIER", "Inès", "F", "2016-04-18"),
                        _enfant("MERCIER", "Adam", "M", "2021-01-05")),
               adresse=("5 CHEMIN DES VIGNES", "69500 BRON")),
    DossierCAF("CNAF", 760, INES,
               enfants=(_enfant("CARVALHO", "Tiago", "M", "2015-06-11"),
                        _enfant("CARVALHO", "Lara Sofia", "F", "2018-02-26")),
               adresse=("17 RUE PAUL BERT", "69003 LYON")),
)

FOYERS_FISCAUX = (
    FoyerFiscal("9912000000011", ANGELA, revenus={
        1: Revenus(37760, "2.5", "V", {"nbPac": 1, "nbPacF": 1}),
        2: Revenus(36100, "2.5", "V", {"nbPac": 1, "nbPacF": 1}),
    }, adresse="12 RUE DE LA REPUBLIQUE 69002 LYON "),
    FoyerFiscal("9912000000022", SOPHIE, revenus={
        2: Revenus(18500, "2.5", "C", {"nbPac": 2, "nbPacF": 2}),
    }, adresse="8 RUE DES TANNEURS 69001 LYON "),
    FoyerFiscal("9912000000033", THOMAS, CLAIRE, revenus={
        1: Revenus(61250, "4", "M", {"nbPac": 3, "nbPacF": 3}),
        2: Revenus(59800, "4", "M", {"nbPac": 3, "nbPacF": 3}),
    }, adresse="LIEU-DIT LES CHAUMES 69390 VERNAISON"),
    FoyerFiscal("9912000000044", JEAN_BAPTISTE, CHLOE, revenus={
        1: Revenus(44000, "2.75", "O", {"nbPac": 2, "nbPacF": 1, "nbPacH": 1}),
        2: Revenus(42700, "2.75", "O", {"nbPac": 2, "nbPacF": 1, "nbPacH": 1}),
    }, adresse="4 IMPASSE DES GLYCINES 69008 LYON "),
    FoyerFiscal("9912000000055", KARIM, revenus={
        1: Revenus(0, "1", "C"),
        2: Revenus(0, "1", "C"),
    }, adresse="2 PLACE GUICHARD 69003 LYON"),
    FoyerFiscal("9912000000066", ANNE_LAURE, revenus={
        1: Revenus(24300, "1", "V"),
        2: Revenus(23900, "1", "V"),
    }, adresse="3 ALLEE DES PLATANES 31000 TOULOUSE"),
    FoyerFiscal("9912000000077", INCONNU, revenus={
        1: Revenus(52000, "3", "M", {"nbPac": 2, "nbPacF": 2}),
    }, adresse="1 RUE DU PORT 13002 MARSEILLE"),
    FoyerFiscal("9912000000088", INES, revenus={
        1: Revenus(27400, "2.5", "C", {"nbPac": 2, "nbPacF": 2}),
        2: Revenus(26100, "2.5", "C", {"nbPac": 2, "nbPacF": 2}),
    }, adresse="17 RUE PAUL BERT 69003 LYON"),
)


def numero_fiscal(personne: Personne) -> str | None:
    """The numéro fiscal of the tax household `personne` declares, if the sandbox has one."""
    return next((foyer.spi for foyer in FOYERS_FISCAUX
                 if personne in (foyer.declarant1, foyer.declarant2)), None)


def identite(cle: str) -> Identite | None:
    """The sandbox identity with this login key (one of the crowd's too)."""
    if cle.startswith(PREFIXE_FOULE) and cle.removeprefix(PREFIXE_FOULE).isdigit():
        return membre_de_la_foule(int(cle.removeprefix(PREFIXE_FOULE)))
    return next((i for i in IDENTITES if i.cle == cle), None)


# A crowd of invented households for rehearsals (the registration-day rush, the yearly renewal:
# bench/ruee.py, bench/renouvellement.py): login keys « foule-1 » to « foule-N », never listed
# on the sign-in page; the CAF knows each of them, with a QF of its own.
PREFIXE_FOULE = "foule-"
NOM_FOULE = "FOULE"
TAILLE_FOULE = 1_000_000
_PRENOMS_FOULE = (("Camille",), ("Louise", "Marie"), ("Nathan",), ("Inès",), ("Hugo", "Jean"),
                  ("Chloé",), ("Yanis",), ("Manon", "Léa"), ("Sacha",), ("Jade",))
_ORIGINE = date(1972, 1, 1)


def _lettres(rang: int) -> str:
    """The rank in capital letters (1 → B, 26 → BA…): names carry no digits."""
    lettres = ""
    while True:
        rang, reste = divmod(rang, 26)
        lettres = chr(ord("A") + reste) + lettres
        if rang == 0:
            return lettres


def _rang(lettres: str) -> int | None:
    if not lettres or not all("A" <= c <= "Z" for c in lettres):
        return None
    rang = 0
    for c in lettres:
        rang = rang * 26 + ord(c) - ord("A")
    return rang


def membre_de_la_foule(rang: int) -> Identite | None:
    """The crowd's member `rang` (1 ≤ rang ≤ TAILLE_FOULE), always the same person."""
    if not 1 <= rang <= TAILLE_FOULE:
        return None
    naissance = _ORIGINE + timedelta(days=rang % 9000)
    personne = Personne(NOM_FOULE + _lettres(rang), _PRENOMS_FOULE[rang % len(_PRENOMS_FOULE)],
                        "F" if rang % 2 else "M", naissance.isoformat(),
                        code_commune_naissance="69383", nom_commune_naissance="LYON 03",
                        code_departement_naissance="69")
    return Identite(f"{PREFIXE_FOULE}{rang}", personne, f"foule-{rang}@exemple.test",
                    "Foule de répétition")


def dossier_de_la_foule(nom_naissance: str) -> DossierCAF | None:
    """The CAF file of the crowd's member so named, if it is one."""
    nom = nom_naissance.strip().upper()
    rang = _rang(nom.removeprefix(NOM_FOULE)) if nom.startswith(NOM_FOULE) else None
    membre = None if rang is None else membre_de_la_foule(rang)
    if membre is None or membre.personne.nom_naissance != nom:
        return None
    return DossierCAF("CNAF", 150 + (rang * 37) % 1900, membre.personne,
                      adresse=(f"{rang % 300 + 1} RUE DE LA REPUBLIQUE", "69002 LYON"))
