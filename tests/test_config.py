"""The portal refuses to start with a configuration it cannot serve safely (securite.md C4, E2,
O14): every problem is listed at once, and the sandbox exists only when switched on."""

import secrets

import pytest

from portail_famille.config import RACINE_PROJET
from portail_famille.config import Configuration
from portail_famille.config import ConfigurationInvalide
from portail_famille.connecteurs.limiteur import LimiteurLocal
from portail_famille.services import clients_api
from tests.aides import AUDIENCES
from tests.aides import connecter
from tests.aides import routes_sans_parametre

CLE_FORTE = secrets.token_hex(32)
SIRET_DE_LYON = "21690123100011"
PRODUCTION = {
    "tests": False,
    "bac_a_sable": False,
    "secret_key": CLE_FORTE,
    "portail_url": "https://portail.exemple.fr",
    "franceconnect_issuer": "https://oidc.franceconnect.gouv.fr/api/v2",
    "franceconnect_client_id": "client-de-la-commune",
    "franceconnect_client_secret": "secret-de-la-commune",
    "api_particulier_recipient": SIRET_DE_LYON,
    "api_particulier_token": "jeton-api-particulier-de-la-commune",
    "impot_particulier_url": "https://passerelle.exemple.fr/impotparticulier/1.0",
    "impot_particulier_token_url": "https://passerelle.exemple.fr/token",
    "impot_particulier_client_id": "client-dgfip-de-la-commune",
    "impot_particulier_client_secret": "secret-dgfip-de-la-commune",
    "smtp_url": "smtp://relais.exemple.fr:587",
}
BANDEAU = "Bac à sable – données fictives."


@pytest.fixture(autouse=True)
def environnement_vierge(monkeypatch):
    """Only the overrides of each test count, whatever the developer's shell exports."""
    for nom in ("SECRET_KEY", "PORTAIL_URL", "PORTAIL_BAC_A_SABLE", "FRANCECONNECT_ISSUER",
                "FRANCECONNECT_CLIENT_ID", "FRANCECONNECT_CLIENT_SECRET", "FRANCECONNECT_SCOPES",
                "API_PARTICULIER_RECIPIENT", "API_PARTICULIER_TOKEN", "API_PARTICULIER_URL",
                "IMPOT_PARTICULIER_URL", "IMPOT_PARTICULIER_TOKEN_URL",
                "IMPOT_PARTICULIER_CLIENT_ID", "IMPOT_PARTICULIER_CLIENT_SECRET",
                "IMPOT_PARTICULIER_APPELS_PAR_MINUTE", "PROXY_FIX_SAUTS",
                "JUSTIFICATIF_TAILLE_MAX", "TARIFS_FICHIER", "REDIS_URL", "SMTP_URL",
                "PAYFIP_NUMCLI", "PAYFIP_SAISIE", "PAYFIP_URL"):
        monkeypatch.delenv(nom, raising=False)


def refus(fabrique, **reglages) -> str:
    with pytest.raises(ConfigurationInvalide) as erreur:
        fabrique(**reglages)
    return str(erreur.value)


def test_une_configuration_de_production_complete_demarre(fabrique):
    app = fabrique(**PRODUCTION)
    assert app.config["SECRET_KEY"] == CLE_FORTE
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert not app.debug


def test_e2_les_reglages_des_sources_de_la_grille_sont_obligatoires(fabrique):
    # tarifs.yaml enables both sources: without their settings, every sign-in would fail.
    sans = {k: v for k, v in PRODUCTION.items()
            if k not in ("api_particulier_recipient", "impot_particulier_client_secret")}
    message = refus(fabrique, **sans)
    assert "API_PARTICULIER_RECIPIENT est obligatoire : la grille active la source « caf »" \
        in message
    assert "IMPOT_PARTICULIER_CLIENT_SECRET est obligatoire : la grille active la source " \
        "« dgfip »" in message


def test_e2_une_source_absente_de_la_grille_n_exige_rien(fabrique, tmp_path):
    grille = tmp_path / "caf-seule.yaml"
    grille.write_text((RACINE_PROJET / "tarifs.yaml").read_text(encoding="utf-8").replace(
        "sources: [dgfip, caf]", "sources: [caf]"), encoding="utf-8")
    reglages = {k: v for k, v in PRODUCTION.items() if not k.startswith("impot_particulier")}
    assert fabrique(**reglages, tarifs_fichier=grille)


def test_c4_secret_key_obligatoire_pour_servir(fabrique):
    message = refus(fabrique, **{**PRODUCTION, "secret_key": ""})
    assert "SECRET_KEY est obligatoire : au moins 32 caractères aléatoires" in message


@pytest.mark.parametrize("cle", [
    "changeme", "secret", "dev", "test", "  CHANGEME  ",
    secrets.token_hex(15),  # 30 characters: too short
    "a" * 64,
    "changeme" * 4,  # 32 characters, 7 distinct
], ids=["changeme", "secret", "dev", "test", "espaces", "courte", "repetee", "mot_repete"])
def test_c4_cle_faible_ou_courte_refusee(fabrique, cle):
    assert "SECRET_KEY est obligatoire" in refus(fabrique, **{**PRODUCTION, "secret_key": cle})


def test_c4_secret_key_lue_dans_l_environnement(fabrique, monkeypatch):
    reglages = {k: v for k, v in PRODUCTION.items() if k != "secret_key"}
    monkeypatch.setenv("SECRET_KEY", "changeme")
    assert "SECRET_KEY" in refus(fabrique, **reglages)
    monkeypatch.setenv("SECRET_KEY", CLE_FORTE)
    assert fabrique(**reglages).config["SECRET_KEY"] == CLE_FORTE


@pytest.mark.parametrize("reglages", [
    {"tests": False, "bac_a_sable": True},
    {"tests": True, "bac_a_sable": False},
], ids=["bac_a_sable", "tests"])
def test_c4_sans_secret_key_hors_production_demarre(fabrique, reglages):
    app = fabrique(secret_key="", **reglages)
    assert len(app.config["SECRET_KEY"]) >= 32


def test_une_tache_en_ligne_de_commande_n_exige_pas_de_secret_key():
    config = Configuration.depuis_environnement(env={}, pour_servir=False)
    assert config.secret_key == ""
    with pytest.raises(ConfigurationInvalide):
        Configuration.depuis_environnement(env={}, pour_servir=True)


@pytest.mark.parametrize("siret", [
    "21690123100012",  # Luhn key wrong
    "2169012310001",  # 13 digits
    "216901231000111",  # 15 digits
    "2169O123100011",  # a letter O
    "216 901 231 00011",
])
def test_e2_siret_destinataire_invalide_refuse(fabrique, siret):
    message = refus(fabrique, **{**PRODUCTION, "api_particulier_recipient": siret})
    assert "API_PARTICULIER_RECIPIENT doit être le SIRET de la commune" in message


def test_e2_siret_invalide_refuse_meme_en_bac_a_sable(fabrique):
    message = refus(fabrique, bac_a_sable=True, api_particulier_recipient="12345678901234")
    assert "API_PARTICULIER_RECIPIENT" in message


@pytest.mark.parametrize("issuer", [
    "https://oidc.franceconnect.gouv.fr/api/v2",
    "https://app.franceconnect.gouv.fr/api/v1",
    "https://OIDC.FranceConnect.gouv.fr:443/api/v2",
])
def test_o14_bac_a_sable_avec_le_franceconnect_de_production_refuse(fabrique, issuer):
    message = refus(fabrique, bac_a_sable=True, franceconnect_issuer=issuer)
    assert "PORTAIL_BAC_A_SABLE=1 est interdit avec le FranceConnect de production" in message


def test_o14_bac_a_sable_par_l_environnement_avec_production_refuse(fabrique, monkeypatch):
    monkeypatch.setenv("PORTAIL_BAC_A_SABLE", "1")
    monkeypatch.setenv("FRANCECONNECT_ISSUER", "https://oidc.franceconnect.gouv.fr/api/v2")
    reglages = {k: v for k, v in PRODUCTION.items()
                if k not in ("bac_a_sable", "franceconnect_issuer")}
    assert "PORTAIL_BAC_A_SABLE=1 est interdit" in refus(fabrique, **reglages)


def test_tous_les_problemes_sont_listes_d_un_coup(fabrique, monkeypatch):
    monkeypatch.setenv("PROXY_FIX_SAUTS", "deux")
    monkeypatch.setenv("JUSTIFICATIF_TAILLE_MAX", "5 Mo")
    message = refus(fabrique, tests=False, bac_a_sable=False, secret_key="",
                    portail_url="http://portail.exemple.fr", franceconnect_issuer="",
                    franceconnect_client_id="", franceconnect_client_secret="",
                    api_particulier_recipient="12345678901234")
    lignes = message.splitlines()
    assert lignes[0] == "Configuration invalide :"
    assert len(lignes) == 10
    for attendu in ("PROXY_FIX_SAUTS doit être un entier (reçu « deux »)", "SMTP_URL",
                    "JUSTIFICATIF_TAILLE_MAX doit être un entier (reçu « 5 Mo »)",
                    "SECRET_KEY est obligatoire", "PORTAIL_URL doit commencer par https://",
                    "FRANCECONNECT_ISSUER est obligatoire",
                    "FRANCECONNECT_CLIENT_ID est obligatoire",
                    "FRANCECONNECT_CLIENT_SECRET est obligatoire", "API_PARTICULIER_RECIPIENT"):
        assert sum(ligne.startswith("- ") and attendu in ligne for ligne in lignes) == 1, attendu


@pytest.mark.parametrize(("url", "attendue"), [
    ("postgres://portail:mdp@db.exemple.fr:5432/portail",
     "postgresql+psycopg://portail:mdp@db.exemple.fr:5432/portail"),
    ("postgresql://portail@127.0.0.1/portail", "postgresql+psycopg://portail@127.0.0.1/portail"),
    ("postgresql+psycopg://portail@127.0.0.1/portail",
     "postgresql+psycopg://portail@127.0.0.1/portail"),
    ("sqlite:////srv/portail.db", "sqlite:////srv/portail.db"),
])
def test_url_de_base_postgres_reecrite_pour_sqlalchemy(tmp_path, url, attendue):
    config = Configuration.depuis_environnement(env={"DATABASE_URL": url}, tests=True)
    assert config.flask(tmp_path)["SQLALCHEMY_DATABASE_URI"] == attendue


def test_sans_database_url_sqlite_dans_instance(tmp_path):
    config = Configuration.depuis_environnement(env={}, tests=True)
    assert config.flask(tmp_path)["SQLALCHEMY_DATABASE_URI"] == \
        f"sqlite:///{tmp_path / 'portail.db'}"


# ---------------------------------------------------------------------------------------------
# O14: the sandbox exists only when switched on, and then says so on every page
# ---------------------------------------------------------------------------------------------


def routes_du_bac_a_sable(app) -> list[str]:
    return [regle.rule for regle in app.url_map.iter_rules()
            if regle.rule.startswith("/bac-a-sable") or regle.endpoint.startswith("bac_a_sable")]


def test_o14_sans_bac_a_sable_aucune_route_du_bac_a_sable(fabrique):
    app = fabrique(bac_a_sable=False)
    assert routes_du_bac_a_sable(app) == []
    assert "bac_a_sable" not in app.blueprints
    reponse = app.test_client().get("/bac-a-sable/franceconnect/api/v2/.well-known/"
                                    "openid-configuration")
    assert reponse.status_code == 404


def test_o14_avec_bac_a_sable_ses_routes_existent(fabrique):
    app = fabrique(bac_a_sable=True)
    routes = routes_du_bac_a_sable(app)
    assert "/bac-a-sable/franceconnect/api/v2/authorize" in routes


def pages_html(app, audience: str):
    """Every HTML page a visitor of `audience` reaches with a GET, plus a 404 page."""
    client = app.test_client()
    connecter(app, client, audience)
    for endpoint, url in [*routes_sans_parametre(app), ("inconnu", "/page-qui-n-existe-pas")]:
        reponse = client.get(url)
        if reponse.mimetype == "text/html" and reponse.status_code not in (301, 302, 303):
            yield endpoint, reponse


@pytest.mark.parametrize("audience", AUDIENCES)
def test_o14_bandeau_du_bac_a_sable_sur_chaque_page(fabrique, audience):
    app = fabrique(bac_a_sable=True, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    vues = 0
    for endpoint, reponse in pages_html(app, audience):
        assert BANDEAU in reponse.text, endpoint
        vues += 1
    assert vues >= 6


@pytest.mark.parametrize("audience", AUDIENCES)
def test_o14_pas_de_bandeau_sans_bac_a_sable(fabrique, audience):
    app = fabrique(bac_a_sable=False, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    vues = 0
    for endpoint, reponse in pages_html(app, audience):
        assert BANDEAU not in reponse.text, endpoint
        vues += 1
    assert vues >= 6


def test_les_api_de_donnees_se_reglent_par_l_environnement(fabrique, monkeypatch):
    # The documented variables, read at boot: nothing points to the sandbox once they are set.
    environnement = {
        "API_PARTICULIER_URL": "https://particulier.exemple.fr/",
        "API_PARTICULIER_TOKEN": "jeton-de-la-commune",
        "API_PARTICULIER_RECIPIENT": SIRET_DE_LYON,
        "IMPOT_PARTICULIER_URL": "https://passerelle.exemple.fr/impotparticulier/1.0",
        "IMPOT_PARTICULIER_TOKEN_URL": "https://passerelle.exemple.fr/token",
        "IMPOT_PARTICULIER_CLIENT_ID": "client-dgfip",
        "IMPOT_PARTICULIER_CLIENT_SECRET": "secret-dgfip",
    }
    for nom, valeur in environnement.items():
        monkeypatch.setenv(nom, valeur)
    config = fabrique(bac_a_sable=True).extensions["portail"]
    assert (config.api_particulier_url, config.api_particulier_token,
            config.api_particulier_recipient) == (
        "https://particulier.exemple.fr", "jeton-de-la-commune", SIRET_DE_LYON)
    assert (config.impot_particulier_url, config.impot_particulier_token_url,
            config.impot_particulier_client_id, config.impot_particulier_client_secret) == (
        "https://passerelle.exemple.fr/impotparticulier/1.0",
        "https://passerelle.exemple.fr/token", "client-dgfip", "secret-dgfip")


@pytest.mark.parametrize("volume", ["200", "1000"])
def test_e5_volume_dgfip_declare_dans_l_habilitation(fabrique, monkeypatch, volume):
    monkeypatch.setenv("IMPOT_PARTICULIER_APPELS_PAR_MINUTE", volume)
    construits = []

    def limiteur(limite, fenetre, **options):
        construits.append((limite, fenetre))
        return LimiteurLocal(limite, fenetre, **options)

    monkeypatch.setattr(clients_api, "LimiteurLocal", limiteur)
    app = fabrique(bac_a_sable=True)
    assert app.extensions["portail"].impot_particulier_appels_par_minute == int(volume)
    assert app.extensions["revenus"].impot_particulier is not None
    assert construits == [(int(volume), 60.0)]


@pytest.mark.parametrize("volume", ["100", "beaucoup"])
def test_e5_volume_dgfip_hors_des_volumes_declarables_refuse(fabrique, monkeypatch, volume):
    monkeypatch.setenv("IMPOT_PARTICULIER_APPELS_PAR_MINUTE", volume)
    assert "IMPOT_PARTICULIER_APPELS_PAR_MINUTE" in refus(fabrique, bac_a_sable=True)


def test_payfip_facultatif_mais_complet_et_bien_forme(fabrique):
    sans = fabrique(**PRODUCTION)
    avec = fabrique(**PRODUCTION, payfip_numcli="012345", payfip_saisie="W")
    assert sans.extensions["payfip"] is None
    assert (avec.extensions["payfip"].numcli, avec.extensions["payfip"].saisie) == ("012345", "W")
    assert avec.extensions["payfip"].url_de_paiement("x").startswith(
        "https://www.payfip.gouv.fr/tpa/paiementws.web")
    assert "PAYFIP_SAISIE doit être T (test), X (activation) ou W (production)" in refus(
        fabrique, **PRODUCTION, payfip_numcli="012345")
    assert "PAYFIP_NUMCLI doit être le numéro client PayFiP" in refus(
        fabrique, **PRODUCTION, payfip_numcli="12345", payfip_saisie="T")


def test_payfip_du_bac_a_sable_par_defaut(fabrique):
    client = fabrique().extensions["payfip"]
    assert (client.numcli, client.saisie) == ("123456", "T")
    assert "/bac-a-sable/payfip/tpa/paiementws.web" in client.url_de_paiement("x")


def test_smtp_obligatoire_en_production_et_bien_forme(fabrique):
    sans = {k: v for k, v in PRODUCTION.items() if k != "smtp_url"}
    assert "SMTP_URL est obligatoire" in refus(fabrique, **sans)
    assert "SMTP_URL doit commencer par smtp://" in refus(
        fabrique, **{**PRODUCTION, "smtp_url": "http://relais.exemple.fr"})


@pytest.mark.parametrize(("nom", "valeur"), [("RETENTION_JOURNAL_JOURS", "0"),
                                             ("RETENTION_JUSTIFICATIFS_JOURS", "un an")])
def test_durees_de_conservation_verifiees(fabrique, monkeypatch, nom, valeur):
    monkeypatch.setenv(nom, valeur)
    assert nom in refus(fabrique, **PRODUCTION)
