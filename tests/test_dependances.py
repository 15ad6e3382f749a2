"""Version floors of the libraries whose old releases carry known flaws (securite.md C1).

Works offline, unlike pip-audit, whose offline run skips every package and still says « No
known vulnerabilities found » (C3).
"""

from importlib import metadata

import pytest
from packaging.version import Version

PLANCHERS = {
    # CVE-2024-37568, CVE-2025-61920, CVE-2025-62706, CVE-2026-27962, CVE-2026-41425,
    # CVE-2026-44681 (franceconnect.md §13).
    "authlib": "1.7.2",
    # The maintained lines of Flask and Werkzeug.
    "flask": "3.1",
    "werkzeug": "3.1",
    "joserfc": "1.0",
    "cryptography": "42",
}


@pytest.mark.parametrize(("paquet", "plancher"), PLANCHERS.items())
def test_c1_version_au_moins_le_plancher(paquet, plancher):
    assert Version(metadata.version(paquet)) >= Version(plancher)


def test_c1_pyyaml_absent_ou_corrige():
    # The grid is read with ruamel.yaml; PyYAML may still come with a dependency, and below 5.4
    # its FullLoader runs code (CVE-2020-1747, CVE-2020-14343).
    try:
        version = metadata.version("pyyaml")
    except metadata.PackageNotFoundError:
        return
    assert Version(version) >= Version("5.4")
