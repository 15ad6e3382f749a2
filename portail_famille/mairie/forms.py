"""The agents' forms: what they read on a document, and the reasons of their refusals."""

from decimal import Decimal

from wtforms import BooleanField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import StopValidation

from portail_famille.web.formulaires import ChampDecimal
from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import Version
from portail_famille.web.formulaires import nettoyer
from portail_famille.web.formulaires import parts_fiscales

# Beyond these, a figure was mistyped (and a QF column holds 12 digits before the cents).
QF_MAX = Decimal(100_000)
RFR_MAX = Decimal(100_000_000)


def _motif(libelle: str, aide: str) -> TextAreaField:
    return TextAreaField(
        libelle, description=aide, filters=[nettoyer],
        validators=[DataRequired("Indiquez le motif : la famille le lira."),
                    Length(max=500, message="500 caractères au plus.")])


def _requis(form, champ):
    # ChampDecimal keeps None for an empty field: InputRequired would only see raw text.
    if champ.data is None and not champ.errors:
        raise StopValidation({"qf": "Saisissez le quotient familial lu sur l’attestation.",
                               "rfr": "Saisissez le revenu fiscal de référence lu sur l’avis.",
                               "parts": "Saisissez le nombre de parts lu sur l’avis."}[
                                   champ.short_name])


class AttestationForm(Formulaire):
    qf = ChampDecimal(
        "Quotient familial, en euros", description="Tel qu’il figure sur l’attestation, "
        "par exemple 850 ou 1 258,67.",
        validators=[_requis, NumberRange(min=0, max=QF_MAX, message=(
            "Un quotient familial est compris entre 0 et 100 000 €."))])


class AvisForm(Formulaire):
    rfr = ChampDecimal(
        "Revenu fiscal de référence, en euros", decimales=0,
        description="En première page de l’avis d’impôt, par exemple 37 760.",
        validators=[_requis, NumberRange(min=0, max=RFR_MAX, message=(
            "Un revenu fiscal de référence est compris entre 0 et 100 000 000 €."))])
    parts = ChampDecimal("Nombre de parts", description="Sur l’avis d’impôt, par exemple 2,5.",
                         validators=[_requis, parts_fiscales])


class RefusJustificatifForm(Formulaire):
    motif = _motif("Motif du refus", "Par exemple : document illisible, attestation de plus "
                                     "de trois mois, nom différent. 500 caractères au plus.")


class ValidationInscriptionForm(Formulaire):
    version = Version()


class RefusInscriptionForm(Formulaire):
    version = Version()
    motif = _motif("Motif du refus", "Par exemple : plus de place ce jour-là, dossier "
                                     "incomplet. 500 caractères au plus.")


class EffacementForm(Formulaire):
    confirmation = BooleanField(
        "J’ai vérifié ce que la suppression efface et ce qu’elle conserve.",
        validators=[DataRequired("Cochez la case pour confirmer la suppression.")])


class RefusSuppressionForm(Formulaire):
    motif = _motif("Motif du refus", "Par exemple : une facture reste à régler, ou la demande "
                                     "ne vient pas du foyer. 500 caractères au plus.")
