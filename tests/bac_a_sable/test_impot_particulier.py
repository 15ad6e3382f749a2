"""API Impôt particulier simulator (impot-particulier.md §8), and the real connector against it
over HTTP."""

import base64
import json
import secrets
import time
import uuid
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
import requests
import time_machine

from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.bac_a_sable import simulateur_impot_particulier
from portail_famille.bac_a_sable.communs_api import PARIS
from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.impot_particulier import ClientImpotParticulier

TOKEN = "/bac-a-sable/impot-particulier/token"
API = "/bac-a-sable/impot-particulier" + simulateur_impot_particulier.BASE
CLIENT_ID = "portail-famille-dgfip"
SECRET = "secret-dgfip-bac-a-sable"
TYPE_SITUATION = "application/prs.dgfip.part.situations.ir.assiettes.v1+json"
TYPE_DERNIERE = "application/prs.dgfip.part.derniere.situations.ir.assiettes.v1+json"
# N = 2026: N-1 = 2025 is the latest income year.
MERCREDI = datetime(2026, 11, 18, 10, 0, tzinfo=PARIS)
N_1, N_2, N_3 = 2025, 2024, 2023

SPI_ANGELA = "9912000000011"
SPI_SOPHIE = "9912000000022"
SPI_ROUSSEAU = "9912000000033"
SPI_LEROY = "9912000000044"
SPI_KARIM = "9912000000055"
SPI_INCONNU = "9912000000077"
SCOPES_QF = "openid identite_pivot dgfip_rfr dgfip_nbpart dgfip_annee_n_moins_1"


def basic(identifiant=CLIENT_ID, secret=SECRET) -> dict:
    jeton = base64.b64encode(f"{identifiant}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {jeton}"}


def jeton(client, scope="RessourceIR RessourceIRDerniere RessourceIRDerniere2") -> str:
    reponse = client.post(TOKEN, data={"grant_type": "client_credentials", "scope": scope},
                          headers=basic())
    return reponse.get_json()["access_token"]


def appeler(client, chemin, jeton_passerelle=None, correlation="nouveau", **entetes):
    if jeton_passerelle is None:
        jeton_passerelle = jeton(client)
    if jeton_passerelle:
        entetes["Authorization"] = f"Bearer {jeton_passerelle}"
    if correlation == "nouveau":
        correlation = str(uuid.uuid4())
    if correlation is not None:
        entetes["X-Correlation-ID"] = correlation
    return client.get(API + chemin, headers=entetes)


def situation(spi, annrev=N_1) -> str:
    return f"/spi/{spi}/situations/ir/assiettes/annrev/{annrev}"


def jeton_fc(app, cle="jean-baptiste", scope=SCOPES_QF, **options) -> str:
    with app.app_context():
        return fournisseur_franceconnect.emettre_jeton_acces(cle, scope, **options)


@pytest.fixture
def mercredi():
    with time_machine.travel(MERCREDI, tick=False) as voyage:
        yield voyage


# --- token endpoint --------------------------------------------------------------------------


def test_jeton_par_basic(client):
    reponse = client.post(TOKEN, data={"grant_type": "client_credentials",
                                       "scope": "RessourceIR"}, headers=basic())

    assert reponse.status_code == 200
    corps = reponse.get_json()
    assert set(corps) == {"access_token", "token_type", "expires_in", "scope"}
    assert (corps["token_type"], corps["expires_in"], corps["scope"]) == (
        "Bearer", 300, "RessourceIR",
    )
    assert len(corps["access_token"]) >= 43
    assert reponse.headers["Cache-Control"] == "no-store"


def test_jeton_par_le_corps_meme_avec_csrf_actif(fabrique):
    client = fabrique(WTF_CSRF_ENABLED=True).test_client()

    reponse = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                       "client_secret": SECRET, "scope": "RessourceIRDerniere"})

    assert reponse.status_code == 200
    assert reponse.get_json()["scope"] == "RessourceIRDerniere"


@pytest.mark.parametrize(("donnees", "entetes", "status", "erreur"), [
    ({"grant_type": "client_credentials"}, basic(secret="mauvais"), 401, "invalid_client"),
    ({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": "x"}, {},
     401, "invalid_client"),
    ({"grant_type": "client_credentials"}, {}, 401, "invalid_client"),
    ({"grant_type": "password", "username": "a", "password": "b"}, basic(), 400,
     "unsupported_grant_type"),
    ({}, basic(), 400, "invalid_request"),
    ({"grant_type": "client_credentials", "scope": "RessourceLEP"}, basic(), 400,
     "invalid_scope"),
])
def test_jeton_refuse(client, donnees, entetes, status, erreur):
    reponse = client.post(TOKEN, data=donnees, headers=entetes)

    assert reponse.status_code == status
    assert reponse.get_json() == {"error": erreur}
    if "Authorization" in entetes and status == 401:
        assert reponse.headers["WWW-Authenticate"].startswith("Basic")


def test_jeton_expire_apres_300_s(client, mercredi):
    valeur = jeton(client)

    mercredi.shift(299)
    encore_valide = appeler(client, situation(SPI_LEROY), valeur)
    mercredi.shift(1)
    expire = appeler(client, situation(SPI_LEROY), valeur)

    assert encore_valide.status_code == 200
    assert expire.status_code == 401
    assert expire.get_json()["error"] == "invalid_token"
    assert expire.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_jeton_reconnu_par_un_autre_processus(fabrique):
    # The Procfile starts several workers; without Redis they share only the secret key.
    emetteur, autre = fabrique().test_client(), fabrique().test_client()

    assert appeler(autre, situation(SPI_LEROY), jeton(emetteur)).status_code == 200


def test_jeton_falsifie_refuse(client):
    corps, signature = jeton(client, "RessourceIR").rsplit(".", 1)
    # The first base64url character of the signature: the last one may carry padding bits only.
    autre = "B" if signature[0] == "A" else "A"

    falsifie = f"{corps}.{autre}{signature[1:]}"

    assert appeler(client, situation(SPI_LEROY), falsifie).status_code == 401


@pytest.mark.parametrize("jeton_passerelle", ["", "jeton-inconnu"])
def test_jeton_absent_ou_inconnu_401(client, jeton_passerelle):
    assert appeler(client, situation(SPI_LEROY), jeton_passerelle).status_code == 401


@pytest.mark.parametrize(("scope", "chemin"), [
    ("RessourceIR", f"/spi/{SPI_LEROY}/dernieresituation/ir/assiettes/annrev/{N_1}"),
    ("RessourceIRDerniere", f"/spi/{SPI_LEROY}/dernieresituation/ir/assiettes/deuxans"),
    ("RessourceIRDerniere2", situation(SPI_LEROY)),
])
def test_scope_du_jeton_et_famille_de_chemins(client, scope, chemin):
    reponse = appeler(client, chemin, jeton(client, scope))

    assert reponse.status_code == 403
    assert reponse.get_json() == {"erreur": {"message": "accès refusé"}}


# --- request checks --------------------------------------------------------------------------


@pytest.mark.parametrize("correlation", [None, "", "pas-un-uuid", "0f5e3a52-7b8c-4d6e-9f10"])
def test_x_correlation_id_obligatoire_et_uuid(client, correlation):
    assert appeler(client, situation(SPI_LEROY), correlation=correlation).status_code == 400


def test_x_correlation_id_renvoye(client):
    correlation = str(uuid.uuid4())

    reponse = appeler(client, situation(SPI_LEROY), correlation=correlation)

    assert reponse.headers["X-Correlation-ID"] == correlation


@pytest.mark.parametrize(("chemin", "message"), [
    (situation("991200000004"), "format SPI incorrect"),
    (situation("99120000000444"), "format SPI incorrect"),
    (situation("99120000000AB"), "format SPI incorrect"),
    (situation(SPI_LEROY, "25"), "format annrev incorrect"),
    (situation(SPI_LEROY, "2025a"), "format annrev incorrect"),
])
def test_formats_spi_et_annrev(client, chemin, message):
    reponse = appeler(client, chemin)

    assert reponse.status_code == 400
    assert reponse.get_json() == {"erreur": {"message": message}}


# --- numéro fiscal mode ----------------------------------------------------------------------


def test_couple_pacse_garde_alternee(client, mercredi):
    reponse = appeler(client, situation(SPI_LEROY))

    assert reponse.status_code == 200
    assert reponse.mimetype == TYPE_SITUATION
    # The decimal is written exactly, as a JSON number.
    assert '"nbPart": 2.75' in reponse.get_data(as_text=True)
    corps = json.loads(reponse.get_data(), parse_float=Decimal)
    assert corps["nbPart"] == Decimal("2.75")
    assert (corps["rfr"], corps["sitFam"]) == (44000, "O")
    assert corps["pac"]["nbPac"] == 2
    assert corps["pac"]["nbPacH"] == 1
    assert (corps["nmNaiDec1"], corps["prnmDec1"]) == ("LEROY", "JEAN-BAPTISTE AURÉLIEN")
    assert corps["dateNaisDec1"] == {"jour": "09", "mois": "01", "annee": "1984"}
    assert (corps["nmNaiDec2"], corps["nmUsaDec2"]) == ("MOREL", "")
    assert corps["aft"] == "4 IMPASSE DES GLYCINES 69008 LYON "
    assert corps["aftDetail"] == {"complementAdresse": "", "voie": "4 IMPASSE DES GLYCINES",
                                  "getcommune": "LYON", "getcodePostal": "69008"}
    assert corps["revenuBrutGlobal"] == corps["revImposable"] == 44000
    assert 0 < corps["montTotIr"] < 44000
    assert "annRevenu" not in corps


def test_couple_marie_trois_enfants_et_nom_d_usage(client, mercredi):
    corps = json.loads(appeler(client, situation(SPI_ROUSSEAU)).get_data(), parse_float=Decimal)

    assert (corps["nbPart"], corps["sitFam"], corps["pac"]["nbPac"]) == (4, "M", 3)
    assert (corps["nmNaiDec2"], corps["nmUsaDec2"]) == ("FAURE", "ROUSSEAU")


def test_declarant_seul_et_rfr_nul(client, mercredi):
    corps = appeler(client, situation(SPI_KARIM)).get_json()

    assert (corps["rfr"], corps["nbPart"], corps["montTotIr"]) == (0, 1, 0)
    assert "nmNaiDec2" not in corps


def test_parent_isole_seulement_en_n_moins_2(client, mercredi):
    valeur = jeton(client)

    n_1 = appeler(client, situation(SPI_SOPHIE, N_1), valeur)
    n_2 = appeler(client, situation(SPI_SOPHIE, N_2), valeur)
    n_3 = appeler(client, situation(SPI_ANGELA, N_3), valeur)

    assert n_1.status_code == 204
    assert n_1.get_data() == b""
    assert n_2.status_code == 200
    assert n_2.get_json()["rfr"] == 18500
    assert n_3.status_code == 204


def test_numero_fiscal_inconnu_404(client):
    assert appeler(client, situation("9912000000099")).status_code == 404


def test_derniere_situation(client, mercredi):
    valeur = jeton(client)

    annee = appeler(client, f"/spi/{SPI_LEROY}/dernieresituation/ir/assiettes/annrev/{N_2}",
                    valeur)
    deux_ans = appeler(client, f"/spi/{SPI_LEROY}/dernieresituation/ir/assiettes/deuxans", valeur)
    isole = appeler(client, f"/spi/{SPI_SOPHIE}/dernieresituation/ir/assiettes/deuxans", valeur)

    assert annee.mimetype == deux_ans.mimetype == TYPE_DERNIERE
    assert (annee.get_json()["annRevenu"], annee.get_json()["rfr"]) == (N_2, 42700)
    assert next(iter(annee.get_json())) == "annRevenu"
    assert (deux_ans.get_json()["annRevenu"], deux_ans.get_json()["rfr"]) == (N_1, 44000)
    assert isole.get_json()["annRevenu"] == N_2


@pytest.mark.parametrize(("suffixe", "status"), [
    ("204", 204), ("403", 403), ("404", 404), ("410", 410), ("500", 500), ("503", 503),
    ("429", 429),
])
def test_spi_declencheurs(client, suffixe, status):
    reponse = appeler(client, situation("9900000000" + suffixe))

    assert reponse.status_code == status
    if status == 429:
        assert reponse.headers["Retry-After"] == "2"


def test_spi_declencheur_999_repond_trop_tard(fabrique):
    client = fabrique(BAC_A_SABLE_IMPOT_PARTICULIER_DELAI=0.3).test_client()
    valeur = jeton(client)
    debut = time.monotonic()

    reponse = appeler(client, situation("9900000000999"), valeur)

    assert time.monotonic() - debut >= 0.3
    assert reponse.status_code == 504


def test_limite_par_client(fabrique, mercredi):
    client = fabrique(BAC_A_SABLE_IMPOT_PARTICULIER_LIMITE=3).test_client()
    valeur = jeton(client)

    reponses = [appeler(client, situation(SPI_LEROY), valeur) for _ in range(4)]
    mercredi.shift(1)

    assert [r.status_code for r in reponses] == [200, 200, 200, 429]
    assert reponses[-1].headers["Retry-After"] == "1"
    # Per client id, whatever its tokens; a new window opens every second.
    assert appeler(client, situation(SPI_LEROY), jeton(client)).status_code == 200


def test_limite_par_defaut_vingt_par_seconde(client, mercredi):
    valeur = jeton(client)

    statuts = [appeler(client, situation(SPI_LEROY), valeur).status_code for _ in range(21)]

    assert statuts == [200] * 20 + [429]


# --- FranceConnect mode ----------------------------------------------------------------------


def appeler_fc(client, jeton_franceconnect, annrev=N_1, chemin=None):
    chemin = chemin or f"/situations/ir/assiettes/annrev/{annrev}"
    entetes = {} if jeton_franceconnect is None else {"X-FranceConnect-OAuth": jeton_franceconnect}
    return appeler(client, chemin, **entetes)


def test_france_connect_masque_par_scopes(app, client, mercredi):
    reponse = appeler_fc(client, jeton_fc(app))

    assert reponse.status_code == 200
    assert reponse.mimetype == TYPE_SITUATION
    assert json.loads(reponse.get_data(), parse_float=Decimal) == {
        "rfr": 44000, "nbPart": Decimal("2.75"),
    }


def test_france_connect_tous_les_scopes(app, client, mercredi):
    scope = ("openid identite_pivot dgfip_rfr dgfip_nbpart dgfip_sitfam dgfip_pac dgfip_aft "
             "dgfip_annee_n_moins_1")

    corps = appeler_fc(client, jeton_fc(app, "claire", scope)).get_json()

    assert list(corps) == ["rfr", "sitFam", "nbPart", "pac", "aft", "aftDetail"]
    assert corps["pac"]["nbPac"] == 3
    # Declarants' identity fields have no FranceConnect scope.
    assert not any(champ.startswith(("nmNai", "prnm", "dateNais")) for champ in corps)


def test_france_connect_nbpac_donne_pac(app, client, mercredi):
    scope = "openid identite_pivot dgfip_nbpac dgfip_annee_n_moins_1"

    assert list(appeler_fc(client, jeton_fc(app, scope=scope)).get_json()) == ["pac"]


def test_france_connect_refus(app, client, mercredi):
    sans_donnees = jeton_fc(app, scope="openid identite_pivot dgfip_annee_n_moins_1")
    expire = jeton_fc(app, emis_le=time.time() - 61)

    assert appeler_fc(client, None).status_code == 400
    assert appeler_fc(client, "mal-forme").status_code == 403
    assert appeler_fc(client, secrets.token_urlsafe(32)).status_code == 403
    assert appeler_fc(client, expire).status_code == 403
    assert appeler_fc(client, sans_donnees).status_code == 403


@pytest.mark.parametrize(("cle", "scope", "annrev", "status"), [
    ("jean-baptiste", SCOPES_QF, N_2, 403),
    ("jean-baptiste", "openid identite_pivot dgfip_rfr", N_1, 403),
    ("jean-baptiste", "openid identite_pivot dgfip_rfr dgfip_annee_n_moins_3", N_3, 204),
    ("sophie", SCOPES_QF, N_1, 204),
    ("sophie", SCOPES_QF + " dgfip_annee_n_moins_2", N_2, 200),
    ("sophie", "openid identite_pivot dgfip_rfr dgfip_annee_n_moins_2_si_indispo_n_moins_1",
     N_1, 403),
    ("sophie", "openid identite_pivot dgfip_rfr dgfip_annee_n_moins_2_si_indispo_n_moins_1",
     N_2, 200),
    ("jean-baptiste",
     "openid identite_pivot dgfip_rfr dgfip_annee_n_moins_2_si_indispo_n_moins_1", N_1, 200),
    ("jean-baptiste",
     "openid identite_pivot dgfip_rfr dgfip_annee_n_moins_2_si_indispo_n_moins_1", N_2, 403),
])
def test_france_connect_annees_des_scopes(app, client, mercredi, cle, scope, annrev, status):
    assert appeler_fc(client, jeton_fc(app, cle, scope), annrev).status_code == status


@pytest.mark.parametrize(("cle", "spi_attendu", "rfr"), [
    ("angela", SPI_ANGELA, 37760),
    ("thomas", SPI_ROUSSEAU, 61250),
    ("claire", SPI_ROUSSEAU, 61250),
    ("anne-laure", "9912000000066", 24300),
    ("pierre", None, None),
    ("ermengardi", None, None),
])
def test_france_connect_foyer_du_declarant_1_ou_2(app, client, mercredi, cle, spi_attendu, rfr):
    reponse = appeler_fc(client, jeton_fc(app, cle))

    if spi_attendu is None:
        assert reponse.status_code == 404
    else:
        assert reponse.get_json()["rfr"] == rfr


def test_france_connect_identite_sans_casse_premier_prenom(client, mercredi, monkeypatch):
    monkeypatch.setattr(fournisseur_franceconnect, "introspecter", lambda jeton_franceconnect: {
        "active": True, "scope": SCOPES_QF, "family_name": "leroy",
        "given_name": "jean-baptiste autre", "birthdate": "1984-01-09", "gender": "male",
        "birthplace": "22278", "birthcountry": "99100",
    })

    reponse = appeler_fc(client, secrets.token_urlsafe(32))

    assert reponse.get_json()["rfr"] == 44000


def test_france_connect_deux_ans(app, client, mercredi):
    scope = SCOPES_QF + " dgfip_annee_n_moins_2"
    chemin = "/dernieresituation/ir/assiettes/deuxans"

    isole = appeler_fc(client, jeton_fc(app, "sophie", scope), chemin=chemin)
    seulement_n_1 = appeler_fc(client, jeton_fc(app, "sophie"), chemin=chemin)

    assert isole.mimetype == TYPE_DERNIERE
    assert isole.get_json() == {"annRevenu": N_2, "rfr": 18500, "nbPart": 2.5}
    assert seulement_n_1.status_code == 204


# --- the real connector over HTTP (securite.md E9, E10) --------------------------------------


def connecteur(app, **options) -> ClientImpotParticulier:
    config = app.extensions["portail"]
    options = {"tentatives": 1, "attendre": lambda _: None, **options}
    return ClientImpotParticulier(
        config.impot_particulier_url, config.impot_particulier_token_url,
        config.impot_particulier_client_id, config.impot_particulier_client_secret, **options,
    )


def test_connecteur_numero_fiscal_jeton_en_cache_et_repli(serveur):
    app = serveur()
    session = requests.Session()
    jetons = []
    session.hooks["response"].append(
        lambda r, *a, **k: jetons.append(r) if r.request.method == "POST" else None
    )
    client = connecteur(app, session=session)
    annee = date.today().year

    leroy = client.situation_numero_fiscal(SPI_LEROY, annee - 1)
    with pytest.raises(exceptions.SituationIntrouvable) as n_1:
        client.situation_numero_fiscal(SPI_SOPHIE, annee - 1)
    sophie = client.situation_numero_fiscal(SPI_SOPHIE, annee - 2)
    derniere = client.derniere_situation_numero_fiscal(SPI_SOPHIE)

    assert (leroy.rfr, leroy.nb_parts, leroy.sit_fam, leroy.nb_pac) == (
        44000, Decimal("2.75"), "O", 2,
    )
    assert [d.nom_naissance for d in leroy.declarants] == ["LEROY", "MOREL"]
    assert leroy.declarants[0].date_naissance == date(1984, 1, 9)
    uuid.UUID(leroy.correlation_id)
    assert n_1.value.status == 204
    assert (sophie.rfr, sophie.annrev) == (18500, annee - 2)
    assert derniere.annrev == annee - 2
    # One gateway token per resource scope, reused across calls.
    assert len(jetons) == 2


def test_connecteur_france_connect(serveur):
    app = serveur()
    client = connecteur(app)
    client.preparer_jeton()

    situation_fc = client.situation_france_connect(jeton_fc(app, "angela"), date.today().year - 1)
    with pytest.raises(exceptions.SituationIntrouvable) as expire:
        client.situation_france_connect(jeton_fc(app, emis_le=time.time() - 61),
                                        date.today().year - 1)

    assert (situation_fc.rfr, situation_fc.nb_parts) == (37760, Decimal("2.5"))
    assert situation_fc.declarants == ()
    assert expire.value.status == 403


def test_connecteur_declencheurs(serveur):
    app = serveur(BAC_A_SABLE_IMPOT_PARTICULIER_DELAI=1.0)
    client = connecteur(app)
    annee = date.today().year - 1

    # 429 last: the connector then pauses every call of this client id (E5).
    for suffixe, exception in [("204", exceptions.SituationIntrouvable),
                               ("403", exceptions.SituationIntrouvable),
                               ("404", exceptions.SituationIntrouvable),
                               ("410", exceptions.SituationIntrouvable),
                               ("500", exceptions.ServiceIndisponible),
                               ("503", exceptions.ServiceIndisponible),
                               ("429", exceptions.ServiceIndisponible)]:
        with pytest.raises(exception) as erreur:
            client.situation_numero_fiscal("9900000000" + suffixe, annee)
        assert erreur.value.status == int(suffixe)
    assert erreur.value.reessayer_apres == 2
    with pytest.raises(exceptions.APIInjoignable):
        connecteur(app, timeout=(5, 0.2)).situation_numero_fiscal("9900000000999", annee)
