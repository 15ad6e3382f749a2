"""Monthly invoicing: a campaign per month, computed as a draft the agent reviews, then issued
in one transaction; credit notes; payments received at the régie's counter; each household's
balance.

The draft is computed in bulk (a handful of queries for the whole month, bulk inserts), never
a query per child: a month of 60 000 children stays within a minute on PostgreSQL. The unit
price of each day is the one of the household's QF on that day, its residence and the child's
sibling rank, by the same `tarification.calculer_tarif` that `flask tarifs simuler` uses, and
the line records the grid version's SHA-256.

Numbers are given only at issue, all in the issuing transaction, from a per-year counter row
read with SELECT … FOR UPDATE (on SQLite the transaction's write lock serialises it): a failure
anywhere rolls the numbers back with the rest, so there is never a gap nor a half-issued
invoice. Issuing an issued campaign again issues nothing.
"""

import bisect
import calendar
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from psycopg import sql as psycopg_sql
from sqlalchemy.orm import selectinload

from portail_famille.domaine import facturation as regles
from portail_famille.domaine import francais
from portail_famille.domaine import fratrie
from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.domaine import tarification
from portail_famille.domaine.calendrier_scolaire import Calendrier
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import Periode
from portail_famille.domaine.grille import PeriodeIntrouvable
from portail_famille.domaine.montants import arrondir
from portail_famille.extensions import db
from portail_famille.models import Avoir
from portail_famille.models import CampagneFacturation
from portail_famille.models import Compte
from portail_famille.models import CompteurNumeros
from portail_famille.models import Encaissement
from portail_famille.models import Enfant
from portail_famille.models import Facture
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import LigneFacture
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import QuotientFamilial
from portail_famille.models import Reservation
from portail_famille.models import TarifDecide
from portail_famille.models.foyers import STATUTS_ACTIFS
from portail_famille.services import audit
from portail_famille.services import corrections
from portail_famille.services import foyers
from portail_famille.services import paiements
from portail_famille.services import reservations

TYPE_CALCUL = "facturation_calculee"
TYPE_EMISSION = "facturation_emise"
TYPE_AVOIR = "avoir_emis"
TYPE_ENCAISSEMENT = "encaissement_regie"
TYPE_ANNULATION_ENCAISSEMENT = "encaissement_annule"
ZERO = Decimal("0.00")
PAR_PAGE = 100  # invoices on a page of the campaign


class FacturationRefusee(ValueError):
    """An invoicing action the rules refuse, with the French message the agent reads."""


def bornes(mois: date) -> tuple[date, date]:
    """The first and last day of the month of `mois`."""
    return (mois.replace(day=1),
            mois.replace(day=calendar.monthrange(mois.year, mois.month)[1]))


def campagne_du_mois(mois: date) -> CampagneFacturation | None:
    return db.session.scalars(sa.select(CampagneFacturation).where(
        CampagneFacturation.mois == mois.replace(day=1))).first()


def mois_facture(jour: date) -> bool:
    """Whether the month of `jour` is invoiced: its attendance no longer changes."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(CampagneFacturation).where(
        CampagneFacturation.mois == jour.replace(day=1),
        CampagneFacturation.statut == "emise")) > 0


def lister_campagnes() -> list[CampagneFacturation]:
    return list(db.session.scalars(sa.select(CampagneFacturation)
                                   .order_by(CampagneFacturation.mois.desc())))


# --- The draft -------------------------------------------------------------------------------

@dataclass
class _Foyer:
    """What the bulk queries gathered of one household."""

    famille: Famille
    quotients: list  # (source, valeur, recupere_le, expire_le), most recent first
    enfants: dict  # id → (nom complet, date de naissance)
    inscrits: dict  # (service, debut de période) → set of enrolled children's ids
    decisions: list  # TarifDecide, most recent first
    destinataire: str = ""
    rangs: dict = field(default_factory=dict)  # (service, début de période) → fratrie.rangs


def _familles_du_mois(debut: date, fin: date):
    """The subquery of the households with a booking or a mark in the month."""
    reserves = (sa.select(Enfant.famille_id)
                .join(Inscription, Inscription.enfant_id == Enfant.id)
                .join(Reservation, Reservation.inscription_id == Inscription.id)
                .where(Reservation.jour.between(debut, fin), Reservation.statut == "reservee"))
    pointes = (sa.select(Enfant.famille_id)
               .join(Pointage, Pointage.enfant_id == Enfant.id)
               .join(ListePointage, ListePointage.id == Pointage.liste_id)
               .where(ListePointage.jour.between(debut, fin)))
    return sa.union(reserves, pointes).subquery()


def _charger(debut: date, fin: date):
    """Every booking, mark and household the month bills, in a fixed number of queries."""
    familles = sa.select(_familles_du_mois(debut, fin).c.famille_id)
    foyers_ = {famille.id: _Foyer(famille, [], {}, defaultdict(set), [])
               for famille in db.session.scalars(
                   sa.select(Famille).where(Famille.id.in_(familles)))}
    for enfant_id, famille_id, nom, prenoms, naissance in db.session.execute(
            sa.select(Enfant.id, Enfant.famille_id, Enfant.nom, Enfant.prenoms,
                      Enfant.date_naissance).where(Enfant.famille_id.in_(familles))):
        foyers_[famille_id].enfants[enfant_id] = (f"{nom} {prenoms}", naissance)
    for famille_id, enfant_id, service, periode in db.session.execute(
            sa.select(Enfant.famille_id, Inscription.enfant_id, Inscription.service,
                      Inscription.periode_debut).join(Enfant)
            .where(Enfant.famille_id.in_(familles), Enfant.archive_le.is_(None),
                   Inscription.statut.in_(STATUTS_ACTIFS))):
        foyers_[famille_id].inscrits[(service, periode)].add(enfant_id)
    for ligne in db.session.execute(
            sa.select(QuotientFamilial.famille_id, QuotientFamilial.source,
                      QuotientFamilial.valeur, QuotientFamilial.recupere_le,
                      QuotientFamilial.expire_le)
            .where(QuotientFamilial.famille_id.in_(familles))
            .order_by(QuotientFamilial.recupere_le.desc(), QuotientFamilial.id.desc())):
        foyers_[ligne.famille_id].quotients.append(ligne)
    for famille_id, decision in db.session.execute(
            sa.select(Enfant.famille_id, TarifDecide).join(Enfant)
            .where(Enfant.famille_id.in_(familles))
            .order_by(TarifDecide.decide_le.desc(), TarifDecide.id.desc())):
        foyers_[famille_id].decisions.append(decision)
    for famille_id, compte in db.session.execute(
            sa.select(Compte.famille_id, Compte).where(Compte.famille_id.in_(familles),
                                                       Compte.role == "famille")
            .order_by(Compte.id.desc())):
        # The household's first account is the payer: the last one written wins here.
        foyers_[famille_id].destinataire = compte.nom_affiche
    jours = defaultdict(lambda: (set(), {}))  # (enfant, service) → (réservés, marques)
    for jour, enfant_id, service in db.session.execute(
            sa.select(Reservation.jour, Inscription.enfant_id, Inscription.service)
            .join(Inscription)
            .where(Reservation.jour.between(debut, fin), Reservation.statut == "reservee")):
        jours[(enfant_id, service)][0].add(jour)
    for jour, service, enfant_id, etat in db.session.execute(
            sa.select(ListePointage.jour, ListePointage.service, Pointage.enfant_id,
                      Pointage.etat).join(ListePointage)
            .where(ListePointage.jour.between(debut, fin))):
        jours[(enfant_id, service)][1][jour] = etat
    return foyers_, jours


def quotient_du_jour(quotients: list, refuse_le: datetime | None, sources: tuple[str, ...],
                     validite_mois: int, jour: date, zone: ZoneInfo) -> Decimal | None:
    """The QF that prices `jour`: the latest record of an admitted source retrieved by the end
    of that day, valid on it (tarifs.md §3), unless the family refused before then."""
    fin_du_jour = datetime.combine(jour + timedelta(days=1), time(), tzinfo=zone)
    dernier = next((q for q in quotients if q.recupere_le < fin_du_jour
                    and quotient_domaine.source_admise(q.source, sources)), None)
    refus = refuse_le if refuse_le is not None and refuse_le < fin_du_jour else None
    validite = quotient_domaine.validite(dernier and dernier.recupere_le, refus, validite_mois,
                                         datetime.combine(jour, time(12), tzinfo=zone),
                                         dernier and dernier.expire_le)
    return dernier.valeur if validite.raison is None else None


def quotients_du_mois(quotients: list, refuse_le: datetime | None, sources: tuple[str, ...],
                      validite_mois: int, debut: date, fin: date, zone: ZoneInfo):
    """`quotient_du_jour` for every day from `debut` to `fin`, computed only on the days the
    answer can change (a record retrieved, one expiring, a refusal): once a month for almost
    every household, instead of once a day."""
    changements = {debut}
    for q in quotients:
        if quotient_domaine.source_admise(q.source, sources):
            changements.update((q.recupere_le.date(), q.recupere_le.astimezone(zone).date(),
                                q.expire_le or quotient_domaine.ajouter_mois(
                                    q.recupere_le.date(), validite_mois)))
    if refuse_le is not None:
        changements.update((refuse_le.date(), refuse_le.astimezone(zone).date()))
    jours = sorted(j for j in changements if debut <= j <= fin)
    valeurs = [quotient_du_jour(quotients, refuse_le, sources, validite_mois, j, zone)
               for j in jours]
    return lambda jour: valeurs[bisect.bisect_right(jours, jour) - 1]


class _Tarifeur:
    """Prices days, each distinct (period, service, QF, residence, rank) computed once."""

    def __init__(self):
        self._cache: dict = {}

    def tarif(self, periode: Periode, service: str, qf: Decimal | None, hors_commune: bool,
              rang: int) -> tarification.Tarif:
        cle = (periode.debut, service, qf, hors_commune, rang)
        if cle not in self._cache:
            self._cache[cle] = tarification.calculer_tarif(periode, service, qf,
                                                           hors_commune=hors_commune, rang=rang)
        return self._cache[cle]


def _rang(foyer: _Foyer, enfant_id: int, service: str, periode_debut: date) -> int:
    cle = (service, periode_debut)
    if cle not in foyer.rangs:
        foyer.rangs[cle] = fratrie.rangs(
            ((identifiant, naissance) for identifiant, (_, naissance) in foyer.enfants.items()),
            foyer.inscrits.get(cle, set()))
    return foyer.rangs[cle][enfant_id].rang


def calculer(mois: date, grille: Grille, sha256: str, calendrier: Calendrier, agent: Compte,
             maintenant: datetime) -> CampagneFacturation:
    """The month's draft, computed again from the bookings and marks; raise
    FacturationRefusee before the month is over (its bookings and marks may still change) or
    once it is issued."""
    debut, fin = bornes(mois)
    if fin >= maintenant.astimezone(calendrier.zone_horaire).date():
        raise FacturationRefusee(
            f"Le mois de {francais.mois_annee(debut)} n’est pas terminé : il se facture à "
            f"partir du {francais.date_longue(fin + timedelta(days=1))}.")
    # Two agents computing the same month at once: one row, and the second waits on its lock
    # (then recomputes, or finds it issued).
    reservations.inserer_sans_conflit(
        CampagneFacturation, {"mois": debut, "statut": "brouillon", "grille_sha256": "",
                              "anomalies": "", "calcule_le": maintenant}, ["mois"])
    campagne = db.session.scalars(sa.select(CampagneFacturation).where(
        CampagneFacturation.mois == debut).with_for_update()
        .execution_options(populate_existing=True)).one()
    if campagne.emise:
        raise FacturationRefusee("Ce mois est déjà facturé : ses factures ne changent plus. "
                                 "Une correction se fait par un avoir.")
    brouillons = sa.select(Facture.id).where(Facture.campagne_id == campagne.id)
    db.session.execute(sa.delete(LigneFacture).where(LigneFacture.facture_id.in_(brouillons)))
    db.session.execute(sa.delete(Facture).where(Facture.campagne_id == campagne.id))
    foyers_, jours = _charger(debut, fin)
    par_famille = _tarifer(foyers_, jours, grille, sha256, calendrier, debut, fin)
    lignes_par_famille = {famille_id: lignes for famille_id, (lignes, _) in par_famille.items()
                          if lignes}
    anomalies = sorted(a for _, (_, trouvees) in par_famille.items() for a in trouvees)
    _inserer(campagne, foyers_, lignes_par_famille)
    campagne.grille_sha256, campagne.anomalies = sha256, "\n".join(anomalies)
    campagne.calcule_le, campagne.calcule_par_id = maintenant, agent.id
    audit.consigner(TYPE_CALCUL, compte_id=agent.id,
                    detail=f"{debut:%Y-%m} : {len(lignes_par_famille)} factures en brouillon")
    db.session.flush()
    return campagne


def _tarifer(foyers_: dict, jours: dict, grille: Grille, sha256: str, calendrier: Calendrier,
             debut: date, fin: date) -> dict[int, tuple[list[dict], list[str]]]:
    """Each household's line rows and the days that could not be priced."""
    tarifeur = _Tarifeur()
    zone = calendrier.zone_horaire
    enfants = {enfant_id: famille_id for famille_id, foyer in foyers_.items()
               for enfant_id in foyer.enfants}
    residence = {famille_id: foyers.residence_du_foyer(foyer.famille, grille).hors_commune
                 for famille_id, foyer in foyers_.items()}
    quotients = {famille_id: quotients_du_mois(
        foyer.quotients, foyer.famille.quotient_refuse_le, grille.sources,
        grille.validite_mois, debut, fin, zone) for famille_id, foyer in foyers_.items()}
    periodes = {}
    for numero in range((fin - debut).days + 1):
        jour = debut + timedelta(days=numero)
        try:
            periodes[jour] = grille.periode_a(jour)
        except PeriodeIntrouvable:
            periodes[jour] = None
    resultat: dict[int, tuple[list[dict], list[str]]] = defaultdict(lambda: ([], []))
    for (enfant_id, service), (reserves, marques) in sorted(jours.items()):
        famille_id = enfants[enfant_id]
        foyer = foyers_[famille_id]
        lignes, anomalies = resultat[famille_id]
        regle = calendrier.facturation.regle(service)
        tarifes = []
        libelle_service = service
        for facturable in regles.jours_facturables(regle, reserves, marques):
            jour = facturable.jour
            periode = periodes[jour]
            if periode is None or service not in periode.services:
                anomalies.append(f"{foyer.enfants[enfant_id][0]}, {service}, "
                                 f"{jour.isoformat()} : aucun tarif de la grille ce jour")
                continue
            libelle_service = periode.services[service].libelle
            tarif = tarifeur.tarif(periode, service, quotients[famille_id](jour),
                                   residence[famille_id],
                                   _rang(foyer, enfant_id, service, periode.debut))
            decision = foyer.decisions and corrections.decision_en_vigueur(
                foyer.decisions, enfant_id, service, jour)
            if decision:
                tarif = tarification.appliquer_decision(tarif, decision)
            prix, explication = tarif.prix, tarif.explication
            if facturable.majore:
                prix = regle.majorer(prix)
                explication += f" ; présent sans réservation {regle.libelle_majoration}"
            tarifes.append(regles.JourTarife(jour, facturable.motif, prix, explication))
        for ligne in regles.regrouper(tarifes):
            lignes.append({
                "facture_id": None, "enfant_id": enfant_id, "enfant": foyer.enfants[enfant_id][0],
                "service": service, "libelle_service": libelle_service,
                "motif": ligne.motif, "jours": ",".join(j.isoformat() for j in ligne.jours),
                "quantite": ligne.quantite, "prix_unitaire": ligne.prix_unitaire,
                "montant": ligne.montant, "explication": ligne.explication[:500],
                "grille_sha256": sha256})
    return resultat


def _adresse(famille: Famille) -> str:
    return ", ".join(filter(None, (famille.adresse_voie, famille.adresse_complement,
                                   f"{famille.code_postal} {famille.commune_residence}".strip())))


def _inserer(campagne: CampagneFacturation, foyers_: dict,
             lignes_par_famille: dict[int, list[dict]]) -> None:
    """Bulk-insert the draft invoices, then their lines."""
    if not lignes_par_famille:
        return
    factures = [{"campagne_id": campagne.id, "famille_id": famille_id,
                 "total": sum((ligne["montant"] for ligne in lignes), ZERO),
                 "destinataire": foyers_[famille_id].destinataire[:300],
                 "adresse": _adresse(foyers_[famille_id].famille)[:400]}
                for famille_id, lignes in sorted(lignes_par_famille.items())]
    _inserer_en_bloc(Facture, factures)
    ids = dict(db.session.execute(sa.select(Facture.famille_id, Facture.id)
                                  .where(Facture.campagne_id == campagne.id)).all())
    for famille_id, lignes in lignes_par_famille.items():
        for ligne in lignes:
            ligne["facture_id"] = ids[famille_id]
    _inserer_en_bloc(LigneFacture, [ligne for _, lignes in sorted(lignes_par_famille.items())
                                    for ligne in lignes])


def _inserer_en_bloc(modele, lignes: list[dict]) -> None:
    """Insert rows of the same keys: by COPY on PostgreSQL (a statement per row, even
    pipelined, is what made a month of 60 000 children slow), else executemany. The values
    are the model's own types already (amounts are Decimals to the cent)."""
    if db.engine.dialect.name != "postgresql":
        db.session.execute(sa.insert(modele), lignes)
        return
    colonnes = list(lignes[0])
    commande = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(modele.__tablename__),
        psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, colonnes)))
    with db.session.connection().connection.cursor() as curseur, \
            curseur.copy(commande) as copie:
        for ligne in lignes:
            copie.write_row([ligne[colonne] for colonne in colonnes])


# --- Issuing ---------------------------------------------------------------------------------

def _reserver_numeros(nature: str, annee: int, combien: int) -> int:
    """The first of `combien` consecutive numbers of `nature` in `annee`, the counter row
    locked until the transaction ends."""
    reservations.inserer_sans_conflit(CompteurNumeros,
                                      {"nature": nature, "annee": annee, "dernier": 0},
                                      ["nature", "annee"])
    compteur = db.session.scalars(sa.select(CompteurNumeros).where(
        CompteurNumeros.nature == nature, CompteurNumeros.annee == annee)
        .with_for_update().execution_options(populate_existing=True)).one()
    premier = compteur.dernier + 1
    compteur.dernier += combien
    return premier


def numero(prefixe: str, annee: int, rang: int) -> str:
    return f"{prefixe}{annee}-{rang:06d}"


def emettre(campagne: CampagneFacturation, agent: Compte, maintenant: datetime,
            calendrier: Calendrier) -> int:
    """Number and issue every draft invoice of the campaign, lock its month's attendance; the
    number of invoices issued (0 when the campaign was issued already)."""
    db.session.refresh(campagne, with_for_update=True)
    if campagne.emise:
        return 0
    a_emettre = list(db.session.scalars(sa.select(Facture.id).where(
        Facture.campagne_id == campagne.id, Facture.numero.is_(None)).order_by(Facture.id)))
    annee = maintenant.astimezone(calendrier.zone_horaire).year
    echeance = maintenant.astimezone(calendrier.zone_horaire).date() + timedelta(
        days=calendrier.facturation.echeance_jours)
    if a_emettre:
        premier = _reserver_numeros("facture", annee, len(a_emettre))
        db.session.execute(sa.update(Facture), [
            {"id": identifiant, "numero": numero("F", annee, premier + rang),
             "emise_le": maintenant, "echeance": echeance}
            for rang, identifiant in enumerate(a_emettre)])
    _verrouiller_listes(campagne.mois, maintenant)
    campagne.statut, campagne.emise_le, campagne.emise_par_id = "emise", maintenant, agent.id
    audit.consigner(TYPE_EMISSION, compte_id=agent.id,
                    detail=f"{campagne.mois:%Y-%m} : {len(a_emettre)} factures émises")
    db.session.flush()
    return len(a_emettre)


def _verrouiller_listes(mois: date, maintenant: datetime) -> None:
    debut, fin = bornes(mois)
    db.session.execute(sa.update(ListePointage)
                       .where(ListePointage.jour.between(debut, fin),
                              ListePointage.verrouille.is_(False))
                       .values(verrouille=True, verrouille_le=maintenant))


# --- Credit notes, counter payments and balances ---------------------------------------------

def reste_du(facture: Facture) -> Decimal:
    """What credit notes have not cancelled of an issued invoice."""
    return facture.total - sum((avoir.montant for avoir in facture.avoirs), ZERO)


def reste_a_payer(facture: Facture) -> Decimal:
    """What the household still owes on an issued invoice: credit notes, online payments and
    the régie's takings deducted (an overpayment is a refund the régie makes, never a negative
    amount to pay)."""
    return max(reste_du(facture) - paiements.montant_paye(facture.id)
               - encaisse(facture), ZERO)


def encaisse(facture: Facture) -> Decimal:
    """What the régie took at its counter for the invoice, cancelled entries left out."""
    return sum((e.montant for e in facture.encaissements_comptes), ZERO)


def encaisser(facture: Facture, montant: Decimal, mode: str, reference: str, recu_le: date,
              jeton: str, agent: Compte, maintenant: datetime,
              calendrier: Calendrier) -> Encaissement:
    """Record a payment taken at the régie's counter, once per form (`jeton`: the same form sent
    again gives back the payment it recorded); raise FacturationRefusee (invoice not issued,
    amount not positive or above what remains to pay, a day to come)."""
    if not facture.emise:
        raise FacturationRefusee("Un paiement ne porte que sur une facture émise.")
    # Two agents taking the same invoice's payment wait for each other: never more than owed.
    db.session.execute(sa.select(Facture.id).where(Facture.id == facture.id).with_for_update())
    deja = db.session.scalars(sa.select(Encaissement).where(Encaissement.jeton == jeton)).first()
    if deja is not None and deja.facture_id == facture.id:
        return deja
    montant = arrondir(montant)
    reste = reste_a_payer(facture)
    if not ZERO < montant <= reste:
        raise FacturationRefusee(
            f"Le montant reçu doit être positif et au plus de {francais.euros(reste)} (ce qui "
            "reste à payer sur la facture)." if reste else "Cette facture est déjà réglée.")
    if recu_le > maintenant.astimezone(calendrier.zone_horaire).date():
        raise FacturationRefusee("La date de réception ne peut pas être dans le futur.")
    encaissement = Encaissement(facture_id=facture.id, montant=montant, mode=mode,
                                reference=reference.strip()[:40], recu_le=recu_le, jeton=jeton,
                                saisi_le=maintenant, saisi_par_id=agent.id)
    facture.encaissements.append(encaissement)
    audit.consigner(TYPE_ENCAISSEMENT, compte_id=agent.id, famille_id=facture.famille_id,
                    detail=f"{facture.numero} : {montant} ({mode})")
    db.session.flush()
    return encaissement


def annuler_encaissement(encaissement: Encaissement, motif: str, agent: Compte,
                         maintenant: datetime) -> None:
    """Cancel a mistaken entry (it stays, marked, and no longer counts); raise
    FacturationRefusee when it already is or no reason is given."""
    if encaissement.annule_le is not None:
        raise FacturationRefusee("Ce paiement est déjà annulé.")
    if not motif.strip():
        raise FacturationRefusee("Indiquez pourquoi vous annulez ce paiement.")
    encaissement.annule_le = maintenant
    encaissement.annule_par_id = agent.id
    encaissement.motif_annulation = motif.strip()[:500]
    audit.consigner(TYPE_ANNULATION_ENCAISSEMENT, compte_id=agent.id,
                    famille_id=encaissement.facture.famille_id,
                    detail=f"{encaissement.facture.numero} : {encaissement.montant}")
    db.session.flush()


def reference_payfip(facture: Facture) -> tuple[str, int]:
    """The invoice's PayFiP `refdet` (its number without the dash: PayFiP takes letters and
    digits only) and `exer` (the year of its numbering)."""
    return facture.numero.replace("-", ""), int(facture.numero[1:5])


def emettre_avoir(facture: Facture, montant: Decimal, motif: str, agent: Compte,
                  maintenant: datetime, calendrier: Calendrier) -> Avoir:
    """A numbered credit note on an issued invoice; raise FacturationRefusee (invoice not
    issued, amount not positive or above what remains of it, no reason)."""
    if not facture.emise:
        raise FacturationRefusee("Un avoir ne porte que sur une facture émise.")
    if not motif.strip():
        raise FacturationRefusee("Indiquez le motif de l’avoir.")
    montant = arrondir(montant)
    reste = reste_du(facture)
    if not ZERO < montant <= reste:
        raise FacturationRefusee(f"Le montant de l’avoir doit être positif et au plus de "
                                 f"{reste} € (ce qui reste de la facture).")
    annee = maintenant.astimezone(calendrier.zone_horaire).year
    avoir = Avoir(facture_id=facture.id, montant=montant, motif=motif.strip()[:500],
                  numero=numero("A", annee, _reserver_numeros("avoir", annee, 1)),
                  emis_le=maintenant, emis_par_id=agent.id)
    db.session.add(avoir)
    audit.consigner(TYPE_AVOIR, compte_id=agent.id, famille_id=facture.famille_id,
                    detail=f"{avoir.numero} sur {facture.numero}")
    db.session.flush()
    return avoir


def soldes(familles: list[int] | None = None) -> dict[int, Decimal]:
    """Each household's balance: issued invoices − credit notes − online payments received −
    the régie's takings. Summed in Python: SQLite stores amounts as text, and a SUM there would
    be a float."""
    factures = sa.select(Facture.famille_id, Facture.total).where(Facture.numero.is_not(None))
    avoirs = sa.select(Facture.famille_id, Avoir.montant).join(Facture)
    encaissements = (sa.select(Facture.famille_id, Encaissement.montant).join(Facture)
                     .where(Encaissement.annule_le.is_(None)))
    if familles is not None:
        factures = factures.where(Facture.famille_id.in_(familles))
        avoirs = avoirs.where(Facture.famille_id.in_(familles))
        encaissements = encaissements.where(Facture.famille_id.in_(familles))
    resultat: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for famille_id, total in db.session.execute(factures):
        resultat[famille_id] += total
    for requete in (avoirs, encaissements):
        for famille_id, montant in db.session.execute(requete):
            resultat[famille_id] -= montant
    for famille_id, paye in paiements.payes_par_famille(familles).items():
        resultat[famille_id] -= paye
    return dict(resultat)


def solde(famille_id: int) -> Decimal:
    return soldes([famille_id]).get(famille_id, ZERO)


# --- Reading ---------------------------------------------------------------------------------

def factures_de_la_campagne(campagne: CampagneFacturation,
                            page: int | None = None) -> list[Facture]:
    """The campaign's invoices with their lines (loaded in a few queries, not one per
    invoice), all of them or one page of PAR_PAGE."""
    requete = (sa.select(Facture).where(Facture.campagne_id == campagne.id)
               .order_by(Facture.numero, Facture.famille_id)
               .options(selectinload(Facture.lignes), selectinload(Facture.avoirs)))
    if page is not None:
        requete = requete.limit(PAR_PAGE).offset((page - 1) * PAR_PAGE)
    return list(db.session.scalars(requete))


def totaliser(campagne: CampagneFacturation) -> tuple[int, Decimal]:
    """The number of invoices of the campaign and their total."""
    totaux = list(db.session.scalars(sa.select(Facture.total).where(
        Facture.campagne_id == campagne.id)))
    return len(totaux), sum(totaux, ZERO)


def factures_de_la_famille(famille_id: int) -> list[Facture]:
    """The household's issued invoices, the latest first (drafts are the town hall's)."""
    return list(db.session.scalars(sa.select(Facture).where(
        Facture.famille_id == famille_id, Facture.numero.is_not(None))
        .order_by(Facture.emise_le.desc(), Facture.id.desc())))


def facture_de_la_famille(famille_id: int, facture_id: int) -> Facture | None:
    """One issued invoice of this household, None for any other (another's is never found)."""
    return db.session.scalars(sa.select(Facture).where(
        Facture.id == facture_id, Facture.famille_id == famille_id,
        Facture.numero.is_not(None))).first()


def encaissements_de_la_famille(famille_id: int) -> list[Encaissement]:
    """The payments the régie took for the household's invoices, cancelled ones included, the
    latest first, with their invoice."""
    return list(db.session.scalars(
        sa.select(Encaissement).join(Facture).where(Facture.famille_id == famille_id)
        .order_by(Encaissement.recu_le.desc(), Encaissement.id.desc())
        .options(selectinload(Encaissement.facture))))


def avoir_de_la_facture(facture: Facture, avoir_id: int) -> Avoir | None:
    """The credit note `avoir_id` when it is one of `facture`'s, else None."""
    return next((avoir for avoir in facture.avoirs if avoir.id == avoir_id), None)


def trouver_facture(facture_id: int) -> Facture | None:
    return db.session.get(Facture, facture_id)


def trouver_campagne(campagne_id: int) -> CampagneFacturation | None:
    return db.session.get(CampagneFacturation, campagne_id)
