"""A sandbox OpenID provider behaving like ProConnect (proconnect.md, "Sandbox"): the sandbox
FranceConnect's machinery (`fournisseur_franceconnect`) with ProConnect's scopes and claims and
invented agents instead of families. The portal's real ProConnect relying party talks to it over
HTTP, exactly as it would to ProConnect.

The agents: one of the commune (its SIRET, API_PARTICULIER_RECIPIENT) and one admin of it, whose
staff accounts `flask demo` creates; one of another organisation (refused for its SIRET); one
whose email no account knows (refused as unknown).
"""

from dataclasses import dataclass

from authlib.oidc.core import UserInfo

from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.bac_a_sable.fournisseur_franceconnect import Profil
from portail_famille.bac_a_sable.fournisseur_franceconnect import Usager

# Claims per scope, as ProConnect returns them in userinfo (proconnect.md).
REVENDICATIONS_PAR_SCOPE = {
    "openid": ["sub"],
    "email": ["email"],
    "given_name": ["given_name"],
    "usual_name": ["usual_name"],
    "uid": ["uid"],
    "siret": ["siret"],
    "siren": ["siren"],
    "organizational_unit": ["organizational_unit"],
}
# An invented organisation's SIRET (Luhn-valid), not the commune's.
SIRET_AUTRE_ORGANISATION = "13002526500013"


@dataclass(frozen=True)
class AgentFictif:
    """A sandbox ProConnect identity. `de_la_commune`: signs in for the commune's SIRET;
    `role`: the staff account `flask demo` creates for it (None: no account)."""

    cle: str
    prenom: str
    nom: str
    email: str
    de_la_commune: bool
    role: str | None
    description: str


AGENTS = (
    AgentFictif("agent-commune", "Camille", "Martin", "camille.martin@mairie-demo.test", True,
                "agent", "Agente du service des affaires scolaires de la commune : son compte "
                         "existe, elle arrive sur l’espace des agents."),
    AgentFictif("admin-commune", "Dominique", "Bernard", "dominique.bernard@mairie-demo.test",
                True, "admin", "Administrateur du portail à la mairie : il arrive sur "
                               "l’administration."),
    AgentFictif("agent-autre-organisation", "Sacha", "Petit", "sacha.petit@autre-org-demo.test",
                False, None, "Agent d’une autre organisation (autre SIRET) : refusé."),
    AgentFictif("agent-inconnu", "Alex", "Moreau", "alex.moreau@mairie-demo.test", True, None,
                "Agent de la commune pour qui aucun compte n’a été créé : refusé."),
)


def agent(cle: str) -> AgentFictif | None:
    return next((a for a in AGENTS if a.cle == cle), None)


class RevendicationsPC(UserInfo):
    REGISTERED_CLAIMS = ("sub", "email", "given_name", "usual_name", "uid", "siret", "siren")
    SCOPES_CLAIMS_MAPPING = REVENDICATIONS_PAR_SCOPE


def profil(siret_commune: str) -> Profil:
    """ProConnect's profile; the commune's agents carry `siret_commune`."""

    def siret(a: AgentFictif) -> str:
        return siret_commune if a.de_la_commune else SIRET_AUTRE_ORGANISATION

    def revendications(usager: Usager) -> RevendicationsPC:
        a = usager.identite
        return RevendicationsPC({
            "sub": usager.sub, "email": a.email, "given_name": a.prenom, "usual_name": a.nom,
            "uid": a.cle, "siret": siret(a), "siren": siret(a)[:9],
        })

    def fiches() -> list[dict]:
        return [{"cle": a.cle, "nom_complet": f"{a.prenom} {a.nom}", "email": a.email,
                 "siret": siret(a), "description": a.description} for a in AGENTS]

    return Profil(
        nom="proconnect", libelle="ProConnect", scopes=tuple(REVENDICATIONS_PAR_SCOPE),
        revendications_supportees=RevendicationsPC.REGISTERED_CLAIMS,
        revendications=revendications, introspection=lambda usager: {},
        identite=agent, fiches=fiches,
    )


def init_app(app, config) -> None:
    """The sandbox ProConnect, on PROCONNECT_ISSUER when it names the sandbox."""
    fournisseur_franceconnect.installer(
        app, config, profil(config.api_particulier_recipient), config.proconnect_issuer,
        config.proconnect_client_id, config.proconnect_client_secret)
