"""Command line: `flask --app portail_famille tarifs verifier|simuler|impact|importer|exporter`,
`calendrier verifier`, `mairie export-facturation`, accounts, jobs and the demo.

`verifier` and `simuler` are a stable interface (tarifs.md §5): output and exit codes are a
contract (0 success, 1 invalid grid, 2 invalid arguments or date outside every period).
"""

import logging
import sys
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import click
import redis
from flask import current_app
from flask.cli import AppGroup
from flask.cli import with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from portail_famille import travaux
from portail_famille.domaine import francais
from portail_famille.extensions import db
from portail_famille.services import audit
from portail_famille.services import calendriers
from portail_famille.services import comptes as services_comptes
from portail_famille.services import grilles
from portail_famille.services import impact_tarifaire
from portail_famille.services import lignes_tarifaires
from portail_famille.services import renouvellement
from portail_famille.services import tarifs as tarifs_service
from portail_famille.travaux import echeances
from portail_famille.travaux import fixation_des_reservations
from portail_famille.travaux import purge
from portail_famille.travaux import renouvellement_annuel
from portail_famille.travaux import suivi_des_paiements
from portail_famille.web import contexte
from portail_famille.web.serveurs import GestionnaireDiscret

tarifs = AppGroup("tarifs", help="Grille tarifaire : vérifier, simuler, mesurer l’impact d’une "
                                 "nouvelle grille, importer, exporter.")


def _echouer(message: str, code: int):
    click.echo(message, err=True)
    sys.exit(code)


def _afficher_erreurs(erreur: grilles.GrilleInvalide, vers_erreur: bool) -> None:
    for ligne in erreur.lignes():
        click.echo(ligne, err=vers_erreur)
    nombre = len(erreur.erreurs)
    click.echo(f"{nombre} erreur{'s' if nombre > 1 else ''} : grille refusée.", err=vers_erreur)


def _illisible(erreur: grilles.FichierIllisible):
    """A file that is not UTF-8 text is an invalid argument (exit 2), pointed at its byte."""
    for ligne in erreur.lignes():
        click.echo(ligne, err=True)
    sys.exit(2)


def _lire_fichier(fichier: Path, vers_erreur: bool) -> tuple[str, grilles.Grille]:
    """A grid file's text and grid, or the contract's message and exit code (2 unreadable,
    1 invalid)."""
    try:
        return grilles.lire_fichier(fichier)
    except OSError as exc:
        _echouer(f"{fichier} : lecture impossible ({exc.__class__.__name__})", 2)
    except grilles.FichierIllisible as erreur:
        _illisible(erreur)
    except grilles.GrilleInvalide as erreur:
        _afficher_erreurs(erreur, vers_erreur=vers_erreur)
        sys.exit(1)


def _en_vigueur(vers_erreur: bool = True) -> grilles.GrilleChargee:
    """The grid in force; when the seed file is broken, its errors and the contract's exit code."""
    try:
        return contexte.grille_chargee()
    except grilles.FichierIllisible as erreur:
        _illisible(erreur)
    except grilles.GrilleInvalide as erreur:
        _afficher_erreurs(erreur, vers_erreur=vers_erreur)
        sys.exit(1)
    except OSError as exc:
        _echouer(f"{contexte.config().tarifs_fichier} : lecture impossible "
                 f"({exc.__class__.__name__})", 2)


def _texte_en_vigueur(vers_erreur: bool) -> tuple[str, str]:
    chargee = _en_vigueur(vers_erreur)
    if chargee.version_id is None:
        return chargee.texte, contexte.config().tarifs_fichier.name
    return chargee.texte, f"version {chargee.version_id}"


@tarifs.command("verifier")
@click.argument("fichier", required=False, type=click.Path(dir_okay=False, path_type=Path))
def verifier(fichier: Path | None):
    """Vérifie une grille (par défaut, celle en vigueur) : code 0 si valide, 1 sinon."""
    if fichier is None:
        texte, nom = _texte_en_vigueur(vers_erreur=False)
        try:
            grille = grilles.lire(texte, nom)
        except grilles.GrilleInvalide as erreur:
            _afficher_erreurs(erreur, vers_erreur=False)
            sys.exit(1)
    else:
        nom = str(fichier)
        _, grille = _lire_fichier(fichier, vers_erreur=False)
    click.echo(f"{nom} : grille valide – {grilles.resumer(grille)}")


@tarifs.command("simuler")
@click.option("--fichier", type=click.Path(dir_okay=False, path_type=Path),
              help="Grille à utiliser (par défaut, celle en vigueur).")
@click.option("--qf", help="Quotient familial, en euros.")
@click.option("--rfr", help="Revenu fiscal de référence, en euros (avec --parts).")
@click.option("--parts", help="Nombre de parts fiscales (avec --rfr).")
@click.option("--sans-quotient", is_flag=True, help="Sans quotient familial valide.")
@click.option("--date", "le", metavar="AAAA-MM-JJ", help="Date du tarif (par défaut, aujourd’hui).")
@click.option("--hors-commune", is_flag=True, help="Foyer domicilié hors de la commune.")
@click.option("--rang", default="1", help="Rang de l’enfant dans la fratrie (1 = l’aîné).")
@click.option("--json", "en_json", is_flag=True, help="Un objet JSON sur la sortie standard.")
def simuler(fichier, qf, rfr, parts, sans_quotient, le, hors_commune, rang, en_json):
    """Affiche le prix de chaque service de la période en vigueur à la date donnée."""
    try:
        jour = tarifs_service.lire_date(le, date.today())
        rang_entier = tarifs_service.lire_rang(rang)
        quotient = tarifs_service.lire_qf(qf=qf, rfr=rfr, parts=parts, sans_quotient=sans_quotient)
    except ValueError as exc:  # QuotientIncalculable included
        _echouer(f"Erreur : {exc}", 2)
    if fichier is not None:
        _, grille = _lire_fichier(fichier, vers_erreur=True)
    else:
        grille = _en_vigueur().grille
    situation = tarifs_service.Situation(quotient, hors_commune, rang_entier)
    try:
        resultat = tarifs_service.simuler_json(grille, jour, situation)
    except grilles.PeriodeIntrouvable:
        _echouer(f"Erreur : aucune période de la grille ne couvre le {jour.isoformat()}", 2)
    if en_json:
        click.echo(tarifs_service.en_json(resultat))
        return
    entete = "sans quotient familial" if resultat["qf"] is None else f"QF {resultat['qf']}"
    click.echo(f"{resultat['periode']} – {entete}")
    for code, service in resultat["services"].items():
        click.echo(f"  {service['libelle']} ({code}) : {service['prix']} € par {service['unite']}"
                   f" – {service['explication']}")


@tarifs.command("impact")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--periode", metavar="P", help="La période : sa date de début (AAAA-MM-JJ) ou son "
                                             "libellé (par défaut, celle en vigueur).")
@click.option("--mois", metavar="AAAA-MM", help="Le mois estimé (par défaut, le mois en cours, "
                                                "ou le premier d’une période à venir).")
@click.option("--seuil", default=str(impact_tarifaire.SEUIL_PAR_DEFAUT), show_default=True,
              help="Liste les familles dont l’estimation mensuelle change de plus que ce "
                   "montant, en euros.")
@click.option("--json", "en_json", is_flag=True, help="Un objet JSON sur la sortie standard.")
def impact(fichier: Path, periode: str | None, mois: str | None, seuil: str, en_json: bool):
    """Ce que la grille FICHIER changerait pour les familles inscrites, par rapport à celle en
    vigueur : hausses, baisses, recettes mensuelles estimées (prix × jours × 4)."""
    texte, proposee = _lire_fichier(fichier, vers_erreur=True)
    chargee = _en_vigueur()
    maintenant_ = datetime.now(UTC)
    try:
        montant = tarifs_service.lire_montant(seuil, "seuil")
        if periode is not None:
            choisie = lignes_tarifaires.trouver_periode(chargee.grille, periode)
        else:
            choisie = chargee.grille.periode_a(maintenant_.date())
        resultat = impact_tarifaire.calculer(
            chargee, proposee, choisie,
            mois or impact_tarifaire.mois_par_defaut(choisie, maintenant_.date()), maintenant_,
            montant)
    except grilles.PeriodeIntrouvable:
        _echouer("Erreur : aucune période de la grille en vigueur ne couvre aujourd’hui ; "
                 "précisez --periode.", 2)
    except (ValueError, lignes_tarifaires.DemandeInvalide) as exc:
        _echouer(f"Erreur : {exc}", 2)
    if en_json:
        click.echo(tarifs_service.en_json(impact_tarifaire.en_json(
            resultat, chargee.sha256, grilles.empreinte(texte))))
        return
    for ligne in impact_tarifaire.en_texte(resultat):
        click.echo(ligne)


@tarifs.command("importer")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commentaire", default="", help="Pourquoi cette version (délibération…).")
def importer(fichier: Path, commentaire: str):
    """Ajoute une version de la grille depuis un fichier, après validation."""
    texte, _ = _lire_fichier(fichier, vers_erreur=True)
    version = grilles.ajouter_version(texte, source="import", auteur="ligne de commande",
                                      commentaire=commentaire, fichier=str(fichier))
    db.session.commit()
    # This process switches at once; the others within their refresh interval (tarifs.md §6).
    contexte.oublier_grille()
    click.echo(f"Version {version.id} importée ({version.sha256[:12]}) : elle est en vigueur.")


@tarifs.command("exporter")
def exporter():
    """Affiche le texte de la version en vigueur, commentaires compris."""
    texte, _ = _texte_en_vigueur(vers_erreur=True)
    click.echo(texte, nl=False)


mairie = AppGroup("mairie", help="Espace des agents : export de facturation.")


@mairie.command("export-facturation")
@click.option("--periode", required=True, metavar="P",
              help="La période de la grille : sa date de début (AAAA-MM-JJ) ou son libellé.")
@click.option("--mois", required=True, metavar="AAAA-MM", help="Le mois facturé.")
@click.option("--format", "format_", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True, help="CSV (« ; », UTF-8 avec BOM) ou tableau JSON.")
def export_facturation(periode: str, mois: str, format_: str):
    """Une ligne par enfant, service et inscription en cours, au prix de « Mes tarifs »."""
    chargee = _en_vigueur()
    try:
        choisie = lignes_tarifaires.trouver_periode(chargee.grille, periode)
        lignes = lignes_tarifaires.lignes(chargee, choisie, mois, datetime.now(UTC))
    except lignes_tarifaires.DemandeInvalide as exc:
        _echouer(f"Erreur : {exc}", 2)
    audit.consigner(lignes_tarifaires.EVENEMENT, detail=f"ligne de commande : "
                    f"{choisie.debut.isoformat()} {mois} {format_}, {len(lignes)} lignes")
    db.session.commit()
    if format_ == "json":
        click.echo(lignes_tarifaires.en_json(lignes))
    else:
        click.echo(lignes_tarifaires.en_csv(lignes), nl=False)  # bytes: the BOM kept as is


comptes = AppGroup("comptes", help="Comptes du personnel de la mairie.")


def _demander_le_mot_de_passe() -> str:
    """Asked twice, hidden, in French (click's own confirmation speaks English)."""
    mot_de_passe = click.prompt("Mot de passe", hide_input=True, prompt_suffix=" : ")
    if click.prompt("Confirmez le mot de passe", hide_input=True,
                    prompt_suffix=" : ") != mot_de_passe:
        _echouer("Erreur : les deux mots de passe saisis diffèrent. Rien n’a été créé.", 1)
    return mot_de_passe


@comptes.command("creer")
@click.argument("identifiant", required=False)
@click.option("--role", default="agent", help="agent (par défaut) ou admin.")
@click.option("--mot-de-passe", help="Sans cette option, il est demandé deux fois.")
@click.option("--courriel", help="Compte ProConnect : l’adresse de l’agent, sans identifiant "
                                 "ni mot de passe.")
def creer_compte(identifiant: str | None, role: str, mot_de_passe: str | None,
                 courriel: str | None):
    """Crée un compte d’agent ou d’administrateur : local (IDENTIFIANT, mot de passe, puis
    double authentification à la première connexion) ou ProConnect (--courriel)."""
    if role not in services_comptes.ROLES_DU_PERSONNEL:
        _echouer(f"Erreur : rôle « {role} » inconnu : agent ou admin.", 2)
    if (identifiant is None) == (courriel is None):
        _echouer("Erreur : indiquez soit un identifiant (compte local), soit --courriel "
                 "(compte ProConnect).", 2)
    if courriel is not None and mot_de_passe is not None:
        _echouer("Erreur : un compte ProConnect n’a pas de mot de passe.", 2)
    try:
        if courriel is not None:
            compte = services_comptes.creer_personnel_proconnect(courriel, role)
        else:
            identifiant = services_comptes.verifier_identifiant(identifiant)
            if mot_de_passe is None:
                mot_de_passe = _demander_le_mot_de_passe()
            compte = services_comptes.creer_personnel(identifiant, mot_de_passe, role)
        db.session.commit()
    except services_comptes.CompteRefuse as refus:
        db.session.rollback()
        _echouer(f"Erreur : {refus}", 1)
    if courriel is not None:
        click.echo(f"Compte {role} ProConnect « {compte.email} » créé : il se connecte avec "
                   "ProConnect.")
    else:
        click.echo(f"Compte {role} « {compte.identifiant} » créé. À sa première connexion, il "
                   "active la double authentification (application TOTP).")


travaux_cli = AppGroup("travaux", help="Tâches de fond : travailleur, horloge, purge.")


def _redis_exige() -> str:
    redis_url = contexte.config().redis_url
    if not redis_url:
        _echouer("Erreur : REDIS_URL n’est pas défini. Sans Redis, les tâches s’exécutent dans "
                 "la requête qui les demande : il n’y a pas de travailleur à lancer.", 2)
    return redis_url


@travaux_cli.command("executer")
@click.option("--rafale", is_flag=True, help="S’arrête quand la file est vide.")
def travaux_executer(rafale: bool):
    """Exécute les tâches de la file Redis, jusqu’à SIGTERM (la tâche en cours se termine)."""
    travaux.travailler(_redis_exige(), en_rafale=rafale)


@travaux_cli.command("horloge")
def travaux_horloge():
    """Place dans la file, chaque jour, la purge des données échues (3 h), la campagne de
    renouvellement des quotients avant la rentrée (4 h, une fois par période), les réservations
    du mois à venir (5 h) et l’avis aux familles dont le quotient arrive à échéance (7 h) ; et,
    toutes les cinq minutes, le suivi des paiements PayFiP en attente."""
    from rq.cron import CronScheduler

    horloge = CronScheduler(connection=redis.Redis.from_url(_redis_exige()))
    horloge.register(purge.lancer_celle_du_jour, queue_name=travaux.FILE, cron="0 3 * * *")
    horloge.register(renouvellement_annuel.lancer_avant_la_rentree, queue_name=travaux.FILE,
                     cron="0 4 * * *")
    horloge.register(fixation_des_reservations.lancer_celle_du_jour, queue_name=travaux.FILE,
                     cron="0 5 * * *")
    horloge.register(echeances.lancer_celle_du_jour, queue_name=travaux.FILE, cron="0 7 * * *")
    horloge.register(suivi_des_paiements.lancer, queue_name=travaux.FILE, cron="*/5 * * * *")
    horloge.start()


@travaux_cli.command("purger")
def travaux_purger():
    """Purge maintenant ce qui a dépassé sa durée de conservation (une fois par jour)."""
    tache = purge.tache_du_jour(date.today())
    db.session.commit()
    travaux.envoyer(tache)
    db.session.refresh(tache)
    if tache.etat == "terminee":
        decompte = travaux.rapport(tache)
        click.echo("Purge terminée : " + ", ".join(f"{cle} {n}" for cle, n in decompte.items()))
    elif tache.etat == "echouee":
        _echouer(f"Erreur : la purge a échoué ({tache.erreur}).", 1)
    else:
        click.echo(f"Purge du jour placée dans la file (tâche {tache.id}, {tache.libelle_etat}).")


@travaux_cli.command("renouveler")
@click.option("--avant", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Renouvelle les quotients qui ne compteront plus à cette date "
                   "(défaut : début de la prochaine période de la grille).")
def travaux_renouveler(avant):
    """Lance une campagne de renouvellement des quotients familiaux (familles consentantes)."""
    if avant is not None:
        jour = avant.date()
    elif (periode := renouvellement.prochaine_periode(contexte.grille(),
                                                               date.today())) is not None:
        jour = periode.debut
    else:
        _echouer("Erreur : la grille n’a pas encore de période à venir ; précisez --avant.", 2)
    tache = renouvellement_annuel.lancer(jour)
    db.session.commit()
    travaux.envoyer(tache)
    bilan = renouvellement.bilan(tache.id)
    click.echo(f"Campagne {tache.id} : {bilan.total} foyers, {bilan.renouvele} renouvelés, "
               f"{bilan.introuvable} non trouvés, {bilan.echec} en échec, "
               f"{bilan.a_faire} en attente.")


@click.group("demo", cls=AppGroup, invoke_without_command=True)
@click.option("--hote", default="127.0.0.1", show_default=True)
@click.pass_context
@with_appcontext
def demo(ctx: click.Context, hote: str):
    """Démonstration : base SQLite, FranceConnect, ProConnect et API simulés, comptes de
    démonstration. Sans sous-commande, sert le portail."""
    if not contexte.config().bac_a_sable:
        _echouer("Erreur : la démonstration exige PORTAIL_BAC_A_SABLE=1 (données fictives).", 2)
    upgrade()
    if ctx.invoked_subcommand is None:
        _servir_la_demo(hote)


def _lire_mois(_ctx, _param, valeur: str | None) -> date | None:
    if valeur is None:
        return None
    try:
        return datetime.strptime(valeur, "%Y-%m").date()
    except ValueError:
        raise click.BadParameter("un mois s’écrit AAAA-MM, par exemple 2026-11.") from None


@demo.command("peupler")
@click.option("--familles", type=click.IntRange(1, 1_000_000), required=True,
              help="Nombre de foyers à créer.")
@click.option("--graine", type=int, default=0, show_default=True,
              help="Graine du tirage : la même graine donne les mêmes foyers.")
@click.option("--mois", metavar="AAAA-MM", callback=_lire_mois,
              help="Le mois réservé et pointé, dans la période des inscriptions. Par défaut, le "
                   "dernier mois terminé s’il est dans cette période (sa campagne de "
                   "facturation peut se lancer aussitôt), sinon le premier mois de la période.")
def demo_peupler(familles: int, graine: int, mois: date | None):
    """Crée des foyers inventés à l’échelle d’une ville (enfants, inscriptions, quotients), et
    leurs réservations d’un mois : chaque jour de classe que nomment les jours de l’inscription,
    comme le portail les réserve. Un enfant sur cinq est pointé sur des jours déjà passés de ce
    mois (présent, absent justifié ou non, présent sans réservation)."""
    # Loaded only when the sandbox is on, like every invented household.
    from portail_famille.bac_a_sable import peuplement

    debut = time.perf_counter()
    aujourd_hui = date.today()
    try:
        mois = mois or peuplement.mois_par_defaut(contexte.grille(), aujourd_hui)
        bilan = peuplement.peupler(familles, graine, contexte.grille(), contexte.calendrier(),
                                   aujourd_hui, mois)
    except peuplement.PasDePeriode as exc:
        db.session.rollback()
        _echouer(f"Erreur : {exc}", 1)
    db.session.commit()
    click.echo(f"{bilan.familles} foyers créés en {time.perf_counter() - debut:.1f} s : "
               f"{bilan.adultes} adultes, {bilan.enfants} enfants, {bilan.inscriptions} "
               f"inscriptions, {bilan.quotients} quotients familiaux ; "
               f"{bilan.reservations} réservations et {bilan.pointages} pointages en "
               f"{francais.mois_annee(mois)}.")


def _servir_la_demo(hote: str) -> None:
    config = contexte.config()
    # The invented households are the sandbox's: loaded only when it is on.
    from portail_famille.bac_a_sable import fournisseur_proconnect
    from portail_famille.bac_a_sable import jeu_de_donnees

    chemin = config.tarifs_fichier
    grilles.synchroniser_fichier(_lire_fichier(chemin, vers_erreur=True)[0], chemin)
    personnel = services_comptes.reinitialiser_personnel_de_demo()
    services_comptes.preparer_personnel_proconnect_de_demo(
        [(agent.email, agent.role) for agent in fournisseur_proconnect.AGENTS if agent.role])
    db.session.commit()
    port = urlsplit(config.portail_url).port or 80
    click.echo(f"\nPortail famille (démonstration) : {config.portail_url}/")
    click.echo("\nFamilles – « S’identifier avec FranceConnect », puis une identité fictive :")
    for identite in jeu_de_donnees.IDENTITES:
        personne = identite.personne
        numero = jeu_de_donnees.numero_fiscal(personne)
        click.echo(f"  - {' '.join(personne.prenoms)} {personne.nom_naissance} : "
                   f"{identite.description}"
                   + (f" (numéro fiscal {numero})" if numero else ""))
    click.echo("\nPersonnel – « Connexion du personnel » en bas de page :")
    for identifiant, role, mot_de_passe in personnel:
        click.echo(f"  - {role} : identifiant {identifiant}, mot de passe {mot_de_passe}")
    click.echo("  À la première connexion, activez la double authentification avec une "
               "application TOTP (FreeOTP, Aegis…).")
    click.echo("\nPersonnel – « S’identifier avec ProConnect » sur la même page, puis un agent "
               "fictif (pas de double authentification locale : ProConnect s’en charge) :")
    for agent in fournisseur_proconnect.AGENTS:
        compte = f"compte {agent.role}" if agent.role else "aucun compte"
        click.echo(f"  - {agent.prenom} {agent.nom} ({agent.email}, {compte}) : "
                   f"{agent.description}")
    click.echo("")
    # The development server logs every URL, query strings included (codes, states): not here.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Threaded: the portal calls its own sandbox provider while serving the callback (SB-5).
    run_simple(hote, port, current_app._get_current_object(), threaded=True,
               request_handler=GestionnaireDiscret)


calendrier_cli = AppGroup("calendrier", help="Calendrier scolaire et délais de réservation.")


@calendrier_cli.command("verifier")
@click.argument("fichier", required=False, type=click.Path(dir_okay=False, path_type=Path))
def calendrier_verifier(fichier: Path | None):
    """Vérifie un calendrier (par défaut, celui du portail) : code 0 si valide, 1 sinon."""
    fichier = fichier or contexte.config().calendrier_fichier
    try:
        calendrier = calendriers.lire_fichier(fichier)
    except OSError as exc:
        _echouer(f"{fichier} : lecture impossible ({exc.__class__.__name__})", 2)
    except calendriers.CalendrierInvalide as erreur:
        for ligne in erreur.lignes():
            click.echo(ligne)
        nombre = len(erreur.erreurs)
        click.echo(f"{nombre} erreur{'s' if nombre > 1 else ''} : calendrier refusé.")
        sys.exit(1)
    click.echo(f"{fichier} : calendrier valide – "
               f"{calendriers.resumer(calendrier, date.today())}")


def init_app(app) -> None:
    """Register the command groups."""
    app.cli.add_command(tarifs)
    app.cli.add_command(calendrier_cli)
    app.cli.add_command(comptes)
    app.cli.add_command(mairie)
    app.cli.add_command(demo)
    app.cli.add_command(travaux_cli)
