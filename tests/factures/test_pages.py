"""The campaign run from the agents' pages, the finance docket (CSV and XLSX), « Mes factures »
and the PDF; another household's invoice is a 404; bad input is a French message."""

import csv
import io
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from portail_famille.domaine import francais
from portail_famille.extensions import db
from portail_famille.models import Avoir
from portail_famille.models import Facture
from portail_famille.models import ListePointage
from portail_famille.models import OperationPaiement
from tests.aides import Page
from tests.aides import est_un_document
from tests.aides import planter_session
from tests.aides import texte_de
from tests.fabriques import AvoirPrevu
from tests.fabriques import EncaissementPrevu
from tests.fabriques import PaiementPrevu
from tests.fabriques import creer_facture
from tests.fabriques import creer_foyer

from .conftest import foyer
from .conftest import jours_de_classe
from .conftest import pointer
from .conftest import reserver


def client_agent(app, agent_id, dossiers=()):
    client = app.test_client()
    planter_session(client, agent_id, "agent")
    with client.session_transaction() as session:
        # The reason to open each household's file (securite.md A5), given earlier.
        session["dossiers_ouverts"] = {str(f): "guichet" for f in dossiers}
    return client


def client_famille(app, compte_id):
    client = app.test_client()
    planter_session(client, compte_id, "famille")
    return client


def campagne_emise(app, agent_id):
    martin = foyer(app)
    jours = jours_de_classe(app)
    reserver(app, martin.inscriptions[0], jours[:4])
    pointer(app, martin.enfants[0], {jours[0]: "present"})
    client = client_agent(app, agent_id, [martin.famille_id])
    reponse = client.post("/mairie/facturation", data={"mois": "2026-11"})
    assert reponse.status_code == 303
    page = client.get(reponse.location)
    assert page.status_code == 200
    assert "Brouillon" in page.text and "11,04" in page.text
    emission = client.post(reponse.location + "/emission")
    assert emission.status_code == 303
    assert "1 facture émise" in client.get(emission.location).text
    return martin, client, reponse.location


def test_l_agent_calcule_verifie_emet_puis_rien_de_nouveau(app, agent_id):
    _, client, adresse = campagne_emise(app, agent_id)
    assert "déjà émise" in client.get(client.post(adresse + "/emission").location).text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Facture)) == 1
        assert db.session.scalars(sa.select(ListePointage.verrouille)).all() == [True]
    refus = client.post("/mairie/facturation", data={"mois": "2026-11"})
    assert refus.status_code == 422 and "déjà facturé" in refus.text


def test_mois_invalide_message_en_francais(app, agent_id):
    client = client_agent(app, agent_id)
    for saisie in ("", "2026-13", "novembre", "9999-99", "2026-11' OR 1=1"):
        reponse = client.post("/mairie/facturation", data={"mois": saisie})
        assert reponse.status_code == 422
        erreur = Page(reponse.text).par_id("mois-erreur").texte
        assert "mois" in erreur.lower()
    pas_fini = client.post("/mairie/facturation", data={"mois": "2026-12"})
    assert pas_fini.status_code == 422
    assert "Le mois de décembre 2026 n’est pas terminé" in pas_fini.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Facture)) == 0


def test_bordereau_csv_et_xlsx(app, agent_id):
    _, client, adresse = campagne_emise(app, agent_id)
    reponse = client.get(adresse + "/bordereau.csv")
    assert reponse.status_code == 200 and reponse.mimetype == "text/csv"
    assert reponse.data.startswith("\ufeff".encode())
    rangees = list(csv.reader(io.StringIO(reponse.data.decode("utf-8-sig")), delimiter=";"))
    assert rangees[0][0] == "Numéro"
    assert rangees[1][0] == "F2026-000001" and rangees[1][-1] == "11,04"
    assert rangees[1][3] == "11/2026"
    classeur = client.get(adresse + "/bordereau.xlsx")
    assert classeur.status_code == 200
    feuille = load_workbook(io.BytesIO(classeur.data)).active
    assert feuille.cell(2, 1).value == "F2026-000001"
    assert Decimal(str(feuille.cell(2, 9).value)) == Decimal("11.04")


def test_avoir_depuis_la_page_et_solde(app, agent_id):
    _, client, _ = campagne_emise(app, agent_id)
    with app.app_context():
        facture_id = db.session.scalars(sa.select(Facture.id)).one()
    page = f"/mairie/factures/{facture_id}"
    assert "Solde du foyer" in client.get(page).text
    for montant, motif in (("abc", "Repas non servi"), ("20", "Repas non servi"),
                           ("1", "")):
        refus = client.post(page + "/avoir", data={"montant": montant, "motif": motif})
        assert refus.status_code == 422
    fait = client.post(page + "/avoir", data={"montant": "2,76", "motif": "Repas non servi"})
    assert fait.status_code == 303
    texte = client.get(page).text
    assert "A2026-000001" in texte and "8,28" in texte


def texte_pdf(reponse) -> str:
    assert reponse.status_code == 200 and est_un_document(reponse)
    return texte_de(reponse)


def test_l_avoir_se_telecharge_en_pdf_chez_la_famille_et_a_la_mairie(app, agent_id):
    martin, agent, _ = campagne_emise(app, agent_id)
    with app.app_context():
        facture_id = db.session.scalars(sa.select(Facture.id)).one()
    agent.post(f"/mairie/factures/{facture_id}/avoir",
               data={"montant": "2,76", "motif": "Repas non servi le 3 novembre"})
    with app.app_context():
        avoir = db.session.scalars(sa.select(Avoir)).one()
        avoir_id, emis_le = avoir.id, francais.date_courte(
            avoir.emis_le.astimezone(francais.PARIS).date())
    famille = client_famille(app, martin.compte_id)
    chemin = f"/factures/{facture_id}/avoirs/{avoir_id}/pdf"
    for client, page, prefixe in ((famille, f"/espace-famille/factures/{facture_id}",
                                   "/espace-famille"),
                                  (agent, f"/mairie/factures/{facture_id}", "/mairie")):
        lien = Page(client.get(page).text).tous("a", href=prefixe + chemin)
        assert [a.texte for a in lien] == ["télécharger l’avoir A2026-000001 en PDF"]
        reponse = client.get(prefixe + chemin)
        assert 'filename="avoir-A2026-000001.pdf"' in reponse.headers["Content-Disposition"]
        texte = texte_pdf(reponse)
        for attendu in ("Commune de Lyon", "Avoir n° A2026-000001", f"Émis le {emis_le}",
                        "Sur la facture n° F2026-000001 des services de novembre 2026",
                        "Repas non servi le 3 novembre", "Montant de l'avoir 2,76\u00a0EUR",
                        "MARTIN"):
            assert attendu in texte, (prefixe, attendu)
    # Another household's credit note, even under the family's own invoice, is not found.
    bernard = foyer(app, nom="BERNARD")
    autre_facture = creer_facture(app, bernard.famille_id, numero="F2026-000002",
                                  avoir=AvoirPrevu())
    with app.app_context():
        autre_avoir = db.session.scalar(sa.select(Avoir.id).where(
            Avoir.facture_id == autre_facture))
    for url in (f"/espace-famille/factures/{facture_id}/avoirs/{autre_avoir}/pdf",
                f"/espace-famille/factures/{autre_facture}/avoirs/{autre_avoir}/pdf",
                f"/mairie/factures/{facture_id}/avoirs/{autre_avoir}/pdf"):
        assert (agent if url.startswith("/mairie") else famille).get(url).status_code == 404
    # The agent gives a reason before opening the household's file (A5), PDF included.
    sans_motif = client_agent(app, agent_id)
    assert sans_motif.get(f"/mairie{chemin}").status_code == 302


def test_la_famille_voit_et_telecharge_ses_factures_seulement(app, agent_id):
    martin, _, _ = campagne_emise(app, agent_id)
    with app.app_context():
        facture_id = db.session.scalars(sa.select(Facture.id)).one()
    client = client_famille(app, martin.compte_id)
    liste = client.get("/espace-famille/factures")
    assert liste.status_code == 200
    assert "F2026-000001" in liste.text and "11,04" in liste.text
    assert client.get(f"/espace-famille/factures/{facture_id}").status_code == 200
    pdf = client.get(f"/espace-famille/factures/{facture_id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    texte = texte_de(pdf)
    for attendu in ("Commune de Lyon", "Facture n° F2026-000001", "Total à payer",
                    "Comment payer", "11,04", "Hôtel de ville"):
        assert attendu in texte, attendu
    autre = foyer(app, nom="BERNARD")
    intrus = client_famille(app, autre.compte_id)
    assert intrus.get(f"/espace-famille/factures/{facture_id}").status_code == 404
    assert intrus.get(f"/espace-famille/factures/{facture_id}/pdf").status_code == 404
    assert "F2026-000001" not in intrus.get("/espace-famille/factures").text


@pytest.mark.parametrize(("paiement", "avoir", "attendu"), [
    (None, None, "Solde à payer : 2,76\u00a0€"),
    (PaiementPrevu(), None, "Solde à payer : 0,00\u00a0€ : vous n’avez rien à payer."),
    # The credit note came after the payment: the régie owes the household.
    (PaiementPrevu(), AvoirPrevu(montant="1.00"),
     "Vous n’avez rien à payer : vous avez versé 1,00\u00a0€ de plus que vos factures"),
], ids=["due", "payee", "trop_percu"])
def test_le_solde_dit_ce_que_la_famille_doit_ou_ce_qu_on_lui_rend(app, paiement, avoir, attendu):
    martin = creer_foyer(app)
    creer_facture(app, martin.famille_id, paiement=paiement, avoir=avoir)
    page = Page(client_famille(app, martin.compte_id).get("/espace-famille/factures").text)
    assert [p.texte for p in page.tous("p") if p.texte.startswith(attendu)], attendu


def test_l_agent_donne_un_motif_avant_d_ouvrir_une_facture(app, agent_id):
    martin, _, _ = campagne_emise(app, agent_id)
    with app.app_context():
        facture_id = db.session.scalars(sa.select(Facture.id)).one()
    sans_motif = client_agent(app, agent_id)
    reponse = sans_motif.get(f"/mairie/factures/{facture_id}")
    assert reponse.status_code == 302
    assert reponse.location.startswith(f"/mairie/familles/{martin.famille_id}?")
    # The reason given, the agent is back on the invoice asked for; never another site.
    ouvert = sans_motif.post(reponse.location, data={"motif": "facturation"})
    assert ouvert.status_code == 303
    assert ouvert.location == f"/mairie/factures/{facture_id}"
    autre = client_agent(app, agent_id)
    detour = autre.post(f"/mairie/familles/{martin.famille_id}?suite=//ailleurs.test/",
                        data={"motif": "facturation"})
    assert detour.location == f"/mairie/familles/{martin.famille_id}"


SAISIES = st.one_of(st.sampled_from(["", " ", "2026-11", "2026-00", "0000-01", "2026-1",
                                     "1,5", "2,76", "-1", "1e999", "NaN", "99999999999",
                                     "\x00", "a\x00b", "<script>", "x" * 600, "🙂"]),
                    st.text(max_size=60))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mois=SAISIES, montant=SAISIES, motif=SAISIES)
def test_saisies_au_hasard_jamais_de_500(app, agent_id, mois, montant, motif):
    with app.app_context():
        emise = db.session.scalars(sa.select(Facture).where(Facture.numero.is_not(None))).first()
        facture_id, famille_id = (emise.id, emise.famille_id) if emise else (None, None)
    if facture_id is None:  # the first example issues November, the next ones reuse it
        martin, _, _ = campagne_emise(app, agent_id)
        with app.app_context():
            facture_id = db.session.scalar(sa.select(Facture.id))
        famille_id = martin.famille_id
    client = client_agent(app, agent_id, [famille_id])
    # 400: a control character, refused before any form (securite_http).
    assert client.post("/mairie/facturation", data={"mois": mois}).status_code in (303, 400,
                                                                                   422)
    reponse = client.post(f"/mairie/factures/{facture_id}/avoir",
                          data={"montant": montant, "motif": motif})
    assert reponse.status_code in (303, 400, 422)


def test_la_fiche_du_foyer_montre_ses_factures_et_son_solde(app, agent_id):
    martin, client, _ = campagne_emise(app, agent_id)
    page = client.get(f"/mairie/familles/{martin.famille_id}").text
    texte = page[page.index('id="titre-factures"'):]
    assert "F2026-000001" in texte and "11,04" in texte
    assert "Aucun paiement en ligne." in texte


def test_la_fiche_du_foyer_liste_ses_paiements_en_ligne(app, agent_id):
    martin = creer_foyer(app)
    payee = creer_facture(app, martin.famille_id, paiement=PaiementPrevu(
        termine_le=datetime(2026, 11, 20, 9, 30, tzinfo=UTC)))
    creer_facture(app, martin.famille_id, numero="F2026-000002", mois=date(2026, 11, 1),
                  paiement=PaiementPrevu(etat="refusee"))
    with app.app_context():
        db.session.execute(sa.update(OperationPaiement).where(
            OperationPaiement.facture_id == payee).values(numauto="654321"))
        db.session.commit()
    page = Page(client_agent(app, agent_id, [martin.famille_id]).get(
        f"/mairie/familles/{martin.famille_id}").text)
    [tableau] = page.tous("table", aria_labelledby="titre-paiements")
    lignes = [[td.texte for td in tr.tous("td")] for tr in tableau.tous("tr")[1:]]
    # Both attempts, the latest first; the paid one with its date and PayFiP's references.
    assert lignes[1] == ["20 novembre 2026 à 10:30", "F2026-000001", "2,76\u00a0€", "Payé",
                         "idop-F2026000001", "654321"]
    assert lignes[0][1:5] == ["F2026-000002", "2,76\u00a0€", "Refusé", "idop-F2026000002"]
    [factures] = page.tous("section", aria_labelledby="titre-factures")
    assert "Solde du foyer : 2,76\u00a0€ (factures émises, moins les avoirs et les paiements " \
        "reçus en ligne ou au guichet)." in factures.texte
    assert "Aucun paiement reçu au guichet." in factures.texte


def test_la_fiche_du_foyer_liste_ses_paiements_au_guichet(app, agent_id):
    martin = creer_foyer(app)
    creer_facture(app, martin.famille_id, encaissement=EncaissementPrevu(
        montant="2.00", reference="0012345", recu_le=date(2026, 11, 20)))
    page = Page(client_agent(app, agent_id, [martin.famille_id]).get(
        f"/mairie/familles/{martin.famille_id}").text)
    [tableau] = page.tous("table", aria_labelledby="titre-encaissements")
    assert [[td.texte for td in tr.tous("td")] for tr in tableau.tous("tr")[1:]] == [
        ["20 novembre 2026", "F2026-000001", "2,00\u00a0€", "Chèque", "0012345", "Compté"]]
    [factures] = page.tous("section", aria_labelledby="titre-factures")
    assert "Solde du foyer : 0,76" in factures.texte
