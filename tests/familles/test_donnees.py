"""« Mes données »: the export covers every table linked to a household, driven by the schema
(G2), with the agents' consultations, and nothing of other households or of secrets."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import ContestationResidence
from portail_famille.models import Courriel
from portail_famille.models import DemandeSuppression
from portail_famille.models import Evenement
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import Renouvellement
from portail_famille.models import Reservation
from portail_famille.models import SecondAdulte
from portail_famille.models import Tache
from portail_famille.models import TarifDecide
from portail_famille.services import donnees
from tests.fabriques import AvoirPrevu
from tests.fabriques import EncaissementPrevu
from tests.fabriques import LignePrevue
from tests.fabriques import PaiementPrevu
from tests.fabriques import ajouter_enfant
from tests.fabriques import ajouter_qf_caf
from tests.fabriques import ajouter_qf_dgfip
from tests.fabriques import consigner_consultation
from tests.fabriques import creer_facture
from tests.fabriques import creer_famille
from tests.fabriques import famille_de
from tests.familles.conftest import JOUR_DE_CLASSE

from .conftest import DEBUT

CONTENU_PDF = b"%PDF-1.7 contenu secret du justificatif"


def test_g2_chaque_table_liee_est_decrite_ou_exclue(app):
    assert donnees.tables_non_couvertes(db.metadata) == set()
    liees = donnees.tables_liees(db.metadata)
    for attendue in ("famille", "compte", "second_adulte", "enfant", "inscription",
                     "historique_inscription", "quotient_familial", "justificatif", "evenement",
                     "demande_suppression", "session_serveur"):
        assert attendue in liees


def test_g2_une_nouvelle_table_liee_fait_echouer_la_verification(app):
    """A table linked through a child (two hops from `famille`) is noticed until covered."""
    copie = sa.MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(copie)
    sa.Table("allergie", copie, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("enfant_id", sa.ForeignKey("enfant.id")))
    sa.Table("sans_lien", copie, sa.Column("id", sa.Integer, primary_key=True))
    assert donnees.tables_non_couvertes(copie) == {"allergie"}


def remplir_un_foyer(app, client, famille_id: int, compte_id: int) -> int:
    """A row in every table linked to a household; returns the agent's account id."""
    enfant = ajouter_enfant(app, famille_id, "Léo", date(2016, 5, 3))
    ajouter_qf_caf(app, famille_id, 1120)
    ajouter_qf_dgfip(app, famille_id, 37760, "2.5", "1258.67")
    client.post("/espace-famille/inscriptions/nouvelle", data={
        "enfants": [enfant], "service": f"{DEBUT.isoformat()}:cantine", "jours": ["lundi"],
        "date_debut": JOUR_DE_CLASSE.isoformat()})
    client.post("/espace-famille/foyer/second-adulte", data={"prenoms": "Thomas", "nom": "RO"})
    client.post("/espace-famille/donnees/suppression", data={"confirmation": "y",
                                                             "precisions": "Nous déménageons."})
    with app.app_context():
        agent = Compte(role="agent", identifiant="agent.durand", nom_naissance="DURAND")
        db.session.add(agent)
        db.session.flush()
        db.session.add(ContestationResidence(famille_id=famille_id, compte_id=compte_id,
                                             message="Nous habitons la commune."))
        db.session.add(Justificatif(famille_id=famille_id, nature="avis_impot",
                                    type_mime="application/pdf", taille=len(CONTENU_PDF),
                                    contenu=CONTENU_PDF, statut="valide", traite_par_id=agent.id,
                                    traite_le=datetime.now(UTC)))
        db.session.add(Courriel(famille_id=famille_id, nature="qf_expire", cle="essai",
                                destinataire="famille@example.org", sujet="Sujet",
                                texte="Texte", html="<p>Texte</p>"))
        campagne = Tache(nature="renouvellement")
        db.session.add(campagne)
        db.session.flush()
        db.session.add(Renouvellement(tache_id=campagne.id, famille_id=famille_id,
                                      etat="renouvele"))
        inscription_id = db.session.scalar(sa.select(Inscription.id).where(
            Inscription.enfant_id == enfant))
        db.session.add(Reservation(inscription_id=inscription_id, jour=JOUR_DE_CLASSE,
                                   origine="famille", modifie_par_id=compte_id))
        liste = ListePointage(ecole="École Jean-Macé", service="cantine", jour=JOUR_DE_CLASSE)
        db.session.add(liste)
        db.session.flush()
        db.session.add(Pointage(liste_id=liste.id, enfant_id=enfant, etat="present",
                                saisi_par_id=agent.id))
        db.session.add(TarifDecide(enfant_id=enfant, service="cantine", prix=Decimal("1.00"),
                                   motif="Décision du CCAS", debut=date.today(),
                                   fin=date.today(), agent_id=agent.id))
        db.session.commit()
        agent_id = agent.id
    creer_facture(app, famille_id, LignePrevue(enfant_id=enfant, jour=JOUR_DE_CLASSE),
                  avoir=AvoirPrevu(emis_par_id=agent_id), paiement=PaiementPrevu(),
                  encaissement=EncaissementPrevu(saisi_par_id=agent_id))
    consigner_consultation(app, famille_id, agent_id, "vérification du justificatif")
    return agent_id


def test_g2_l_export_contient_chaque_table_liee(app, client, famille):
    compte_id, famille_id = famille
    agent_id = remplir_un_foyer(app, client, famille_id, compte_id)
    # Another household, whose rows must not appear.
    autre = famille_de(app, creer_famille(app, prenom="Zoé", nom="AUTRE"))
    ajouter_enfant(app, autre, "Zébulon", date(2018, 1, 1), nom="AUTRE")

    reponse = client.get("/espace-famille/donnees.json")
    assert reponse.status_code == 200
    assert reponse.mimetype == "application/json"
    assert reponse.headers["Content-Disposition"].startswith(
        'attachment; filename="mes-donnees-portail-famille-')
    assert reponse.headers["Cache-Control"] == "no-store"
    export = json.loads(reponse.text)
    tables = export["tables"]

    attendues = set(donnees.tables_liees(db.metadata)) - donnees.EXCLUES.keys()
    assert set(tables) == attendues
    for nom in attendues:
        assert tables[nom]["lignes"], f"{nom} absente de l'export"
        assert tables[nom]["description"] == donnees.TABLES[nom]

    assert [f["id"] for f in tables["famille"]["lignes"]] == [famille_id]
    assert "Zébulon" not in reponse.text and "Zoé" not in reponse.text
    # QF records with their provenance, amounts as exact text.
    dgfip = next(q for q in tables["quotient_familial"]["lignes"] if q["source"] == "dgfip")
    assert (dgfip["valeur"], dgfip["rfr"], dgfip["parts"], dgfip["annrev"], dgfip["mode"],
            dgfip["fournisseur"], dgfip["reference"]) == (
        "1258.67", 37760, "2.50", 2025, "france_connect", "DGFiP", "correlation-1")
    # Documents: metadata only; the agent who checked it appears by role, never by name.
    justificatif = tables["justificatif"]["lignes"][0]
    assert "contenu" not in justificatif
    assert justificatif["traite_par_id"] == "agent de la mairie"
    assert "agent.durand" not in reponse.text and "DURAND" not in reponse.text
    assert str(agent_id) not in [str(e["compte_id"]) for e in tables["evenement"]["lignes"]]
    # The log of agents who consulted the file.
    consultation = next(e for e in tables["evenement"]["lignes"]
                        if e["type"] == "consultation_agent")
    assert consultation["detail"] == "vérification du justificatif"
    assert consultation["compte_id"] == "agent de la mairie"
    # Enrolments and their history, the second adult, the deletion request, the adult.
    assert tables["inscription"]["lignes"][0]["jours"] == "lundi"
    assert tables["historique_inscription"]["lignes"][0]["action"] == "demande"
    assert tables["second_adulte"]["lignes"][0]["prenoms"] == "Thomas"
    assert tables["demande_suppression"]["lignes"][0]["precisions"] == "Nous déménageons."
    assert tables["compte"]["lignes"][0]["id"] == compte_id
    assert "mot_de_passe" not in tables["compte"]["lignes"][0]


def test_page_mes_donnees_et_consultations(app, client, famille):
    compte_id, famille_id = famille
    remplir_un_foyer(app, client, famille_id, compte_id)
    page = client.get("/espace-famille/donnees").text
    assert "Consultations de votre dossier par la mairie" in page
    assert "vérification du justificatif" in page
    assert "Télécharger toutes mes données" in page
    assert "est en cours de traitement par la mairie" in page


def test_demande_de_suppression(app, client, famille):
    compte_id, famille_id = famille
    reponse = client.post("/espace-famille/donnees/suppression", data={"precisions": "x"})
    assert reponse.status_code == 422
    assert "Cochez la case pour confirmer votre demande." in reponse.text
    assert 'name="precisions">\r\nx</textarea>' in reponse.text
    for _ in range(2):
        assert client.post("/espace-famille/donnees/suppression",
                           data={"confirmation": "y"}).status_code == 303
    with app.app_context():
        demandes = db.session.scalars(sa.select(DemandeSuppression)).all()
        assert [(d.famille_id, d.compte_id, d.statut) for d in demandes] == [
            (famille_id, compte_id, "a_traiter")]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Evenement).where(
            Evenement.type == "demande_suppression")) == 1


def test_l_export_n_ecrit_rien(app, client, famille):
    """A GET never writes (I1): the export is not even journaled in the database."""
    with app.app_context():
        avant = [db.session.scalar(sa.select(sa.func.count()).select_from(t))
                 for t in (Evenement, Inscription, HistoriqueInscription, SecondAdulte)]
    client.get("/espace-famille/donnees.json")
    client.get("/espace-famille/donnees")
    with app.app_context():
        assert avant == [db.session.scalar(sa.select(sa.func.count()).select_from(t))
                         for t in (Evenement, Inscription, HistoriqueInscription, SecondAdulte)]
