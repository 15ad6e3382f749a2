import pytest

from portail_famille.domaine.identifiants import IdentifiantInvalide
from portail_famille.domaine.identifiants import code_commune_valide
from portail_famille.domaine.identifiants import code_pays_valide
from portail_famille.domaine.identifiants import normaliser_numero_fiscal
from portail_famille.domaine.identifiants import numero_fiscal_valide
from portail_famille.domaine.identifiants import siret_valide


def luhn(chiffres: str) -> bool:
    """Independent Luhn, written differently from the module's, to check it."""
    sommes = [int(c) if i % 2 == 0 else sum(divmod(int(c) * 2, 10))
              for i, c in enumerate(reversed(chiffres))]
    return sum(sommes) % 10 == 0


@pytest.mark.parametrize("siret", ["21999000900017", "73282932000074", "35600000000048",
                                   "35600000012345"])
def test_siret_valide(siret):
    assert siret_valide(siret)


@pytest.mark.parametrize(
    "siret",
    [
        "21999000900018",  # Luhn fails
        "2199900090001",  # 13 digits
        "219990009000170",  # 15 digits
        "21999 000900017",
        "2199900090001a",
        "",
        "２１９９９０００９０００１７",  # full-width digits are not digits of a SIRET
        "21999000900017\n",
        "3560000001234",  # La Poste's SIREN with a 4-digit NIC
    ],
)
def test_siret_invalide(siret):
    assert not siret_valide(siret)


def test_siret_la_poste_sans_cle():
    assert not luhn("35600000012345")
    assert siret_valide("35600000012345")


@pytest.mark.parametrize("prefixe", ["219990009", "732829320", "123456789"])
def test_siret_luhn_exhaustif_sur_le_dernier_chiffre(prefixe):
    for nic in range(10000, 10100):
        siret = f"{prefixe}{nic}"
        assert siret_valide(siret) is luhn(siret)


@pytest.mark.parametrize(
    ("saisi", "attendu"),
    [("1234567890123", "1234567890123"), ("12 34 567 890 123", "1234567890123"),
     (" 1234567890123\u00a0", "1234567890123"), ("0000000000001", "0000000000001")],
)
def test_normaliser_numero_fiscal(saisi, attendu):
    assert normaliser_numero_fiscal(saisi) == attendu
    assert numero_fiscal_valide(saisi)


@pytest.mark.parametrize("saisi", ["123456789012", "12345678901234", "123456789012a", "",
                                   "1234-567890123", "１２３４５６７８９０１２３"])
def test_numero_fiscal_invalide_jamais_complete(saisi):
    with pytest.raises(IdentifiantInvalide, match="13 chiffres"):
        normaliser_numero_fiscal(saisi)
    assert not numero_fiscal_valide(saisi)


@pytest.mark.parametrize("code", ["69123", "75056", "01001", "2A004", "2B033", "95127",
                                  "97105", "97411", "97611", "19031", "21231"])
def test_code_commune_valide(code):
    assert code_commune_valide(code)


@pytest.mark.parametrize("code", ["20004", "00001", "96001", "97701", "97012", "98735",
                                  "2C004", "2a004", "6912", "691234", "69 12", "99100", ""])
def test_code_commune_invalide(code):
    assert not code_commune_valide(code)


@pytest.mark.parametrize(("code", "valide"), [("99100", True), ("99134", True), ("99999", True),
                                              ("98100", False), ("9910", False),
                                              ("991000", False), ("99A00", False)])
def test_code_pays(code, valide):
    assert code_pays_valide(code) is valide
