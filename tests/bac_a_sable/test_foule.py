"""The sandbox's crowd, for rehearsing the rush and the renewal: any « foule-N » signs in through
the sandbox FranceConnect, and the CAF simulator knows its file by FranceConnect or identity."""

import sqlalchemy as sa

from portail_famille.bac_a_sable import jeu_de_donnees
from portail_famille.extensions import db
from portail_famille.models import QuotientFamilial
from portail_famille.services import recuperation
from tests.revenus.test_parcours_alternatifs import connecter
from tests.revenus.test_ruee import grille_caf  # noqa: F401 (a fixture)


def test_un_membre_de_la_foule_a_son_quotient(serveur, grille_caf):  # noqa: F811
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille_caf)
    connecter(app, "foule-4242", donnees="1")
    attendu = jeu_de_donnees.dossier_de_la_foule(
        jeu_de_donnees.membre_de_la_foule(4242).personne.nom_naissance).valeur
    with app.app_context():
        [quotient] = db.session.scalars(sa.select(QuotientFamilial))
        assert (quotient.mode, quotient.valeur) == ("france_connect", attendu)
        # And by identity, as the renewal asks: the same file.
        compte = recuperation.adulte_france_connect(quotient.famille_id)
        trouve = recuperation.recuperer_par_identite(
            compte, recuperation.identite_france_connect(compte), app.extensions["revenus"])
        assert trouve.quotient.valeur == attendu


def test_la_foule_a_ses_bornes():
    assert jeu_de_donnees.identite("foule-0") is None
    assert jeu_de_donnees.identite(f"foule-{jeu_de_donnees.TAILLE_FOULE + 1}") is None
    assert jeu_de_donnees.identite("foule-x") is None
    assert jeu_de_donnees.dossier_de_la_foule("FOULEAB") is None  # not how rank 1 is written
    assert jeu_de_donnees.dossier_de_la_foule("DUBOIS") is None
    noms = {jeu_de_donnees.membre_de_la_foule(n).personne.nom_naissance for n in range(1, 2000)}
    assert len(noms) == 1999
