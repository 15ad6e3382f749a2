"""`flask calendrier verifier [FICHIER]` and the refusal to serve with an invalid calendar."""

from pathlib import Path

import pytest

from portail_famille.services import calendriers

CALENDRIER = Path(__file__).parents[1] / "calendrier.yaml"


def test_verifier_le_calendrier_du_portail(app):
    resultat = app.test_cli_runner().invoke(args=["calendrier", "verifier"])
    assert resultat.exit_code == 0, resultat.output
    assert resultat.output.startswith(f"{CALENDRIER} : calendrier valide – Lyon, zone A : "
                                      "Année scolaire 2025-2026, Année scolaire 2026-2027, "
                                      "4 délais")


def test_verifier_un_fichier_invalide_liste_ses_erreurs(app, tmp_path):
    fichier = tmp_path / "calendrier.yaml"
    fichier.write_text(CALENDRIER.read_text(encoding="utf-8")
                       .replace("zone: A", "zone: Z").replace('heure: "17:00"', 'heure: "5 pm"'),
                       encoding="utf-8")
    resultat = app.test_cli_runner().invoke(args=["calendrier", "verifier", str(fichier)])
    assert resultat.exit_code == 1
    lignes = resultat.output.splitlines()
    assert lignes[0].startswith(f"{fichier}:11:1: « zone » : « Z » inconnu")
    assert lignes[1].startswith(f"{fichier}:46:")
    assert lignes[-1] == "2 erreurs : calendrier refusé."


def test_verifier_un_fichier_absent(app, tmp_path):
    resultat = app.test_cli_runner().invoke(args=["calendrier", "verifier",
                                                  str(tmp_path / "absent.yaml")])
    assert resultat.exit_code == 2


def test_le_portail_ne_demarre_pas_avec_un_calendrier_invalide(fabrique, tmp_path):
    fichier = tmp_path / "calendrier.yaml"
    fichier.write_text("commune: Lyon\n", encoding="utf-8")
    with pytest.raises(calendriers.CalendrierInvalide) as exc:
        fabrique(calendrier_fichier=fichier)
    assert f"{fichier}:1:1: clé « zone » manquante dans le fichier" in exc.value.lignes()
