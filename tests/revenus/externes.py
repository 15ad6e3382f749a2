"""API Particulier and the DGFiP gateway stubbed with `responses`, behind a FranceConnect
stand-in: the data APIs "not the sandbox" that the income tests sign in against."""

import json
import re
from datetime import date

import responses

from tests.auth.faux_fournisseur import ISSUER
from tests.auth.faux_fournisseur import JETON_ACCES
from tests.auth.faux_fournisseur import JETON_PASSERELLE
from tests.auth.faux_fournisseur import REGLAGES
from tests.auth.faux_fournisseur import parametres

API_PARTICULIER = "https://particulier.exemple.test"
DGFIP = REGLAGES["impot_particulier_url"]
RECIPIENT = "21690123100011"
SCOPES_DONNEES = ("openid identite_pivot email cnaf_quotient_familial cnaf_enfants cnaf_adresse "
                  "dgfip_rfr dgfip_nbpart dgfip_annee_n_moins_1 dgfip_annee_n_moins_2")
REPONSE_CAF = {
    "data": {
        "allocataires": [{"nom_naissance": "VERDURIER", "nom_usage": None, "prenoms": "ODILE",
                          "date_naissance": "1981-05-06", "sexe": "F"}],
        "enfants": [{"nom_naissance": "VERDURIER", "nom_usage": None, "prenoms": "BASTIEN",
                     "date_naissance": "2017-00-00", "sexe": "M"}],
        "adresse": {"destinataire": "MADAME VERDURIER ODILE", "complement_information": None,
                    "complement_information_geographique": None,
                    "numero_libelle_voie": "9 RUE DES ACACIAS", "lieu_dit": None,
                    "code_postal_ville": "69100 VILLEURBANNE", "pays": "FRANCE"},
        "quotient_familial": {"fournisseur": "CNAF", "valeur": 1340, "annee": 2026, "mois": 11,
                              "annee_calcul": 2026, "mois_calcul": 9},
    },
    "links": {}, "meta": {},
}
SITUATION = {"rfr": 37760, "nbPart": 2.5, "sitFam": "V", "pac": {"nbPac": 1},
             "nmNaiDec1": "VERDURIER", "prnmDec1": "ODILE",
             "aft": "9 RUE DES ACACIAS 69100 VILLEURBANNE",
             "revenuBrutGlobal": 39811, "dateNaisDec1": {"jour": "06", "mois": "05",
                                                         "annee": "1981"}}


class APIs:
    """API Particulier and the DGFiP gateway, stubbed; each test sets their answers."""

    def __init__(self, mock: responses.RequestsMock):
        self.caf = (200, REPONSE_CAF)
        self.dgfip = {date.today().year - 1: (200, SITUATION)}
        self.appels: list[str] = []
        mock.add_callback(responses.GET,
                          f"{API_PARTICULIER}/v3/dss/quotient_familial/france_connect",
                          callback=self._caf)
        mock.add_callback(responses.GET, re.compile(
            rf"{re.escape(DGFIP)}/situations/ir/assiettes/annrev/\d{{4}}"), callback=self._dgfip)

    def _caf(self, requete):
        self.appels.append("caf")
        assert requete.headers["Authorization"] == f"Bearer {JETON_ACCES}"
        assert parametres(requete.url)["recipient"] == RECIPIENT
        statut, corps = self.caf
        return statut, {"Content-Type": "application/vnd.api+json",
                        "X-Request-ID": "3f1e2d4c-5b6a-4789-9abc-def012345678"}, json.dumps(corps)

    def _dgfip(self, requete):
        annee = int(requete.url.rsplit("/", 1)[1])
        self.appels.append(f"dgfip-{annee}")
        assert requete.headers["X-FranceConnect-OAuth"] == JETON_ACCES
        assert requete.headers["Authorization"] == f"Bearer {JETON_PASSERELLE}"
        statut, corps = self.dgfip.get(annee, (204, None))
        entetes = {"Content-Type": "application/prs.dgfip.part.situations.ir.assiettes.v1+json"}
        return statut, entetes, "" if corps is None else json.dumps(corps)


REGLAGES_DONNEES = {
    **REGLAGES,
    "api_particulier_url": API_PARTICULIER,
    "api_particulier_token": "jeton-api-particulier-de-test",
    "api_particulier_recipient": RECIPIENT,
    "impot_particulier_client_id": "client-dgfip",
    "impot_particulier_client_secret": "secret-dgfip",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
}


def client_de(app):
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "portail.exemple.test"})
    return client


def se_connecter(client, fc, donnees="1"):
    fc.scope = SCOPES_DONNEES
    reponse = client.get("/connexion/franceconnect", query_string={"donnees": donnees})
    demande = parametres(reponse.location)
    fc.nonce = demande["nonce"]
    retour = client.get("/connexion/franceconnect/retour",
                        query_string={"code": "c", "state": demande["state"], "iss": ISSUER})
    assert retour.location.endswith("/espace-famille/")
    return client.get("/espace-famille/")
