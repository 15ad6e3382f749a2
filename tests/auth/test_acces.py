"""Who may reach what (securite.md A1, A4): every endpoint of `app.url_map` is classified here.

A new route fails `test_a1_chaque_endpoint_est_classe` until it is added to ACCES with its
audience: deny by default applies to the tests too.
"""

import re
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Blueprint
from werkzeug.routing.converters import NumberConverter

from portail_famille.extensions import db
from portail_famille.models import Evenement
from tests.aides import AUDIENCES
from tests.aides import MOT_DE_PASSE
from tests.aides import Page
from tests.aides import connecter_personnel
from tests.aides import creer_compte
from tests.aides import creer_famille
from tests.aides import creer_personnel
from tests.aides import hachage_rapide
from tests.aides import planter_session


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch):
    hachage_rapide(monkeypatch)

PUBLIC = "public"  # anyone, the same answer whoever asks
BAC_A_SABLE = "bac_a_sable"  # the sandbox's providers: public when switched on (O14)
FAMILLE = "famille"
PERSONNEL = "personnel"  # agents and admins
ADMIN = "admin"

ACCES = {
    "static": PUBLIC,
    "public.accueil": PUBLIC,
    "public.simulateur": PUBLIC,
    "public.api_simulation": PUBLIC,
    "public.api_tarifs": PUBLIC,
    "public.accessibilite": PUBLIC,
    "public.donnees_personnelles": PUBLIC,
    "public.mentions_legales": PUBLIC,
    "public.sante": PUBLIC,
    "public.sante_pret": PUBLIC,
    "public.notification_payfip": PUBLIC,
    "public.retour_payfip": PUBLIC,
    "auth.connexion": PUBLIC,
    "auth.connexion_franceconnect": PUBLIC,
    "auth.retour_franceconnect": PUBLIC,
    "auth.connexion_proconnect": PUBLIC,
    "auth.retour_proconnect": PUBLIC,
    "auth.echec": PUBLIC,
    "auth.connexion_personnel": PUBLIC,
    "auth.connexion_personnel_code": PUBLIC,
    "auth.connexion_personnel_enrolement": PUBLIC,
    "auth.connexion_personnel_codes_de_secours": PUBLIC,
    "auth.deconnexion": PUBLIC,
    "auth.deconnexion_retour": PUBLIC,
    "familles.accueil": FAMILLE,
    "familles.quotient": FAMILLE,
    "familles.quotient_recuperation": FAMILLE,
    "familles.quotient_identite": FAMILLE,
    "familles.quotient_justificatif": FAMILLE,
    "familles.quotient_numero_fiscal": FAMILLE,
    "familles.quotient_refus": FAMILLE,
    "familles.quotient_renouvellement": FAMILLE,
    "familles.tarifs": FAMILLE,
    "familles.factures": FAMILLE,
    "familles.facture": FAMILLE,
    "familles.facture_pdf": FAMILLE,
    "familles.facture_payer": FAMILLE,
    "familles.avoir_pdf": FAMILLE,
    "familles.attestation_frais_de_garde": FAMILLE,
    "familles.foyer": FAMILLE,
    "familles.adresse_caf_ignorer": FAMILLE,
    "familles.residence_verification": FAMILLE,
    "familles.second_adulte": FAMILLE,
    "familles.second_adulte_retirer": FAMILLE,
    "familles.enfants": FAMILLE,
    "familles.enfant": FAMILLE,
    "familles.enfant_ajouter": FAMILLE,
    "familles.enfant_caf": FAMILLE,
    "familles.enfant_caf_ignorer": FAMILLE,
    "familles.enfant_retirer": FAMILLE,
    "familles.inscriptions": FAMILLE,
    "familles.inscription": FAMILLE,
    "familles.inscription_nouvelle": FAMILLE,
    "familles.inscription_annuler": FAMILLE,
    "familles.reservations": FAMILLE,
    "familles.reservation_changer": FAMILLE,
    "familles.donnees": FAMILLE,
    "familles.donnees_json": FAMILLE,
    "familles.donnees_suppression": FAMILLE,
    "familles.paiement": FAMILLE,
    "mairie.accueil": PERSONNEL,
    "mairie.pointage": PERSONNEL,
    "mairie.pointage_marquer": PERSONNEL,
    "mairie.facturation": PERSONNEL,
    "mairie.facturation_calculer": PERSONNEL,
    "mairie.campagne": PERSONNEL,
    "mairie.campagne_emettre": PERSONNEL,
    "mairie.campagne_bordereau": PERSONNEL,
    "mairie.campagne_paiements": PERSONNEL,
    "mairie.facture": PERSONNEL,
    "mairie.facture_pdf": PERSONNEL,
    "mairie.facture_avoir": PERSONNEL,
    "mairie.facture_encaisser": PERSONNEL,
    "mairie.encaissement_annuler": PERSONNEL,
    "mairie.avoir_pdf": PERSONNEL,
    "mairie.fiche": PERSONNEL,
    "mairie.exports": PERSONNEL,
    "mairie.saisie_quotient": PERSONNEL,
    "mairie.tarif_decide": PERSONNEL,
    "mairie.justificatifs_a_verifier": PERSONNEL,
    "mairie.justificatif": PERSONNEL,
    "mairie.justificatif_document": PERSONNEL,
    "mairie.justificatif_accepter": PERSONNEL,
    "mairie.justificatif_refuser": PERSONNEL,
    "mairie.inscriptions_demandees": PERSONNEL,
    "mairie.inscription_valider": PERSONNEL,
    "mairie.inscription_refus": PERSONNEL,
    "mairie.quotients_a_echeance": PERSONNEL,
    "mairie.suppressions_demandees": PERSONNEL,
    "mairie.suppression": PERSONNEL,
    "mairie.suppression_effectuer": PERSONNEL,
    "mairie.suppression_refuser": PERSONNEL,
    "admin.accueil": ADMIN,
    "admin.renouvellement_accueil": ADMIN,
    "admin.renouvellement_lancer": ADMIN,
    "admin.renouvellement_campagne": ADMIN,
    "admin.renouvellement_etat": ADMIN,
    "admin.grille": ADMIN,
    "admin.grille_modifier": ADMIN,
    "admin.grille_modifier_envoi": ADMIN,
    "admin.grille_enregistrer": ADMIN,
    "admin.grille_versions": ADMIN,
    "admin.grille_versions_comparer": ADMIN,
    "admin.grille_version_restaurer": ADMIN,
    "admin.comptes_liste": ADMIN,
    "admin.comptes_creer": ADMIN,
    "admin.compte_role": ADMIN,
    "admin.compte_desactiver": ADMIN,
    "admin.compte_reactiver": ADMIN,
    "admin.compte_totp": ADMIN,
    "admin.journal_liste": ADMIN,
    "bac_a_sable.boite_aux_lettres.courriels_envoyes": BAC_A_SABLE,
    "bac_a_sable.payfip.service": BAC_A_SABLE,
    "bac_a_sable.payfip.page": BAC_A_SABLE,
    "bac_a_sable.payfip.payer": BAC_A_SABLE,
    "bac_a_sable.payfip.liberer": BAC_A_SABLE,
    "bac_a_sable.franceconnect.decouverte": BAC_A_SABLE,
    "bac_a_sable.franceconnect.jwks": BAC_A_SABLE,
    "bac_a_sable.franceconnect.authorize": BAC_A_SABLE,
    "bac_a_sable.franceconnect.interaction": BAC_A_SABLE,
    "bac_a_sable.franceconnect.token": BAC_A_SABLE,
    "bac_a_sable.franceconnect.userinfo": BAC_A_SABLE,
    "bac_a_sable.franceconnect.introspection": BAC_A_SABLE,
    "bac_a_sable.franceconnect.revocation": BAC_A_SABLE,
    "bac_a_sable.franceconnect.session_end": BAC_A_SABLE,
    "bac_a_sable.proconnect.decouverte": BAC_A_SABLE,
    "bac_a_sable.proconnect.jwks": BAC_A_SABLE,
    "bac_a_sable.proconnect.authorize": BAC_A_SABLE,
    "bac_a_sable.proconnect.interaction": BAC_A_SABLE,
    "bac_a_sable.proconnect.token": BAC_A_SABLE,
    "bac_a_sable.proconnect.userinfo": BAC_A_SABLE,
    "bac_a_sable.proconnect.introspection": BAC_A_SABLE,
    "bac_a_sable.proconnect.revocation": BAC_A_SABLE,
    "bac_a_sable.proconnect.session_end": BAC_A_SABLE,
    "bac_a_sable.api_particulier.quotient_familial_france_connect": BAC_A_SABLE,
    "bac_a_sable.api_particulier.quotient_familial_identite": BAC_A_SABLE,
    "bac_a_sable.api_particulier.route_inconnue": BAC_A_SABLE,
    "bac_a_sable.api_particulier.supprimee_api_caf_famille": BAC_A_SABLE,
    "bac_a_sable.api_particulier.supprimee_api_impots_svair": BAC_A_SABLE,
    "bac_a_sable.api_particulier.supprimee_api_v2_avis-imposition": BAC_A_SABLE,
    "bac_a_sable.api_particulier.supprimee_api_v2_composition-familiale": BAC_A_SABLE,
    "bac_a_sable.impot_particulier.jeton": BAC_A_SABLE,
    "bac_a_sable.impot_particulier.situation": BAC_A_SABLE,
    "bac_a_sable.impot_particulier.derniere_situation": BAC_A_SABLE,
    "bac_a_sable.impot_particulier.derniere_situation_deux_ans": BAC_A_SABLE,
}

# Who gets the page when the audience is FAMILLE, PERSONNEL or ADMIN.
ADMIS = {FAMILLE: {"famille"}, PERSONNEL: {"agent", "admin"}, ADMIN: {"admin"}}
PAGE_DE_CONNEXION = {FAMILLE: "/connexion", PERSONNEL: "/connexion/personnel",
                     ADMIN: "/connexion/personnel"}
# A public page may answer one audience differently, on purpose.
PUBLIC_SELON_AUDIENCE = {("auth.connexion", "famille"): (302, "/espace-famille/")}
# Values for the rules' arguments, and query strings that make a public route answer 200.
ARGUMENTS = {"filename": "css/portail.css", "chemin": "inconnue", "annrev": "2024",
             "spi": "9912000000011", "format_": "csv"}
REQUETES = {"public.api_simulation": {"qf": "500", "date": "2026-01-15"}}


def exemple(regle, nom: str):
    """A value for a rule's argument: a named sample, else what its converter accepts."""
    if nom in ARGUMENTS:
        return ARGUMENTS[nom]
    convertisseur = re.search(rf"<(\w+)(?:\([^)]*\))?:{nom}>", regle.rule)
    numerique = convertisseur and issubclass(regle.map.converters[convertisseur[1]],
                                            NumberConverter)
    return 1 if numerique else "exemple"


def regles(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def appels(app):
    """One call per endpoint: its URL built with sample arguments, GET when it has one."""
    vus = set()
    for regle in regles(app):
        if regle.endpoint in vus:
            continue
        vus.add(regle.endpoint)
        defauts = regle.defaults or {}
        valeurs = {nom: exemple(regle, nom) for nom in regle.arguments if nom not in defauts}
        _, chemin = regle.build({**defauts, **valeurs}, append_unknown=False)
        methode = "GET" if "GET" in regle.methods else "POST"
        yield regle.endpoint, methode, chemin


@pytest.fixture
def comptes(app):
    return {role: creer_compte(app, role) for role in ("famille", "agent", "admin")}


def client_de(app, comptes, audience):
    client = app.test_client()
    if audience != "anonyme":
        planter_session(client, comptes[audience], audience)
    return client


def test_a1_chaque_endpoint_est_classe(app):
    endpoints = {regle.endpoint for regle in regles(app)}
    non_classes = sorted(endpoints - set(ACCES))
    assert non_classes == [], (
        "Endpoints sans audience : ajoutez-les à ACCES (public, famille, personnel, admin) : "
        f"{non_classes}")
    assert sorted(set(ACCES) - endpoints) == [], "ACCES nomme des endpoints disparus"


def test_a1_matrice_des_acces(app, comptes):
    ecarts = []
    for endpoint, methode, chemin in appels(app):
        audience = ACCES.get(endpoint)
        if audience is None:
            continue  # reported by test_a1_chaque_endpoint_est_classe
        statuts = {}
        # A new household per endpoint: a POST may remove the one it was given.
        comptes = {**comptes, "famille": creer_famille(app)}
        for qui in AUDIENCES:
            # A fresh session for every call: a route cannot change what the next one sees.
            client = client_de(app, comptes, qui)
            reponse = client.open(chemin, method=methode,
                                  query_string=REQUETES.get(endpoint))
            statuts[qui] = reponse.status_code
            attendu = verdict(audience, endpoint, qui, reponse, chemin)
            if attendu:
                ecarts.append(f"{methode} {chemin} ({endpoint}) pour {qui} : {attendu}")
        if audience in (PUBLIC, BAC_A_SABLE):
            differents = {qui: s for qui, s in statuts.items()
                          if (endpoint, qui) not in PUBLIC_SELON_AUDIENCE}
            if len(set(differents.values())) > 1:
                ecarts.append(f"{chemin} ({endpoint}) répond selon l'audience : {statuts}")
    assert ecarts == []


def verdict(audience, endpoint, qui, reponse, chemin) -> str | None:
    """What is wrong with this answer, or None."""
    statut, cible = reponse.status_code, reponse.location or ""
    if statut >= 500:
        return f"erreur {statut}"
    if audience == PUBLIC:
        if (endpoint, qui) in PUBLIC_SELON_AUDIENCE:
            code, lieu = PUBLIC_SELON_AUDIENCE[(endpoint, qui)]
            return None if (statut, urlsplit(cible).path) == (code, lieu) else \
                f"{statut} {cible}, attendu {code} vers {lieu}"
        return None if statut in (200, 302, 303) else f"{statut} pour une page publique"
    if audience == BAC_A_SABLE:
        return f"{statut} : le bac à sable est public" if statut == 403 else None
    if qui in ADMIS[audience]:
        if statut == 403 or urlsplit(cible).path in ("/connexion", "/connexion/personnel"):
            return f"{statut} {cible} : refusé à qui y a droit"
        return None
    if qui == "anonyme":
        morceaux = urlsplit(cible)
        suivant = parse_qs(morceaux.query).get("next", [""])[0]
        if statut != 302 or morceaux.path != PAGE_DE_CONNEXION[audience] or suivant != chemin:
            return f"{statut} {cible}, attendu 302 vers {PAGE_DE_CONNEXION[audience]}" \
                   f"?next={chemin}"
        return None
    return None if statut == 403 else f"{statut} {cible}, attendu 403"


def test_a1_un_endpoint_hors_de_tout_blueprint_repond_403(fabrique):
    app = fabrique(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    app.add_url_rule("/oublie", "oublie", lambda: "données internes")
    sans_audience = Blueprint("sans_audience", __name__)
    sans_audience.add_url_rule("/sans-audience", "page", lambda: "données internes")
    app.register_blueprint(sans_audience)
    comptes = {role: creer_compte(app, role) for role in ("famille", "agent", "admin")}
    for qui in AUDIENCES:
        for chemin in ("/oublie", "/sans-audience"):
            reponse = client_de(app, comptes, qui).get(chemin)
            assert reponse.status_code == 403, (qui, chemin)
            assert "données internes" not in reponse.text
            assert "Accès refusé" in reponse.text


# ---------------------------------------------------------------------------------------------
# A4: staff never authenticate as citizens, and a session cannot promote itself
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_plante", ["admin", "agent"])
@pytest.mark.parametrize("chemin", ["/mairie/", "/admin/"])
def test_a4_une_famille_est_refusee_meme_si_sa_session_se_dit_admin(app, role_plante, chemin):
    client = app.test_client()
    planter_session(client, creer_famille(app), role_plante)
    reponse = client.get(chemin)
    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.text


def test_a4_un_role_plante_sans_compte_reste_anonyme(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["role"] = "admin"
    reponse = client.get("/admin/")
    assert reponse.status_code == 302
    assert urlsplit(reponse.location).path == "/connexion/personnel"


def test_a4_un_agent_n_est_pas_admin_meme_si_sa_session_le_dit(app):
    client = app.test_client()
    planter_session(client, creer_personnel(app, "agent"), "admin")
    assert client.get("/admin/").status_code == 403
    assert client.get("/mairie/").status_code == 200


def echecs_de_connexion(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Evenement.detail).where(Evenement.type == "echec_connexion")))


@pytest.mark.parametrize(("identifiant", "mot_de_passe", "actif"), [
    ("agent.dupont", "pas-le-bon-mot-de-passe", True),
    ("personne.inconnue", MOT_DE_PASSE, True),
    ("agent.dupont", MOT_DE_PASSE, False),
], ids=["mauvais_mot_de_passe", "identifiant_inconnu", "compte_desactive"])
def test_a4_echec_de_connexion_du_personnel_meme_message_422_et_evenement(
        app, identifiant, mot_de_passe, actif):
    compte_id = creer_personnel(app, "agent", identifiant="agent.dupont")
    if not actif:
        with app.app_context():
            from portail_famille.models import Compte
            db.session.get(Compte, compte_id).actif = False
            db.session.commit()
    client = app.test_client()
    reponse = connecter_personnel(client, identifiant, mot_de_passe)
    assert reponse.status_code == 422
    page = Page(reponse.text)
    alertes = [p.texte for p in page.tous("p") if p.get("role") == "alert"]
    assert alertes == ["Identifiant ou mot de passe incorrect."]
    assert page.par_id("identifiant").get("value") == identifiant
    assert page.par_id("mot_de_passe").get("value", "") == ""
    assert mot_de_passe not in reponse.text
    assert echecs_de_connexion(app) == ["personnel"]
    assert client.get("/mairie/").status_code == 302  # still anonymous


def test_a4_connexion_du_personnel_reussie(app):
    creer_personnel(app, "agent", identifiant="agent.dupont")
    creer_personnel(app, "admin", identifiant="admin.durand")
    agent = app.test_client()
    reponse = connecter_personnel(agent, "Agent.Dupont ")
    assert (reponse.status_code, reponse.location) == (303, "/mairie/")
    assert agent.get("/mairie/").status_code == 200
    admin = app.test_client()
    assert connecter_personnel(admin, "admin.durand").location == "/admin/"
    assert echecs_de_connexion(app) == []


@pytest.mark.parametrize("cible", [
    "//evil.example/", "https://evil.example/", "http:evil.example", "https:evil.example",
    "/\\evil.example", "\\\\evil.example", "%2F%2Fevil.example", "/%2F/evil.example",
    "%252F%252Fevil.example", "javascript:alert(1)", "/\t/evil.example", "mairie/",
    " //evil.example", "//evil.example@portail",
])
def test_a4_next_de_la_connexion_du_personnel_ne_quitte_pas_le_site(app, cible):
    creer_personnel(app, "agent", identifiant="agent.dupont")
    reponse = connecter_personnel(app.test_client(), "agent.dupont", suivant=cible)
    assert reponse.status_code == 303
    morceaux = urlsplit(reponse.location)
    assert morceaux.scheme in ("", "http") and morceaux.netloc in ("", "localhost")
    assert reponse.location.startswith("/") and not reponse.location.startswith(("//", "/\\"))
    assert reponse.location == "/mairie/"


def test_a4_next_interne_de_la_connexion_du_personnel_conserve(app):
    creer_personnel(app, "agent", identifiant="agent.dupont")
    reponse = connecter_personnel(app.test_client(), "agent.dupont",
                                  suivant="/mairie/?onglet=familles")
    assert reponse.location == "/mairie/?onglet=familles"
