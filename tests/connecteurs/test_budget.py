"""The per-IP budget of FranceConnect-mode calls (api-particulier.md §10: 30 a minute, 600 an
hour): refused at once without a call when spent, each attempt counted, the hour untouched when
the minute is full, and shared by every process through Redis."""

import multiprocessing

import pytest
import responses

from portail_famille.connecteurs.exceptions import BudgetEpuise
from portail_famille.connecteurs.limiteur import AttenteTropLongue
from portail_famille.connecteurs.limiteur import LimiteurLocal
from portail_famille.connecteurs.limiteur import LimiteurRedis
from portail_famille.connecteurs.transport import CLE_BUDGET

from . import JETON_FC
from . import URL_FC
from . import URL_IDENTITE
from . import HorlogeFactice
from . import client_ap
from . import corps_qf
from . import identite
from .test_limiteur import redis_test  # noqa: F401 (the fixture)


def budgets(horloge, minute: int = 2, heure: int = 3):
    return (LimiteurLocal(minute, 60.0, marge=0.0, horloge=horloge, attendre=horloge.attendre),
            LimiteurLocal(heure, 3600.0, marge=0.0, horloge=horloge, attendre=horloge.attendre))


def test_budget_epuise_aucun_appel_et_la_suite_dite():
    horloge = HorlogeFactice()
    client = client_ap(horloge, budgets_france_connect=budgets(horloge))
    with responses.RequestsMock() as stub:
        stub.add(responses.GET, URL_FC, body=corps_qf(), status=200)
        client.quotient_familial_france_connect(JETON_FC)
        client.quotient_familial_france_connect(JETON_FC, annee=2026, mois=1)
        with pytest.raises(BudgetEpuise) as refus:
            client.quotient_familial_france_connect(JETON_FC, annee=2026, mois=2)
        assert len(stub.calls) == 2
    assert 0 < refus.value.reessayer_apres <= 60


def test_l_heure_n_est_pas_entamee_quand_la_minute_est_pleine():
    horloge = HorlogeFactice()
    minute, heure = budgets(horloge, minute=1, heure=5)
    client = client_ap(horloge, budgets_france_connect=(minute, heure))
    with responses.RequestsMock() as stub:
        stub.add(responses.GET, URL_FC, body=corps_qf(), status=200)
        client.quotient_familial_france_connect(JETON_FC)
        for mois in range(1, 5):
            with pytest.raises(BudgetEpuise):
                client.quotient_familial_france_connect(JETON_FC, annee=2026, mois=mois)
    # One place of the hour taken: the refused attempts took none.
    assert len(heure._octrois[CLE_BUDGET]) == 1


def test_chaque_tentative_compte():
    horloge = HorlogeFactice()
    client = client_ap(horloge, budgets_france_connect=budgets(horloge, minute=5))
    with responses.RequestsMock() as stub:
        stub.add(responses.GET, URL_FC, status=502, json={"errors": []})
        stub.add(responses.GET, URL_FC, body=corps_qf(), status=200)
        client.quotient_familial_france_connect(JETON_FC)
    minute, _ = client._transport._budgets
    assert len(minute._octrois[CLE_BUDGET]) == 2  # the 502, then the 200


def test_le_mode_identite_n_entame_pas_le_budget():
    horloge = HorlogeFactice()
    client = client_ap(horloge, budgets_france_connect=budgets(horloge, minute=1))
    with responses.RequestsMock() as stub:
        stub.add(responses.GET, URL_IDENTITE, body=corps_qf(), status=200)
        for nom in ("A", "B", "C"):
            client.quotient_familial_identite(identite(nom_naissance=nom))
    minute, _ = client._transport._budgets
    assert CLE_BUDGET not in minute._octrois


def _prendre(prefixe: str, essais: int, file) -> None:
    import redis

    budget = LimiteurRedis(redis.Redis(host="127.0.0.1", port=6379), 30, 60.0, prefixe)
    obtenus = 0
    for _ in range(essais):
        try:
            budget.terminer(CLE_BUDGET, budget.acquerir(CLE_BUDGET, patience=0.0))
            obtenus += 1
        except AttenteTropLongue:  # the budget the two processes share is spent
            pass
    file.put(obtenus)


def test_le_budget_est_partage_par_deux_processus(redis_test):  # noqa: F811
    _, prefixe = redis_test
    file = multiprocessing.get_context("fork").Queue()
    processus = [multiprocessing.get_context("fork").Process(
        target=_prendre, args=(prefixe, 25, file)) for _ in range(2)]
    for un in processus:
        un.start()
    obtenus = [file.get(timeout=30) for _ in processus]
    for un in processus:
        un.join(timeout=30)
    assert sum(obtenus) == 30
