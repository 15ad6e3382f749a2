"""Retry policy of the shared transport (api-particulier.md §10-§11, securite.md E5-E6)."""

import itertools
import time

import pytest
import responses
import time_machine

from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.api_particulier import ClientAPIParticulier
from portail_famille.connecteurs.limiteur import LimiteurLocal

from . import BASE_AP
from . import JETON_AP
from . import RECIPIENT
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


def sequence(stub, horloge, *reponses):
    """Answer each call with the next (status, headers, body), recording the clock of each call."""
    instants = []
    restantes = list(reponses)

    def repondre(_requete):
        instants.append(horloge())
        return restantes.pop(0) if len(restantes) > 1 else restantes[0]

    stub.add_callback(responses.GET, URL_IDENTITE, callback=repondre)
    return instants


SUCCES = (200, {}, corps_qf())


def test_e5_retry_after_30_aucun_appel_avant_30_s(stub):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (429, {"Retry-After": "30"}, corps_erreur("00429")), SUCCES)
    reponse = client_ap(horloge, patience=60).quotient_familial_identite(identite())
    assert reponse.quotient.valeur == 1340
    assert len(instants) == 2
    assert instants[1] - instants[0] >= 30


def test_e5_retry_after_avec_time_machine(stub):
    """The default clocks (time.time) with time frozen and moved by each wait."""
    with time_machine.travel(1_800_000_000, tick=False) as voyage:
        instants = []
        reponses = [(429, {"Retry-After": "30"}, corps_erreur("00429")), SUCCES]

        def repondre(_requete):
            instants.append(time.time())
            return reponses.pop(0)

        stub.add_callback(responses.GET, URL_IDENTITE, callback=repondre)
        client = ClientAPIParticulier(
            BASE_AP, JETON_AP, RECIPIENT, patience=60, attendre=voyage.shift
        )
        client.quotient_familial_identite(identite())
    assert instants[1] - instants[0] >= 30


def test_rate_limit_reset_en_secondes_unix(stub):
    horloge = HorlogeFactice()
    reset = str(int(horloge() + 7))
    instants = sequence(stub, horloge, (429, {"RateLimit-Reset": reset}, ""), SUCCES)
    client_ap(horloge).quotient_familial_identite(identite())
    assert instants[1] - instants[0] >= 7


def test_meta_retry_in(stub):
    horloge = HorlogeFactice()
    body = corps_erreur("00501", meta={"retry_in": 5})
    instants = sequence(stub, horloge, (502, {}, body), SUCCES)
    client_ap(horloge).quotient_familial_identite(identite())
    assert instants[1] - instants[0] >= 5


def test_la_plus_grande_indication_l_emporte(stub):
    horloge = HorlogeFactice()
    entetes = {"Retry-After": "2", "RateLimit-Reset": str(int(horloge() + 1))}
    body = corps_erreur("00429", meta={"retry_in": 6})
    instants = sequence(stub, horloge, (429, entetes, body), SUCCES)
    client_ap(horloge).quotient_familial_identite(identite())
    assert instants[1] - instants[0] >= 6


def test_retry_after_date_http(stub):
    horloge = HorlogeFactice(depart=1_800_000_000)
    # 1_800_000_008 is Fri, 15 Jan 2027 08:00:08 GMT
    entetes = {"Retry-After": "Fri, 15 Jan 2027 08:00:08 GMT"}
    instants = sequence(stub, horloge, (503, entetes, ""), SUCCES)
    client_ap(horloge).quotient_familial_identite(identite())
    assert instants[1] - instants[0] >= 8


@pytest.mark.parametrize("entetes", [{"Retry-After": "0"}, {}, {"Retry-After": "-3"}])
def test_jamais_moins_d_une_seconde(stub, entetes):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (429, entetes, ""), SUCCES)
    client_ap(horloge).quotient_familial_identite(identite())
    assert instants[1] - instants[0] >= 1


def test_recul_exponentiel_et_tentatives_bornees(stub):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (502, {}, corps_erreur("35999")))
    with pytest.raises(exceptions.FournisseurEnErreur):
        client_ap(horloge, tentatives=4).quotient_familial_identite(identite())
    assert len(instants) == 4
    ecarts = [b - a for a, b in itertools.pairwise(instants)]
    for ecart, base in zip(ecarts, (1, 2, 4), strict=True):
        assert base <= ecart <= base * 1.25  # exponential, with at most 25 % jitter


@pytest.mark.parametrize("status", [502, 503, 504])
def test_reprise_puis_succes(stub, status):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (status, {}, ""), (status, {}, ""), SUCCES)
    assert client_ap(horloge).quotient_familial_identite(identite()).quotient.valeur == 1340
    assert len(instants) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422, 500])
def test_aucune_reprise_sur_4xx_ni_500(stub, status):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (status, {"Retry-After": "1"}, ""), SUCCES)
    with pytest.raises(exceptions.ErreurAPI):
        client_ap(horloge).quotient_familial_identite(identite())
    assert len(instants) == 1
    assert horloge.attentes == []


def test_attente_au_dela_de_la_patience_abandonne_aussitot(stub):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (429, {"Retry-After": "30"}, corps_erreur("00429")), SUCCES)
    with pytest.raises(exceptions.QuotaDepasse) as exc:
        client_ap(horloge, patience=10).quotient_familial_identite(identite())
    assert len(instants) == 1
    assert exc.value.reessayer_apres == 30


def test_e5_apres_un_429_la_pause_vaut_pour_tous_les_appelants(stub):
    horloge = HorlogeFactice()
    limiteur = LimiteurLocal(horloge=horloge, attendre=horloge.attendre)
    instants = sequence(stub, horloge, (429, {"Retry-After": "30"}, corps_erreur("00429")), SUCCES)
    premier = client_ap(horloge, limiteur=limiteur)
    autre_travailleur = client_ap(horloge, limiteur=limiteur)
    with pytest.raises(exceptions.QuotaDepasse):
        premier.quotient_familial_identite(identite())
    # The pause outlasts this caller's patience: it fails at once, without calling the API.
    with pytest.raises(exceptions.QuotaDepasse) as exc:
        autre_travailleur.quotient_familial_identite(identite(nom_naissance="MARCHAL"))
    assert exc.value.cause == "limiteur"
    assert exc.value.status is None
    assert 29 <= exc.value.reessayer_apres <= 30
    assert len(instants) == 1
    # A patient caller waits until the pause is over.
    patient = client_ap(horloge, limiteur=limiteur, patience=60)
    patient.quotient_familial_identite(identite(nom_naissance="MARCHAL"))
    assert instants[1] - instants[0] >= 30


def test_e6_409_attend_puis_relit_une_seule_fois(stub):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (409, {}, corps_erreur("00015")), SUCCES)
    assert client_ap(horloge).quotient_familial_identite(identite()).quotient.valeur == 1340
    assert len(instants) == 2
    assert instants[1] - instants[0] >= 1


def test_e6_409_persistant(stub):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (409, {}, corps_erreur("00015")))
    with pytest.raises(exceptions.RequeteEnCours):
        client_ap(horloge).quotient_familial_identite(identite())
    assert len(instants) == 2


def test_une_seule_tentative(stub):
    horloge = HorlogeFactice()
    instants = sequence(stub, horloge, (504, {}, corps_erreur("35002")))
    with pytest.raises(exceptions.DelaiDepasse):
        client_ap(horloge, tentatives=1).quotient_familial_identite(identite())
    assert len(instants) == 1
