"""The fixture of the income tests: the outside parties, stubbed."""

import pytest
import responses

from tests.auth.faux_fournisseur import FauxFournisseur
from tests.revenus.externes import APIs


@pytest.fixture
def externes():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FauxFournisseur(mock), APIs(mock)
