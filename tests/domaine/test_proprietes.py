"""Properties over random valid grids (tarifs.md §3, securite.md T3) and fuzzing of the loader."""

from dataclasses import dataclass
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.domaine.chargement import charger_grille
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import GrilleInvalide
from portail_famille.domaine.tarification import calculer_tarif

EXEMPLE = (Path(__file__).parent / "grilles" / "exemple.yaml").read_text(encoding="utf-8")

ENTETE = """\
commune: Test
code_insee: "2A004"
quotient_familial: {sources: [dgfip, caf], validite_mois: 3}
periodes:
  - libelle: P
    debut: 2025-09-01
    fin: 2026-08-31
"""


def texte(centimes: int, forme: int) -> str:
    """An amount written three ways: `7`, `7.5`, `7.50` (when the value allows it)."""
    valeur = Decimal(centimes).scaleb(-2)
    if forme == 0 and centimes % 100 == 0:
        return str(centimes // 100)
    if forme == 1 and centimes % 10 == 0:
        return str(valeur.quantize(Decimal("0.1")))
    return str(valeur)


montants = st.tuples(st.integers(0, 100_000), st.integers(0, 2))
qfs = st.one_of(st.integers(0, 1_000_000).map(lambda c: Decimal(c).scaleb(-2)),
                st.integers(0, 10**15).map(Decimal),
                st.decimals(min_value=0, max_value=10**6, places=5, allow_nan=False))


@dataclass
class Bareme:
    yaml: str
    bornes: list[Decimal]  # tranches only
    prix: list[Decimal]


@st.composite
def baremes_tranches(draw) -> Bareme:
    n = draw(st.integers(1, 10))
    bornes = sorted(draw(st.sets(st.tuples(st.integers(0, 500_000)), min_size=n - 1,
                                 max_size=n - 1)))
    formes_bornes = draw(st.lists(st.integers(0, 2), min_size=n - 1, max_size=n - 1))
    prix = sorted(draw(st.lists(montants, min_size=n, max_size=n)))
    tranches = [f"{{jusqu_a: {texte(b, f)}, prix: {texte(*p)}}}"
                for (b,), f, p in zip(bornes, formes_bornes, prix, strict=False)]
    tranches.append(f"{{prix: {texte(*prix[-1])}}}")
    return Bareme("{mode: tranches, tranches: [" + ", ".join(tranches) + "]}",
                  [Decimal(b).scaleb(-2) for (b,) in bornes],
                  [Decimal(c).scaleb(-2) for c, _ in prix])


@st.composite
def baremes_taux(draw) -> Bareme:
    plancher, plafond = sorted(draw(st.lists(montants, min_size=2, max_size=2)))
    taux = Decimal(draw(st.integers(0, 50_000))).scaleb(-4)
    return Bareme(f"{{mode: taux_effort, taux_pourcent: {taux}, plancher: {texte(*plancher)}, "
                  f"plafond: {texte(*plafond)}}}", [],
                  [Decimal(plancher[0]).scaleb(-2), Decimal(plafond[0]).scaleb(-2)])


@st.composite
def baremes_lineaires(draw) -> Bareme:
    n = draw(st.integers(2, 8))
    abscisses = sorted(draw(st.sets(st.integers(0, 500_000), min_size=n, max_size=n)))
    prix = sorted(draw(st.lists(montants, min_size=n, max_size=n)))
    points = [f"{{qf: {texte(q, 2)}, prix: {texte(*p)}}}"
              for q, p in zip(abscisses, prix, strict=True)]
    return Bareme("{mode: lineaire, points: [" + ", ".join(points) + "]}", [],
                  [Decimal(c).scaleb(-2) for c, _ in prix])


baremes = st.one_of(baremes_tranches(), baremes_taux(), baremes_lineaires())
hors_commune = st.one_of(
    st.just(""),
    montants.map(lambda m: f"hors_commune: {texte(*m)}"),
    st.integers(0, 10_000).map(lambda c: f"hors_commune: {{majoration_pourcent: "
                                         f"{Decimal(c).scaleb(-2)}}}"),
)
rangs = st.dictionaries(st.integers(1, 6), st.integers(1, 10_000).map(
    lambda c: Decimal(c).scaleb(-2)), min_size=1, max_size=3)


def grille(bareme: Bareme, regle_hors_commune: str, fratrie: dict[int, Decimal]) -> Grille:
    rangs_yaml = ", ".join(f"{rang}: {pourcent}" for rang, pourcent in fratrie.items())
    return charger_grille(
        ENTETE + "    services:\n"
        f"      s: {{libelle: S, unite: u, bareme: {bareme.yaml}"
        + (f", {regle_hors_commune}" if regle_hors_commune else "") + "}\n"
        f"    reduction_fratrie: {{services: [s], rangs: {{{rangs_yaml}}}}}\n"
    )


@settings(max_examples=150, deadline=None)
@given(baremes, hors_commune, rangs, st.lists(qfs, min_size=1, max_size=30),
       st.booleans(), st.integers(1, 8))
def test_grille_valide_acceptee_et_prix_croissant_avec_le_qf(bareme, regle, fratrie, quotients,
                                                             hors, rang):
    periode = grille(bareme, regle, fratrie).periodes[0]
    precedent = None
    for qf in sorted(quotients):
        tarif = calculer_tarif(periode, "s", qf, hors_commune=hors, rang=rang)
        assert type(tarif.prix) is Decimal
        assert tarif.prix.as_tuple().exponent == -2
        assert tarif.prix >= 0
        if precedent is not None:
            assert tarif.prix >= precedent
        precedent = tarif.prix
        if not hors and not tarif.reduction_pourcent:
            assert min(bareme.prix) <= tarif.prix <= max(bareme.prix)


@settings(max_examples=150, deadline=None)
@given(baremes, hors_commune, rangs, st.one_of(st.none(), qfs), st.booleans(), st.integers(1, 8))
def test_sans_les_mots_le_meme_prix(bareme, regle, fratrie, qf, hors, rang):
    """The billing export and the impact price without the explanation: the same figures."""
    periode = grille(bareme, regle, fratrie).periodes[0]
    explique = calculer_tarif(periode, "s", qf, hors_commune=hors, rang=rang)
    chiffre = calculer_tarif(periode, "s", qf, hors_commune=hors, rang=rang, expliquer=False)
    assert (chiffre.explication, chiffre.etapes) == ("", ())
    assert chiffre == replace(explique, explication="", etapes=())


@settings(max_examples=150, deadline=None)
@given(baremes_tranches(), st.lists(qfs, min_size=1, max_size=30))
def test_exactement_une_tranche_pour_tout_qf(bareme, quotients):
    periode = grille(bareme, "", {2: Decimal(10)}).periodes[0]
    for qf in quotients:
        tarif = calculer_tarif(periode, "s", qf)
        retenu = tarif.qf
        candidates = [
            numero for numero in range(1, len(bareme.prix) + 1)
            if (numero == 1 or retenu > bareme.bornes[numero - 2])
            and (numero == len(bareme.prix) or retenu <= bareme.bornes[numero - 1])
        ]
        assert candidates == [tarif.tranche]
        assert tarif.prix == bareme.prix[tarif.tranche - 1]


@settings(max_examples=100, deadline=None)
@given(baremes, st.integers(1, 8))
def test_sans_quotient_par_defaut_le_prix_le_plus_haut(bareme, rang):
    periode = grille(bareme, "", {9: Decimal(1)}).periodes[0]
    assert calculer_tarif(periode, "s", None, rang=rang).prix == max(bareme.prix)
    assert calculer_tarif(periode, "s", None, hors_commune=True).prix == max(bareme.prix)
    gratuit = grille(bareme, "", {1: Decimal(100)}).periodes[0]
    assert calculer_tarif(gratuit, "s", None, rang=rang).prix == 0  # −100 % from rank 1


# -- fuzzing: nothing but a Grille or GrilleInvalide, whatever the text --------------------

YAMLESQUE = st.text(alphabet=st.sampled_from(list("ab01.-_:,[]{}\"'&*!#|>%@`?~ \n\t\\é\x00\x85")),
                    max_size=200)


def charge_ou_refuse(texte: str) -> None:
    try:
        charger_grille(texte)
    except GrilleInvalide as exc:
        assert exc.erreurs
        for ligne in exc.lignes():
            assert ligne.startswith("tarifs.yaml:")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), YAMLESQUE))
def test_texte_quelconque_jamais_d_autre_exception(texte):
    charge_ou_refuse(texte)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(EXEMPLE)), st.integers(0, 8),
                          st.sampled_from(["", " ", "\n", ":", "-", "0", "x", "[", "{", "'",
                                           "  ", "&a ", "*a", "!!", "9", ".", "- prix: 1\n"])),
                max_size=5))
def test_exemple_mute_jamais_d_autre_exception(mutations):
    texte = EXEMPLE
    for position, longueur, insertion in mutations:
        texte = texte[:position] + insertion + texte[position + longueur:]
    charge_ou_refuse(texte)
