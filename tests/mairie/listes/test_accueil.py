"""The agents' home with the four worklists, and the lists as a whole: hostile names escaped
(securite.md I3), nothing written by reading them (I1)."""

from datetime import date

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import DemandeSuppression
from portail_famille.models import Evenement
from tests import fabriques
from tests.aides import Page
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.familles.conftest import DEBUT
from tests.mairie.listes.conftest import deposer

SCRIPT = "<script>x</script>"
LISTES = ("/mairie/justificatifs", "/mairie/inscriptions", "/mairie/suppressions",
          "/mairie/quotients-a-echeance")


def test_les_quatre_listes_et_leurs_nombres_a_zero(app, agent):
    page = Page(agent.get("/mairie/").text)
    liens = {a.get("href"): a.texte for a in page.tous("a") if a.get("href") in LISTES}
    assert liens == {"/mairie/justificatifs": "0 justificatif à vérifier",
                     "/mairie/inscriptions": "0 demande d’inscription",
                     "/mairie/suppressions": "0 demande de suppression",
                     "/mairie/quotients-a-echeance": "0 quotient familial à échéance"}


def test_les_noms_hostiles_sont_echappes_et_lire_n_ecrit_rien(app, agent):
    foyer = fabriques.creer_foyer(app, prenom=SCRIPT, nom=SCRIPT, enfants=(
        EnfantPrevu(SCRIPT, date(2018, 5, 3), nom=SCRIPT, inscriptions=(
            InscriptionPrevue("cantine", DEBUT),)),))
    piece = deposer(app, foyer.famille_id)
    with app.app_context():
        db.session.add(DemandeSuppression(famille_id=foyer.famille_id, precisions=SCRIPT))
        db.session.commit()
        demande = db.session.scalar(sa.select(DemandeSuppression.id))
    for chemin in (*LISTES, f"/mairie/justificatifs/{piece}", f"/mairie/suppressions/{demande}",
                   f"/mairie/inscriptions/{foyer.inscriptions[0]}/refus"):
        reponse = agent.get(chemin)
        assert reponse.status_code == 200, chemin
        assert SCRIPT not in reponse.text, chemin
    assert "&lt;script&gt;" in agent.get("/mairie/inscriptions").text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Evenement)) == 0
