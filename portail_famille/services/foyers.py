"""The household: its address and residence, its second adult, its children, and the CAF's
proposals the family confirms one by one.

Every lookup by id is scoped to a household (securite.md A2): an id from another household is
`Introuvable`, exactly like an id that does not exist.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portail_famille.domaine import identite
from portail_famille.domaine import residence
from portail_famille.domaine.grille import Grille
from portail_famille.extensions import db
from portail_famille.models import ContestationResidence
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import SecondAdulte
from portail_famille.models import maintenant
from portail_famille.services import audit


class Introuvable(LookupError):
    """No such record in this household (whether it exists elsewhere is not said)."""


class ConflitDeVersion(Exception):
    """The record changed since the form was loaded: nothing is written (securite.md R1)."""


class EnfantInscrit(Exception):
    """A child with a current enrolment cannot be removed before it is cancelled."""


@dataclass(frozen=True)
class FicheEnfant:
    """What the family types about a child: nothing else can reach the row (securite.md A3)."""

    nom: str
    prenoms: str
    date_naissance: date
    ecole: str
    niveau: str
    niveau_a_verifier: bool = False  # unusual for the age, kept by the family


@dataclass(frozen=True)
class PropositionEnfant:
    """A child the CAF knows, offered for import; `date_naissance` is None when the CAF gave
    only part of it (« 2019-00-00 »), `annee` then says what it gave."""

    cle: str
    nom: str
    prenoms: str
    date_naissance: date | None
    annee: int | None


def verifier_version(objet, version: int | None) -> None:
    """Raise ConflitDeVersion unless `version` is the one the record has now."""
    if version != objet.version:
        raise ConflitDeVersion


# --- Address and residence -------------------------------------------------------------------

# What the pages need of the residence rules.
Residence = residence.Residence
normaliser_code_postal = residence.normaliser_code_postal
code_postal_valide = residence.code_postal_valide


def residence_du_foyer(famille: Famille, grille: Grille) -> residence.Residence:
    """Where the household lives for the grid's prices: by its address when the grid names
    the commune's postcodes, else as the family declared (`domaine.residence`)."""
    return residence.decider(grille.codes_postaux, famille.code_postal,
                             famille.commune_residence, famille.reside_dans_la_commune)


def enregistrer_adresse(famille: Famille, version: int | None, *, voie: str, complement: str,
                        code_postal: str, commune: str,
                        reside_dans_la_commune: bool | None) -> None:
    """Record the household's address from the form loaded at `version`, and the family's
    answer when the grid asks for one (None when the address decides); raise
    ConflitDeVersion."""
    verifier_version(famille, version)
    famille.adresse_voie = voie
    famille.adresse_complement = complement
    famille.code_postal = code_postal
    famille.commune_residence = commune
    famille.reside_dans_la_commune = reside_dans_la_commune
    db.session.flush()


def adresse_proposee(lignes: dict | None, commune_de_la_grille: str) -> dict | None:
    """The household form's fields prefilled from the CAF's postal lines, or None.

    Where the family must say whether it lives in the commune, that is only guessed when the
    city is the grid's own: the family confirms it by saving the form.
    """
    adresse = residence.depuis_lignes_caf(lignes)
    if adresse is None:
        return None
    return {
        "adresse_voie": adresse.voie,
        "adresse_complement": adresse.complement,
        "code_postal": adresse.code_postal,
        "commune_residence": adresse.commune,
        "reside": "oui" if residence.meme_commune(adresse.commune, commune_de_la_grille) else None,
    }


def contestation_en_cours(famille_id: int) -> ContestationResidence | None:
    """The household's request to check its residence, not yet processed, if any."""
    return db.session.scalars(sa.select(ContestationResidence).where(
        ContestationResidence.famille_id == famille_id,
        ContestationResidence.statut == "a_traiter")).first()


def contester_residence(famille: Famille, auteur, message: str) -> ContestationResidence:
    """Ask the town hall to check the residence the address gives; one request at a time."""
    demande = contestation_en_cours(famille.id)
    if demande is None:
        demande = ContestationResidence(famille_id=famille.id, compte_id=auteur.id,
                                        message=message)
        db.session.add(demande)
        db.session.flush()
        audit.consigner("residence_contestee", compte_id=auteur.id, famille_id=famille.id)
    return demande


# --- Second adult ----------------------------------------------------------------------------

def trouver_second_adulte(famille_id: int) -> SecondAdulte | None:
    """The household's second adult, if declared."""
    return db.session.scalars(
        sa.select(SecondAdulte).where(SecondAdulte.famille_id == famille_id)).first()


def enregistrer_second_adulte(famille_id: int, *, nom: str, prenoms: str, telephone: str,
                              courriel: str) -> SecondAdulte:
    """Declare or update the household's second adult (one at most)."""
    adulte = trouver_second_adulte(famille_id)
    if adulte is None:
        adulte = SecondAdulte(famille_id=famille_id)
        db.session.add(adulte)
    adulte.nom, adulte.prenoms = nom, prenoms
    adulte.telephone, adulte.courriel = telephone, courriel
    db.session.flush()
    return adulte


def retirer_second_adulte(famille_id: int) -> None:
    """Forget the household's second adult; nothing happens when there is none."""
    adulte = trouver_second_adulte(famille_id)
    if adulte is not None:
        db.session.delete(adulte)
        db.session.flush()


# --- Children --------------------------------------------------------------------------------

def presents(famille_id: int) -> sa.ColumnElement[bool]:
    """The condition on `Enfant` of the household's children not removed (archived)."""
    return sa.and_(Enfant.famille_id == famille_id, Enfant.archive_le.is_(None))


def lister_enfants(famille_id: int) -> list[Enfant]:
    """The household's children, eldest first; removed (archived) ones left out."""
    return list(db.session.scalars(
        sa.select(Enfant).where(presents(famille_id))
        .order_by(Enfant.date_naissance, Enfant.id)))


def trouver_enfant(famille_id: int, enfant_id: int) -> Enfant:
    """One child of this household, not removed; raise Introuvable."""
    trouve = db.session.scalars(
        sa.select(Enfant).where(Enfant.id == enfant_id, presents(famille_id))).first()
    if trouve is None:
        raise Introuvable
    return trouve


def ajouter_enfant(famille_id: int, fiche: FicheEnfant, origine: str = "famille") -> Enfant:
    """Add a child typed by the family, or a CAF proposal it confirmed (`origine` "caf")."""
    nouvel = Enfant(famille_id=famille_id, origine=origine, nom=fiche.nom, prenoms=fiche.prenoms,
                    date_naissance=fiche.date_naissance, ecole=fiche.ecole, niveau=fiche.niveau,
                    niveau_a_verifier=fiche.niveau_a_verifier)
    db.session.add(nouvel)
    db.session.flush()
    return nouvel


def modifier_enfant(existant: Enfant, version: int | None, fiche: FicheEnfant) -> None:
    """Update a child from the form loaded at `version`; raise ConflitDeVersion."""
    verifier_version(existant, version)
    existant.nom, existant.prenoms = fiche.nom, fiche.prenoms
    existant.date_naissance = fiche.date_naissance
    existant.ecole, existant.niveau = fiche.ecole, fiche.niveau
    existant.niveau_a_verifier = fiche.niveau_a_verifier
    db.session.flush()


def sera_archive(existant: Enfant) -> bool:
    """Whether removing the child keeps it archived: it has enrolments, whose history must
    stay (issue 5: every change is kept), even once they are all cancelled."""
    return bool(existant.inscriptions)


def retirer_enfant(existant: Enfant) -> None:
    """Remove a child from the household; raise EnfantInscrit while an enrolment is current.

    A child ever enrolled is archived: gone from the lists, the prices and new enrolments, but
    kept with its enrolments and their history for the town hall and the data export. A child
    never enrolled is deleted.
    """
    if any(inscription.active for inscription in existant.inscriptions):
        raise EnfantInscrit
    if sera_archive(existant):
        existant.archive_le = maintenant()
    else:
        db.session.delete(existant)
    db.session.flush()


# --- CAF proposals ---------------------------------------------------------------------------

def cle_de_proposition(brute: dict) -> str:
    """A stable key for one proposed child: indices shift as proposals are handled, keys do not."""
    texte = json.dumps([brute.get(c) for c in ("nom_naissance", "prenoms", "date_naissance",
                                               "sexe")], ensure_ascii=False)
    return hashlib.sha256(texte.encode()).hexdigest()[:16]


def propositions_enfants(brutes: list[dict], famille_id: int) -> list[PropositionEnfant]:
    """The CAF's children not yet in the household (same name, first name and birth date)."""
    connus = {(identite.normaliser(e.nom), identite.normaliser(e.prenom), e.date_naissance)
              for e in lister_enfants(famille_id)}
    propositions = []
    for brute in brutes:
        naissance, annee = identite.date_partielle(brute.get("date_naissance"))
        nom, prenoms = brute.get("nom_naissance") or "", brute.get("prenoms") or ""
        premier = prenoms.split(" ")[0]
        if (identite.normaliser(nom), identite.normaliser(premier), naissance) in connus:
            continue
        propositions.append(PropositionEnfant(cle_de_proposition(brute), nom, prenoms,
                                              naissance, annee))
    return propositions
