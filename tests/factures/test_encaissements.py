"""Payments taken at the régie's counter (cheque, cash), which the invoice tells families to
use: an agent records them on the invoice, the balance and the family's « reste à payer » go
down, a mistaken entry is cancelled with its reason and stops counting; bad input changes
nothing."""

import csv
import io
import secrets
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openpyxl import load_workbook

from portail_famille.extensions import db
from portail_famille.models import Encaissement
from portail_famille.models import Evenement
from portail_famille.models import Facture
from portail_famille.models import OperationPaiement
from portail_famille.services import factures
from portail_famille.web import contexte
from tests.aides import Page

from .conftest import MAINTENANT
from .conftest import agent
from .test_pages import campagne_emise
from .test_pages import client_famille

AUJOURD_HUI = "01/12/2026"  # MAINTENANT, in Paris


def facture_emise(app, agent_id):
    martin, client, _ = campagne_emise(app, agent_id)
    with app.app_context():
        facture_id = db.session.scalars(sa.select(Facture.id)).one()
    return martin, client, f"/mairie/factures/{facture_id}", facture_id


def encaisser(client, page, montant, mode="cheque", reference="0012345", recu_le=AUJOURD_HUI,
              jeton=None):
    """The agent's form sent, with the token drawn when it was shown (a fresh one by default)."""
    return client.post(page + "/encaissement", data={
        "montant_recu": montant, "mode": mode, "reference": reference, "recu_le": recu_le,
        "jeton": jeton or secrets.token_hex(16)})


def evenements(app, type_) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Evenement.detail).where(Evenement.type == type_)))


def test_un_cheque_puis_des_especes_reglent_la_facture(app, agent_id):
    martin, client, page, facture_id = facture_emise(app, agent_id)
    assert "Enregistrer un paiement reçu au guichet" in client.get(page).text
    fait = encaisser(client, page, "5,00")
    assert fait.status_code == 303
    texte = client.get(fait.location).text
    assert "il reste 6,04\u00a0€ à payer" in texte
    assert "Chèque au guichet" in texte and "0012345" in texte
    assert evenements(app, "encaissement_regie") == ["F2026-000001 : 5.00 (cheque)"]
    famille = client_famille(app, martin.compte_id)
    vue = famille.get(f"/espace-famille/factures/{facture_id}").text
    assert "6,04" in vue and "5,00\u00a0€, chèque au guichet de la régie" in vue
    assert encaisser(client, page, "6,04", mode="especes", reference="").status_code == 303
    with app.app_context():
        assert factures.solde(martin.famille_id) == Decimal("0.00")
    vue = famille.get(f"/espace-famille/factures/{facture_id}").text
    assert "Cette facture est réglée." in vue and "Payer" not in vue
    assert "Enregistrer un paiement reçu au guichet" not in client.get(page).text


def test_le_meme_formulaire_envoye_deux_fois_enregistre_un_paiement(app, agent_id):
    martin, client, page, _ = facture_emise(app, agent_id)
    jeton = Page(client.get(page).text).par_id("jeton").attrs["value"]
    assert encaisser(client, page, "5,00", jeton=jeton).status_code == 303
    assert encaisser(client, page, "5,00", jeton=jeton).status_code == 303  # a double click
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Encaissement)) == 1
        assert factures.solde(martin.famille_id) == Decimal("6.04")
    assert len(evenements(app, "encaissement_regie")) == 1
    # A forged token is refused like any other bad field.
    assert encaisser(client, page, "1", jeton="<script>").status_code == 422


def test_saisies_refusees_en_francais_rien_n_est_enregistre(app, agent_id):
    _, client, page, _ = facture_emise(app, agent_id)
    for donnees, champ, message in (
            ({"montant": "20"}, "montant_recu", "au plus de 11,04"),
            ({"montant": "abc"}, "montant_recu", "nombre"),
            ({"montant": ""}, "montant_recu", "Indiquez le montant reçu"),
            ({"mode": ""}, "mode", "Choisissez le moyen de paiement"),
            ({"mode": "bitcoin"}, "mode", ""),
            ({"recu_le": "02/12/2026"}, "montant_recu", "dans le futur"),
            ({"recu_le": "31/02/2026"}, "recu_le", "date valide"),
            ({"reference": "x" * 41}, "reference", "40 caractères")):
        saisie = {"montant": "5", "mode": "cheque", "reference": "1", "recu_le": AUJOURD_HUI,
                  **donnees}
        reponse = encaisser(client, page, **saisie)
        assert reponse.status_code == 422, donnees
        erreur = Page(reponse.text).par_id(f"{champ}-erreur").texte
        assert message in erreur, (donnees, erreur)
        # What was typed stays in the form.
        if donnees.get("montant") == "abc":
            assert 'value="abc"' in reponse.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Encaissement)) == 0
    assert evenements(app, "encaissement_regie") == []


def test_une_saisie_erronee_est_annulee_avec_son_motif(app, agent_id):
    martin, client, page, _ = facture_emise(app, agent_id)
    encaisser(client, page, "11,04")
    with app.app_context():
        recu = db.session.scalars(sa.select(Encaissement)).one()
        assert factures.solde(martin.famille_id) == 0
    annulation = f"{page}/encaissements/{recu.id}/annulation"
    assert "Annuler un paiement reçu au guichet" in client.get(annulation).text
    refus = client.post(annulation, data={"motif": ""})
    assert refus.status_code == 422
    assert "Indiquez pourquoi" in Page(refus.text).par_id("motif-erreur").texte
    fait = client.post(annulation, data={"motif": "Chèque saisi deux fois"})
    assert fait.status_code == 303
    texte = client.get(fait.location).text
    assert "Annulé le" in texte and "Chèque saisi deux fois" in texte
    assert "Reste à payer : 11,04" in texte
    with app.app_context():
        assert factures.solde(martin.famille_id) == Decimal("11.04")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Encaissement)) == 1
    assert client.get(annulation).status_code == 404  # already cancelled
    assert client.get(f"{page}/encaissements/{recu.id + 1}/annulation").status_code == 404
    assert evenements(app, "encaissement_annule") == ["F2026-000001 : 11.04"]


def test_les_paiements_recus_pour_le_rapprochement(app, agent_id):
    martin, client, page, facture_id = facture_emise(app, agent_id)
    encaisser(client, page, "2,00", reference="=HYPERLIEN()", recu_le="30/11/2026")
    encaisser(client, page, "1,00", mode="especes", reference="R-17")
    with app.app_context():
        erreur = db.session.scalars(sa.select(Encaissement.id).where(
            Encaissement.reference == "R-17")).one()
        db.session.add(OperationPaiement(
            reference="r" * 32, id_op="idop-rapprochement", facture_id=facture_id,
            famille_id=martin.famille_id, refdet="F2026000001", exer=2026,
            montant_centimes=500, etat="payee", numauto="A1B2C3",
            termine_le=datetime(2026, 11, 30, 23, 30, tzinfo=UTC)))  # 1 December in Paris
        db.session.commit()
        campagne_id = db.session.get(Facture, facture_id).campagne_id
    client.post(f"{page}/encaissements/{erreur}/annulation", data={"motif": "Erreur de saisie"})
    adresse = f"/mairie/facturation/{campagne_id}/paiements"
    assert "paiements reçus" in client.get(f"/mairie/facturation/{campagne_id}").text
    reponse = client.get(adresse + ".csv")
    assert reponse.status_code == 200 and reponse.mimetype == "text/csv"
    rangees = list(csv.reader(io.StringIO(reponse.data.decode("utf-8-sig")), delimiter=";"))
    assert rangees[0] == ["Facture", "Dossier", "Débiteur", "Reçu le", "Moyen", "Référence",
                          "Montant"]
    assert [r[3:] for r in rangees[1:]] == [
        ["30/11/2026", "Chèque au guichet", "'=HYPERLIEN()", "2,00"],
        ["01/12/2026", "En ligne (PayFiP)", "A1B2C3", "5,00"]]
    assert {r[0] for r in rangees[1:]} == {"F2026-000001"}
    feuille = load_workbook(io.BytesIO(client.get(adresse + ".xlsx").data)).active
    assert Decimal(str(feuille.cell(3, 7).value)) == Decimal("5.00")
    assert feuille.cell(2, 4).value.date() == date(2026, 11, 30)


def test_un_paiement_ne_porte_que_sur_une_facture_emise(app, agent_id):
    _, _, _, facture_id = facture_emise(app, agent_id)
    with app.test_request_context():
        facture = db.session.get(Facture, facture_id)
        facture.numero = None  # as a draft
        with pytest.raises(factures.FacturationRefusee, match="facture émise"):
            factures.encaisser(facture, Decimal(1), "cheque", "", date(2026, 12, 1), "0" * 32,
                               agent(agent_id), MAINTENANT, contexte.calendrier())
        db.session.rollback()


def test_migration_0030_conforme_au_modele(app):
    with app.app_context(), db.engine.connect() as connexion:
        contexte = MigrationContext.configure(connexion, opts={"compare_type": True})
        differences = compare_metadata(contexte, db.metadata)
    assert [d for d in differences if "encaissement" in repr(d)] == []
