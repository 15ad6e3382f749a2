"""Shared test helpers for the connectors: a fake clock, invented identities and bodies."""

import json
import threading
from datetime import date

from portail_famille.connecteurs.api_particulier import ClientAPIParticulier
from portail_famille.connecteurs.api_particulier import IdentiteCivile
from portail_famille.connecteurs.impot_particulier import ClientImpotParticulier
from portail_famille.connecteurs.limiteur import LimiteurLocal

BASE_AP = "https://particulier.test"
URL_IDENTITE = f"{BASE_AP}/v3/dss/quotient_familial/identite"
URL_FC = f"{BASE_AP}/v3/dss/quotient_familial/france_connect"
JETON_AP = "jeton-api-particulier-Zq81"
JETON_FC = "jeton-franceconnect-Wx42"
RECIPIENT = "21999000900017"
REQUEST_ID = "0f5e3a52-7b8c-4d6e-9f10-2a3b4c5d6e7f"

BASE_IP = "https://passerelle.test/impotparticulier/1.0"
URL_JETON = "https://passerelle.test/token"
CLIENT_ID = "client-portail-Ab12"
CLIENT_SECRET = "secret-client-Cd34"
JETON_PASSERELLE = "jeton-passerelle-Ef56"
SPI = "1234567890123"
ANNREV = 2025


class HorlogeFactice:
    """A Unix clock that only moves when someone `attendre`s; thread-safe."""

    def __init__(self, depart: float = 1_800_000_000.0):
        self.maintenant = depart
        self.attentes: list[float] = []
        self._verrou = threading.Lock()

    def __call__(self) -> float:
        return self.maintenant

    def attendre(self, secondes: float) -> None:
        with self._verrou:
            self.attentes.append(secondes)
            self.maintenant += secondes


def identite(**changements) -> IdentiteCivile:
    """The invented allocataire of api-particulier.md §8, born in Saint-Brieuc."""
    valeurs = {
        "nom_naissance": "OLLIVIER",
        "prenoms": ("JEAN-BAPTISTE", "LOIC"),
        "sexe": "M",
        "date_naissance": date(1984, 1, 9),
        "code_pays_naissance": "99100",
        "code_commune_naissance": "22278",
    }
    return IdentiteCivile(**{**valeurs, **changements})


def client_ap(horloge: HorlogeFactice | None = None, **options) -> ClientAPIParticulier:
    """An API Particulier client on a fake clock, so that waits take no real time."""
    horloge = horloge or HorlogeFactice()
    options.setdefault("attendre", horloge.attendre)
    options.setdefault("horloge", horloge)
    return ClientAPIParticulier(BASE_AP, JETON_AP, RECIPIENT, **options)


def client_ip(horloge: HorlogeFactice | None = None, **options) -> ClientImpotParticulier:
    """An API Impôt particulier client on a fake clock."""
    horloge = horloge or HorlogeFactice()
    options.setdefault("attendre", horloge.attendre)
    options.setdefault("horloge", horloge)
    options.setdefault("limiteur", LimiteurLocal(horloge=horloge, attendre=horloge.attendre))
    return ClientImpotParticulier(BASE_IP, URL_JETON, CLIENT_ID, CLIENT_SECRET, **options)


def corps_qf(**data) -> str:
    """A §8 body; `data` replaces or adds keys of the example family's `data`."""
    exemple = {
        "allocataires": [
            {
                "nom_naissance": "OLLIVIER",
                "nom_usage": None,
                "prenoms": "JEAN-BAPTISTE LOIC",
                "date_naissance": "1984-01-09",
                "sexe": "M",
            },
            {
                "nom_naissance": "MARCHAL",
                "nom_usage": None,
                "prenoms": "CHLOE",
                "date_naissance": "1986-12-01",
                "sexe": "F",
            },
        ],
        "enfants": [
            {
                "nom_naissance": "OLLIVIER",
                "nom_usage": None,
                "prenoms": "LOU",
                "date_naissance": "2015-03-21",
                "sexe": "F",
            },
            {
                "nom_naissance": "OLLIVIER",
                "nom_usage": None,
                "prenoms": "TIMEO",
                "date_naissance": "2019-00-00",
                "sexe": "M",
            },
        ],
        "adresse": {
            "destinataire": "MONSIEUR OLLIVIER JEAN-BAPTISTE",
            "complement_information": None,
            "complement_information_geographique": None,
            "numero_libelle_voie": "4 IMPASSE DES GLYCINES",
            "lieu_dit": None,
            "code_postal_ville": "22000 SAINT-BRIEUC",
            "pays": "FRANCE",
        },
        "quotient_familial": {
            "fournisseur": "CNAF",
            "valeur": 1340,
            "annee": 2026,
            "mois": 11,
            "annee_calcul": 2026,
            "mois_calcul": 9,
        },
    }
    return json.dumps({"data": {**exemple, **data}, "links": {}, "meta": {}})


def corps_erreur(code: str, *, meta: dict | None = None, **autres) -> str:
    """A JSON:API error body of §9 with one entry."""
    return json.dumps(
        {
            "errors": [
                {
                    "code": code,
                    "title": autres.get("title", "Erreur"),
                    "detail": autres.get("detail", "Détail"),
                    "meta": meta or {},
                }
            ]
        }
    )


def corps_situation(**changements) -> str:
    """The invented household of impot-particulier.md §4."""
    exemple = {
        "rfr": 48213,
        "nbPart": 2.75,
        "sitFam": "O",
        "pac": {"nbPac": 2, "nbPacF": 1, "nbPacH": 1},
        "nmNaiDec1": "OLLIVIER",
        "nmUsaDec1": "",
        "prnmDec1": "JEAN-BAPTISTE LOIC",
        "dateNaisDec1": {"jour": "09", "mois": "01", "annee": "1984"},
        "nmNaiDec2": "MARCHAL",
        "nmUsaDec2": "",
        "prnmDec2": "CHLOE",
        "dateNaisDec2": {"jour": "01", "mois": "12", "annee": "1986"},
        "aft": "4 IMPASSE DES GLYCINES 22000 SAINT-BRIEUC ",
        "revenuBrutGlobal": 45210,
        "revImposable": 45210,
        "montTotIr": 1875,
    }
    return json.dumps({**exemple, **changements})


def corps_jeton(jeton: str = JETON_PASSERELLE, expires_in: int = 300) -> str:
    return json.dumps({"access_token": jeton, "token_type": "Bearer", "expires_in": expires_in})
