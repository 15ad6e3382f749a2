"""The agents' forms: what they read on a document, and the reasons of their refusals."""

from datetime import date
from decimal import Decimal

from wtforms import BooleanField
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import StopValidation

from portail_famille.domaine import francais
from portail_famille.domaine import quotient
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
    """What an attestation says: the QF and the month it applies to (securite.md E8)."""

    qf = ChampDecimal(
        "Quotient familial, en euros", description="Tel qu’il figure sur l’attestation, "
        "par exemple 850 ou 1 258,67.",
        validators=[_requis, NumberRange(min=0, max=QF_MAX, message=(
            "Un quotient familial est compris entre 0 et 100 000 €."))])
    mois = SelectField("Mois du quotient", coerce=int,
                       choices=list(enumerate(francais.MOIS, 1)))
    annee = SelectField("Année du quotient", coerce=int)

    def __init__(self, *args, **kwargs):
        aujourd_hui = date.today()
        kwargs.setdefault("data", {"mois": aujourd_hui.month, "annee": aujourd_hui.year})
        super().__init__(*args, **kwargs)
        # An attestation of this year or the last: an older one no longer says the QF.
        self.annee.choices = [(a, str(a)) for a in (aujourd_hui.year, aujourd_hui.year - 1)]


class AvisForm(Formulaire):
    """What an avis d'impôt says: the RFR, the tax shares and the income year (E8)."""

    rfr = ChampDecimal(
        "Revenu fiscal de référence, en euros", decimales=0,
        description="En première page de l’avis d’impôt, par exemple 37 760.",
        validators=[_requis, NumberRange(min=0, max=RFR_MAX, message=(
            "Un revenu fiscal de référence est compris entre 0 et 100 000 000 €."))])
    parts = ChampDecimal("Nombre de parts", description="Sur l’avis d’impôt, par exemple 2,5.",
                         validators=[_requis, parts_fiscales])
    annrev = SelectField("Revenus de l’année", coerce=int,
                         description="L’avis de 2026 porte sur les revenus de 2025.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The income years that price a family today (impot-particulier §6).
        self.annrev.choices = [(a, str(a)) for a in quotient.annees_de_revenus(date.today())]


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
