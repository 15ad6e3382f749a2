"""API Particulier simulator (api-particulier.md §12), its shared limits (bac_a_sable.limites),
and the real connector against it over HTTP."""

import os
import secrets
import threading
import time
import uuid
from datetime import date
from datetime import datetime

import pytest
import redis
import requests
import time_machine

from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.bac_a_sable import limites
from portail_famille.bac_a_sable import simulateur_api_particulier
from portail_famille.bac_a_sable.communs_api import PARIS
from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.api_particulier import ClientAPIParticulier
from portail_famille.connecteurs.api_particulier import DateNaissance
from portail_famille.connecteurs.api_particulier import IdentiteCivile

BASE = "/bac-a-sable/api-particulier"
IDENTITE = BASE + simulateur_api_particulier.ROUTE_IDENTITE
FRANCE_CONNECT = BASE + simulateur_api_particulier.ROUTE_FRANCE_CONNECT
RECIPIENT = "21690123100011"
COMPLET = "jeton-bac-a-sable-complet"
JSON_API = "application/vnd.api+json"
# A Wednesday: N = 2026, current month 11.
MERCREDI = datetime(2026, 11, 18, 10, 0, tzinfo=PARIS)
SCOPE_FC = "openid identite_pivot cnaf_quotient_familial"
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")

ANGELA = jeu_de_donnees.ANGELA
JEAN_BAPTISTE = jeu_de_donnees.JEAN_BAPTISTE
ERMENGARDI = jeu_de_donnees.ERMENGARDI
DOSSIERS = {d.allocataire.nom_naissance: d for d in jeu_de_donnees.DOSSIERS_CAF}


def parametres(personne=ANGELA, commune="code", **changements) -> list[tuple[str, str]]:
    """The §6 query of a dataset person; `commune="nom"` uses name + département + year."""
    annee, mois, jour = personne.date_naissance.split("-")
    valeurs = {
        "recipient": RECIPIENT,
        "nomNaissance": personne.nom_naissance,
        "nomUsage": personne.nom_usage,
        "prenoms[]": list(personne.prenoms),
        "sexeEtatCivil": personne.sexe,
        "anneeDateNaissance": annee,
        "moisDateNaissance": mois,
        "jourDateNaissance": jour,
        "codeCogInseePaysNaissance": personne.code_pays_naissance,
    }
    if commune == "code":
        valeurs["codeCogInseeCommuneNaissance"] = personne.code_commune_naissance
    else:
        valeurs["nomCommuneNaissance"] = personne.nom_commune_naissance
        valeurs["codeCogInseeDepartementNaissance"] = personne.code_departement_naissance
    valeurs.update(changements)
    requete = []
    for nom, valeur in valeurs.items():
        for element in valeur if isinstance(valeur, list) else [valeur]:
            if element not in (None, ""):
                requete.append((nom, element))
    return requete


def appeler(client, requete=None, jeton=COMPLET, route=IDENTITE, **entetes):
    if jeton is not None:
        entetes["Authorization"] = f"Bearer {jeton}"
    return client.get(route, query_string=parametres() if requete is None else requete,
                      headers=entetes)


def codes(reponse) -> list[str]:
    return [e["code"] for e in reponse.get_json(force=True)["errors"]]


def jeton_fc(app, cle="angela", scope=SCOPE_FC, **options) -> str:
    with app.app_context():
        return fournisseur_franceconnect.emettre_jeton_acces(cle, scope, **options)


@pytest.fixture
def mercredi():
    with time_machine.travel(MERCREDI, tick=False) as voyage:
        yield voyage


# --- 200 answers -----------------------------------------------------------------------------


@pytest.mark.parametrize("dossier", jeu_de_donnees.DOSSIERS_CAF,
                         ids=[d.allocataire.nom_naissance for d in jeu_de_donnees.DOSSIERS_CAF])
def test_chaque_famille_par_son_allocataire(client, mercredi, dossier):
    reponse = appeler(client, parametres(dossier.allocataire))

    assert reponse.status_code == 200
    assert reponse.mimetype == JSON_API
    corps = reponse.get_json(force=True)
    assert list(corps) == ["data", "links", "meta"]
    data = corps["data"]
    assert list(data) == ["allocataires", "enfants", "adresse", "quotient_familial"]
    assert data["quotient_familial"]["fournisseur"] == dossier.fournisseur
    assert data["quotient_familial"]["valeur"] == dossier.valeur
    assert len(data["allocataires"]) == 1 + (dossier.conjoint is not None)
    assert len(data["enfants"]) == len(dossier.enfants)
    assert reponse.headers["X-Response-Cached"] == "false"
    assert reponse.headers["X-Cache-Expires-in"] == ""
    uuid.UUID(reponse.headers["X-Request-ID"])


def test_corps_au_format_de_production(client, mercredi):
    data = appeler(client, parametres(jeu_de_donnees.CLAIRE)).get_json(force=True)["data"]

    assert data["allocataires"][0] == {
        "nom_naissance": "FAURE", "nom_usage": "ROUSSEAU", "prenoms": "CLAIRE",
        "date_naissance": "1983-07-19", "sexe": "F",
    }
    assert data["allocataires"][1]["nom_usage"] is None
    assert data["allocataires"][1]["prenoms"] == "THOMAS PAUL"
    assert data["adresse"] == {
        "destinataire": "MADAME ROUSSEAU CLAIRE", "complement_information": None,
        "complement_information_geographique": None, "numero_libelle_voie": None,
        "lieu_dit": "LIEU-DIT LES CHAUMES", "code_postal_ville": "69390 VERNAISON",
        "pays": "FRANCE",
    }
    # The MSA file is computed in real time: the requested month itself.
    assert data["quotient_familial"] == {"fournisseur": "MSA", "valeur": 980, "annee": 2026,
                                         "mois": 11, "annee_calcul": 2026, "mois_calcul": 11}


def test_les_deux_options_de_commune_trouvent_la_meme_famille(client, mercredi):
    par_code = appeler(client, parametres(JEAN_BAPTISTE))
    par_nom = appeler(client, parametres(JEAN_BAPTISTE, commune="nom"))
    en_minuscules = appeler(client, parametres(
        JEAN_BAPTISTE, commune="nom", nomCommuneNaissance="saint brieuc",
        moisDateNaissance=None, jourDateNaissance=None,
    ))

    assert par_code.status_code == par_nom.status_code == en_minuscules.status_code == 200
    assert par_code.get_json()["data"] == par_nom.get_json()["data"]
    assert par_code.get_json()["data"] == en_minuscules.get_json()["data"]
    enfants = par_code.get_json(force=True)["data"]["enfants"]
    assert enfants[1]["date_naissance"] == "2019-00-00"


def test_ne_a_l_etranger_sans_commune(client, mercredi):
    reponse = appeler(client, parametres(ERMENGARDI, commune=None))
    avec_commune = appeler(client, parametres(ERMENGARDI, codeCogInseeCommuneNaissance="69123"))

    assert reponse.status_code == 200
    assert reponse.get_json(force=True)["data"]["quotient_familial"]["valeur"] == 480
    assert avec_commune.status_code == 422
    assert codes(avec_commune) == ["00365"]


def test_casse_et_espaces_ignores_accents_significatifs(client, mercredi):
    detendu = appeler(client, parametres(nomNaissance="  dubois ",
                                         **{"prenoms[]": ["ANGELA", "claire"]}))
    sans_accent = appeler(client, parametres(JEAN_BAPTISTE,
                                             **{"prenoms[]": ["JEAN-BAPTISTE", "AURELIEN"]}))

    assert detendu.status_code == 200
    assert sans_accent.status_code == 422
    assert codes(sans_accent) == ["00355"]


def test_prenoms_liste_ordonnee(client, mercredi):
    premier_seul = appeler(client, parametres(**{"prenoms[]": ["Angela"]}))
    dans_le_desordre = appeler(client, parametres(**{"prenoms[]": ["Claire", "Angela"]}))

    assert premier_seul.status_code == 200
    assert codes(dans_le_desordre) == ["00355"]


def test_nom_d_usage_verifie_quand_il_est_donne(client, mercredi):
    claire = jeu_de_donnees.CLAIRE
    sans = appeler(client, parametres(claire, nomUsage=None))
    faux = appeler(client, parametres(claire, nomUsage="MARTIN"))
    egal_au_nom = appeler(client, parametres(nomUsage="DUBOIS"))

    assert sans.status_code == 200
    assert codes(faux) == ["00355"]
    assert egal_au_nom.status_code == 200


@pytest.mark.parametrize(("personne", "code", "fournisseur"), [
    (jeu_de_donnees.THOMAS, "10003", "MSA"),
    (jeu_de_donnees.CHLOE, "23003", "CNAF"),
    (jeu_de_donnees.ANNE_LAURE, "23003", "CNAF"),
    (jeu_de_donnees.INCONNU, "23003", "CNAF"),
], ids=["conjoint-msa", "conjointe-cnaf", "sans-dossier", "declarant-seulement"])
def test_personne_connue_sans_dossier_404(client, mercredi, personne, code, fournisseur):
    reponse = appeler(client, parametres(personne))

    assert reponse.status_code == 404
    assert reponse.mimetype == JSON_API
    erreur = reponse.get_json(force=True)["errors"][0]
    assert erreur["code"] == code
    assert erreur["meta"] == {"provider": fournisseur}
    assert "source" not in erreur


def test_identite_inconnue_422_00355(client, mercredi):
    reponse = appeler(client, parametres(nomNaissance="DUPONT"))

    assert reponse.status_code == 422
    assert reponse.get_json(force=True)["errors"] == [{
        "code": "00355", "title": "Entité non traitable",
        "detail": "Aucun particulier n'a été trouvé avec les données d'identité fournies.",
        "meta": {},
    }]


@pytest.mark.parametrize(("annee", "mois", "attendu"), [
    (None, None, (2026, 11, 2026, 9)),
    ("2026", None, (2026, 11, 2026, 9)),
    (None, "3", (2026, 3, 2026, 1)),
    ("2025", "1", (2025, 1, 2024, 11)),
    ("2024", "12", (2024, 12, 2024, 10)),
])
def test_periode_demandee_et_mois_de_calcul(client, mercredi, annee, mois, attendu):
    reponse = appeler(client, parametres(annee=annee, mois=mois))

    qf = reponse.get_json(force=True)["data"]["quotient_familial"]
    assert (qf["annee"], qf["mois"], qf["annee_calcul"], qf["mois_calcul"]) == attendu


# --- validation (§5, §6, §9) -----------------------------------------------------------------


def test_toutes_les_erreurs_dans_un_seul_corps_dans_l_ordre(client, mercredi):
    requete = parametres(recipient="21999000900018", nomNaissance=None, sexeEtatCivil="X",
                         codeCogInseePaysNaissance="100", annee="2023", mois="13",
                         **{"prenoms[]": ["A", "B", "C", "D"]})

    reponse = appeler(client, requete, **{"X-Request-ID": "pas-un-uuid"})

    assert reponse.status_code == 422
    assert reponse.mimetype == JSON_API
    erreurs_ = reponse.get_json(force=True)["errors"]
    assert [e["code"] for e in erreurs_] == [
        "00210", "00420", "00421", "00427", "00400", "00356", "00354", "00401",
    ]
    assert erreurs_[0]["source"] == {"parameter": "recipient"}
    assert erreurs_[-1]["source"] == {"header": "X-Request-ID"}
    assert all(e["title"] == "Entité non traitable" for e in erreurs_)
    # The invalid client value is not taken as the request id.
    assert reponse.headers["X-Request-ID"] != "pas-un-uuid"
    uuid.UUID(reponse.headers["X-Request-ID"])


@pytest.mark.parametrize(("changements", "code"), [
    ({"recipient": None}, "00210"),
    ({"recipient": "2169012310001"}, "00210"),
    ({"recipient": "21999000900018"}, "00210"),
    ({"nomNaissance": "DUBOIS2"}, "00420"),
    ({"prenoms[]": None}, "00367"),
    ({"prenoms[]": None, "prenoms": "Angela"}, "00367"),
    ({"prenoms[]": ["Angela", "Cl@ire"]}, "00421"),
    ({"sexeEtatCivil": None}, "00427"),
    ({"anneeDateNaissance": "1899"}, "00422"),
    ({"anneeDateNaissance": "2027"}, "00422"),
    ({"moisDateNaissance": "13"}, "00363"),
    ({"jourDateNaissance": "32"}, "00363"),
    ({"anneeDateNaissance": "1962", "moisDateNaissance": "2", "jourDateNaissance": "30"},
     "00425"),
    ({"anneeDateNaissance": "2026", "moisDateNaissance": "11", "jourDateNaissance": "18"},
     "00425"),
    ({"codeCogInseePaysNaissance": None}, "00400"),
    ({"codeCogInseePaysNaissance": "12345"}, "00400"),
    ({"codeCogInseeCommuneNaissance": None}, "00365"),
    ({"codeCogInseeCommuneNaissance": "75A07"}, "00365"),
    ({"codeCogInseeCommuneNaissance": None, "nomCommuneNaissance": "PARIS 07"}, "00428"),
    ({"codeCogInseeCommuneNaissance": None, "nomCommuneNaissance": "AJACCIO",
      "codeCogInseeDepartementNaissance": "20"}, "00428"),
    ({"codeCogInseeCommuneNaissance": None, "nomCommuneNaissance": "PARIS 07",
      "codeCogInseeDepartementNaissance": "75", "anneeDateNaissance": None}, "00422"),
    ({"annee": "2023"}, "00356"),
    ({"annee": "2027"}, "00356"),
    ({"annee": "deux-mille"}, "00356"),
    ({"mois": "0"}, "00354"),
    ({"mois": "12"}, "00354"),
    ({"annee": "2026", "mois": "12"}, "00354"),
])
def test_un_parametre_invalide(client, mercredi, changements, code):
    reponse = appeler(client, parametres(**changements))

    assert reponse.status_code == 422
    assert codes(reponse) == [code]


def test_siret_de_la_poste_sans_cle_de_luhn(client, mercredi):
    assert appeler(client, parametres(recipient="35600000012345")).status_code == 200


def test_mois_passes_acceptes(client, mercredi):
    assert appeler(client, parametres(annee="2024", mois="1")).status_code == 200
    assert appeler(client, parametres(annee="2025", mois="12")).status_code == 200


def test_x_request_id_du_client_repris(client, mercredi):
    mien = str(uuid.uuid4())

    reponse = appeler(client, **{"X-Request-ID": mien})

    assert reponse.status_code == 200
    assert reponse.headers["X-Request-ID"] == mien


# --- API tokens ------------------------------------------------------------------------------


@pytest.mark.parametrize(("jeton", "status", "code", "type_contenu"), [
    (None, 401, "00101", JSON_API),
    ("jeton-inconnu", 401, "00101", JSON_API),
    ("jeton-bac-a-sable-expire", 401, "00103", JSON_API),
    ("jeton-bac-a-sable-liste-noire", 401, "00105", "application/json"),
    ("jeton-bac-a-sable-sans-quotient-familial", 403, "00100", JSON_API),
])
def test_jetons_refuses(client, mercredi, jeton, status, code, type_contenu):
    # Authentication comes before validation: the query is empty.
    reponse = appeler(client, [], jeton=jeton)

    assert reponse.status_code == status
    assert reponse.mimetype == type_contenu
    assert codes(reponse) == [code]
    assert reponse.get_json(force=True)["errors"][0]["source"] == {"parameter": "token"}
    assert reponse.headers["RateLimit-Limit"] == "20"


def test_jeton_hors_de_l_en_tete_authorization_compte_comme_absent(client, mercredi):
    dans_la_requete = appeler(client, [*parametres(), ("token", COMPLET)], jeton=None)
    en_x_api_key = appeler(client, jeton=None, **{"X-Api-Key": COMPLET})

    assert codes(dans_la_requete) == codes(en_x_api_key) == ["00101"]


def test_scopes_partiels_masquent_les_donnees(client, mercredi):
    quotient = appeler(client, jeton="jeton-bac-a-sable-quotient").get_json(force=True)
    famille = appeler(client, jeton="jeton-bac-a-sable-famille").get_json(force=True)

    assert list(quotient["data"]) == ["quotient_familial"]
    assert list(famille["data"]) == ["allocataires", "enfants", "adresse"]


# --- triggers (§12) --------------------------------------------------------------------------


@pytest.mark.parametrize(("nom", "status", "code", "type_contenu", "meta"), [
    ("SANSDOSSIER", 404, "23003", JSON_API, {"provider": "CNAF"}),
    ("INTROUVABLE", 422, "00355", JSON_API, {}),
    ("ILLISIBLE", 422, "00366", JSON_API,
     {"provider": "CNAF & MSA", "provider_error_code": "E101"}),
    ("ENCOURS", 409, "00015", JSON_API, {}),
    ("SATURE", 429, "00429", "application/json", {}),
    ("PANNE", 502, "35999", JSON_API, {"provider": "CNAF & MSA"}),
    ("MAINTENANCE", 503, "35020", JSON_API, {"provider": "CNAF & MSA", "retry_in": 2700}),
    ("DELAI", 504, "35002", JSON_API, {"provider": "CNAF & MSA"}),
])
def test_noms_declencheurs(client, mercredi, nom, status, code, type_contenu, meta):
    reponse = appeler(client, parametres(nomNaissance=nom))

    assert reponse.status_code == status
    assert reponse.mimetype == type_contenu
    erreur = reponse.get_json(force=True)["errors"][0]
    assert (erreur["code"], erreur["meta"]) == (code, meta)
    assert "source" not in erreur
    if status == 429:
        assert reponse.headers["Retry-After"] == "1"


def test_declencheur_seulement_si_les_autres_parametres_sont_valides(client, mercredi):
    reponse = appeler(client, parametres(nomNaissance="PANNE", sexeEtatCivil="X"))

    assert reponse.status_code == 422
    assert codes(reponse) == ["00427"]


def test_delai_configure_avant_le_504(fabrique):
    client = fabrique(BAC_A_SABLE_API_PARTICULIER_DELAI=0.3).test_client()
    debut = time.monotonic()

    reponse = appeler(client, parametres(nomNaissance="DELAI"))

    assert reponse.status_code == 504
    assert time.monotonic() - debut >= 0.3


@pytest.mark.parametrize(("moment", "status"), [
    (datetime(2026, 11, 22, 23, 10, tzinfo=PARIS), 503),
    (datetime(2026, 11, 22, 22, 59, tzinfo=PARIS), 200),
    (datetime(2026, 11, 22, 23, 45, tzinfo=PARIS), 200),
    (datetime(2026, 11, 21, 23, 10, tzinfo=PARIS), 200),
])
def test_maintenance_du_dimanche_soir(fabrique, moment, status):
    client = fabrique(BAC_A_SABLE_API_PARTICULIER_MAINTENANCE=True).test_client()

    with time_machine.travel(moment, tick=False):
        reponse = appeler(client)

    assert reponse.status_code == status
    if status == 503:
        assert reponse.get_json(force=True)["errors"][0]["meta"] == {
            "provider": "CNAF & MSA", "retry_in": 35 * 60,
        }


def test_maintenance_du_dimanche_desactivee_par_defaut(client):
    with time_machine.travel(datetime(2026, 11, 22, 23, 10, tzinfo=PARIS), tick=False):
        assert appeler(client).status_code == 200


# --- limits, cache, requests in flight (§10) -------------------------------------------------


def test_vingt_appels_par_seconde_et_par_jeton(client, mercredi):
    reponses = [appeler(client) for _ in range(21)]

    assert [r.status_code for r in reponses] == [200] * 20 + [429]
    assert [r.headers["RateLimit-Remaining"] for r in reponses[:20]] == [
        str(n) for n in range(19, -1, -1)
    ]
    fin = str(int(MERCREDI.timestamp()) + 1)
    assert {r.headers["RateLimit-Reset"] for r in reponses} == {fin}
    refus = reponses[-1]
    assert refus.mimetype == "application/json"
    assert refus.headers["Retry-After"] == "1"
    assert refus.headers["RateLimit-Remaining"] == "0"
    assert codes(refus) == ["00429"]
    # Another token has its own window; the next second opens a new one.
    assert appeler(client, jeton="jeton-bac-a-sable-quotient").status_code == 200
    mercredi.shift(1)
    assert appeler(client).headers["RateLimit-Remaining"] == "19"


def test_cache_de_24_heures(client, mercredi):
    premiere = appeler(client)
    seconde = appeler(client)
    mercredi.shift(3600)
    une_heure_apres = appeler(client)
    rafraichie = appeler(client, **{"Cache-Control": "no-cache"})
    mercredi.shift(24 * 3600 + 1)
    expiree = appeler(client)

    assert premiere.headers["X-Response-Cached"] == "false"
    assert seconde.headers["X-Response-Cached"] == "true"
    assert seconde.headers["X-Cache-Expires-in"] == str(24 * 3600)
    assert seconde.get_json() == premiere.get_json()
    assert une_heure_apres.headers["X-Cache-Expires-in"] == str(23 * 3600)
    assert rafraichie.headers["X-Response-Cached"] == "false"
    assert rafraichie.headers["X-Cache-Expires-in"] == ""
    assert expiree.headers["X-Response-Cached"] == "false"


def test_cache_distingue_periode_et_scopes_mais_pas_la_casse(client, mercredi):
    appeler(client)

    autre_mois = appeler(client, parametres(mois="10"))
    autres_scopes = appeler(client, jeton="jeton-bac-a-sable-quotient")
    en_minuscules = appeler(client, parametres(nomNaissance="dubois"))

    assert autre_mois.headers["X-Response-Cached"] == "false"
    assert autres_scopes.headers["X-Response-Cached"] == "false"
    assert en_minuscules.headers["X-Response-Cached"] == "true"


def test_409_quand_la_meme_requete_est_en_vol(fabrique):
    app = fabrique(BAC_A_SABLE_API_PARTICULIER_DELAI=0.6)
    requete = parametres(nomNaissance="DELAI")
    premiere = {}
    fil = threading.Thread(target=lambda: premiere.update(r=appeler(app.test_client(), requete)))

    fil.start()
    time.sleep(0.2)
    pendant = appeler(app.test_client(), requete)
    autres_parametres = appeler(app.test_client(), parametres(nomNaissance="PANNE"))
    fil.join()
    apres = appeler(app.test_client(), requete)

    assert pendant.status_code == 409
    assert codes(pendant) == ["00015"]
    assert autres_parametres.status_code == 502
    assert premiere["r"].status_code == 504
    assert apres.status_code == 504  # the first call released its mark


# --- legacy and unknown routes ---------------------------------------------------------------


@pytest.mark.parametrize(("chemin", "mot"), [
    ("/api/v2/avis-imposition", "8 janvier 2024"),
    ("/api/impots/svair", "8 janvier 2024"),
    ("/api/v2/composition-familiale", "31/10/2025"),
    ("/api/caf/famille", "31/10/2025"),
])
def test_routes_supprimees_410_avant_toute_authentification(client, chemin, mot):
    reponse = client.get(BASE + chemin, query_string={"numeroAllocataire": "1234567"})

    assert reponse.status_code == 410
    assert reponse.mimetype == "text/plain"
    assert mot in reponse.get_data(as_text=True)
    uuid.UUID(reponse.headers["X-Request-ID"])


def test_autre_chemin_404(client):
    reponse = client.get(BASE + "/v3/dss/quotient_familial/inconnu")

    assert reponse.status_code == 404
    assert reponse.mimetype == JSON_API
    uuid.UUID(reponse.headers["X-Request-ID"])


# --- FranceConnect route (§7) ----------------------------------------------------------------


def appeler_fc(client, jeton, requete=(("recipient", RECIPIENT),), **entetes):
    return appeler(client, list(requete), jeton=jeton, route=FRANCE_CONNECT, **entetes)


@pytest.mark.parametrize(("cle", "valeur"), [
    ("angela", 1120), ("sophie", 640), ("claire", 980), ("jean-baptiste", 1340),
    ("ermengardi", 480), ("karim", 0), ("pierre", 1560),
])
def test_france_connect_chaque_identite(app, client, cle, valeur):
    reponse = appeler_fc(client, jeton_fc(app, cle))

    assert reponse.status_code == 200
    data = reponse.get_json(force=True)["data"]
    # Only the granted data scope: the other keys are absent.
    assert list(data) == ["quotient_familial"]
    assert data["quotient_familial"]["valeur"] == valeur


@pytest.mark.parametrize(("cle", "code"), [("thomas", "10003"), ("anne-laure", "23003")])
def test_france_connect_sans_dossier(app, client, cle, code):
    reponse = appeler_fc(client, jeton_fc(app, cle))

    assert reponse.status_code == 404
    assert codes(reponse) == [code]


def test_france_connect_masque_par_scopes(app, client):
    scope = "openid identite_pivot cnaf_enfants cnaf_adresse"

    data = appeler_fc(client, jeton_fc(app, scope=scope)).get_json(force=True)["data"]

    assert list(data) == ["enfants", "adresse"]


@pytest.mark.parametrize(("jeton", "code"), [
    (None, "50001"),
    ("court", "50001"),
    ("a" * 42, "50001"),
    ("x" * 43 + " y", "50001"),
    (secrets.token_urlsafe(32), "50002"),
])
def test_france_connect_jeton_refuse(client, jeton, code):
    reponse = appeler_fc(client, jeton)

    assert reponse.status_code == 401
    assert codes(reponse) == [code]


def test_france_connect_jeton_expire_apres_60_s(app, client):
    jeton = jeton_fc(app, emis_le=time.time() - 61)

    reponse = appeler_fc(client, jeton)

    assert reponse.status_code == 401
    assert codes(reponse) == ["50002"]


def test_france_connect_sans_identite_pivot(client, monkeypatch):
    monkeypatch.setattr(fournisseur_franceconnect, "introspecter", lambda jeton: {
        "active": True, "scope": SCOPE_FC, "family_name": "DUBOIS", "gender": "female",
        "birthcountry": "99100", "birthplace": "75107",
    })

    reponse = appeler_fc(client, secrets.token_urlsafe(32))

    assert reponse.status_code == 401
    assert codes(reponse) == ["50003"]


def test_france_connect_sans_scope_cnaf(app, client):
    reponse = appeler_fc(client, jeton_fc(app, scope="openid identite_pivot dgfip_rfr"))

    assert reponse.status_code == 403
    assert codes(reponse) == ["00100"]


def test_france_connect_valide_les_parametres_apres_le_jeton(app, client):
    reponse = appeler_fc(client, jeton_fc(app), requete=[("mois", "13")])

    assert codes(reponse) == ["00210", "00354"]


def test_france_connect_cache_et_limites_par_ip(app, client, mercredi):
    jeton = jeton_fc(app)
    reponses = []
    for _ in range(2):
        reponses += [appeler_fc(client, jeton) for _ in range(15)]
        mercredi.shift(1)  # stay under the 20 per second of the token

    assert reponses[0].headers["X-Response-Cached"] == "false"
    assert reponses[1].headers["X-Response-Cached"] == "true"
    assert {r.status_code for r in reponses} == {200}
    # §10: 30 calls per minute per client IP with FranceConnect tokens.
    refus = appeler_fc(client, jeton)
    assert refus.status_code == 429
    assert refus.mimetype == "application/json"
    assert int(refus.headers["Retry-After"]) > 1
    mercredi.shift(60)
    assert appeler_fc(client, jeton_fc(app)).status_code == 200


def test_france_connect_limite_horaire_par_ip(app, client, mercredi, monkeypatch):
    # The hourly window with a small limit: 600 real calls would only slow the suite down.
    monkeypatch.setattr(simulateur_api_particulier, "LIMITES_FRANCECONNECT_PAR_IP",
                        ((30, 60), (3, 3600)))
    statuts = [appeler_fc(client, jeton_fc(app)).status_code for _ in range(4)]
    mercredi.shift(60)
    refus = appeler_fc(client, jeton_fc(app))

    assert statuts == [200, 200, 200, 429]
    assert refus.status_code == 429
    # Until the end of the hour: 10:01 → 11:00.
    assert refus.headers["Retry-After"] == str(59 * 60)


# --- the shared store of limits, in memory and in Redis --------------------------------------


@pytest.fixture
def client_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis injoignable")
    prefixe = f"test-bac-a-sable:{uuid.uuid4().hex}:"
    yield client, prefixe
    for cle in client.scan_iter(match=prefixe + "*"):
        client.delete(cle)
    client.close()


@pytest.fixture(params=["memoire", "redis"])
def magasin(request):
    if request.param == "memoire":
        return limites.MagasinMemoire()
    client, prefixe = request.getfixturevalue("client_redis")
    return limites.MagasinRedis(client, prefixe)


def test_magasin_compteur_reservation_et_valeurs(magasin, mercredi):
    assert [magasin.incrementer("c", 1) for _ in range(3)] == [1, 2, 3]
    assert magasin.reserver("r", 30) is True
    assert magasin.reserver("r", 30) is False
    magasin.liberer("r")
    assert magasin.reserver("r", 30) is True
    magasin.conserver("v", "valeur", 300)
    mercredi.shift(299)
    assert magasin.retrouver("v") == ("valeur", pytest.approx(1))
    mercredi.shift(1)
    # Expiry follows this host's clock, the one tests move, Redis or not.
    assert magasin.retrouver("v") is None
    assert magasin.retrouver("absente") is None


def test_redis_partage_entre_deux_processus(fabrique, client_redis, mercredi):
    _, prefixe = client_redis
    reglages = {"redis_url": REDIS_URL, "BAC_A_SABLE_PREFIXE_REDIS": prefixe}
    premier = fabrique(**reglages).test_client()
    second = fabrique(**reglages).test_client()

    reponses = [appeler(c) for c in (premier, second) * 10]
    refus = appeler(premier)

    assert reponses[0].headers["X-Response-Cached"] == "false"
    assert reponses[1].headers["X-Response-Cached"] == "true"
    assert {r.status_code for r in reponses} == {200}
    assert refus.status_code == 429


# --- the real connector over HTTP (securite.md E4, E9) ---------------------------------------


def identite_civile(personne, commune="code", **changements) -> IdentiteCivile:
    annee, mois, jour = (int(p) for p in personne.date_naissance.split("-"))
    valeurs = {
        "nom_naissance": personne.nom_naissance,
        "prenoms": personne.prenoms,
        "sexe": personne.sexe,
        "date_naissance": date(annee, mois, jour),
        "code_pays_naissance": personne.code_pays_naissance,
        "nom_usage": personne.nom_usage or None,
    }
    if commune == "code":
        valeurs["code_commune_naissance"] = personne.code_commune_naissance or None
    else:
        valeurs["nom_commune_naissance"] = personne.nom_commune_naissance
        valeurs["code_departement_naissance"] = personne.code_departement_naissance
    return IdentiteCivile(**{**valeurs, **changements})


def connecteur(app, **options) -> ClientAPIParticulier:
    config = app.extensions["portail"]
    options = {"tentatives": 1, "attendre": lambda _: None, **options}
    return ClientAPIParticulier(config.api_particulier_url, config.api_particulier_token,
                                config.api_particulier_recipient, **options)


def test_connecteur_chaque_famille_conjoint_et_inconnu(serveur):
    client = connecteur(serveur())

    for dossier in jeu_de_donnees.DOSSIERS_CAF:
        reponse = client.quotient_familial_identite(identite_civile(dossier.allocataire))
        if dossier.valeur:
            assert reponse.quotient.valeur == dossier.valeur
            assert reponse.quotient.fournisseur == dossier.fournisseur
        else:
            assert reponse.quotient is None  # §8: 0 means "not computable"
        assert len(reponse.allocataires) == 1 + (dossier.conjoint is not None)
        uuid.UUID(reponse.request_id)
        assert reponse.depuis_cache is False
    with pytest.raises(exceptions.DossierAbsent) as conjoint:
        client.quotient_familial_identite(identite_civile(jeu_de_donnees.THOMAS))
    with pytest.raises(exceptions.IdentiteIntrouvable) as inconnu:
        client.quotient_familial_identite(identite_civile(ANGELA, nom_naissance="DUPONT"))

    assert (conjoint.value.status, conjoint.value.code) == (404, "10003")
    assert conjoint.value.meta == {"provider": "MSA"}
    assert inconnu.value.code == "00355"


def test_connecteur_options_de_commune_etranger_cache_et_410(serveur):
    app = serveur()
    client = connecteur(app)

    par_nom = client.quotient_familial_identite(
        identite_civile(JEAN_BAPTISTE, commune="nom", date_naissance=DateNaissance(1984))
    )
    par_code = client.quotient_familial_identite(identite_civile(JEAN_BAPTISTE))
    etranger = client.quotient_familial_identite(identite_civile(ERMENGARDI))

    assert par_nom.quotient == par_code.quotient
    assert par_nom.quotient.valeur == 1340
    assert par_nom.enfants[1].date_naissance == "2019-00-00"
    assert par_code.depuis_cache is False  # the name option asked another identity
    assert etranger.quotient.valeur == 480
    assert client.quotient_familial_identite(identite_civile(ERMENGARDI)).depuis_cache is True
    rafraichi = client.quotient_familial_identite(identite_civile(ERMENGARDI), sans_cache=True)
    assert rafraichi.depuis_cache is False
    ancienne = requests.get(app.extensions["portail"].api_particulier_url
                            + "/api/v2/avis-imposition", timeout=5)
    assert ancienne.status_code == 410
    assert "mettez à jour votre application" in ancienne.text


DECLENCHEURS_ET_EXCEPTIONS = [
    ("SANSDOSSIER", exceptions.DossierAbsent, "23003"),
    ("INTROUVABLE", exceptions.IdentiteIntrouvable, "00355"),
    ("ILLISIBLE", exceptions.IdentiteIntrouvable, "00366"),
    ("ENCOURS", exceptions.RequeteEnCours, "00015"),
    ("SATURE", exceptions.QuotaDepasse, "00429"),
    ("PANNE", exceptions.FournisseurEnErreur, "35999"),
    ("MAINTENANCE", exceptions.APIEnMaintenance, "35020"),
    ("DELAI", exceptions.DelaiDepasse, "35002"),
]


def test_connecteur_declencheurs(serveur):
    # One server for every trigger: each served app costs half a second to stop.
    client = connecteur(serveur())

    for nom, exception, code in DECLENCHEURS_ET_EXCEPTIONS:
        with pytest.raises(exception) as erreur:
            client.quotient_familial_identite(identite_civile(ANGELA, nom_naissance=nom))
        assert erreur.value.code == code, nom
        uuid.UUID(erreur.value.request_id)
        if nom == "MAINTENANCE":
            assert erreur.value.reessayer_apres == pytest.approx(45 * 60, abs=2)
            assert erreur.value.jusqu_a is not None


def test_connecteur_409_en_vol(serveur):
    app = serveur(BAC_A_SABLE_API_PARTICULIER_DELAI=1.0)
    identite = identite_civile(ANGELA, nom_naissance="DELAI")
    premier = {}

    def lancer():
        with pytest.raises(exceptions.DelaiDepasse) as erreur:
            connecteur(app).quotient_familial_identite(identite)
        premier["erreur"] = erreur.value

    fil = threading.Thread(target=lancer)
    fil.start()
    time.sleep(0.3)
    with pytest.raises(exceptions.RequeteEnCours) as en_cours:
        connecteur(app).quotient_familial_identite(identite)
    fil.join()

    assert en_cours.value.code == "00015"
    assert premier["erreur"].code == "35002"


def test_connecteur_france_connect(serveur):
    app = serveur()
    client = connecteur(app)

    reponse = client.quotient_familial_france_connect(jeton_fc(app, "sophie"))
    with pytest.raises(exceptions.AuthentificationRefusee) as expire:
        client.quotient_familial_france_connect(jeton_fc(app, emis_le=time.time() - 61))

    assert reponse.quotient.valeur == 640
    assert reponse.allocataires == ()
    assert (expire.value.status, expire.value.code) == (401, "50002")
