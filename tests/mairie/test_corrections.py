"""Corrections with a recorded reason (issue 10 §5): a QF set at the counter, a rate decided
outside the grid. Each keeps what it replaces, writes an audit row, and the family sees on its
pages that the town hall set it, when and why, at the price the agent's file shows."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import Evenement
from portail_famille.models import QuotientFamilial
from portail_famille.models import TarifDecide
from tests.aides import Page
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.fabriques import creer_foyer
from tests.familles.aides_tarifs import pourquoi
from tests.familles.aides_tarifs import prix_affiches
from tests.familles.aides_tarifs import verifier_contre_le_simulateur
from tests.familles.conftest import DEBUT
from tests.familles.conftest import DEBUT_SUIVANTE
from tests.familles.conftest import connecter

from .conftest import ouvrir

AUJOURD_HUI = date.today()
DANS_UN_MOIS = AUJOURD_HUI + timedelta(days=30)
FIN = DANS_UN_MOIS.isoformat()


@pytest.fixture
def foyer(app):
    return creer_foyer(
        app, prenom="Hélène", nom="LEFÈVRE",
        enfants=(EnfantPrevu("Maël", date(2016, 2, 14), nom="LEFÈVRE", inscriptions=(
            InscriptionPrevue("cantine", DEBUT, jours="lundi,jeudi", statut="validee"),)),),
        quotients=(QuotientCAF(1400),))


@pytest.fixture
def famille(app, foyer):
    """The family's own browser."""
    client = app.test_client()
    connecter(client, foyer.compte_id)
    return client


def lignes(app, modele, **filtres):
    with app.app_context():
        return list(db.session.scalars(sa.select(modele).filter_by(**filtres)
                                       .order_by(modele.id)))


def saisir_qf(client, famille_id, valeur="812,40", motif="Attestation CAF de novembre",
              expire_le=FIN, version="1"):
    return client.post(f"/mairie/familles/{famille_id}/quotient", data={
        "valeur": valeur, "motif": motif, "expire_le": expire_le, "version": version})


def decider(client, foyer, prix="0,50", motif="Décision du CCAS du 2 décembre",
            fin=FIN, version="1", service="cantine"):
    return client.post(f"/mairie/familles/{foyer.famille_id}/tarif", data={
        "enfant": str(foyer.enfants[0]), "service": service, "prix": prix, "motif": motif,
        "fin": fin, "version": version})


def test_sans_motif_de_consultation_retour_au_dossier(app, client, agent, foyer):
    for chemin in ("quotient", "tarif"):
        reponse = client.get(f"/mairie/familles/{foyer.famille_id}/{chemin}")
        assert reponse.status_code == 302
        # The file asks the reason, then comes back to the page asked for.
        assert reponse.location == (f"/mairie/familles/{foyer.famille_id}"
                                    f"?suite=/mairie/familles/{foyer.famille_id}/{chemin}")
    envoi = saisir_qf(client, foyer.famille_id)
    assert envoi.status_code == 302
    assert envoi.location == f"/mairie/familles/{foyer.famille_id}"  # a POST is not replayed
    assert lignes(app, QuotientFamilial, source="mairie") == []


def test_qf_saisi_au_guichet_historique_audit_et_vu_par_la_famille(app, client, agent, foyer,
                                                                    famille, fichier_grille):
    ouvrir(client, foyer.famille_id)
    page = client.get(f"/mairie/familles/{foyer.famille_id}/quotient")
    assert page.status_code == 200
    assert Page(page.text).par_id("version").get("value") == "1"
    reponse = saisir_qf(client, foyer.famille_id)
    assert (reponse.status_code, reponse.location) == (
        303, f"/mairie/familles/{foyer.famille_id}")

    # The CAF's record stays; the new one names the agent, the reason and the end.
    ancien, saisi = lignes(app, QuotientFamilial, famille_id=foyer.famille_id)
    assert (ancien.source, ancien.valeur) == ("caf", Decimal("1400.00"))
    assert (saisi.source, saisi.mode, saisi.fournisseur, saisi.valeur) == (
        "mairie", "saisie_mairie", "mairie", Decimal("812.40"))
    assert (saisi.valide_par_id, saisi.motif, saisi.expire_le) == (
        agent, "Attestation CAF de novembre", DANS_UN_MOIS)
    (audit,) = lignes(app, Evenement, type="quotient_saisi_mairie")
    assert (audit.compte_id, audit.famille_id, audit.detail) == (
        agent, foyer.famille_id, "Attestation CAF de novembre")
    assert "812" not in audit.detail

    quotient = famille.get("/espace-famille/quotient").text
    assert "Saisi par la mairie le " in quotient
    assert "d’après un document présenté au guichet (motif : Attestation CAF de novembre)" \
        in quotient
    mes_tarifs = famille.get("/espace-famille/tarifs").text
    verifier_contre_le_simulateur(app, fichier_grille, mes_tarifs, "812.40", {}, False,
                                  qfs={DEBUT_SUIVANTE.isoformat(): None})
    dossier = client.get(f"/mairie/familles/{foyer.famille_id}").text
    assert prix_affiches(dossier) == prix_affiches(mes_tarifs)
    assert "Attestation CAF de novembre" in dossier and "Saisi par la mairie" in dossier


def test_qf_saisi_l_emporte_sur_un_refus_anterieur(app, client, agent, foyer, famille):
    assert famille.post("/espace-famille/quotient/refus").status_code == 303
    ouvrir(client, foyer.famille_id)
    assert saisir_qf(client, foyer.famille_id, version="2").status_code == 303
    assert "812,40" in famille.get("/espace-famille/quotient").text


def test_tarif_decide_vu_par_la_famille_et_l_agent(app, client, agent, foyer, famille):
    ouvrir(client, foyer.famille_id)
    reponse = decider(client, foyer)
    assert reponse.status_code == 303, reponse.text
    (decision,) = lignes(app, TarifDecide)
    assert (decision.enfant_id, decision.service, decision.prix, decision.debut, decision.fin,
            decision.agent_id) == (foyer.enfants[0], "cantine", Decimal("0.50"), AUJOURD_HUI,
                                   DANS_UN_MOIS, agent)
    (audit,) = lignes(app, Evenement, type="tarif_decide_mairie")
    assert audit.detail == "cantine : Décision du CCAS du 2 décembre"

    mes_tarifs = famille.get("/espace-famille/tarifs").text
    maël = foyer.enfants[0]
    assert prix_affiches(mes_tarifs)[(DEBUT.isoformat(), maël, "cantine")] == Decimal("0.50")
    # The grid's price elsewhere, and in the next period, which starts after the decision ends.
    assert prix_affiches(mes_tarifs)[(DEBUT.isoformat(), maël, "garderie")] != Decimal("0.50")
    assert prix_affiches(mes_tarifs)[(DEBUT_SUIVANTE.isoformat(), maël, "cantine")] != \
        Decimal("0.50")
    etapes = pourquoi(mes_tarifs, DEBUT, maël, "cantine")
    (etape,) = [e for e in etapes if e.startswith("Décision de la mairie")]
    assert "la mairie a fixé ce tarif hors de la grille, 0,50\u00a0€ au lieu de 3,62\u00a0€" \
        in etape
    assert etape.endswith("Motif : Décision du CCAS du 2 décembre")
    assert "Tarif fixé par la mairie" in mes_tarifs
    # Price × 2 days a week × 4 weeks.
    assert "<strong class=\"estimation\">4,00\u00a0€</strong>" in mes_tarifs

    dossier = client.get(f"/mairie/familles/{foyer.famille_id}").text
    assert prix_affiches(dossier) == prix_affiches(mes_tarifs)
    assert pourquoi(dossier, DEBUT, maël, "cantine") == etapes


def test_une_decision_en_remplace_une_autre_sans_l_effacer(app, client, agent, foyer, famille):
    ouvrir(client, foyer.famille_id)
    assert decider(client, foyer, prix="0,50").status_code == 303
    assert decider(client, foyer, prix="1,10", motif="Révision du CCAS",
                   version="2").status_code == 303
    assert [d.prix for d in lignes(app, TarifDecide)] == [Decimal("0.50"), Decimal("1.10")]
    mes_tarifs = famille.get("/espace-famille/tarifs").text
    assert prix_affiches(mes_tarifs)[(DEBUT.isoformat(), foyer.enfants[0], "cantine")] == \
        Decimal("1.10")
    dossier = Page(client.get(f"/mairie/familles/{foyer.famille_id}").text)
    (section,) = [s for s in dossier.tous("section")
                  if s.get("aria-labelledby") == "titre-decisions"]
    assert [td.texte for td in section.tous("td") if td.get("data-label") == "Prix"] == [
        "1,10\u00a0€", "0,50\u00a0€"]


@pytest.mark.parametrize(("champs", "champ", "message"), [
    ({"valeur": ""}, "valeur", "Indiquez le quotient familial."),
    ({"valeur": "-3"}, "valeur", "entre 0 et 99"),
    ({"valeur": "12,345"}, "valeur", "Au plus 2 chiffres après la virgule."),
    ({"valeur": "douze"}, "valeur", "Saisissez un nombre"),
    ({"motif": ""}, "motif", "Indiquez le motif"),
    ({"motif": "---"}, "motif", "Lettres"),
    ({"expire_le": AUJOURD_HUI.isoformat()}, "expire_le", "Choisissez une date à venir."),
    ({"expire_le": (AUJOURD_HUI + timedelta(days=800)).isoformat()}, "expire_le",
     "Deux ans au plus"),
    ({"expire_le": "31/02/2027"}, "expire_le", "Indiquez une date valide"),
])
def test_qf_saisie_invalide(app, client, agent, foyer, champs, champ, message):
    ouvrir(client, foyer.famille_id)
    reponse = saisir_qf(client, foyer.famille_id, **champs)
    assert reponse.status_code == 422
    assert message in Page(reponse.text).par_id(f"{champ}-erreur").texte
    assert lignes(app, QuotientFamilial, source="mairie") == []


@pytest.mark.parametrize(("champs", "champ", "message"), [
    ({"prix": "1000"}, "prix", "entre 0 et 999,99"),
    ({"service": "piscine"}, "service", "choix"),
    ({"fin": (AUJOURD_HUI - timedelta(days=1)).isoformat()}, "fin", "Choisissez aujourd’hui"),
])
def test_tarif_saisie_invalide(app, client, agent, foyer, champs, champ, message):
    ouvrir(client, foyer.famille_id)
    reponse = decider(client, foyer, **champs)
    assert reponse.status_code == 422
    assert message in Page(reponse.text).par_id(f"{champ}-erreur").texte
    assert lignes(app, TarifDecide) == []


def test_l_enfant_d_un_autre_foyer_est_refuse(app, client, agent, foyer):
    autre = creer_foyer(app, prenom="Zoé", enfants=(EnfantPrevu("Zébulon", date(2017, 1, 1)),))
    ouvrir(client, foyer.famille_id)
    reponse = client.post(f"/mairie/familles/{foyer.famille_id}/tarif", data={
        "enfant": str(autre.enfants[0]), "service": "cantine", "prix": "1", "version": "1",
        "motif": "Décision du CCAS", "fin": DANS_UN_MOIS.isoformat()})
    assert reponse.status_code == 422
    assert Page(reponse.text).par_id("enfant-erreur").texte
    assert lignes(app, TarifDecide) == []


TEXTES = st.one_of(st.sampled_from(["", " ", "0", "-1", "1,5", "812,40", "1e9", "NaN",
                                    "99999999999999999999", "31/02/2027", "\x00", "<b>",
                                    DANS_UN_MOIS.isoformat(), "cantine", "x" * 600]),
                   st.text(st.characters(exclude_categories=("Cs",)), max_size=60))


@pytest.mark.parametrize("formulaire", ["quotient", "tarif"])
def test_hypothese_jamais_de_500_rien_d_ecrit_sans_303(app, client, agent, foyer, formulaire):
    ouvrir(client, foyer.famille_id)
    champs = ["valeur", "motif", "expire_le", "version"] if formulaire == "quotient" else \
        ["enfant", "service", "prix", "motif", "fin", "version"]

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(donnees=st.fixed_dictionaries({c: TEXTES for c in champs}))
    def poster(donnees):
        avant = len(lignes(app, QuotientFamilial)), len(lignes(app, TarifDecide))
        reponse = client.post(f"/mairie/familles/{foyer.famille_id}/{formulaire}",
                              data=donnees)
        assert reponse.status_code in (303, 400, 409, 422), reponse.status_code
        if reponse.status_code == 422:
            assert "Le formulaire contient" in reponse.text
            assert 'class="champ__erreur"' in reponse.text
        if reponse.status_code != 303:
            assert (len(lignes(app, QuotientFamilial)), len(lignes(app, TarifDecide))) == avant

    poster()


def test_titres_des_pages_de_correction(app, client, agent, foyer):
    ouvrir(client, foyer.famille_id)
    numero = f"F-{foyer.famille_id:06d}"
    titres = {chemin: Page(client.get(f"/mairie/familles/{foyer.famille_id}/{chemin}").text)
              .tous("title")[0].texte for chemin in ("quotient", "tarif")}
    assert titres["quotient"].startswith(f"Saisir le quotient familial – Dossier {numero} – ")
    assert titres["tarif"].startswith(f"Appliquer un tarif décidé hors de la grille – Dossier "
                                      f"{numero}")
    erreur = Page(saisir_qf(client, foyer.famille_id, valeur="").text).tous("title")[0].texte
    assert erreur.startswith("Erreur – Saisir le quotient familial")
