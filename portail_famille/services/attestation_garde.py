"""The childcare tax certificate (issue 13 §7, CGI art. 200 quater B): what a household paid
in a calendar year for the supervision of its children under six, from its invoices and the
payments received (online and at the régie's counter), for the PDF the family downloads each
January."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portail_famille.domaine import frais_de_garde
from portail_famille.domaine.calendrier_scolaire import Calendrier
from portail_famille.extensions import db
from portail_famille.models import Encaissement
from portail_famille.models import Enfant
from portail_famille.models import Facture
from portail_famille.models import LigneFacture
from portail_famille.models import OperationPaiement

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class EnfantGarde:
    nom: str
    naissance: date
    montant: Decimal


@dataclass(frozen=True)
class Attestation:
    annee: int
    enfants: tuple[EnfantGarde, ...]

    @property
    def total(self) -> Decimal:
        return sum((enfant.montant for enfant in self.enfants), ZERO)


def attestation(famille_id: int, annee: int, calendrier: Calendrier) -> Attestation:
    """The household's certificate for `annee`. A payment pays its invoice's lines pro rata
    (an invoice lumps the canteen, which does not count, with the evening care, which does);
    it counts in the year PayFiP confirmed it, or the régie received it at its counter."""
    verse: dict[int, list[tuple[Decimal, date]]] = defaultdict(list)
    for facture_id, centimes, termine_le, cree_le in db.session.execute(
            sa.select(OperationPaiement.facture_id, OperationPaiement.montant_centimes,
                      OperationPaiement.termine_le, OperationPaiement.cree_le)
            .where(OperationPaiement.famille_id == famille_id,
                   OperationPaiement.etat == "payee")):
        # A payment is dated by PayFiP's confirmation; one recorded paid without it, by its start.
        verse[facture_id].append((Decimal(centimes) / 100, (termine_le or cree_le).date()))
    for facture_id, montant, recu_le in db.session.execute(
            sa.select(Encaissement.facture_id, Encaissement.montant, Encaissement.recu_le)
            .join(Facture).where(Facture.famille_id == famille_id,
                                 Encaissement.annule_le.is_(None))):
        verse[facture_id].append((montant, recu_le))
    totaux = dict(db.session.execute(sa.select(Facture.id, Facture.total).where(
        Facture.id.in_(verse), Facture.famille_id == famille_id)).all())
    sommes, noms = [], {}
    for ligne, naissance in db.session.execute(
            sa.select(LigneFacture, Enfant.date_naissance)
            .join(Enfant, Enfant.id == LigneFacture.enfant_id)
            .where(LigneFacture.facture_id.in_(totaux))):
        noms[ligne.enfant_id] = (ligne.enfant, naissance)
        for montant, le in verse[ligne.facture_id]:
            part = min(montant / totaux[ligne.facture_id], Decimal(1))
            sommes.append(frais_de_garde.SommeVersee(
                ligne.enfant_id, naissance, ligne.service in calendrier.facturation.frais_de_garde,
                ligne.montant * part, le))
    montants = frais_de_garde.montants_par_enfant(sommes, annee)
    return Attestation(annee, tuple(EnfantGarde(*noms[enfant], montant)
                                    for enfant, montant in montants.items()))
