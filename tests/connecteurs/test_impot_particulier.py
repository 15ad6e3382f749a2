"""API Impôt particulier client: impot-particulier.md §2-§6 (securite.md E1, E4, E10)."""

import base64
import json
import uuid
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
import requests
import responses

from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.impot_particulier import Declarant
from portail_famille.connecteurs.limiteur import LimiteurLocal

from . import ANNREV
from . import BASE_IP
from . import CLIENT_ID
from . import CLIENT_SECRET
from . import JETON_FC
from . import JETON_PASSERELLE
from . import SPI
from . import URL_JETON
from . import HorlogeFactice
from . import client_ip
from . import corps_jeton
from . import corps_situation

URL_FC = f"{BASE_IP}/situations/ir/assiettes/annrev/{ANNREV}"
URL_SPI = f"{BASE_IP}/spi/{SPI}/situations/ir/assiettes/annrev/{ANNREV}"
TYPE_DGFIP = "application/prs.dgfip.part.situations.ir.assiettes.v1+json"


@pytest.fixture
def stub():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def jeton(stub, *corps):
    for c in corps or (corps_jeton(),):
        stub.add(responses.POST, URL_JETON, body=c, content_type="application/json")


def situation(stub, url=URL_FC, body=None, status=200, **options):
    options.setdefault("content_type", TYPE_DGFIP)
    stub.add(
        responses.GET,
        url,
        body=corps_situation() if body is None else body,
        status=status,
        **options,
    )


def appels(stub, methode):
    return [a for a in stub.calls if a.request.method == methode]


def formulaire(appel) -> dict:
    return dict(parse_qsl(appel.request.body))


# --- token ------------------------------------------------------------------------------------


def test_jeton_client_credentials_en_basic_avec_le_scope_du_chemin(stub):
    jeton(stub)
    situation(stub)
    client_ip().situation_france_connect(JETON_FC, ANNREV)
    (demande,) = appels(stub, "POST")
    attendu = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert demande.request.headers["Authorization"] == f"Basic {attendu}"
    assert demande.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert formulaire(demande) == {"grant_type": "client_credentials", "scope": "RessourceIR"}
    assert CLIENT_SECRET not in demande.request.url
    assert CLIENT_SECRET not in demande.request.body


@pytest.mark.parametrize(
    ("methode", "arguments", "url", "scope"),
    [
        ("situation_france_connect", (JETON_FC, ANNREV), URL_FC, "RessourceIR"),
        ("situation_numero_fiscal", (SPI, ANNREV), URL_SPI, "RessourceIR"),
        (
            "derniere_situation_france_connect",
            (JETON_FC, ANNREV),
            f"{BASE_IP}/dernieresituation/ir/assiettes/annrev/{ANNREV}",
            "RessourceIRDerniere",
        ),
        (
            "derniere_situation_numero_fiscal",
            (SPI, ANNREV),
            f"{BASE_IP}/spi/{SPI}/dernieresituation/ir/assiettes/annrev/{ANNREV}",
            "RessourceIRDerniere",
        ),
        (
            "derniere_situation_france_connect",
            (JETON_FC,),
            f"{BASE_IP}/dernieresituation/ir/assiettes/deuxans",
            "RessourceIRDerniere2",
        ),
        (
            "derniere_situation_numero_fiscal",
            (SPI,),
            f"{BASE_IP}/spi/{SPI}/dernieresituation/ir/assiettes/deuxans",
            "RessourceIRDerniere2",
        ),
    ],
)
def test_chemins_et_scopes(stub, methode, arguments, url, scope):
    jeton(stub)
    situation(stub, url=url, body=corps_situation(annRevenu=ANNREV))
    resultat = getattr(client_ip(), methode)(*arguments)
    assert resultat.annrev == ANNREV
    assert formulaire(appels(stub, "POST")[0])["scope"] == scope
    (lecture,) = appels(stub, "GET")
    assert lecture.request.url == url
    mode_fc = arguments[0] == JETON_FC
    assert ("X-FranceConnect-OAuth" in lecture.request.headers) is mode_fc


def test_jeton_mis_en_cache_puis_renouvele_avant_expiration(stub):
    horloge = HorlogeFactice()
    jeton(stub, corps_jeton("jeton-1", 300), corps_jeton("jeton-2", 300))
    situation(stub)
    client = client_ip(horloge)
    client.situation_france_connect(JETON_FC, ANNREV)
    horloge.maintenant += 200
    client.situation_france_connect(JETON_FC, ANNREV)
    assert len(appels(stub, "POST")) == 1
    horloge.maintenant += 71  # 271 s: within the 30 s margin before expires_in
    client.situation_france_connect(JETON_FC, ANNREV)
    assert len(appels(stub, "POST")) == 2
    porteurs = [a.request.headers["Authorization"] for a in appels(stub, "GET")]
    assert porteurs == ["Bearer jeton-1", "Bearer jeton-1", "Bearer jeton-2"]


def test_un_jeton_par_scope(stub):
    jeton(stub, corps_jeton("jeton-ir"), corps_jeton("jeton-derniere"))
    situation(stub)
    situation(stub, url=f"{BASE_IP}/dernieresituation/ir/assiettes/annrev/{ANNREV}")
    client = client_ip()
    client.situation_france_connect(JETON_FC, ANNREV)
    client.derniere_situation_france_connect(JETON_FC, ANNREV)
    client.situation_france_connect(JETON_FC, ANNREV)
    assert [formulaire(a)["scope"] for a in appels(stub, "POST")] == [
        "RessourceIR",
        "RessourceIRDerniere",
    ]


def test_preparer_jeton_avant_le_retour_franceconnect(stub):
    jeton(stub)
    situation(stub)
    client = client_ip()
    client.preparer_jeton()
    assert len(stub.calls) == 1
    client.situation_france_connect(JETON_FC, ANNREV)
    assert len(appels(stub, "POST")) == 1


def test_401_renouvelle_le_jeton_une_fois_et_reessaie_une_fois(stub):
    jeton(stub, corps_jeton("jeton-revoque"), corps_jeton("jeton-neuf"))
    situation(stub, status=401, body="")
    situation(stub)
    resultat = client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert resultat.rfr == 48213
    porteurs = [a.request.headers["Authorization"] for a in appels(stub, "GET")]
    assert porteurs == ["Bearer jeton-revoque", "Bearer jeton-neuf"]


def test_401_persistant(stub):
    jeton(stub, corps_jeton("jeton-1"), corps_jeton("jeton-2"), corps_jeton("jeton-3"))
    situation(stub, status=401, body="")
    with pytest.raises(exceptions.AuthentificationRefusee) as exc:
        client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert exc.value.status == 401
    assert len(appels(stub, "GET")) == 2
    assert len(appels(stub, "POST")) == 2


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, '{"error": "invalid_client"}'),
        (400, '{"error": "unsupported_grant_type"}'),
    ],
)
def test_identifiants_refuses_par_le_serveur_de_jetons(stub, status, body):
    stub.add(responses.POST, URL_JETON, body=body, status=status)
    with pytest.raises(exceptions.AuthentificationRefusee) as exc:
        client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert exc.value.code == json.loads(body)["error"]
    assert len(appels(stub, "GET")) == 0


@pytest.mark.parametrize(
    "body",
    ["<html/>", "{}", '{"access_token": ""}', '{"access_token": 12}', "[]"],
)
def test_reponse_du_serveur_de_jetons_illisible(stub, body):
    stub.add(responses.POST, URL_JETON, body=body)
    with pytest.raises(exceptions.ReponseInvalide):
        client_ip().preparer_jeton()


@pytest.mark.parametrize(("expires_in", "cache_s"), [(None, 30), ("600", 570), (20, 10)])
def test_duree_du_jeton(stub, expires_in, cache_s):
    horloge = HorlogeFactice()
    corps = {"access_token": "j", "token_type": "Bearer"}
    if expires_in is not None:
        corps["expires_in"] = expires_in
    jeton(stub, json.dumps(corps), json.dumps(corps))
    client = client_ip(horloge)
    client.preparer_jeton()
    horloge.maintenant += cache_s - 1
    client.preparer_jeton()
    assert len(stub.calls) == 1
    horloge.maintenant += 1
    client.preparer_jeton()
    assert len(stub.calls) == 2


def test_serveur_de_jetons_indisponible(stub):
    stub.add(responses.POST, URL_JETON, status=503)
    with pytest.raises(exceptions.ServiceIndisponible):
        client_ip().preparer_jeton()
    assert len(stub.calls) == 3


# --- headers (§2, E10) ------------------------------------------------------------------------


def test_entetes_franceconnect(stub):
    jeton(stub)
    situation(stub)
    client_ip().situation_france_connect(JETON_FC, ANNREV)
    (lecture,) = appels(stub, "GET")
    entetes = lecture.request.headers
    assert entetes["Authorization"] == f"Bearer {JETON_PASSERELLE}"
    assert entetes["X-FranceConnect-OAuth"] == JETON_FC
    assert entetes["User-Agent"] == "portail-famille/0.1.0"
    assert "ID_Teleservice" not in entetes
    assert "Accept" not in entetes or entetes["Accept"] == "*/*"
    assert JETON_FC not in lecture.request.url


def test_e10_correlation_id_uuid_neuf_a_chaque_appel(stub):
    jeton(stub)
    situation(stub, status=503, body="")
    situation(stub)
    client = client_ip()
    client.situation_france_connect(JETON_FC, ANNREV)
    situation(stub, url=URL_SPI)
    resultat = client.situation_numero_fiscal(SPI, ANNREV)
    identifiants = [a.request.headers["X-Correlation-ID"] for a in appels(stub, "GET")]
    assert len(identifiants) == 3
    for identifiant in identifiants:
        assert str(uuid.UUID(identifiant)) == identifiant  # 8-4-4-4-12 hexadecimal
    assert len(set(identifiants)) == 3
    assert resultat.correlation_id == identifiants[-1]


def test_id_teleservice_seulement_s_il_est_configure(stub):
    jeton(stub)
    situation(stub)
    client_ip(id_teleservice="TS-42").situation_france_connect(JETON_FC, ANNREV)
    assert appels(stub, "GET")[0].request.headers["ID_Teleservice"] == "TS-42"


# --- numéro fiscal (§6) -----------------------------------------------------------------------


def test_numero_fiscal_avec_espaces(stub):
    jeton(stub)
    situation(stub, url=URL_SPI)
    client_ip().situation_numero_fiscal(" 12 3456 7890 123 ", ANNREV)
    assert appels(stub, "GET")[0].request.url == URL_SPI


@pytest.mark.parametrize(
    "spi",
    ["123456789012", "12345678901234", "12345678901A3", "", "１２３４５６７８９０１２３", None],
)
def test_numero_fiscal_invalide_avant_tout_appel(stub, spi):
    with pytest.raises(exceptions.NumeroFiscalInvalide) as exc:
        client_ip().situation_numero_fiscal(spi, ANNREV)
    assert isinstance(exc.value, ValueError)
    assert "13 chiffres" in str(exc.value)
    assert len(stub.calls) == 0


@pytest.mark.parametrize("annrev", [25, "2025", 20250, True, None])
def test_annee_de_revenus_invalide(stub, annrev):
    with pytest.raises(ValueError):
        client_ip().situation_numero_fiscal(SPI, annrev)
    assert len(stub.calls) == 0


# --- statuses (§5, E4) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "classe", "appels_attendus"),
    [
        (204, "", exceptions.SituationIntrouvable, 1),
        (403, "", exceptions.SituationIntrouvable, 1),
        (404, "", exceptions.SituationIntrouvable, 1),
        (410, '{"codeapp": 4101}', exceptions.SituationIntrouvable, 1),
        (400, '{"erreur": {"message": "format SPI incorrect"}}', exceptions.RequeteRefusee, 1),
        (429, "", exceptions.QuotaDepasse, 3),
        (500, "", exceptions.ServiceIndisponible, 3),
        (502, "<html/>", exceptions.ServiceIndisponible, 3),
        (503, "", exceptions.APIEnMaintenance, 3),
        (504, "", exceptions.DelaiDepasse, 3),
        (418, "", exceptions.ReponseInvalide, 1),
    ],
)
def test_chaque_statut_a_son_exception(stub, status, body, classe, appels_attendus):
    jeton(stub)
    situation(stub, url=URL_SPI, status=status, body=body)
    with pytest.raises(exceptions.ErreurAPI) as exc:
        client_ip().situation_numero_fiscal(SPI, ANNREV)
    assert type(exc.value) is classe
    assert exc.value.status == status
    assert len(appels(stub, "GET")) == appels_attendus
    assert exc.value.correlation_id == appels(stub, "GET")[-1].request.headers["X-Correlation-ID"]


def test_400_garde_le_message_de_la_dgfip(stub):
    jeton(stub)
    situation(stub, url=URL_SPI, status=400, body='{"erreur": {"message": "format SPI incorrect"}}')
    with pytest.raises(exceptions.RequeteRefusee) as exc:
        client_ip().situation_numero_fiscal(SPI, ANNREV)
    assert exc.value.detail == "format SPI incorrect"


@pytest.mark.parametrize(
    "panne", [requests.exceptions.ReadTimeout(), requests.exceptions.SSLError()]
)
def test_pannes_de_transport(stub, panne):
    jeton(stub)
    situation(stub, body=panne)
    with pytest.raises(exceptions.APIInjoignable) as exc:
        client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert isinstance(exc.value, exceptions.ServiceIndisponible)
    assert len(appels(stub, "GET")) == 3
    assert exc.value.correlation_id is not None


# --- reading (§4) -----------------------------------------------------------------------------


def test_situation_complete(stub):
    jeton(stub)
    situation(stub)
    resultat = client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert resultat.rfr == 48213
    assert resultat.nb_parts == Decimal("2.75")
    assert type(resultat.nb_parts) is Decimal
    assert resultat.annrev == ANNREV
    assert resultat.sit_fam == "O"
    assert resultat.nb_pac == 2
    assert resultat.declarants == (
        Declarant("OLLIVIER", None, "JEAN-BAPTISTE LOIC", date(1984, 1, 9)),
        Declarant("MARCHAL", None, "CHLOE", date(1986, 12, 1)),
    )


@pytest.mark.parametrize(
    "declarant_2",
    [
        {"nmNaiDec2": "", "prnmDec2": "", "nmUsaDec2": "", "dateNaisDec2": None},
        {"nmNaiDec2": None, "prnmDec2": None, "dateNaisDec2": {}},
        {"nmNaiDec2": "  ", "prnmDec2": " "},
    ],
)
def test_declarant_2_vide_est_omis(stub, declarant_2):
    jeton(stub)
    situation(stub, body=corps_situation(**declarant_2))
    resultat = client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert [d.nom_naissance for d in resultat.declarants] == ["OLLIVIER"]


def test_declarant_2_absent(stub):
    corps = json.loads(corps_situation())
    corps = {k: v for k, v in corps.items() if not k.endswith("Dec2")}
    jeton(stub)
    situation(stub, body=json.dumps(corps))
    assert len(client_ip().situation_france_connect(JETON_FC, ANNREV).declarants) == 1


def test_champs_absents_et_inconnus(stub):
    jeton(stub)
    situation(stub, body=json.dumps({"rfr": 0, "champInconnu": {"x": 1}, "datRec": "01/01/2026"}))
    resultat = client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert resultat.rfr == 0  # a true RFR of 0 (§7), unlike the CAF's valeur 0
    assert resultat.nb_parts is None
    assert resultat.sit_fam is None
    assert resultat.nb_pac is None
    assert resultat.declarants == ()


@pytest.mark.parametrize(
    ("parties", "attendue"),
    [
        ({"jour": "09", "mois": "01", "annee": "1984"}, date(1984, 1, 9)),
        ({"jour": "00", "mois": "00", "annee": "1984"}, None),
        ({"annee": "1984"}, None),
        ({"jour": "xx", "mois": "01", "annee": "1984"}, None),
        (None, None),
    ],
)
def test_dates_de_naissance(stub, parties, attendue):
    jeton(stub)
    situation(stub, body=corps_situation(dateNaisDec1=parties))
    resultat = client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert resultat.declarants[0].date_naissance == attendue


@pytest.mark.parametrize("nb_part", ["1", "4", "2.5", "1e0"])
def test_parts_en_decimal(stub, nb_part):
    jeton(stub)
    situation(
        stub, body=corps_situation(rfr=61250).replace('"nbPart": 2.75', f'"nbPart": {nb_part}')
    )
    resultat = client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert resultat.nb_parts == Decimal(nb_part)
    assert type(resultat.nb_parts) is Decimal


@pytest.mark.parametrize("content_type", [TYPE_DGFIP, "application/json", "text/plain"])
def test_corps_json_quel_que_soit_le_type(stub, content_type):
    jeton(stub)
    situation(stub, content_type=content_type)
    assert client_ip().situation_france_connect(JETON_FC, ANNREV).rfr == 48213


def test_deuxans_donne_l_annee_trouvee(stub):
    jeton(stub)
    url = f"{BASE_IP}/dernieresituation/ir/assiettes/deuxans"
    situation(stub, url=url, body=corps_situation(annRevenu=2024))
    assert client_ip().derniere_situation_france_connect(JETON_FC).annrev == 2024


def test_deuxans_sans_annee_est_illisible(stub):
    jeton(stub)
    situation(stub, url=f"{BASE_IP}/dernieresituation/ir/assiettes/deuxans")
    with pytest.raises(exceptions.ReponseInvalide):
        client_ip().derniere_situation_france_connect(JETON_FC)


@pytest.mark.parametrize(
    "body",
    [
        "<html>maintenance</html>",
        '{"rfr": 480',
        "[]",
        '"rfr"',
        json.dumps({"rfr": "48213"}),
        json.dumps({"rfr": 482.5}),
        json.dumps({"nbPart": "2.75"}),
        json.dumps({"nbPart": True}),
        json.dumps({"pac": [2]}),
        json.dumps({"nmNaiDec1": 42}),
        '{"rfr": NaN}',
    ],
)
def test_corps_mal_forme(stub, body):
    jeton(stub)
    situation(stub, body=body)
    with pytest.raises(exceptions.ReponseInvalide) as exc:
        client_ip().situation_france_connect(JETON_FC, ANNREV)
    assert exc.value.status == 200
    assert exc.value.correlation_id is not None


# --- the declared volume during a rush --------------------------------------------------------

def test_au_volume_declare_la_connexion_n_attend_pas_la_dgfip_le_numero_fiscal_si(stub):
    """A sign-in callback is never queued behind the DGFiP's minute (issue 12, the rush): with the
    window full it fails at once, with the time to wait, so the other source answers; a numéro
    fiscal lookup waits its turn."""
    jeton(stub, corps_jeton(), corps_jeton())
    situation(stub)
    situation(stub, url=URL_SPI)
    horloge = HorlogeFactice()
    client = client_ip(horloge, limiteur=LimiteurLocal(
        1, 5.0, horloge=horloge, attendre=horloge.attendre))
    client.situation_france_connect(JETON_FC, ANNREV)
    with pytest.raises(exceptions.QuotaDepasse) as refus:
        client.situation_france_connect(JETON_FC, ANNREV)
    assert refus.value.reessayer_apres > 4
    assert horloge.attentes == []
    assert client.situation_numero_fiscal(SPI, ANNREV).rfr == 48213
    assert 4 < sum(horloge.attentes) <= 10  # within the transport's patience
