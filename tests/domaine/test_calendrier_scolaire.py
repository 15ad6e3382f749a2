"""The school calendar: school days, cut-offs across weekends, holidays and the change of time,
and the validation of calendrier.yaml at line:column."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.domaine.calendrier_scolaire import CalendrierIllisible
from portail_famille.domaine.calendrier_scolaire import CalendrierInvalide
from portail_famille.domaine.chargement_calendrier import charger_calendrier
from portail_famille.domaine.chargement_calendrier import charger_fichier

FICHIER = Path(__file__).parents[2] / "calendrier.yaml"
PARIS = ZoneInfo("Europe/Paris")
FERIES = holidays.country_holidays("FR", years=range(2024, 2029))
CALENDRIER = charger_fichier(FICHIER).avec_feries(FERIES)
SERVICES = ("restauration_scolaire", "accueil_soir", "ateliers_mercredi", "garderie_matin")
jours = st.dates(date(2025, 9, 1), date(2027, 7, 2))


def test_le_calendrier_livre_est_valide_et_connait_la_zone_a():
    assert CALENDRIER.zone == "A"
    assert [a.libelle for a in CALENDRIER.annees] == ["Année scolaire 2025-2026",
                                                      "Année scolaire 2026-2027"]


@pytest.mark.parametrize(("jour", "raison"), [
    (date(2025, 9, 1), None),
    (date(2025, 9, 6), "week-end"),
    (date(2025, 10, 20), "Vacances de la Toussaint"),
    (date(2025, 11, 11), "jour férié"),
    (date(2026, 2, 9), "Vacances d'hiver"),
    (date(2026, 5, 14), "jour férié"),  # Ascension
    (date(2026, 5, 15), "Pont de l'Ascension"),
    (date(2026, 7, 3), None),
    (date(2026, 7, 6), "hors année scolaire"),
    (date(2026, 8, 31), "hors année scolaire"),
])
def test_jour_de_classe(jour, raison):
    assert CALENDRIER.sans_classe(jour) == raison
    assert CALENDRIER.jour_de_classe(jour) is (raison is None)


def test_jours_de_classe_d_un_mois_pour_des_jours_de_la_semaine():
    # November 2025: the Toussaint ends on the 2nd, the 11th is a public holiday (a Tuesday).
    assert CALENDRIER.jours_de_classe(2025, 11, ("mardi", "jeudi")) == [
        date(2025, 11, d) for d in (4, 6, 13, 18, 20, 25, 27)]
    assert CALENDRIER.jours_de_classe(2025, 8, ("lundi",)) == []


@pytest.mark.parametrize(("service", "jour", "limite"), [
    # Monday after the holidays: two working days before, holidays of the school counted.
    ("restauration_scolaire", date(2025, 11, 3), datetime(2025, 10, 30, 12)),
    # Wednesday 12 November: the 11th is a public holiday, not counted.
    ("restauration_scolaire", date(2025, 11, 12), datetime(2025, 11, 7, 12)),
    ("accueil_soir", date(2025, 11, 3), datetime(2025, 11, 2, 17)),
    ("ateliers_mercredi", date(2025, 11, 5), datetime(2025, 10, 31, 12)),
    ("garderie_matin", date(2025, 11, 3), datetime(2025, 11, 2, 12)),  # the « defaut » rule
])
def test_limites_des_exemples(service, jour, limite):
    assert CALENDRIER.limite(service, jour) == limite.replace(tzinfo=PARIS)


def test_echeance_en_francais():
    maintenant = datetime(2025, 11, 3, 9, tzinfo=UTC)
    assert CALENDRIER.echeance("restauration_scolaire", date(2025, 11, 12), maintenant) == \
        "modifiable jusqu’au vendredi 12:00"
    assert CALENDRIER.echeance("restauration_scolaire", date(2025, 11, 5), maintenant) == \
        "modifiable jusqu’à 12:00 aujourd’hui"
    assert CALENDRIER.echeance("restauration_scolaire", date(2025, 12, 5), maintenant) == \
        "modifiable jusqu’au mercredi 3 décembre 2025 12:00"
    assert CALENDRIER.echeance("accueil_soir", date(2025, 11, 3), maintenant) == \
        "plus modifiable depuis dimanche 17:00"


@settings(max_examples=300, deadline=None)
@given(jours, st.sampled_from(SERVICES))
def test_la_limite_est_l_heure_dite_a_paris_avant_le_jour(jour, service):
    limite = CALENDRIER.limite(service, jour)
    delai = CALENDRIER.delai(service)
    assert limite.date() < jour
    assert limite.time() == delai.heure
    # The offset is the one of that day in Paris: +1 in winter, +2 in summer.
    assert limite.utcoffset() == datetime.combine(limite.date(), time(12),
                                                  PARIS).utcoffset()
    if delai.mode == "jours_ouvres":
        assert CALENDRIER.jour_ouvre(limite.date())
        entre = [limite.date() + timedelta(days=n) for n in range(1, (jour - limite.date()).days)]
        assert sum(CALENDRIER.jour_ouvre(d) for d in entre) == delai.nombre - 1
        assert not any(d.weekday() >= 5 and CALENDRIER.jour_ouvre(d) for d in entre)


@settings(max_examples=300, deadline=None)
@given(jours, st.sampled_from(SERVICES), st.integers(-3 * 86400, 3 * 86400))
def test_modifiable_jusqu_a_la_limite_exclue(jour, service, decalage):
    limite = CALENDRIER.limite(service, jour)
    maintenant = (limite + timedelta(seconds=decalage)).astimezone(UTC)
    assert CALENDRIER.modifiable(service, jour, maintenant) is (decalage < 0)


@pytest.mark.parametrize(("jour", "limite_utc"), [
    # Summer time starts on Sunday 29 March 2026 at 02:00: noon is 11:00 UTC on Friday 27,
    # 10:00 UTC from Monday 30.
    (date(2026, 3, 31), datetime(2026, 3, 27, 11, tzinfo=UTC)),
    (date(2026, 4, 1), datetime(2026, 3, 30, 10, tzinfo=UTC)),
    # Winter time returns on Sunday 25 October 2026 (holidays): back to 11:00 UTC.
    (date(2026, 11, 2), datetime(2026, 10, 29, 11, tzinfo=UTC)),
    (date(2026, 10, 16), datetime(2026, 10, 14, 10, tzinfo=UTC)),
])
def test_limite_au_changement_d_heure(jour, limite_utc):
    assert CALENDRIER.limite("restauration_scolaire", jour) == limite_utc
    assert CALENDRIER.modifiable("restauration_scolaire", jour,
                                 limite_utc - timedelta(seconds=1))
    assert not CALENDRIER.modifiable("restauration_scolaire", jour, limite_utc)


def test_accueil_du_soir_la_veille_du_changement_d_heure():
    # Monday 30 March 2026: the day before is the 23-hour Sunday; 17:00 is 15:00 UTC.
    assert CALENDRIER.limite("accueil_soir", date(2026, 3, 30)) == \
        datetime(2026, 3, 29, 15, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

MINIMAL = """\
commune: Test
zone: A
fuseau: Europe/Paris
annees:
  - libelle: A1
    rentree: 2025-09-01
    fin_des_cours: 2026-07-03
    vacances:
      - {libelle: Toussaint, debut: 2025-10-18, fin: 2025-11-02}
delais:
  defaut: {jours: 1, heure: "12:00"}
"""


def erreurs(texte: str) -> list[str]:
    with pytest.raises(CalendrierInvalide) as exc:
        charger_calendrier(texte)
    return exc.value.lignes()


def test_minimal_valide():
    calendrier = charger_calendrier(MINIMAL)
    assert calendrier.annees[0].jours == ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
    assert calendrier.delai("restauration_scolaire").heure == time(12)


@pytest.mark.parametrize(("remplacer", "par", "attendu"), [
    ("zone: A", "zone: D", "calendrier.yaml:2:1: « zone » : « D » inconnu"),
    ("fuseau: Europe/Paris", "fuseau: Europe/Lyon",
     "calendrier.yaml:3:1: « fuseau » : « Europe/Lyon » n’est pas un fuseau horaire connu "
     "(par exemple Europe/Paris)"),
    ("fin_des_cours: 2026-07-03", "fin_des_cours: 2025-07-03",
     "calendrier.yaml:7:5: A1 : les cours finissent le 2025-07-03, avant la rentrée du "
     "2025-09-01"),
    ("fin: 2025-11-02", "fin: 2025-10-02",
     "calendrier.yaml:9:49: A1 : « Toussaint » finit le 2025-10-02, avant de commencer le "
     "2025-10-18"),
    ("debut: 2025-10-18", "debut: 2025-08-18",
     "calendrier.yaml:9:30: A1 : le 2025-08-18 est en dehors de l’année (du 2025-09-01 au "
     "2026-07-03)"),
    ('heure: "12:00"', 'heure: "12h"',
     "calendrier.yaml:11:22: delais : defaut : « heure » : une heure HH:MM comme \"12:00\" est "
     "attendue, pas « 12h »"),
    ("{jours: 1,", "{jours: 1, jours_ouvres: 2,",
     "calendrier.yaml:11:3: delais : defaut : écrivez une et une seule des clés jours_ouvres, "
     "jours, jour_de_semaine"),
    ("{jours: 1,", "{jour_de_semaine: vendredis,",
     "calendrier.yaml:11:12: delais : defaut : « jour_de_semaine » : « vendredis » inconnu "
     "(vouliez-vous dire « vendredi » ?)"),
    ("  defaut:", "  cantine:", "calendrier.yaml:10:1: « delais » : le délai « defaut » est "
                                "obligatoire : il vaut pour chaque service qui n’a pas le sien"),
    ("    vacances:", "    vacance:",
     "calendrier.yaml:8:5: clé inconnue « vacance » (vouliez-vous dire « vacances » ?)"),
])
def test_erreurs_a_la_ligne_et_a_la_colonne(remplacer, par, attendu):
    assert remplacer in MINIMAL
    assert attendu in "\n".join(erreurs(MINIMAL.replace(remplacer, par)))


def test_toutes_les_erreurs_a_la_fois():
    texte = MINIMAL.replace("zone: A", "zone: D").replace('"12:00"', '"25:00"')
    assert len(erreurs(texte)) == 2


def test_annees_qui_se_chevauchent_et_vacances_qui_se_chevauchent():
    texte = MINIMAL.replace(
        "delais:", "  - libelle: A2\n    rentree: 2026-07-01\n    fin_des_cours: 2027-07-02\n"
        "    vacances:\n      - {libelle: V1, debut: 2026-10-17, fin: 2026-11-01}\n"
        "      - {libelle: V2, debut: 2026-10-20, fin: 2026-10-25}\ndelais:")
    lignes = erreurs(texte)
    assert any("l’année « A2 » commence le 2026-07-01, avant la fin des cours de « A1 »" in ligne
               for ligne in lignes)
    assert any("A2 : « V2 » chevauche « V1 »" in ligne for ligne in lignes)


def test_syntaxe_et_fichier_non_utf8(tmp_path):
    assert erreurs("commune: [Test\n")[0].startswith("calendrier.yaml:2:1: YAML invalide")
    fichier = tmp_path / "calendrier.yaml"
    fichier.write_bytes(MINIMAL.replace("Test", "T\xe9st").encode("latin-1"))
    with pytest.raises(CalendrierIllisible) as exc:
        charger_fichier(fichier)
    assert exc.value.lignes() == [f"{fichier}:1:11: octet 0xE9 invalide : enregistrez le "
                                  "fichier en UTF-8"]
