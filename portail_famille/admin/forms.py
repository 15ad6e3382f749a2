"""The admin area's forms."""

from wtforms import HiddenField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from portail_famille.services.grilles import champs_du_plan
from portail_famille.services.grilles import identifiant
from portail_famille.web.formulaires import CasesACocher
from portail_famille.web.formulaires import ChampDate
from portail_famille.web.formulaires import Formulaire


class CampagneRenouvellementForm(Formulaire):
    avant = ChampDate("Quotients qui ne compteront plus le",
                      description="En général, le jour de la rentrée (début de la prochaine "
                                  "période de la grille).",
                      validators=[DataRequired("Indiquez la date.")])


class EditeurGrilleForm(Formulaire):
    """The grid editor: the draft text (a textarea in the text view, hidden in the form view),
    the hash of the version the edit started from (T4), and the button pressed."""

    texte = TextAreaField("Texte YAML de la grille", render_kw={"rows": 30, "spellcheck": "false"})
    base = HiddenField()
    vue = HiddenField()
    action = StringField()

    def texte_saisi(self) -> str:
        # Browsers send line breaks as CRLF; the text and its hash are written with LF.
        return (self.texte.data or "").replace("\r\n", "\n").replace("\r", "\n")


HORS_COMMUNE = [("", "le prix sans quotient (par défaut)"), ("prix", "un prix fixe"),
                ("majoration", "le prix calculé majoré d’un pourcentage")]


def formulaire_editeur(plan, **donnees) -> EditeurGrilleForm:
    """The editor with one field per value of `plan` (edition.plan), named after its path."""
    champs = {champ.identifiant: StringField(champ.libelle, default=champ.valeur)
              for champ in champs_du_plan(plan)}
    for periode in plan:
        champs[f"{identifiant(periode.chemin)}-fratrie"] = CasesACocher(
            "Services concernés", choices=[(s.code, s.libelle) for s in periode.services],
            default=periode.fratrie_services)
        for service in periode.services:
            champs[f"{identifiant(service.chemin)}-hors_commune_regle"] = SelectField(
                "Prix hors commune", choices=HORS_COMMUNE, default=service.hors_commune_regle)
    classe = type("EditeurGrilleDetailleForm", (EditeurGrilleForm,), champs)
    return classe(**donnees)


class EnregistrementGrilleForm(Formulaire):
    """Saving a previewed grid: its text, the hash it started from, and the council's decision."""

    texte = HiddenField()
    base = HiddenField()
    commentaire = StringField(
        "Commentaire : numéro de la délibération",
        description="Par exemple « Délibération n° 2026/0042 du 29 juin 2026 ». Il figure dans "
                    "l’historique des versions.",
        validators=[DataRequired("Indiquez le numéro de la délibération."),
                    Length(max=500, message="500 caractères au plus.")])

    texte_saisi = EditeurGrilleForm.texte_saisi


class ComparaisonVersionsForm(Formulaire):
    """Two versions of the history to compare side by side (a GET form: it writes nothing)."""

    class Meta(Formulaire.Meta):
        csrf = False

    de = SelectField("Version de départ", coerce=int)
    a = SelectField("Version d’arrivée", coerce=int)
