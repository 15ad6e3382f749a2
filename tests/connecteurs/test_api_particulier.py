"""API Particulier v3 client: the wire format of api-particulier.md §4-§9 (securite.md E1-E4)."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
import requests
import responses

from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.api_particulier import Adresse
from portail_famille.connecteurs.api_particulier import ClientAPIParticulier
from portail_famille.connecteurs.api_particulier import DateNaissance
from portail_famille.connecteurs.api_particulier import Personne
from portail_famille.connecteurs.api_particulier import QuotientFamilialCAF

from . import BASE_AP
from . import JETON_AP
from . import JETON_FC
from . import RECIPIENT
from . import REQUEST_ID
from . import URL_FC
from . import URL_IDENTITE
from . import HorlogeFactice
from . import client_ap
from . import corps_erreur
from . import corps_qf
from . import identite


@pytest.fixture
def stub():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def ok(stub, url=URL_IDENTITE, body=None, **options):
    options.setdefault("headers", {"X-Request-ID": REQUEST_ID, "X-Response-Cached": "false"})
    options.setdefault("content_type", "application/vnd.api+json")
    stub.add(responses.GET, url, body=corps_qf() if body is None else body, **options)


def parametres(appel) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(appel.request.url).query, keep_blank_values=True)


# --- what is sent ---------------------------------------------------------------------------


def test_identite_envoie_exactement_les_parametres_du_paragraphe_6(stub):
    ok(stub)
    client_ap().quotient_familial_identite(identite())
    (appel,) = stub.calls
    assert parametres(appel) == [
        ("recipient", RECIPIENT),
        ("nomNaissance", "OLLIVIER"),
        ("prenoms[]", "JEAN-BAPTISTE"),
        ("prenoms[]", "LOIC"),
        ("sexeEtatCivil", "M"),
        ("anneeDateNaissance", "1984"),
        ("moisDateNaissance", "1"),
        ("jourDateNaissance", "9"),
        ("codeCogInseePaysNaissance", "99100"),
        ("codeCogInseeCommuneNaissance", "22278"),
    ]
    # One repeated key per first name, never `prenoms[][]` nor one value holding them all.
    assert "prenoms%5B%5D=JEAN-BAPTISTE&prenoms%5B%5D=LOIC" in appel.request.url


def test_e1_jeton_uniquement_dans_authorization(stub):
    ok(stub)
    client_ap().quotient_familial_identite(identite())
    (appel,) = stub.calls
    entetes = appel.request.headers
    assert entetes["Authorization"] == f"Bearer {JETON_AP}"
    assert JETON_AP not in appel.request.url
    assert "X-Api-Key" not in entetes
    assert "token" not in dict(parametres(appel))
    # §4: the server would reuse a client X-Request-ID (and refuse a non-UUID one).
    assert "X-Request-ID" not in entetes
    assert entetes["User-Agent"] == "portail-famille/0.1.0"
    assert "Cache-Control" not in entetes


def test_version_du_user_agent_configurable(stub):
    ok(stub)
    client_ap(version="2.3.4").quotient_familial_identite(identite())
    assert stub.calls[0].request.headers["User-Agent"] == "portail-famille/2.3.4"


@pytest.mark.parametrize("nom_usage", [None, "", "   ", "OLLIVIER", "Ollivier "])
def test_nom_usage_omis_quand_vide_ou_egal_au_nom_de_naissance(stub, nom_usage):
    ok(stub)
    client_ap().quotient_familial_identite(identite(nom_usage=nom_usage))
    assert "nomUsage" not in dict(parametres(stub.calls[0]))


def test_nom_usage_envoye_quand_different(stub):
    ok(stub)
    client_ap().quotient_familial_identite(identite(nom_usage="DUPONT OLLIVIER"))
    assert ("nomUsage", "DUPONT OLLIVIER") in parametres(stub.calls[0])
    noms = [nom for nom, _ in parametres(stub.calls[0])]
    assert noms.index("nomUsage") == noms.index("nomNaissance") + 1


def test_commune_par_nom_et_departement(stub):
    ok(stub)
    personne = identite(
        code_commune_naissance=None,
        nom_commune_naissance="Saint-Brieuc",
        code_departement_naissance="22",
    )
    client_ap().quotient_familial_identite(personne)
    envoyes = dict(parametres(stub.calls[0]))
    assert envoyes["nomCommuneNaissance"] == "Saint-Brieuc"
    assert envoyes["codeCogInseeDepartementNaissance"] == "22"
    assert envoyes["anneeDateNaissance"] == "1984"
    assert "codeCogInseeCommuneNaissance" not in envoyes


def test_ne_a_l_etranger_sans_commune(stub):
    ok(stub)
    personne = identite(code_pays_naissance="99134", code_commune_naissance=None)
    client_ap().quotient_familial_identite(personne)
    envoyes = dict(parametres(stub.calls[0]))
    assert envoyes["codeCogInseePaysNaissance"] == "99134"
    assert not {k for k in envoyes if "Commune" in k or "Departement" in k}


@pytest.mark.parametrize(
    ("naissance", "attendus"),
    [
        (DateNaissance(1950), {"anneeDateNaissance": "1950"}),
        (DateNaissance(1950, 3), {"anneeDateNaissance": "1950", "moisDateNaissance": "3"}),
        (None, {}),
    ],
)
def test_dates_presumees_et_inconnues(stub, naissance, attendus):
    ok(stub)
    client_ap().quotient_familial_identite(identite(date_naissance=naissance))
    envoyes = dict(parametres(stub.calls[0]))
    assert {k: v for k, v in envoyes.items() if "DateNaissance" in k} == attendus


def test_valeurs_vides_jamais_envoyees(stub):
    ok(stub)
    personne = identite(
        prenoms=("JEAN-BAPTISTE", " ", "LOIC"), nom_usage="", nom_commune_naissance=""
    )
    client_ap().quotient_familial_identite(personne)
    assert all(valeur for _, valeur in parametres(stub.calls[0]))
    assert [v for k, v in parametres(stub.calls[0]) if k == "prenoms[]"] == [
        "JEAN-BAPTISTE",
        "LOIC",
    ]


def test_periode_et_sans_cache(stub):
    ok(stub)
    client_ap().quotient_familial_identite(identite(), annee=2025, mois=12, sans_cache=True)
    (appel,) = stub.calls
    assert parametres(appel)[-2:] == [("annee", "2025"), ("mois", "12")]
    assert appel.request.headers["Cache-Control"] == "no-cache"


def test_france_connect_sans_jeton_api_particulier(stub):
    ok(stub, url=URL_FC)
    client_ap().quotient_familial_france_connect(JETON_FC, annee=2026)
    (appel,) = stub.calls
    assert parametres(appel) == [("recipient", RECIPIENT), ("annee", "2026")]
    assert appel.request.headers["Authorization"] == f"Bearer {JETON_FC}"
    tout = appel.request.url + json.dumps(dict(appel.request.headers))
    assert JETON_AP not in tout
    assert JETON_FC not in appel.request.url


def test_mode_identite_sans_jeton_configure_ne_fait_aucun_appel(stub):
    client = ClientAPIParticulier(BASE_AP, None, RECIPIENT)
    with pytest.raises(exceptions.AuthentificationRefusee):
        client.quotient_familial_identite(identite())
    assert len(stub.calls) == 0


def test_recipient_obligatoire():
    with pytest.raises(ValueError, match="recipient"):
        ClientAPIParticulier(BASE_AP, JETON_AP, "")


def test_tls_jamais_desactive():
    session = requests.Session()
    session.verify = False
    with pytest.raises(ValueError, match="TLS"):
        ClientAPIParticulier(BASE_AP, JETON_AP, RECIPIENT, session=session)


def test_e3_delais_et_redirections(monkeypatch):
    vus = {}

    class Session(requests.Session):
        def request(self, method, url, **options):
            vus.update(options)
            raise requests.exceptions.ConnectTimeout()

    client = client_ap(session=Session(), tentatives=1)
    with pytest.raises(exceptions.APIInjoignable):
        client.quotient_familial_identite(identite())
    assert vus["timeout"] == (5, 12)
    assert vus["allow_redirects"] is False
    assert "verify" not in vus  # the session's own verification (on by default) applies


@pytest.mark.parametrize(
    "changements",
    [
        {"prenoms": ()},
        {"prenoms": ("A", "B", "C", "D")},
        {"prenoms": "JEAN LOIC"},
        {"sexe": "X"},
        {"nom_naissance": " "},
        {"code_pays_naissance": ""},
        {"code_commune_naissance": None, "nom_commune_naissance": "Saint-Brieuc"},
        {
            "code_commune_naissance": None,
            "nom_commune_naissance": "Saint-Brieuc",
            "code_departement_naissance": "22",
            "date_naissance": None,
        },
    ],
)
def test_identite_qui_ne_peut_pas_faire_un_appel_valide(changements):
    with pytest.raises(ValueError):
        identite(**changements)


@pytest.mark.parametrize(("mois", "jour"), [(13, None), (2, 30), (None, 3)])
def test_date_partielle_invalide(mois, jour):
    with pytest.raises(ValueError):
        DateNaissance(1950, mois, jour)


# --- what is read -----------------------------------------------------------------------------


def test_reponse_complete(stub):
    ok(stub, headers={"X-Request-ID": REQUEST_ID, "X-Response-Cached": "true"})
    reponse = client_ap().quotient_familial_identite(identite())
    assert reponse.quotient == QuotientFamilialCAF("CNAF", 1340, 2026, 11, 2026, 9)
    assert reponse.allocataires[1] == Personne("MARCHAL", None, "CHLOE", "1986-12-01", "F")
    assert [e.prenoms for e in reponse.enfants] == ["LOU", "TIMEO"]
    assert reponse.enfants[1].date_naissance == "2019-00-00"
    assert reponse.adresse == Adresse(
        destinataire="MONSIEUR OLLIVIER JEAN-BAPTISTE",
        numero_libelle_voie="4 IMPASSE DES GLYCINES",
        code_postal_ville="22000 SAINT-BRIEUC",
        pays="FRANCE",
    )
    assert reponse.request_id == REQUEST_ID
    assert reponse.depuis_cache is True


@pytest.mark.parametrize(
    "content_type", ["application/vnd.api+json", "application/json", "text/plain", ""]
)
def test_corps_json_quel_que_soit_le_type(stub, content_type):
    ok(stub, content_type=content_type)
    assert client_ap().quotient_familial_identite(identite()).quotient.valeur == 1340


def quotient_de(stub, **data):
    ok(stub, body=corps_qf(**data))
    return client_ap().quotient_familial_identite(identite())


@pytest.mark.parametrize("valeur", [0, None])
def test_valeur_zero_ou_nulle_veut_dire_non_calculable(stub, valeur):
    qf = {"fournisseur": "CNAF", "valeur": valeur, "annee": 2026, "mois": 11}
    assert quotient_de(stub, quotient_familial=qf).quotient is None


def test_cles_absentes_faute_de_scope(stub):
    ok(stub, body=json.dumps({"data": {"quotient_familial": {"valeur": 870}}}))
    reponse = client_ap().quotient_familial_identite(identite())
    assert reponse.quotient.valeur == 870
    assert reponse.quotient.fournisseur is None
    assert reponse.allocataires == ()
    assert reponse.enfants == ()
    assert reponse.adresse is None
    assert reponse.depuis_cache is False


def test_data_vide_donne_un_quotient_indisponible(stub):
    ok(stub, body=json.dumps({"data": {}, "links": {}, "meta": {}}))
    reponse = client_ap().quotient_familial_identite(identite())
    assert reponse.quotient is None
    assert reponse.adresse is None


def test_nulls_dates_inconnues_et_cles_en_trop(stub):
    reponse = quotient_de(
        stub,
        allocataires=[
            {
                "nom_naissance": None,
                "nom_usage": None,
                "prenoms": None,
                "date_naissance": "0000-00-00",
                "sexe": None,
                "nir": "inconnu",
            }
        ],
        enfants=None,
        adresse=None,
        quotient_familial={
            "fournisseur": "MSA",
            "valeur": 512,
            "annee": 2026,
            "mois": 11,
            "annee_calcul": None,
            "mois_calcul": None,
            "commentaire": "ignoré",
        },
        nouveaute={"ignoree": True},
    )
    assert reponse.allocataires == (Personne(),)
    assert reponse.enfants == ()
    assert reponse.adresse is None
    assert reponse.quotient == QuotientFamilialCAF("MSA", 512, 2026, 11, None, None)


@pytest.mark.parametrize(
    "body",
    [
        "<html><body>502 Bad Gateway</body></html>",
        '{"data": {"quotient_familial": {"valeur": 13',
        "",
        "[]",
        '"data"',
        json.dumps({"data": []}),
        json.dumps({"links": {}}),
        json.dumps({"data": {"allocataires": "OLLIVIER"}}),
        json.dumps({"data": {"allocataires": ["OLLIVIER"]}}),
        json.dumps({"data": {"quotient_familial": {"valeur": "1340"}}}),
        json.dumps({"data": {"quotient_familial": {"valeur": -5}}}),
        json.dumps({"data": {"quotient_familial": []}}),
        json.dumps({"data": {"adresse": "4 IMPASSE"}}),
        '{"data": {"quotient_familial": {"valeur": Infinity}}}',
    ],
)
def test_corps_mal_forme(stub, body):
    ok(stub, body=body)
    with pytest.raises(exceptions.ReponseInvalide) as exc:
        client_ap().quotient_familial_identite(identite())
    assert exc.value.status == 200
    assert exc.value.request_id == REQUEST_ID


# --- errors (§9, E4) -------------------------------------------------------------------------

CAS_ERREURS = [
    (401, corps_erreur("00101"), exceptions.AuthentificationRefusee, "00101"),
    (401, corps_erreur("00103"), exceptions.AuthentificationRefusee, "00103"),
    (401, corps_erreur("00105"), exceptions.AuthentificationRefusee, "00105"),
    (403, corps_erreur("00100"), exceptions.AccesRefuse, "00100"),
    (403, corps_erreur("00107"), exceptions.AccesRefuse, "00107"),
    (404, corps_erreur("23003", meta={"provider": "CNAF"}), exceptions.DossierAbsent, "23003"),
    (404, corps_erreur("10003"), exceptions.DossierAbsent, "10003"),
    (404, corps_erreur("35003"), exceptions.DossierAbsent, "35003"),
    (404, corps_erreur("37003"), exceptions.DossierAbsent, "37003"),
    (409, corps_erreur("00015"), exceptions.RequeteEnCours, "00015"),
    (410, "Cette URL n'existe plus.", exceptions.RouteSupprimee, None),
    (422, corps_erreur("00355"), exceptions.IdentiteIntrouvable, "00355"),
    (
        422,
        corps_erreur("00366", meta={"provider_error_code": "X"}),
        exceptions.IdentiteIntrouvable,
        "00366",
    ),
    (422, corps_erreur("00210"), exceptions.ParametresInvalides, "00210"),
    (422, corps_erreur("00203"), exceptions.ParametresInvalides, "00203"),
    (422, corps_erreur("00356"), exceptions.ParametresInvalides, "00356"),
    (422, corps_erreur("00401"), exceptions.ParametresInvalides, "00401"),
    (429, corps_erreur("00429"), exceptions.QuotaDepasse, "00429"),
    (500, corps_erreur("00500"), exceptions.FournisseurEnErreur, "00500"),
    (502, corps_erreur("35999"), exceptions.FournisseurEnErreur, "35999"),
    (502, corps_erreur("23000"), exceptions.FournisseurEnErreur, "23000"),
    (502, corps_erreur("00501", meta={"retry_in": 2}), exceptions.FournisseurEnErreur, "00501"),
    (503, corps_erreur("35020", meta={"retry_in": 5}), exceptions.APIEnMaintenance, "35020"),
    (504, corps_erreur("35002"), exceptions.DelaiDepasse, "35002"),
    (504, corps_erreur("37001"), exceptions.DelaiDepasse, "37001"),
    (504, corps_erreur("37008"), exceptions.DelaiDepasse, "37008"),
    (502, "<html>Bad gateway</html>", exceptions.FournisseurEnErreur, None),
    (501, "", exceptions.ServiceIndisponible, None),
    (400, "", exceptions.ReponseInvalide, None),
    (302, "", exceptions.ReponseInvalide, None),
    (204, "", exceptions.ReponseInvalide, None),
]


@pytest.mark.parametrize(("status", "body", "classe", "code"), CAS_ERREURS)
def test_e4_chaque_statut_a_son_exception(stub, status, body, classe, code):
    stub.add(
        responses.GET,
        URL_IDENTITE,
        body=body,
        status=status,
        headers={"X-Request-ID": REQUEST_ID},
        content_type="application/vnd.api+json",
    )
    with pytest.raises(exceptions.ErreurAPI) as exc:
        client_ap(patience=60).quotient_familial_identite(identite())
    assert type(exc.value) is classe
    assert exc.value.status == status
    assert exc.value.code == code
    assert exc.value.request_id == REQUEST_ID
    if code:
        assert exc.value.titre == "Erreur"
        assert exc.value.detail == "Détail"


def test_les_erreurs_accumulees_sont_toutes_gardees(stub):
    body = json.dumps(
        {
            "errors": [
                {
                    "code": "00420",
                    "title": "Nom",
                    "detail": "nom",
                    "source": {"parameter": "nomNaissance"},
                },
                {
                    "code": "00367",
                    "title": "Prénoms",
                    "detail": "prénoms",
                    "source": None,
                    "meta": {},
                },
            ]
        }
    )
    stub.add(responses.GET, URL_IDENTITE, body=body, status=422)
    with pytest.raises(exceptions.ParametresInvalides) as exc:
        client_ap().quotient_familial_identite(identite())
    assert [e["code"] for e in exc.value.erreurs] == ["00420", "00367"]
    assert exc.value.erreurs[0]["source"] == {"parameter": "nomNaissance"}
    assert exc.value.code == "00420"
    assert len(stub.calls) == 1


def test_422_introuvable_meme_en_seconde_position(stub):
    body = json.dumps({"errors": [{"code": "00401"}, {"code": "00355"}]})
    stub.add(responses.GET, URL_IDENTITE, body=body, status=422)
    with pytest.raises(exceptions.IdentiteIntrouvable):
        client_ap().quotient_familial_identite(identite())


def test_401_france_connect(stub):
    stub.add(responses.GET, URL_FC, body=corps_erreur("50002"), status=401)
    with pytest.raises(exceptions.AuthentificationRefusee) as exc:
        client_ap().quotient_familial_france_connect(JETON_FC)
    assert exc.value.code == "50002"


@pytest.mark.parametrize(
    "panne",
    [
        requests.exceptions.ConnectTimeout(),
        requests.exceptions.ReadTimeout(),
        requests.exceptions.ConnectionError(),
        requests.exceptions.SSLError(),
        requests.exceptions.ChunkedEncodingError(),
    ],
)
def test_pannes_de_transport(stub, panne):
    stub.add(responses.GET, URL_IDENTITE, body=panne)
    with pytest.raises(exceptions.APIInjoignable) as exc:
        client_ap().quotient_familial_identite(identite())
    assert exc.value.cause == type(panne).__name__
    assert exc.value.status is None
    assert exc.value.__cause__ is None  # the requests exception's text holds the URL
    assert len(stub.calls) == 3


def test_503_au_dela_de_la_patience_est_une_maintenance_immediate(stub):
    horloge = HorlogeFactice(depart=datetime(2026, 1, 4, 22, 0, tzinfo=UTC).timestamp())
    body = corps_erreur("35020", meta={"provider": "CNAF & MSA", "retry_in": 2700})
    stub.add(responses.GET, URL_IDENTITE, body=body, status=503)
    with pytest.raises(exceptions.APIEnMaintenance) as exc:
        client_ap(horloge).quotient_familial_identite(identite())
    assert len(stub.calls) == 1
    assert horloge.attentes == []
    assert exc.value.jusqu_a == datetime(2026, 1, 4, 22, 45, tzinfo=UTC)
    assert exc.value.reessayer_apres == 2700


def test_str_sans_detail_technique_personnel():
    exc = exceptions.ParametresInvalides(
        status=422,
        erreurs=(
            {"code": "00420", "title": "Nom invalide", "detail": "OLLIVIER refusé", "meta": {}},
        ),
        request_id=REQUEST_ID,
    )
    assert str(exc) == f"ParametresInvalides HTTP 422 00420 Nom invalide request_id={REQUEST_ID}"
    assert exc.detail == "OLLIVIER refusé"


def test_date_naissance_complete_par_date(stub):
    ok(stub)
    client_ap().quotient_familial_identite(identite(date_naissance=date(2001, 12, 31)))
    envoyes = dict(parametres(stub.calls[0]))
    assert (envoyes["anneeDateNaissance"], envoyes["moisDateNaissance"]) == ("2001", "12")
    assert envoyes["jourDateNaissance"] == "31"
