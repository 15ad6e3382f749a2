"""Which QF counts and until when (tarifs.md §3), without the app."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from portail_famille.domaine import quotient


@pytest.mark.parametrize(("jour", "mois", "attendu"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 3, 15), 12, date(2027, 3, 15)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 5, 1), 0, date(2026, 5, 1)),
])
def test_ajouter_mois(jour, mois, attendu):
    assert quotient.ajouter_mois(jour, mois) == attendu


def heure(*args):
    return datetime(*args, tzinfo=UTC)


def test_valide_jusqu_au_jour_d_expiration_exclu():
    recupere = heure(2026, 1, 31, 10)
    assert quotient.validite(recupere, None, 1, heure(2026, 2, 27, 23)) == quotient.Validite(
        None, date(2026, 2, 28))
    assert quotient.validite(recupere, None, 1, heure(2026, 2, 28, 0)).raison == "perime"


def test_aucun_et_refuse():
    assert quotient.validite(None, None, 12, heure(2026, 1, 1)).raison == "aucun"
    assert quotient.validite(None, heure(2026, 1, 1), 12, heure(2026, 1, 2)).raison == "refuse"
    # A refusal before a later retrieval no longer counts; one after it does.
    recupere = heure(2026, 3, 1)
    assert quotient.validite(recupere, heure(2026, 2, 1), 12, heure(2026, 4, 1)).raison is None
    assert quotient.validite(recupere, heure(2026, 3, 2), 12, heure(2026, 4, 1)).raison == \
        "refuse"


def test_sources_admises():
    assert quotient.source_admise("caf", ("caf",))
    assert not quotient.source_admise("dgfip", ("caf",))
    assert quotient.source_admise("justificatif", ("caf",))


def test_annees_de_revenus():
    assert quotient.annees_de_revenus(date(2026, 12, 2)) == [2025, 2024]


def test_un_quotient_saisi_par_la_mairie_compte_jusqu_a_la_date_choisie():
    recupere = datetime(2026, 12, 3, 10, tzinfo=UTC)
    fin = date(2027, 1, 15)
    assert quotient.validite(recupere, None, 12, datetime(2027, 1, 14, 23, tzinfo=UTC),
                             fin) == quotient.Validite(None, fin)
    assert quotient.validite(recupere, None, 12, datetime(2027, 1, 15, 1, tzinfo=UTC),
                             fin).raison == "perime"
    assert quotient.source_admise("mairie", ("caf",))
