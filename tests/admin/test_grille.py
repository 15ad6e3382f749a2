"""/admin/grille: the grid in force, readable, with its version."""

from portail_famille.services import grilles
from tests.aides import Page
from tests.grilles_essai import GRILLE_ESSAI


def test_la_grille_en_vigueur_se_lit_en_tableaux(admin):
    reponse = admin.get("/admin/grille")
    assert reponse.status_code == 200
    page = Page(reponse.text)
    titres = [t.texte for t in page.tous("caption")]
    assert "Restauration scolaire : barème par tranches" in titres
    assert "Accueil du soir : barème au taux d’effort" in titres
    assert "Ateliers du mercredi : barème continu" in titres
    assert "Restauration scolaire : règles particulières" in titres
    cellules = [td.texte for td in page.tous("td")]
    assert "jusqu’à 400,00\u00a0€" in cellules
    assert "de 400,00\u00a0€ (exclu) à 800,00\u00a0€" in cellules
    assert "au-delà de 800,00\u00a0€" in cellules
    assert "prix minimum (plancher)" in cellules and "9,00\u00a0€" in cellules
    assert "prix calculé majoré de 20 %" in cellules
    assert "7,00\u00a0€" in cellules
    assert "4,40\u00a0€ (par défaut : le prix le plus élevé du barème)" in cellules
    # Sibling reduction of the first period, none in the second.
    rangs = [td.texte for td in page.tous("td")
             if td.get("data-label") in ("À partir du rang", "Réduction")]
    assert rangs == ["2", "20 %", "3", "50 %"]
    assert "Aucune réduction." in reponse.text
    assert "n° 2030/1 du 30 juin 2030" in reponse.text
    assert grilles.empreinte(GRILLE_ESSAI) in reponse.text
    assert "par fichier : « import de tarifs.yaml au démarrage »" in reponse.text
