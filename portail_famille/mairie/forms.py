"""Forms of the back office: the search, the reason for opening a file, the corrections, the
worklists' decisions (what agents read on a document, the reasons of their refusals), the
attendance marks.

Allow-lists and French messages as everywhere (securite.md I2); the search is a GET form
without a CSRF token, as it writes nothing.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Regexp
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from portail_famille.domaine import francais
from portail_famille.domaine import quotient
from portail_famille.domaine import recherche
from portail_famille.domaine.grille import Grille
from portail_famille.models.factures import MODES_ENCAISSEMENT
from portail_famille.models.reservations import ETATS_POINTAGE
from portail_famille.services import lignes_tarifaires
from portail_famille.services.dossiers import MOTIFS
from portail_famille.web.formulaires import ChampDate
from portail_famille.web.formulaires import ChampDecimal
from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import Identifiant
from portail_famille.web.formulaires import MessagesEnFrancais
from portail_famille.web.formulaires import Version
from portail_famille.web.formulaires import avec_une_lettre
from portail_famille.web.formulaires import nettoyer
from portail_famille.web.formulaires import parts_fiscales

# A correction holds at most this long: beyond, a new decision is taken with fresh documents.
DUREE_MAXIMALE = timedelta(days=2 * 366)
QF_MAXIMAL = Decimal("99999.99")
PRIX_MAXIMAL = Decimal("999.99")

# Names, digits of a date, a postcode or a dossier number, and what separates them.
RECHERCHE = r"^[0-9A-Za-zÀ-ÖØ-öø-ÿŒœÆæ' ’/-]+$"


class RechercheForm(Formulaire):
    class Meta(Formulaire.Meta):
        csrf = False

    q = StringField(
        "Rechercher une famille",
        description="Nom ou prénom d’un adulte ou d’un enfant (avec ou sans accents), date de "
                    "naissance (JJ/MM/AAAA), code postal ou numéro de dossier (F-000042).",
        validators=[InputRequired("Saisissez un nom, une date de naissance, un code postal ou "
                                  "un numéro de dossier."),
                    Length(max=100, message="100 caractères au plus."),
                    Regexp(RECHERCHE, message="Lettres, chiffres, espaces, traits d’union, "
                                              "apostrophes et barres obliques seulement.")],
        filters=[nettoyer], render_kw={"autocomplete": "off", "type": "search"})

    def validate_q(self, champ):
        try:
            self.criteres = recherche.lire(champ.data)
        except recherche.RechercheInvalide as exc:
            raise ValidationError(str(exc)) from None


class MotifForm(Formulaire):
    motif = RadioField("Pourquoi ouvrez-vous ce dossier ?", choices=list(MOTIFS.items()),
                       validators=[InputRequired("Choisissez le motif de la consultation.")])


class CorrectionForm(Formulaire):
    """What every correction records beside its value: why, until when, and the version of the
    household the agent saw (securite.md R1)."""

    motif = TextAreaField(
        "Motif", description="Ce que la famille lira : par exemple « attestation CAF de "
                             "novembre présentée au guichet ». 500 caractères au plus.",
        validators=[DataRequired("Indiquez le motif de la correction."),
                    Length(min=5, max=500, message="Entre 5 et 500 caractères."),
                    avec_une_lettre], filters=[nettoyer])
    version = Version()

    def __init__(self, *args, aujourd_hui: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aujourd_hui = aujourd_hui or date.today()

    def _verifier_fin(self, champ, apres_aujourd_hui: bool) -> None:
        if champ.data is None:
            return
        if champ.data < self.aujourd_hui + timedelta(days=int(apres_aujourd_hui)):
            raise ValidationError("Choisissez une date à venir." if apres_aujourd_hui else
                                  "Choisissez aujourd’hui ou une date à venir.")
        if champ.data > self.aujourd_hui + DUREE_MAXIMALE:
            raise ValidationError("Deux ans au plus : au-delà, une nouvelle décision est "
                                  "prise sur des documents à jour.")


class QuotientMairieForm(CorrectionForm):
    valeur = ChampDecimal(
        "Quotient familial (€)", description="Tel qu’il figure sur le document, par exemple "
                                             "812,40.",
        validators=[InputRequired("Indiquez le quotient familial."),
                    NumberRange(min=0, max=QF_MAXIMAL,
                                message="Un quotient familial entre 0 et 99 999,99 €.")])
    expire_le = ChampDate(
        "Ne compte plus à partir du",
        description="Par exemple le lendemain de la fin de validité du document (JJ/MM/AAAA).",
        validators=[DataRequired("Indiquez jusqu’à quand ce quotient compte.")])

    def validate_expire_le(self, champ):
        self._verifier_fin(champ, apres_aujourd_hui=True)


class TarifDecideForm(CorrectionForm):
    enfant = SelectField("Enfant", coerce=int,
                         validators=[InputRequired("Choisissez l’enfant.")])
    service = SelectField("Service", validators=[InputRequired("Choisissez le service.")])
    prix = ChampDecimal(
        "Prix décidé (€)", description="Par unité du service (repas, soir…), par exemple 0,50.",
        validators=[InputRequired("Indiquez le prix décidé."),
                    NumberRange(min=0, max=PRIX_MAXIMAL,
                                message="Un prix entre 0 et 999,99 €.")])
    fin = ChampDate("Jusqu’au (inclus)", description="JJ/MM/AAAA.",
                    validators=[DataRequired("Indiquez jusqu’à quand ce tarif s’applique.")])

    def validate_fin(self, champ):
        self._verifier_fin(champ, apres_aujourd_hui=False)


class ChoixPointageForm(Formulaire):
    """Which list to mark: read from the address (GET), so a tablet can bookmark it."""

    class Meta(MessagesEnFrancais):
        csrf = False  # a GET form that writes nothing

    ecole = SelectField("École", validators=[InputRequired("Choisissez une école.")])
    service = SelectField("Service", validators=[InputRequired("Choisissez un service.")])
    jour = ChampDate("Jour", validators=[DataRequired("Indiquez le jour.")])


class MarqueForm(Formulaire):
    """One child's mark; the button pressed carries the state."""

    ecole = StringField(validators=[InputRequired(), Length(max=120)])
    service = StringField(validators=[InputRequired(), Length(max=60)])
    jour = ChampDate(validators=[DataRequired()])  # DataRequired: blank text passes InputRequired
    enfant = Identifiant()
    etat = SelectField(choices=list(ETATS_POINTAGE.items()), validators=[InputRequired()])


# Beyond these, a figure was mistyped.
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
        validators=[_requis, NumberRange(min=0, max=QF_MAXIMAL, message=(
            "Un quotient familial est compris entre 0 et 99 999,99 €."))])
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


FORMATS_EXPORT = [("csv", "CSV (tableur, séparateur « ; »)"), ("xlsx", "Classeur Excel (XLSX)")]


class ExportForm(Formulaire):
    """The billing export's period, month and format: a GET form (it writes nothing). The
    period's choices are the grid's, set by the view; the month is checked against it."""

    class Meta(Formulaire.Meta):
        csrf = False

    periode = SelectField("Période de la grille", validators=[
        InputRequired("Choisissez la période.")])
    mois = StringField("Mois facturé", description="Au format AAAA-MM, par exemple 2026-09.",
                       validators=[InputRequired("Indiquez le mois, au format AAAA-MM."),
                                   Length(max=7, message="Au format AAAA-MM, par exemple "
                                                         "2026-09.")],
                       filters=[nettoyer], render_kw={"autocomplete": "off"})
    format = RadioField("Format", choices=FORMATS_EXPORT, default="csv",
                        validators=[InputRequired("Choisissez le format du fichier.")])

    def __init__(self, *args, grille: Grille, maintenant_: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.grille, self.maintenant_ = grille, maintenant_
        self.periode.choices = [(p.debut.isoformat(), p.libelle) for p in grille.periodes]

    def validate_mois(self, champ):
        periode = next((p for p in self.grille.periodes
                        if p.debut.isoformat() == self.periode.data), None)
        if periode is None:
            raise StopValidation()  # the period's own error says it
        try:
            self.moment = lignes_tarifaires.moment_du_mois(periode, champ.data,
                                                           self.maintenant_)
        except lignes_tarifaires.DemandeInvalide as exc:
            raise ValidationError(francais.majuscule_initiale(str(exc)) + ".") from None
        self.periode_choisie = periode
class MoisForm(Formulaire):
    """The month a campaign invoices, from the browser's month picker (AAAA-MM)."""

    mois = StringField(
        "Mois à facturer", description="Par exemple 2026-11 pour novembre 2026.",
        validators=[InputRequired("Indiquez le mois à facturer."),
                    Regexp(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$",
                           message="Indiquez un mois au format AAAA-MM, par exemple 2026-11.")],
        filters=[nettoyer])

    @property
    def premier_jour(self) -> date:
        annee, mois = self.mois.data.split("-")
        return date(int(annee), int(mois), 1)


class EmissionForm(Formulaire):
    """Issuing a campaign: only a token, the button says what it does."""


class EncaissementForm(Formulaire):
    """A payment taken at the régie's counter (beside the credit note's form: its own names)."""

    montant_recu = ChampDecimal(
        "Montant reçu (€)", description="Au plus ce qui reste à payer, par exemple 18,40.",
        validators=[InputRequired("Indiquez le montant reçu."),
                    NumberRange(min=Decimal("0.01"), max=PRIX_MAXIMAL * 100,
                                message="Un montant entre 0,01 et 99 999,00 €.")])
    mode = RadioField("Moyen de paiement", choices=list(MODES_ENCAISSEMENT.items()),
                      validators=[InputRequired("Choisissez le moyen de paiement.")])
    reference = StringField(
        "Numéro du chèque ou du reçu (facultatif)", description="40 caractères au plus.",
        validators=[Length(max=40, message="40 caractères au plus.")], filters=[nettoyer])
    recu_le = ChampDate("Reçu le", description="JJ/MM/AAAA.",
                        validators=[DataRequired("Indiquez le jour où le paiement a été reçu.")])
    jeton = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9a-f]{32}$")])


class AnnulationEncaissementForm(Formulaire):
    motif = StringField(
        "Motif de l’annulation", description="Par exemple « chèque saisi deux fois ».",
        validators=[DataRequired("Indiquez pourquoi vous annulez ce paiement."),
                    Length(min=5, max=500, message="Entre 5 et 500 caractères."),
                    avec_une_lettre], filters=[nettoyer])


class AvoirForm(Formulaire):
    montant = ChampDecimal(
        "Montant de l’avoir (€)", description="Au plus ce qui reste de la facture, par exemple "
                                              "2,76.",
        validators=[InputRequired("Indiquez le montant de l’avoir."),
                    NumberRange(min=Decimal("0.01"), max=PRIX_MAXIMAL * 100,
                                message="Un montant entre 0,01 et 99 999,00 €.")])
    motif = TextAreaField(
        "Motif", description="Ce que la famille lira, par exemple « repas non servi le 12/11 "
                             "(grève) ». 500 caractères au plus.",
        validators=[DataRequired("Indiquez le motif de l’avoir."),
                    Length(min=5, max=500, message="Entre 5 et 500 caractères."),
                    avec_une_lettre], filters=[nettoyer])
