"""Fixtures of the family area: households, children, QF records, a signed-in adult, and a
tariff grid written here, whose periods follow today's date."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Evenement
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import QuotientFamilial

AUJOURD_HUI = date.today()
# The period in force started two months ago; the next one is already in the file.
DEBUT = AUJOURD_HUI - timedelta(days=60)
FIN = AUJOURD_HUI + timedelta(days=200)
DEBUT_SUIVANTE = FIN + timedelta(days=1)
FIN_SUIVANTE = DEBUT_SUIVANTE + timedelta(days=364)

GRILLE = f"""\
commune: Villeneuve-sur-Test
code_insee: "35238"
quotient_familial:
  sources: [caf, dgfip]
  validite_mois: 12
periodes:
  - libelle: Année en cours
    debut: {DEBUT.isoformat()}
    fin: {FIN.isoformat()}
    deliberation: "n° 2026/042 du 2 juillet 2026"
    services:
      cantine:
        libelle: Cantine
        unite: repas
        bareme:
          mode: tranches
          tranches:
            - jusqu_a: 500
              prix: 0.95
            - jusqu_a: 1000
              prix: 2.40
            - jusqu_a: 1500
              prix: 3.62
            - prix: 5.10
        sans_quotient: 5.80
        hors_commune: 6.75
      garderie:
        libelle: Garderie du soir
        unite: soir
        bareme:
          mode: taux_effort
          taux_pourcent: 0.25
          plancher: 0.60
          plafond: 3.40
        hors_commune: {{majoration_pourcent: 25}}
      ateliers:
        libelle: Ateliers
        unite: après-midi
        bareme:
          mode: lineaire
          points:
            - {{qf: 0, prix: 1.20}}
            - {{qf: 2000, prix: 6.60}}
    reduction_fratrie:
      services: [cantine, ateliers]
      rangs: {{2: 10, 3: 40}}
  - libelle: Année suivante
    debut: {DEBUT_SUIVANTE.isoformat()}
    fin: {FIN_SUIVANTE.isoformat()}
    services:
      cantine:
        libelle: Cantine
        unite: repas
        bareme:
          mode: tranches
          tranches:
            - jusqu_a: 600
              prix: 1.00
            - jusqu_a: 1300
              prix: 2.95
            - prix: 5.40
      garderie:
        libelle: Garderie du soir
        unite: soir
        bareme:
          mode: taux_effort
          taux_pourcent: 0.27
          plancher: 0.70
          plafond: 3.60
        hors_commune: {{majoration_pourcent: 20}}
    reduction_fratrie:
      services: [cantine]
      rangs: {{3: 50}}
"""


@pytest.fixture
def fichier_grille(tmp_path):
    chemin = tmp_path / "grille-test.yaml"
    chemin.write_text(GRILLE, encoding="utf-8")
    return chemin


@pytest.fixture
def app(fabrique, fichier_grille):
    return fabrique(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                    tarifs_fichier=fichier_grille)


def creer_famille(app, prenom="Camille", nom="MARTIN", reside=True, **adresse) -> int:
    """A household and its signed-in adult; returns the account id."""
    with app.app_context():
        adresse = {"adresse_voie": "3 rue des Écoles", "code_postal": "35000",
                   "commune_residence": "Villeneuve-sur-Test", **adresse}
        famille = Famille(reside_dans_la_commune=reside, **adresse)
        compte = Compte(role="famille", famille=famille, fc_issuer="https://fc.test",
                        fc_sub=f"sub-{prenom}-{nom}", prenoms=prenom, nom_naissance=nom,
                        date_naissance="1985-04-02", email=f"{prenom.lower()}@exemple.test")
        db.session.add(compte)
        db.session.commit()
        return compte.id


def famille_de(app, compte_id: int) -> int:
    with app.app_context():
        return db.session.get(Compte, compte_id).famille_id


def connecter(client, compte_id: int) -> None:
    """Open a family session the way the sign-in callback does."""
    with client.session_transaction() as session:
        session["_user_id"] = str(compte_id)
        session["_fresh"] = True
        session["role"] = "famille"


def ajouter_enfant(app, famille_id: int, prenoms: str, naissance: date, nom="MARTIN",
                   niveau="ce1", ecole="École Jean-Macé") -> int:
    with app.app_context():
        enfant = Enfant(famille_id=famille_id, nom=nom, prenoms=prenoms,
                        date_naissance=naissance, niveau=niveau, ecole=ecole)
        db.session.add(enfant)
        db.session.commit()
        return enfant.id


def ajouter_qf_caf(app, famille_id: int, valeur: int, le: datetime | None = None) -> None:
    with app.app_context():
        db.session.add(QuotientFamilial(
            famille_id=famille_id, source="caf", mode="france_connect", fournisseur="CNAF",
            valeur=Decimal(valeur).quantize(Decimal("0.01")), annee=2026, mois=10,
            recupere_le=le or datetime.now(UTC), reference="req-caf-1"))
        db.session.commit()


def ajouter_qf_dgfip(app, famille_id: int, rfr: int, parts: str, valeur: str,
                     le: datetime | None = None) -> None:
    with app.app_context():
        db.session.add(QuotientFamilial(
            famille_id=famille_id, source="dgfip", mode="france_connect", fournisseur="DGFiP",
            valeur=Decimal(valeur), rfr=rfr, parts=Decimal(parts).quantize(Decimal("0.01")),
            annrev=2025, recupere_le=le or datetime.now(UTC), reference="correlation-1"))
        db.session.commit()


def adresse_de_la_derniere_inscription(app) -> str:
    """The page of the newest enrolment (ids are not reset between tests on PostgreSQL)."""
    with app.app_context():
        return f"/espace-famille/inscriptions/{db.session.scalar(sa.func.max(Inscription.id))}"


def consigner_consultation(app, famille_id: int, agent_id: int, motif: str) -> None:
    with app.app_context():
        db.session.add(Evenement(type="consultation_agent", compte_id=agent_id,
                                 famille_id=famille_id, detail=motif))
        db.session.commit()


@pytest.fixture
def famille(app, client):
    """A signed-in family living in the commune: (account id, household id)."""
    compte_id = creer_famille(app)
    connecter(client, compte_id)
    return compte_id, famille_de(app, compte_id)
