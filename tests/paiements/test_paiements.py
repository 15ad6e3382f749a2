"""Paying an invoice through PayFiP end to end, on the portal served over loopback with its
simulator (issue 13 point 6): the idOp recorded before the redirect, the detail call deciding,
one payment however many notifications, amounts never taken from a request, the return page
telling the truth when the notification is late, and the poll job ending pending operations."""

import threading
from datetime import date
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from portail_famille.bac_a_sable import limites
from portail_famille.bac_a_sable import simulateur_payfip
from portail_famille.extensions import db
from portail_famille.models import Evenement
from portail_famille.models import OperationPaiement
from portail_famille.models import maintenant
from portail_famille.services import lecture_journal
from portail_famille.services import paiements
from portail_famille.travaux import envoyer
from portail_famille.travaux import suivi_des_paiements
from tests.aides import planter_session
from tests.fabriques import creer_facture
from tests.fabriques import creer_foyer
from tests.paiements.conftest import PAGE
from tests.paiements.conftest import choisir
from tests.paiements.conftest import id_op_de
from tests.paiements.conftest import payfip

COURRIEL = "parent.martin@exemple.fr"


@pytest.fixture
def foyer(portail):
    return creer_foyer(portail)


@pytest.fixture
def facture(portail, foyer) -> int:
    return creer_facture(portail, foyer.famille_id, numero="F2026-000012")


@pytest.fixture
def autre_facture(portail, foyer) -> int:
    return creer_facture(portail, foyer.famille_id, numero="F2026-000013",
                         mois=date(2026, 11, 1))


@pytest.fixture
def recues(monkeypatch):
    """The operations the invoice side is told about, as its hook would be."""
    vues = []
    monkeypatch.setattr(paiements, "_A_LA_RECEPTION", [lambda op: vues.append(op.id_op)])
    return vues


def demarrer(app, famille_id, facture_id, *, montant=Decimal("42.50"),
             refdet="F2026000012", client="defaut", objet="Facture n° 12 – novembre 2026"):
    with app.app_context():
        url = paiements.demarrer_paiement(
            payfip(app) if client == "defaut" else client, app.extensions["portail"].portail_url,
            facture_id=facture_id, famille_id=famille_id, refdet=refdet, exer=2026,
            montant=montant, courriel=COURRIEL, objet=objet)
        db.session.commit()
    return url


def operation(app, id_op) -> OperationPaiement:
    with app.app_context():
        trouvee = db.session.scalars(
            sa.select(OperationPaiement).where(OperationPaiement.id_op == id_op)).one()
        db.session.expunge(trouvee)
        return trouvee


def evenements(app, type_) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Evenement.detail).where(Evenement.type == type_)))


def notifier(app, **donnees) -> requests.Response:
    return requests.post(app.extensions["portail"].portail_url + paiements.CHEMIN_NOTIFICATION,
                         data=donnees, timeout=20)


def page_de_la_famille(app, foyer, reference):
    client = app.test_client()
    planter_session(client, foyer.compte_id, "famille")
    retour = client.get(paiements.adresse_de_retour("", reference))
    assert retour.status_code == 303
    return client.get(urlsplit(retour.location).path)


def suivre(app, plus_tard: int = 0) -> dict:
    """The poll job of the five minutes `plus_tard` slots from now, run at once (no Redis)."""
    with app.app_context():
        tache = suivi_des_paiements.tache_du_moment(maintenant() + timedelta(minutes=5 * plus_tard))
        db.session.commit()
        envoyer(tache)
        db.session.refresh(tache)
        assert tache.etat == "terminee"
        return suivi_des_paiements.travaux.rapport(tache)


def test_paiement_par_carte_de_bout_en_bout(portail, foyer, facture, autre_facture, recues,
                                            caplog):
    url = demarrer(portail, foyer.famille_id, facture)
    id_op = id_op_de(url)
    avant = operation(portail, id_op)

    reponse = choisir(portail, id_op, "carte")
    apres = operation(portail, id_op)
    page = page_de_la_famille(portail, foyer, apres.reference)

    # Recorded before the browser left, with what the portal asked.
    assert urlsplit(url).path == PAGE
    assert (avant.etat, avant.facture_id, avant.famille_id, avant.refdet, avant.exer,
            avant.montant_centimes) == ("en_attente", facture, foyer.famille_id, "F2026000012",
                                        2026, 4250)
    # The simulator notified the portal before sending the browser back.
    assert reponse.status_code == 303
    assert (apres.etat, apres.resultrans) == ("payee", "P") and apres.numauto
    assert recues == [id_op]
    with portail.app_context():
        assert paiements.montant_paye(facture) == Decimal("42.50")
        assert paiements.montant_paye(autre_facture) == Decimal("0.00")
    assert page.status_code == 200 and "<h1>Paiement reçu</h1>" in page.text
    assert "42,50" in page.text and "par carte" in page.text
    assert f'<a href="/espace-famille/factures/{facture}">Revoir la facture F2026-000012</a>' \
        in page.text
    assert len(evenements(portail, "paiement_recu")) == 1
    assert len(evenements(portail, "paiement_demarre")) == 1
    assert COURRIEL not in caplog.text
    assert all(COURRIEL not in d for d in evenements(portail, "paiement_recu"))


@pytest.mark.parametrize(("choix", "etat", "titre", "evenement"), [
    ("prelevement", "payee", "Paiement reçu", "paiement_recu"),
    ("refus", "refusee", "Paiement refusé", "paiement_refuse"),
    ("annulation", "annulee", "Paiement annulé", "paiement_annule")])
def test_autres_issues(portail, foyer, facture, recues, choix, etat, titre, evenement):
    id_op = id_op_de(demarrer(portail, foyer.famille_id, facture))
    choisir(portail, id_op, choix)
    trouvee = operation(portail, id_op)
    page = page_de_la_famille(portail, foyer, trouvee.reference)
    assert trouvee.etat == etat
    assert f"<h1>{titre}</h1>" in page.text
    assert len(evenements(portail, evenement)) == 1
    assert recues == ([id_op] if etat == "payee" else [])


def test_deux_notifications_un_seul_paiement(portail, foyer, facture, recues, monkeypatch):
    id_op = id_op_de(demarrer(portail, foyer.famille_id, facture))
    choisir(portail, id_op, "retard")
    # The simulator's own notification is lost: only the concurrent ones below arrive.
    monkeypatch.setattr(simulateur_payfip, "_notifier", lambda *a: None)
    with portail.app_context():
        simulateur_payfip.liberer_notification(id_op)

    reponses = []
    fils = [threading.Thread(target=lambda: reponses.append(notifier(portail, idop=id_op)))
            for _ in range(4)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    reponses.append(notifier(portail, idop=id_op))

    assert [r.status_code for r in reponses] == [200] * 5
    assert operation(portail, id_op).etat == "payee"
    assert recues == [id_op]
    assert len(evenements(portail, "paiement_recu")) == 1


def test_notification_en_retard_la_page_dit_en_cours_puis_le_suivi_conclut(
        portail, foyer, facture, recues, monkeypatch):
    id_op = id_op_de(demarrer(portail, foyer.famille_id, facture))
    choisir(portail, id_op, "retard")
    reference = operation(portail, id_op).reference

    en_cours = page_de_la_famille(portail, foyer, reference)
    premier_suivi = suivre(portail)
    monkeypatch.setattr(simulateur_payfip, "_notifier", lambda *a: None)  # lost for good
    with portail.app_context():
        simulateur_payfip.liberer_notification(id_op)
    meme_creneau = suivre(portail)
    second_suivi = suivre(portail, plus_tard=1)
    confirme = page_de_la_famille(portail, foyer, reference)

    assert "<h1>Paiement en cours de confirmation</h1>" in en_cours.text
    assert "Ne payez pas une seconde fois" in en_cours.text
    assert premier_suivi["en_attente"] == 1
    assert meme_creneau == premier_suivi  # one poll per five minutes, whoever asks
    assert second_suivi == {"payee": 1, "refusee": 0, "annulee": 0, "en_attente": 0}
    assert "<h1>Paiement reçu</h1>" in confirme.text
    assert recues == [id_op]


def test_montant_discordant_refuse_et_journalise(portail, foyer, facture, recues):
    id_op = id_op_de(demarrer(portail, foyer.famille_id, facture))
    # A request that claims another amount and outcome is not read.
    notifier(portail, idop=id_op, montant="100", resultrans="P")
    assert operation(portail, id_op).etat == "en_attente"
    # PayFiP's detail now says another amount than the one asked.
    with portail.app_context():
        cle = simulateur_payfip._cle(id_op)
        valeur, reste = limites.retrouver(cle)
        limites.conserver(cle, valeur.replace('"montant": "4250"', '"montant": "100"'), reste)

    choisir(portail, id_op, "carte")

    trouvee = operation(portail, id_op)
    assert trouvee.etat == "refusee"
    assert recues == []
    assert evenements(portail, "paiement_recu") == []
    [detail] = evenements(portail, "paiement_discordant")
    assert "montant (attendu 4250, reçu 100)" in detail
    with portail.app_context():
        assert paiements.montant_paye(facture) == Decimal("0.00")


def test_le_suivi_conclut_les_operations_abandonnees_ou_purgees(portail, foyer, facture,
                                                                autre_facture):
    abandonnee = id_op_de(demarrer(portail, foyer.famille_id, facture))
    with portail.app_context():
        db.session.execute(sa.update(OperationPaiement).values(
            cree_le=maintenant() - timedelta(hours=3)))
        db.session.add(OperationPaiement(
            reference="f" * 32, id_op="purgee-cette-nuit", facture_id=autre_facture,
            famille_id=foyer.famille_id, refdet="F2026000013", exer=2026,
            montant_centimes=1000))
        db.session.commit()

    rapport = suivre(portail)

    assert rapport == {"payee": 0, "refusee": 0, "annulee": 2, "en_attente": 0}
    assert operation(portail, abandonnee).etat == "annulee"
    assert len(evenements(portail, "paiement_expire")) == 1
    assert len(evenements(portail, "paiement_introuvable")) == 1


@pytest.mark.parametrize(("reglages", "message", "champ"), [
    ({"montant": Decimal("0.99")}, "de 1,00 € à 100 000,00 €", "montant"),
    ({"montant": Decimal("100000.01")}, "de 1,00 € à 100 000,00 €", "montant"),
    ({"montant": 42.5}, "Le montant à payer est invalide.", "montant"),
    ({"montant": Decimal("NaN")}, "Le montant à payer est invalide.", "montant"),
    ({"refdet": "F-2026-12"}, "1 à 30 lettres", "refdet"),
    ({"client": None}, "n’est pas proposé par la commune", None),
])
def test_demande_refusee_en_francais_rien_n_est_enregistre(portail, foyer, facture, reglages,
                                                            message, champ):
    with pytest.raises(paiements.PaiementImpossible) as refus:
        demarrer(portail, foyer.famille_id, facture, **reglages)
    assert message in str(refus.value)
    assert refus.value.champ == champ
    with portail.app_context():
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OperationPaiement)) == 0


def test_objet_ramene_a_l_alphabet_de_payfip():
    assert paiements.objet_payfip("Facture n° 2026-0012 – cantine d’été") == \
        "Facture n 2026 0012 cantine d ete"
    assert len(paiements.objet_payfip("é" * 300)) == 100


def test_pas_de_second_paiement_d_une_facture_payee_ou_en_cours(portail, foyer, facture,
                                                                 autre_facture):
    premier = id_op_de(demarrer(portail, foyer.famille_id, facture))
    with pytest.raises(paiements.PaiementImpossible, match="en cours de confirmation"):
        demarrer(portail, foyer.famille_id, facture)
    choisir(portail, premier, "carte")
    with pytest.raises(paiements.PaiementImpossible, match="déjà payée"):
        demarrer(portail, foyer.famille_id, facture)
    # Another invoice is payable.
    assert demarrer(portail, foyer.famille_id, autre_facture)


def test_payfip_injoignable(portail, foyer, facture, caplog):
    from portail_famille.connecteurs.payfip import ClientPayFiP

    ferme = ClientPayFiP("http://127.0.0.1:9/tpa", "123456", "T", attendre=lambda _: None)
    with pytest.raises(paiements.PaiementImpossible, match="ne répond pas"):
        demarrer(portail, foyer.famille_id, facture, client=ferme)
    assert f"paiement de la facture {facture} impossible : APIInjoignable" in caplog.text


def test_notification_d_un_idop_inconnu_ou_mal_forme(portail):
    for donnees in ({"idop": "jamais-vu"}, {"idop": "<script>"}, {}):
        reponse = notifier(portail, **donnees)
        assert (reponse.status_code, reponse.text) == (200, "OK")


def test_la_page_d_un_paiement_n_est_qu_a_son_foyer(portail, foyer, facture):
    id_op = id_op_de(demarrer(portail, foyer.famille_id, facture))
    reference = operation(portail, id_op).reference
    autre = creer_foyer(portail)
    client = portail.test_client()
    planter_session(client, autre.compte_id, "famille")
    assert client.get(f"/espace-famille/paiements/{reference}").status_code == 404


def test_les_adresses_donnees_a_payfip_sont_celles_des_routes(portail):
    adaptateur = portail.url_map.bind("portail.exemple")
    assert adaptateur.match(paiements.CHEMIN_NOTIFICATION, method="POST")[0] == \
        "public.notification_payfip"
    assert adaptateur.match(paiements.adresse_de_retour("", "ab12"), method="GET") == (
        "public.retour_payfip", {"reference": "ab12"})
    assert adaptateur.match(paiements.adresse_de_retour("", "ab12"), method="POST")[0] == \
        "public.retour_payfip"


def test_deux_tentatives_payees_la_regie_est_prevenue(portail, foyer, facture, recues):
    premiere = id_op_de(demarrer(portail, foyer.famille_id, facture))
    choisir(portail, premiere, "retard")
    # Its idOp is no longer valid: the household may try again.
    with portail.app_context():
        db.session.execute(sa.update(OperationPaiement).values(
            cree_le=maintenant() - timedelta(minutes=20)))
        db.session.commit()
    seconde = id_op_de(demarrer(portail, foyer.famille_id, facture))
    choisir(portail, seconde, "carte")
    with portail.app_context():
        simulateur_payfip.liberer_notification(premiere)

    assert recues == [seconde, premiere]
    [detail] = evenements(portail, "paiement_en_double")
    assert premiere in detail
    with portail.app_context():
        assert paiements.montant_paye(facture) == Decimal("85.00")


def test_chaque_evenement_des_paiements_a_son_libelle():
    types = {"paiement_demarre", "paiement_expire", "paiement_introuvable",
             "paiement_discordant", "paiement_en_double",
             *paiements._EVENEMENT_PAR_ETAT.values()}
    assert sorted(types - lecture_journal.LIBELLES.keys()) == []
