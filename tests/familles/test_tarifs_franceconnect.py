"""Issue 5: « with a grid and data APIs it did not write, each child's price on "Mes tarifs" is
the one that `flask tarifs simuler` gives for the same QF, sibling rank and residence ».

The family signs in through a FranceConnect stand-in; API Particulier and the DGFiP gateway
are stubbed with `responses` (tests/revenus); the grid is the test grid, never tarifs.yaml.
The household, its children and their enrolments go through the family's own forms.
"""

from datetime import date

import pytest
import responses
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Enfant
from tests.aides import poster_adresse
from tests.auth.faux_fournisseur import FauxFournisseur
from tests.revenus.externes import REGLAGES_DONNEES
from tests.revenus.externes import SITUATION
from tests.revenus.externes import APIs
from tests.revenus.externes import client_de
from tests.revenus.externes import se_connecter

from .aides_tarifs import inscrire
from .aides_tarifs import prix_affiches
from .aides_tarifs import verifier_contre_le_simulateur
from .conftest import DEBUT
from .conftest import DEBUT_SUIVANTE
from .conftest import GRILLE

# The municipal QF first, as in Lyon: the CAF answers only when the DGFiP has nothing.
GRILLE_DGFIP_D_ABORD = GRILLE.replace("sources: [caf, dgfip]", "sources: [dgfip, caf]")
ENFANTS = (("Hugo", "2014-09-09", "cm2"), ("Lina", "2017-01-15", "ce1"),
           ("Noé", "2020-06-30", "ms"))
# (source, RFR, parts, QF computed by hand, residence declared, what the page shows)
CAS = [
    # 41 234 / 12 / 3 = 1 145.3888… → 1 145.39 (half-up to the cent)
    pytest.param("dgfip", 41234, 3, "1145.39", "non", "41\u202f234 € ÷ 12 ÷ 3 parts",
                 id="dgfip-hors-commune"),
    # 30 517 / 12 / 1.75 = 1 453.1904… → 1 453.19
    pytest.param("dgfip", 30517, 1.75, "1453.19", "oui", "30\u202f517 € ÷ 12 ÷ 1,75 part",
                 id="dgfip-residente"),
    # No tax file: the CAF's QF (1 340 in the stubbed answer), used as returned.
    pytest.param("caf", None, None, "1340.00", "oui", "transmis par la CAF via FranceConnect",
                 id="caf-residente"),
]


@pytest.fixture
def externes():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FauxFournisseur(mock), APIs(mock)


def ids_des_enfants(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(sa.select(Enfant.prenoms, Enfant.id)).all())


@pytest.mark.parametrize(("source", "rfr", "parts", "qf", "reside", "provenance"), CAS)
def test_g1_chaque_prix_de_mes_tarifs_est_celui_de_la_cli(fabrique, externes, tmp_path, source,
                                                          rfr, parts, qf, reside, provenance):
    fc, apis = externes
    annee = date.today().year - 1
    apis.dgfip = ({annee: (200, {**SITUATION, "rfr": rfr, "nbPart": parts})}
                  if source == "dgfip" else {})
    fichier = tmp_path / "grille-dgfip-d-abord.yaml"
    fichier.write_text(GRILLE_DGFIP_D_ABORD, encoding="utf-8")
    app = fabrique(**REGLAGES_DONNEES, tarifs_fichier=fichier)
    client = client_de(app)
    se_connecter(client, fc)

    assert poster_adresse(client, {
        "adresse_voie": "3 rue des Écoles", "code_postal": "35000",
        "commune_residence": "Villeneuve-sur-Test" if reside == "oui" else "Rennes",
        "reside": reside}).status_code == 303
    for prenom, naissance, niveau in ENFANTS:
        assert client.post("/espace-famille/enfants/ajouter", data={
            "prenoms": prenom, "nom": "DUBOIS", "date_naissance": naissance, "niveau": niveau,
                "niveau_confirme": "y",
            "ecole": "École Jean-Macé"}).status_code == 303
    ids = ids_des_enfants(app)
    hugo, lina, noe = ids["Hugo"], ids["Lina"], ids["Noé"]
    inscrire(client, [hugo, lina, noe], DEBUT, "cantine", ("lundi", "mardi", "jeudi"))
    inscrire(client, [noe, lina], DEBUT, "ateliers", ("mercredi",))
    inscrire(client, [hugo, lina, noe], DEBUT_SUIVANTE, "cantine")

    page = client.get("/espace-famille/tarifs").text
    debut, suivante = DEBUT.isoformat(), DEBUT_SUIVANTE.isoformat()
    # Ranks by hand: eldest first among the children enrolled in that service and year; a
    # child not enrolled gets the rank it would have (Hugo, not at the workshops, would be 1).
    rangs = {(debut, lina, "cantine"): 2, (debut, noe, "cantine"): 3,
             (debut, noe, "ateliers"): 2,
             (suivante, lina, "cantine"): 2, (suivante, noe, "cantine"): 3}
    verifier_contre_le_simulateur(app, fichier, page, qf, rangs, reside == "non")
    # Three children, every service of both years.
    assert len(prix_affiches(page)) == 3 * 3 + 3 * 2
    assert provenance in page
    if rfr is not None:
        # The command line computes the same QF from the same RFR and shares.
        resultat = app.test_cli_runner().invoke(args=[
            "tarifs", "simuler", "--fichier", str(fichier), "--rfr", str(rfr), "--parts",
            str(parts), "--date", debut, "--json"])
        assert resultat.exit_code == 0, resultat.output
        assert f'"qf": "{qf}"' in resultat.output
