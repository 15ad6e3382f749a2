"""The one place that builds households for the tests: the adult who signs in, the address,
children with their enrolments (and each enrolment's history), QF records, a second adult, and
the household's issued invoices.

`creer_foyer` builds a whole household in one transaction and returns its ids; the short
helpers (`creer_famille`, `ajouter_enfant`, `ajouter_qf_caf`…) build one piece of it;
`creer_facture` an issued invoice with its lines, and a credit note and a payment if asked.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from itertools import count

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Avoir
from portail_famille.models import CampagneFacturation
from portail_famille.models import Compte
from portail_famille.models import Encaissement
from portail_famille.models import Enfant
from portail_famille.models import Evenement
from portail_famille.models import Facture
from portail_famille.models import Famille
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import LigneFacture
from portail_famille.models import OperationPaiement
from portail_famille.models import QuotientFamilial
from portail_famille.models import SecondAdulte

CENTIME = Decimal("0.01")
ISSUER_DE_TEST = "https://fc.exemple.test/api/v2"
ADRESSE = {"adresse_voie": "3 rue des Écoles", "code_postal": "35000",
           "commune_residence": "Villeneuve-sur-Test"}

_numeros = count(1)


@dataclass(frozen=True)
class InscriptionPrevue:
    """An enrolment of the child, asked by the family (its history says so)."""

    service: str
    periode_debut: date
    periode_libelle: str = "Année en cours"
    jours: str = "lundi"
    date_debut: date | None = None  # the period's first day when None
    statut: str = "demandee"


@dataclass(frozen=True)
class EnfantPrevu:
    prenoms: str
    naissance: date
    nom: str = "MARTIN"
    niveau: str = "ce1"
    ecole: str = "École Jean-Macé"
    inscriptions: tuple[InscriptionPrevue, ...] = ()


@dataclass(frozen=True)
class QuotientCAF:
    valeur: int
    le: datetime | None = None  # now when None
    reference: str = "req-caf-1"


@dataclass(frozen=True)
class QuotientDGFiP:
    rfr: int
    parts: str
    valeur: str
    le: datetime | None = None
    reference: str = "correlation-1"


@dataclass(frozen=True)
class LignePrevue:
    """One day of a child in a service, billed `montant`."""

    enfant_id: int | None = None
    montant: str = "2.76"
    service: str = "cantine"
    libelle_service: str = "Cantine"
    enfant: str = "MARTIN Léo"  # the name as billed
    jour: date = field(default_factory=date.today)
    explication: str = "tranche 3"


@dataclass(frozen=True)
class AvoirPrevu:
    """A credit note on the invoice, numbered after it (F2026-000012 → A2026-000012)."""

    montant: str = "1.00"
    motif: str = "Repas non servi"
    emis_par_id: int | None = None


@dataclass(frozen=True)
class EncaissementPrevu:
    """A payment taken at the régie's counter for the invoice."""

    montant: str = "1.00"
    mode: str = "cheque"
    reference: str = "0000001"
    recu_le: date = date(2026, 11, 20)
    saisi_par_id: int | None = None


@dataclass(frozen=True)
class PaiementPrevu:
    """A PayFiP operation on the invoice, of its whole total unless `centimes` is given."""

    etat: str = "payee"
    centimes: int | None = None
    reference: str | None = None  # a fresh one when None
    termine_le: datetime | None = None


@dataclass
class Foyer:
    """The ids of a household built by `creer_foyer`."""

    compte_id: int
    famille_id: int
    enfants: list[int] = field(default_factory=list)
    inscriptions: list[int] = field(default_factory=list)


def _quotient(famille_id: int, prevu: QuotientCAF | QuotientDGFiP) -> QuotientFamilial:
    le = prevu.le or datetime.now(UTC)
    if isinstance(prevu, QuotientCAF):
        return QuotientFamilial(
            famille_id=famille_id, source="caf", mode="france_connect", fournisseur="CNAF",
            valeur=Decimal(prevu.valeur).quantize(CENTIME), annee=2026, mois=10, recupere_le=le,
            reference=prevu.reference)
    return QuotientFamilial(
        famille_id=famille_id, source="dgfip", mode="france_connect", fournisseur="DGFiP",
        valeur=Decimal(prevu.valeur), rfr=prevu.rfr,
        parts=Decimal(prevu.parts).quantize(CENTIME), annrev=2025, recupere_le=le,
        reference=prevu.reference)


def _enfant(famille_id: int, prevu: EnfantPrevu) -> Enfant:
    enfant = Enfant(famille_id=famille_id, nom=prevu.nom, prenoms=prevu.prenoms,
                    date_naissance=prevu.naissance, niveau=prevu.niveau, ecole=prevu.ecole)
    for inscription in prevu.inscriptions:
        debut = inscription.date_debut or inscription.periode_debut
        ligne = Inscription(service=inscription.service,
                            periode_debut=inscription.periode_debut,
                            periode_libelle=inscription.periode_libelle, jours=inscription.jours,
                            date_debut=debut, statut=inscription.statut)
        ligne.historique.append(HistoriqueInscription(
            role="famille", action="demande", statut=inscription.statut,
            jours=inscription.jours, date_debut=debut))
        enfant.inscriptions.append(ligne)
    return enfant


def creer_foyer(app, *, prenom: str = "Camille", nom: str = "MARTIN",
                naissance: str = "1985-04-02", reside: bool | None = True,
                adresse: dict | None = None, enfants: tuple[EnfantPrevu, ...] = (),
                quotients: tuple[QuotientCAF | QuotientDGFiP, ...] = (),
                second_adulte: dict | None = None, **compte) -> Foyer:
    """A household, its signed-in adult (keyed on a test issuer and a fresh sub) and what it
    holds; `compte` sets more of the adult's columns (email, nom_usage, code_pays_naissance…)."""
    with app.app_context():
        famille = Famille(reside_dans_la_commune=reside, **(ADRESSE if adresse is None
                                                           else adresse))
        adulte = Compte(role="famille", famille=famille, fc_issuer=ISSUER_DE_TEST,
                        fc_sub=f"sub-de-test-{next(_numeros)}", prenoms=prenom,
                        nom_naissance=nom, date_naissance=naissance,
                        **{"email": f"{prenom.lower()}@exemple.test", **compte})
        db.session.add(adulte)
        db.session.flush()
        lignes = [_enfant(famille.id, prevu) for prevu in enfants]
        db.session.add_all([*lignes, *(_quotient(famille.id, q) for q in quotients)])
        if second_adulte is not None:
            db.session.add(SecondAdulte(famille_id=famille.id, **second_adulte))
        db.session.commit()
        return Foyer(adulte.id, famille.id, [e.id for e in lignes],
                     [i.id for e in lignes for i in e.inscriptions])


def creer_famille(app, prenom: str = "Camille", nom: str = "MARTIN", reside: bool | None = True,
                  **adresse) -> int:
    """A household and its signed-in adult living at `adresse` (a default one otherwise);
    returns the account id."""
    return creer_foyer(app, prenom=prenom, nom=nom, reside=reside,
                       adresse={**ADRESSE, **adresse}).compte_id


def famille_de(app, compte_id: int) -> int:
    with app.app_context():
        return db.session.get(Compte, compte_id).famille_id


def ajouter_enfant(app, famille_id: int, prenoms: str, naissance: date, nom="MARTIN",
                   niveau="ce1", ecole="École Jean-Macé",
                   inscriptions: tuple[InscriptionPrevue, ...] = ()) -> int:
    """A child of the household; returns its id."""
    with app.app_context():
        enfant = _enfant(famille_id, EnfantPrevu(prenoms, naissance, nom, niveau, ecole,
                                                 inscriptions))
        db.session.add(enfant)
        db.session.commit()
        return enfant.id


def ajouter_qf(app, famille_id: int, prevu: QuotientCAF | QuotientDGFiP) -> None:
    with app.app_context():
        db.session.add(_quotient(famille_id, prevu))
        db.session.commit()


def ajouter_qf_caf(app, famille_id: int, valeur: int, le: datetime | None = None) -> None:
    ajouter_qf(app, famille_id, QuotientCAF(valeur, le))


def ajouter_qf_dgfip(app, famille_id: int, rfr: int, parts: str, valeur: str,
                     le: datetime | None = None) -> None:
    ajouter_qf(app, famille_id, QuotientDGFiP(rfr, parts, valeur, le))


def consigner_consultation(app, famille_id: int, agent_id: int, motif: str) -> None:
    with app.app_context():
        db.session.add(Evenement(type="consultation_agent", compte_id=agent_id,
                                 famille_id=famille_id, detail=motif))
        db.session.commit()


def _campagne_du_mois(mois: date) -> CampagneFacturation:
    campagne = db.session.scalars(
        sa.select(CampagneFacturation).where(CampagneFacturation.mois == mois)).first()
    if campagne is None:
        campagne = CampagneFacturation(mois=mois, statut="emise", grille_sha256="0" * 64,
                                       anomalies="")
        db.session.add(campagne)
        db.session.flush()
    return campagne


def creer_facture(app, famille_id: int, *lignes: LignePrevue, numero: str = "F2026-000001",
                  mois: date = date(2026, 10, 1), destinataire: str = "MARTIN",
                  adresse: str = "", avoir: AvoirPrevu | None = None,
                  paiement: PaiementPrevu | None = None,
                  encaissement: EncaissementPrevu | None = None) -> int:
    """An invoice of the household for `mois` (its campaign issued), numbered `numero`, issued
    on the 2nd of the month after and due a month later; its total is the sum of its lines
    (one default line when none is given). Returns its id."""
    lignes = lignes or (LignePrevue(),)
    emise_le = datetime(mois.year + mois.month // 12, mois.month % 12 + 1, 2, tzinfo=UTC)
    with app.app_context():
        facture = Facture(
            campagne_id=_campagne_du_mois(mois).id, famille_id=famille_id, numero=numero,
            total=sum((Decimal(ligne.montant) for ligne in lignes), Decimal("0.00")),
            destinataire=destinataire, adresse=adresse, emise_le=emise_le,
            echeance=(emise_le + timedelta(days=30)).date())
        facture.lignes.extend(LigneFacture(
            enfant_id=ligne.enfant_id, enfant=ligne.enfant, service=ligne.service,
            libelle_service=ligne.libelle_service, motif="reserve",
            jours=ligne.jour.isoformat(), quantite=1, prix_unitaire=Decimal(ligne.montant),
            montant=Decimal(ligne.montant), explication=ligne.explication,
            grille_sha256="0" * 64) for ligne in lignes)
        db.session.add(facture)
        db.session.flush()
        if avoir is not None:
            db.session.add(Avoir(facture_id=facture.id, numero="A" + numero[1:],
                                 montant=Decimal(avoir.montant), motif=avoir.motif,
                                 emis_par_id=avoir.emis_par_id))
        if paiement is not None:
            refdet = numero.replace("-", "")
            db.session.add(OperationPaiement(
                reference=paiement.reference or f"{next(_numeros):032x}",
                id_op=f"idop-{refdet}", facture_id=facture.id, famille_id=famille_id,
                refdet=refdet, exer=int(numero[1:5]),
                montant_centimes=paiement.centimes or int(facture.total * 100),
                etat=paiement.etat, termine_le=paiement.termine_le))
        if encaissement is not None:
            db.session.add(Encaissement(
                facture_id=facture.id, montant=Decimal(encaissement.montant),
                mode=encaissement.mode, reference=encaissement.reference,
                recu_le=encaissement.recu_le, saisi_par_id=encaissement.saisi_par_id))
        db.session.commit()
        return facture.id
