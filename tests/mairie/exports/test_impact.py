"""The impact of a proposed grid (issue 11.4) on a seeded town of a few hundred households:
its totals are the sums of the billing export's lines under each grid; the command line; the
admin's preview and the restore from history."""

import json
import random
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import QuotientFamilial
from portail_famille.models import TarifDecide
from portail_famille.services import grilles
from portail_famille.services import impact_tarifaire
from portail_famille.services import lignes_tarifaires
from portail_famille.web import contexte
from portail_famille.web import graphiques
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.familles.conftest import AUJOURD_HUI
from tests.familles.conftest import DEBUT
from tests.familles.conftest import GRILLE

MOIS = f"{AUJOURD_HUI:%Y-%m}"
FAMILLES = 300
# The canteen's third bracket and the evening care's rate go up; the workshops do not move.
PROPOSEE = GRILLE.replace("prix: 3.62", "prix: 3.90").replace("taux_pourcent: 0.25",
                                                               "taux_pourcent: 0.30")
JOURS = ("lundi", "mardi", "jeudi", "vendredi", "mercredi")
CLES = ("familles", "enfants", "hausses", "baisses", "inchanges", "recette_mensuelle_avant",
        "recette_mensuelle_apres")


@pytest.fixture
def ville(app):
    """A few hundred households in bulk inserts: with or without a QF (CAF, DGFiP, expired),
    living in the commune or not, one to four children, each in some services."""
    hasard = random.Random(20261203)
    maintenant_ = datetime.now(UTC)
    with app.app_context():
        ids = list(db.session.scalars(
            sa.insert(Famille).returning(Famille.id, sort_by_parameter_order=True),
            [{"reside_dans_la_commune": hasard.choice((True, True, True, False, None)),
              "code_postal": "35000", "commune_residence": "Villeneuve-sur-Test"}
             for _ in range(FAMILLES)]))
        quotients = []
        for famille_id in ids:
            tirage = hasard.random()
            if tirage < 0.7:
                quotients.append({"famille_id": famille_id, "source": "caf", "mode": "api",
                                  "fournisseur": "CNAF", "recupere_le": maintenant_,
                                  "valeur": Decimal(hasard.randint(0, 250000)) / 100})
            elif tirage < 0.8:  # older than the grid's validity: sans_quotient
                quotients.append({"famille_id": famille_id, "source": "dgfip", "mode": "api",
                                  "fournisseur": "DGFiP", "valeur": Decimal("900.00"),
                                  "recupere_le": maintenant_ - timedelta(days=800)})
        db.session.execute(sa.insert(QuotientFamilial), quotients)
        enfants = [{"famille_id": famille_id, "nom": "TEST", "prenoms": f"Enfant {rang}",
                    "date_naissance": date(2012 + rang, hasard.randint(1, 12), 1),
                    "niveau": "ce1"}
                   for famille_id in ids for rang in range(hasard.randint(1, 4))]
        enfants_ids = list(db.session.scalars(
            sa.insert(Enfant).returning(Enfant.id, sort_by_parameter_order=True), enfants))
        inscriptions = [{"enfant_id": enfant_id, "service": code, "periode_debut": DEBUT,
                         "periode_libelle": "Année en cours", "date_debut": DEBUT,
                         "statut": hasard.choice(("validee", "validee", "demandee", "annulee")),
                         "jours": ",".join(hasard.sample(JOURS, hasard.randint(1, 4)))}
                        for enfant_id in enfants_ids
                        for code in ("cantine", "garderie", "ateliers") if hasard.random() < 0.6]
        db.session.execute(sa.insert(Inscription), inscriptions)
        db.session.execute(sa.insert(TarifDecide), [
            {"enfant_id": enfant_id, "service": "cantine", "prix": Decimal("0.50"),
             "motif": "CCAS", "debut": DEBUT, "fin": AUJOURD_HUI + timedelta(days=30)}
            for enfant_id in enfants_ids[::37]])
        db.session.commit()
    return ids


def lignes_sous(app, texte: str | None) -> list[lignes_tarifaires.Ligne]:
    """The export's lines of the month, under the grid in force or the one of `texte`."""
    with app.app_context():
        chargee = contexte.grille_chargee()
        grille = chargee.grille if texte is None else grilles.lire(texte)
        periode = next(p for p in grille.periodes if p.debut == DEBUT)
        moment = lignes_tarifaires.moment_du_mois(periode, MOIS, datetime.now(UTC))
        return lignes_tarifaires.calculer(
            lignes_tarifaires.charger(periode), grille, periode, moment,
            chargee.sha256 if texte is None else grilles.empreinte(texte))


def impact(app, seuil=impact_tarifaire.SEUIL_PAR_DEFAUT) -> impact_tarifaire.Impact:
    with app.app_context():
        chargee = contexte.grille_chargee()
        periode = lignes_tarifaires.trouver_periode(chargee.grille, DEBUT.isoformat())
        return impact_tarifaire.calculer(chargee, grilles.lire(PROPOSEE), periode, MOIS,
                                         datetime.now(UTC), seuil)


def sommes(lignes, cle) -> dict:
    resultat = {}
    for ligne in lignes:
        resultat[cle(ligne)] = resultat.get(cle(ligne), 0) + ligne.estimation_mensuelle
    return resultat


def test_les_totaux_sont_les_sommes_des_lignes_de_l_export(app, ville):
    avant, apres = lignes_sous(app, None), lignes_sous(app, PROPOSEE)
    resultat = impact(app)
    assert len(avant) == len(apres) > FAMILLES  # the same enrolments, priced twice
    assert resultat.total.recette_mensuelle_avant == sum(x.estimation_mensuelle for x in avant)
    assert resultat.total.recette_mensuelle_apres == sum(x.estimation_mensuelle for x in apres)
    par_famille_avant = sommes(avant, lambda x: x.famille_id)
    par_famille_apres = sommes(apres, lambda x: x.famille_id)
    ecarts = {f: par_famille_apres[f] - par_famille_avant[f] for f in par_famille_avant}
    assert resultat.total.familles == len(ecarts)
    assert resultat.total.hausses == sum(e > 0 for e in ecarts.values()) > 0
    assert resultat.total.baisses == sum(e < 0 for e in ecarts.values()) == 0
    assert resultat.total.inchanges == sum(e == 0 for e in ecarts.values()) > 0
    enfants_avant = sommes(avant, lambda x: x.enfant_id)
    enfants_apres = sommes(apres, lambda x: x.enfant_id)
    assert resultat.total.enfants == len(enfants_avant)
    assert resultat.total.enfants_hausses == sum(
        enfants_apres[e] > enfants_avant[e] for e in enfants_avant)
    for code in ("cantine", "garderie", "ateliers"):
        service = resultat.par_service[code]
        assert service.recette_mensuelle_avant == sum(
            x.estimation_mensuelle for x in avant if x.service == code)
        assert service.recette_mensuelle_apres == sum(
            x.estimation_mensuelle for x in apres if x.service == code)
        assert service.familles == len({x.famille_id for x in avant if x.service == code})
    assert resultat.par_service["ateliers"].hausses == 0
    assert resultat.par_service["ateliers"].ecart == 0
    assert sum(b.recette_mensuelle_apres for b in resultat.par_service.values()) == \
        resultat.total.recette_mensuelle_apres
    triees = sorted(ecarts.values())
    assert resultat.mediane == ((triees[(len(triees) - 1) // 2] + triees[len(triees) // 2]) / 2
                                ).quantize(Decimal("0.01"))
    assert [v.ecart for v in resultat.plus_fortes_hausses] == sorted(
        (e for e in ecarts.values() if e > 0), reverse=True)[:10]
    assert {v.famille_id for v in resultat.au_dela_du_seuil} == {
        f for f, e in ecarts.items() if abs(e) > 10}
    assert sorted(resultat.ecarts) == triees
    assert resultat.services_retires == ()


def test_une_grille_aux_regles_changees_refait_les_situations(app, ville):
    """A grid that keeps older QFs (36 months): the households whose DGFiP QF had expired pay
    by it again; the totals still are the export's lines under that grid."""
    plus_longue = PROPOSEE.replace("validite_mois: 12", "validite_mois: 36")
    assert plus_longue != PROPOSEE
    avant, apres = lignes_sous(app, None), lignes_sous(app, plus_longue)
    with app.app_context():
        chargee = contexte.grille_chargee()
        periode = lignes_tarifaires.trouver_periode(chargee.grille, DEBUT.isoformat())
        resultat = impact_tarifaire.calculer(chargee, grilles.lire(plus_longue), periode, MOIS,
                                             datetime.now(UTC))
    assert {x.source_qf for x in avant if x.famille_id in {y.famille_id for y in apres
                                                            if y.source_qf == "dgfip"}} == {
        "perime"}
    assert resultat.total.baisses > 0
    assert resultat.total.recette_mensuelle_apres == sum(x.estimation_mensuelle for x in apres)
    assert resultat.total.recette_mensuelle_avant == sum(x.estimation_mensuelle for x in avant)


def test_un_service_retire_est_signale(app, ville):
    sans_ateliers = PROPOSEE.replace("      ateliers:", "      ateliers_retires:", 1).replace(
        "services: [cantine, ateliers]", "services: [cantine, ateliers_retires]")
    with app.app_context():
        chargee = contexte.grille_chargee()
        periode = lignes_tarifaires.trouver_periode(chargee.grille, DEBUT.isoformat())
        resultat = impact_tarifaire.calculer(
            chargee, grilles.lire(sans_ateliers), periode, MOIS, datetime.now(UTC))
    assert resultat.services_retires == ("ateliers",)
    assert resultat.par_service["ateliers"].recette_mensuelle_apres == 0


def test_histogramme_classes_et_bornes():
    h = graphiques.histogramme("h", [Decimal(x) for x in (
        "-12.4", "0", "0", "3.2", "5", "5.01", "-5", "24")])
    assert [(c.libelle.replace("\u00a0", " "), c.familles) for c in h.classes] == [
        ("de −15,00 € à −10,00 €", 1), ("de −10,00 € à −5,00 €", 0), ("de −5,00 € à 0", 1),
        ("inchangé", 2), ("de 0 à +5,00 €", 2), ("de +5,00 € à +10,00 €", 1),
        ("de +10,00 € à +15,00 €", 0), ("de +15,00 € à +20,00 €", 0),
        ("de +20,00 € à +25,00 €", 1)]
    assert [c.familles for c in graphiques.histogramme("v", []).classes] == []


@pytest.fixture
def fichier_propose(tmp_path):
    chemin = tmp_path / "proposee.yaml"
    chemin.write_text(PROPOSEE, encoding="utf-8")
    return chemin


def test_ligne_de_commande_json(app, ville, fichier_propose):
    resultat = app.test_cli_runner().invoke(args=[
        "tarifs", "impact", str(fichier_propose), "--periode", DEBUT.isoformat(), "--mois", MOIS,
        "--json"])
    assert resultat.exit_code == 0, resultat.output
    objet = json.loads(resultat.output)
    attendu = impact(app)
    assert set(CLES) <= set(objet)
    assert [objet[c] for c in CLES] == [
        attendu.total.familles, attendu.total.enfants, attendu.total.hausses,
        attendu.total.baisses, attendu.total.inchanges,
        f"{attendu.total.recette_mensuelle_avant:.2f}",
        f"{attendu.total.recette_mensuelle_apres:.2f}"]
    assert set(objet["par_service"]) == {"cantine", "garderie", "ateliers"}
    for code, service in objet["par_service"].items():
        assert set(CLES) <= set(service), code
        assert service["recette_mensuelle_apres"] == \
            f"{attendu.par_service[code].recette_mensuelle_apres:.2f}"
    assert objet["version_apres"] == grilles.empreinte(PROPOSEE)
    # Without --periode nor --mois: the period in force, this month.
    par_defaut = app.test_cli_runner().invoke(args=["tarifs", "impact", str(fichier_propose),
                                                   "--json"])
    assert json.loads(par_defaut.output)["recette_mensuelle_apres"] == \
        objet["recette_mensuelle_apres"]


def test_ligne_de_commande_lisible(app, ville, fichier_propose):
    resultat = app.test_cli_runner().invoke(args=["tarifs", "impact", str(fichier_propose),
                                                 "--seuil", "5"])
    assert resultat.exit_code == 0, resultat.output
    attendu = impact(app, Decimal(5))
    assert f"Total : {attendu.total.familles} familles" in resultat.output
    assert "Plus fortes hausses :" in resultat.output
    assert f"de plus de 5.00 € : {len(attendu.au_dela_du_seuil)}" in resultat.output


def test_grille_invalide_erreur_en_francais(app, tmp_path):
    cassee = tmp_path / "cassee.yaml"
    cassee.write_text(GRILLE.replace("prix: 3.62", "prix: 0.10"), encoding="utf-8")
    resultat = app.test_cli_runner().invoke(args=["tarifs", "impact", str(cassee), "--json"])
    assert resultat.exit_code == 1
    assert "grille refusée" in resultat.stderr
    assert resultat.stdout == ""
    absente = app.test_cli_runner().invoke(args=["tarifs", "impact", str(tmp_path / "non")])
    assert absente.exit_code == 2
    assert "lecture impossible" in absente.stderr


@pytest.mark.parametrize("arguments", [["--periode", "2001-09-01"], ["--mois", "2026-13"],
                                       ["--seuil", "beaucoup"]])
def test_ligne_de_commande_arguments_invalides(app, fichier_propose, arguments):
    resultat = app.test_cli_runner().invoke(args=["tarifs", "impact", str(fichier_propose),
                                                 *arguments])
    assert resultat.exit_code == 2
    assert resultat.stderr.startswith("Erreur : ")


@pytest.fixture
def admin(app):
    client = app.test_client()
    planter_session(client, creer_personnel(app, "admin", identifiant="admin.durand"), "admin")
    return client


def apercu(app, client, **champs):
    with app.app_context():
        base = contexte.grille_chargee().sha256
    return client.post("/admin/grille/modifier", data={
        "texte": PROPOSEE, "base": base, "vue": "texte", "action": "verifier", **champs})


def test_l_apercu_montre_l_impact(app, ville, admin):
    reponse = apercu(app, admin)
    assert reponse.status_code == 200
    attendu = impact(app)
    texte = reponse.text
    assert "Impact sur les familles inscrites" in texte
    assert f"<td class=\"nombre\" data-label=\"Total\">{attendu.total.familles}</td>" in texte
    assert "nombre de familles selon la variation de leur estimation mensuelle" in texte
    assert "plus fortes hausses" in texte
    assert 'id="seuil"' in texte and 'form="form-grille"' in texte
    assert f"{len(attendu.au_dela_du_seuil)} famille" in texte


def test_l_apercu_recalcule_avec_le_seuil_et_garde_le_commentaire(app, ville, admin):
    reponse = apercu(app, admin, seuil="0", commentaire="Délibération n° 7")
    assert reponse.status_code == 200
    assert f"{impact(app, Decimal(0)).total.hausses} familles" in reponse.text
    assert 'value="Délibération n° 7"' in reponse.text
    faux = apercu(app, admin, seuil="dix")
    assert faux.status_code == 422
    assert "Saisissez un nombre" in faux.text
    assert "Impact sur les familles inscrites" in faux.text


def test_la_restauration_montre_l_impact(app, ville, admin):
    with app.app_context():
        ancienne = contexte.grille_chargee().version_id
        grilles.ajouter_version(PROPOSEE, source="admin", auteur="essai", commentaire="hausse")
        db.session.commit()
        contexte.oublier_grille()
    reponse = admin.get(f"/admin/grille/versions/{ancienne}/restaurer")
    assert reponse.status_code == 200
    assert "Impact sur les familles inscrites" in reponse.text
    assert "En baisse" in reponse.text
