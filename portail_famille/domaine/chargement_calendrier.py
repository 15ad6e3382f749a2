"""The loader of calendrier.yaml: validates a text into `calendrier_scolaire.Calendrier`, every
error at once, at its line and column, like tarifs.yaml (the reading is `lecture_yaml`'s)."""

import re
import zoneinfo
from datetime import date
from datetime import time
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from portail_famille.domaine import lecture_yaml
from portail_famille.domaine.calendrier_scolaire import JOURS_DE_LA_SEMAINE
from portail_famille.domaine.calendrier_scolaire import MODES_DE_DELAI
from portail_famille.domaine.calendrier_scolaire import AnneeScolaire
from portail_famille.domaine.calendrier_scolaire import Calendrier
from portail_famille.domaine.calendrier_scolaire import CalendrierIllisible
from portail_famille.domaine.calendrier_scolaire import CalendrierInvalide
from portail_famille.domaine.calendrier_scolaire import Delai
from portail_famille.domaine.calendrier_scolaire import Facturation
from portail_famille.domaine.calendrier_scolaire import JourSansClasse
from portail_famille.domaine.calendrier_scolaire import Vacances
from portail_famille.domaine.erreurs import ErreurDeFichier
from portail_famille.domaine.facturation import MODES
from portail_famille.domaine.facturation import RESERVATIONS_ET_PRESENCES
from portail_famille.domaine.facturation import RegleFacturation
from portail_famille.domaine.grille import JOURS_DE_CLASSE
from portail_famille.domaine.lecture_yaml import Entree
from portail_famille.domaine.lecture_yaml import Node

ZONES = ("A", "B", "C", "Corse")
_HEURE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_CODE_SERVICE = re.compile(r"[a-z_]+")


@lru_cache(maxsize=8)
def charger_calendrier(texte: str, fichier: str = "calendrier.yaml") -> Calendrier:
    """The calendar described by `texte` (without public holidays); raise CalendrierInvalide
    listing every error at once."""
    return lecture_yaml.analyser(texte, fichier, _Lecteur(), _Lecteur.lire_calendrier,
                                 CalendrierInvalide)


def charger_fichier(chemin: str | Path) -> Calendrier:
    """The calendar of a UTF-8 file, errors named after `chemin`; raise CalendrierInvalide
    (CalendrierIllisible when it is not UTF-8) or OSError."""
    return charger_calendrier(lecture_yaml.lire_texte(chemin, CalendrierIllisible), str(chemin))


class _Lecteur(lecture_yaml.Lecteur):
    """The calendar's schema, read on the shared reader's primitives."""

    def lire_calendrier(self, racine: Node | None) -> Calendrier | None:
        if racine is None:
            self.erreurs.append(ErreurDeFichier(1, 1, "le fichier est vide : décrivez commune, "
                                                      "zone, fuseau, annees et delais"))
            return None
        self.refuser_etiquettes_et_ancres(racine)
        entrees = self.dictionnaire(racine, racine, "le fichier",
                                    obligatoires=("commune", "zone", "fuseau", "annees",
                                                  "delais"),
                                    facultatives=("facturation",))
        if entrees is None:
            return None
        commune = self.champ(entrees, "commune", self.texte)
        zone = self.lire_parmi(entrees.get("zone"), ZONES, "zone")
        fuseau = self.lire_fuseau(entrees.get("fuseau"))
        annees = self.lire_annees(entrees.get("annees"))
        delais = self.lire_delais(entrees.get("delais"))
        facturation = (self.lire_facturation(entrees["facturation"])
                       if "facturation" in entrees else Facturation())
        if None in (commune, zone, fuseau, annees, delais, facturation):
            return None
        return Calendrier(commune, zone, fuseau, annees, delais, facturation=facturation)

    def lire_facturation(self, entree: Entree) -> Facturation | None:
        prefixe = "facturation : "
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« facturation »",
                                    obligatoires=("regles",),
                                    facultatives=("adresse", "echeance_jours", "paiement",
                                                  "frais_de_garde"),
                                    prefixe=prefixe)
        if entrees is None:
            return None
        adresse = self.champ(entrees, "adresse", self.texte, prefixe) or ""
        paiement = self.champ(entrees, "paiement", self.texte, prefixe) or ""
        echeance = (self.champ(entrees, "echeance_jours", self.entier, prefixe)
                    if "echeance_jours" in entrees else 30)
        regles = self.lire_regles(entrees.get("regles"), prefixe)
        garde = (self.liste(entrees["frais_de_garde"], "un service", prefixe, minimum=0)
                 if "frais_de_garde" in entrees else [])
        codes = tuple(self.texte(noeud, noeud, "frais_de_garde", prefixe)
                      for noeud in garde or ())
        if echeance is None or regles is None or garde is None or None in codes:
            return None
        return Facturation(regles, adresse, echeance, paiement, codes)

    def lire_regles(self, entree: Entree | None, prefixe: str
                    ) -> dict[str, RegleFacturation] | None:
        if entree is None:
            return None
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« regles »", libre=True,
                                    prefixe=prefixe)
        if entrees is None:
            return None
        regles = {}
        for code, regle in entrees.items():
            if not _CODE_SERVICE.fullmatch(code):
                self.signaler(regle.cle, f"{prefixe}code de service « {code} » invalide : "
                                         "lettres minuscules sans accent et « _ » seulement")
            regles[code] = self.lire_regle(regle, f"{prefixe}{code} : ")
        return None if None in regles.values() else regles

    def lire_regle(self, entree: Entree, prefixe: str) -> RegleFacturation | None:
        entrees = self.dictionnaire(entree.valeur, entree.cle, "la règle",
                                    obligatoires=("mode",),
                                    facultatives=("majoration_montant", "majoration_pourcent"),
                                    prefixe=prefixe)
        if entrees is None:
            return None
        mode = self.lire_parmi(entrees.get("mode"), MODES, "mode", prefixe)
        montant = self.champ(entrees, "majoration_montant", self.nombre, prefixe)
        pourcent = self.champ(entrees, "majoration_pourcent", self.nombre, prefixe)
        majorations = [cle for cle in ("majoration_montant", "majoration_pourcent")
                       if cle in entrees]
        if len(majorations) > 1:
            self.signaler(entree.cle, f"{prefixe}écrivez une majoration en montant ou en "
                                      "pourcentage, pas les deux")
            return None
        if majorations and mode is not None and mode != RESERVATIONS_ET_PRESENCES:
            self.signaler(entrees[majorations[0]].cle,
                          f"{prefixe}une majoration ne vaut qu’avec le mode "
                          f"« {RESERVATIONS_ET_PRESENCES} » (présence sans réservation)")
            return None
        if mode is None or (majorations and (montant or pourcent) is None):
            return None
        return RegleFacturation(mode, montant.valeur if montant else Decimal(0),
                                pourcent.valeur if pourcent else Decimal(0))

    def lire_parmi(self, entree: Entree | None, possibles: tuple[str, ...], nom: str,
                   prefixe: str = "") -> str | None:
        if entree is None:
            return None
        valeur = self.texte(entree.valeur, entree.cle, nom, prefixe)
        if valeur is not None and valeur not in possibles:
            self.signaler(entree.cle, f"{prefixe}« {nom} » : « {valeur} » inconnu"
                                      f"{lecture_yaml.suggestion(valeur, possibles)}")
            return None
        return valeur

    def lire_fuseau(self, entree: Entree | None) -> str | None:
        if entree is None:
            return None
        fuseau = self.texte(entree.valeur, entree.cle, "fuseau")
        if fuseau is None:
            return None
        try:
            zoneinfo.ZoneInfo(fuseau)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.signaler(entree.cle, f"« fuseau » : « {fuseau} » n’est pas un fuseau horaire "
                                      "connu (par exemple Europe/Paris)")
            return None
        return fuseau

    def lire_annees(self, entree: Entree | None) -> tuple[AnneeScolaire, ...] | None:
        if entree is None:
            return None
        noeuds = self.liste(entree, "une année scolaire")
        if noeuds is None:
            return None
        annees = [self.lire_annee(noeud, numero) for numero, noeud in enumerate(noeuds, 1)]
        if not annees or None in annees:
            return None
        ordonnees = sorted(zip(annees, noeuds, strict=True), key=lambda paire: paire[0].rentree)
        for (avant, _), (apres, noeud) in pairwise(ordonnees):
            if apres.rentree <= avant.fin_des_cours:
                self.signaler(noeud, f"l’année « {apres.libelle} » commence le "
                                     f"{apres.rentree.isoformat()}, avant la fin des cours de "
                                     f"« {avant.libelle} » ({avant.fin_des_cours.isoformat()})")
        return tuple(annee for annee, _ in ordonnees)

    def lire_annee(self, noeud: Node, numero: int) -> AnneeScolaire | None:
        entrees = self.dictionnaire(noeud, noeud, f"l’année {numero}",
                                    obligatoires=("libelle", "rentree", "fin_des_cours",
                                                  "vacances"),
                                    facultatives=("jours", "sans_classe"))
        if entrees is None:
            return None
        libelle = self.champ(entrees, "libelle", self.texte)
        rentree = self.champ(entrees, "rentree", self.date_iso)
        fin = self.champ(entrees, "fin_des_cours", self.date_iso)
        prefixe = f"{libelle or f'année {numero}'} : "
        if rentree is not None and fin is not None and fin < rentree:
            self.signaler(entrees["fin_des_cours"].cle,
                          f"{prefixe}les cours finissent le {fin.isoformat()}, avant la rentrée "
                          f"du {rentree.isoformat()}")
            fin = None
        jours = JOURS_DE_CLASSE
        if "jours" in entrees:
            jours = self.lire_codes(entrees["jours"], JOURS_DE_CLASSE,
                                    lambda jour: f"« {jour} » n’est pas un jour de classe",
                                    prefixe)
        vacances = self.lire_vacances(entrees.get("vacances"), rentree, fin, prefixe)
        sans_classe = self.lire_sans_classe(entrees.get("sans_classe"), rentree, fin, prefixe)
        if None in (libelle, rentree, fin, jours, vacances, sans_classe):
            return None
        return AnneeScolaire(libelle, rentree, fin,
                             tuple(jour for jour in JOURS_DE_CLASSE if jour in jours),
                             vacances, sans_classe)

    def dans_l_annee(self, jour: date | None, ou: Node, rentree: date | None, fin: date | None,
                     prefixe: str) -> date | None:
        """`jour`, reported when it falls outside the year's classes."""
        if jour is None or rentree is None or fin is None:
            return jour
        if not rentree <= jour <= fin:
            self.signaler(ou, f"{prefixe}le {jour.isoformat()} est en dehors de l’année "
                              f"(du {rentree.isoformat()} au {fin.isoformat()})")
            return None
        return jour

    def lire_vacances(self, entree: Entree | None, rentree: date | None, fin: date | None,
                      prefixe: str) -> tuple[Vacances, ...] | None:
        if entree is None:
            return None
        noeuds = self.liste(entree, "une période de vacances", prefixe, minimum=0)
        if noeuds is None:
            return None
        toutes: list[Vacances | None] = []
        for numero, noeud in enumerate(noeuds, 1):
            entrees = self.dictionnaire(noeud, noeud, f"les vacances {numero}",
                                        obligatoires=("libelle", "debut", "fin"),
                                        prefixe=prefixe) or {}
            libelle = self.champ(entrees, "libelle", self.texte, prefixe)
            debut = self.champ(entrees, "debut", self.date_iso)
            dernier = self.champ(entrees, "fin", self.date_iso)
            debut = debut and self.dans_l_annee(debut, entrees["debut"].cle, rentree, fin,
                                                prefixe)
            dernier = dernier and self.dans_l_annee(dernier, entrees["fin"].cle, rentree, fin,
                                                    prefixe)
            if debut is not None and dernier is not None and dernier < debut:
                self.signaler(entrees["fin"].cle, f"{prefixe}« {libelle} » finit le "
                                                  f"{dernier.isoformat()}, avant de commencer "
                                                  f"le {debut.isoformat()}")
                dernier = None
            if None in (libelle, debut, dernier):
                toutes.append(None)
                continue
            precedentes = [v for v in toutes if v is not None and v.debut <= dernier
                           and debut <= v.fin]
            if precedentes:
                self.signaler(noeud, f"{prefixe}« {libelle} » chevauche « "
                                     f"{precedentes[0].libelle} »")
            toutes.append(Vacances(libelle, debut, dernier))
        if None in toutes:
            return None
        return tuple(sorted(toutes, key=lambda vacances: vacances.debut))

    def lire_sans_classe(self, entree: Entree | None, rentree: date | None, fin: date | None,
                         prefixe: str) -> tuple[JourSansClasse, ...] | None:
        if entree is None:
            return ()
        noeuds = self.liste(entree, "un jour", prefixe, minimum=0)
        if noeuds is None:
            return None
        jours: dict[date, JourSansClasse] = {}
        valide = True
        for numero, noeud in enumerate(noeuds, 1):
            entrees = self.dictionnaire(noeud, noeud, f"le jour sans classe {numero}",
                                        obligatoires=("date", "libelle"), prefixe=prefixe) or {}
            libelle = self.champ(entrees, "libelle", self.texte, prefixe)
            jour = self.champ(entrees, "date", self.date_iso)
            jour = jour and self.dans_l_annee(jour, entrees["date"].cle, rentree, fin, prefixe)
            if jour in jours:
                self.signaler(noeud, f"{prefixe}le {jour.isoformat()} est cité deux fois")
            elif libelle is None or jour is None:
                valide = False
            else:
                jours[jour] = JourSansClasse(jour, libelle)
        return tuple(sorted(jours.values(), key=lambda j: j.jour)) if valide else None

    def lire_delais(self, entree: Entree | None) -> dict[str, Delai] | None:
        if entree is None:
            return None
        entrees = self.dictionnaire(entree.valeur, entree.cle, "« delais »", libre=True)
        if entrees is None:
            return None
        if "defaut" not in entrees:
            self.signaler(entree.cle, "« delais » : le délai « defaut » est obligatoire : il vaut "
                                      "pour chaque service qui n’a pas le sien")
        delais = {}
        for code, delai in entrees.items():
            if not _CODE_SERVICE.fullmatch(code):
                self.signaler(delai.cle, f"code de service « {code} » invalide : lettres "
                                         "minuscules sans accent et « _ » seulement")
            delais[code] = self.lire_delai(delai, f"delais : {code} : ")
        if None in delais.values() or "defaut" not in delais:
            return None
        return delais

    def lire_delai(self, entree: Entree, prefixe: str) -> Delai | None:
        entrees = self.dictionnaire(entree.valeur, entree.cle, "le délai",
                                    obligatoires=("heure",), facultatives=MODES_DE_DELAI,
                                    prefixe=prefixe)
        if entrees is None:
            return None
        heure = self.lire_heure(entrees.get("heure"), prefixe)
        modes = [mode for mode in MODES_DE_DELAI if mode in entrees]
        if len(modes) != 1:
            self.signaler(entree.cle, f"{prefixe}écrivez une et une seule des clés "
                                      f"{', '.join(MODES_DE_DELAI)}")
            return None
        mode = modes[0]
        if mode == "jour_de_semaine":
            jour = self.lire_parmi(entrees[mode], JOURS_DE_LA_SEMAINE, mode, prefixe)
            return None if heure is None or jour is None else Delai(mode, heure,
                                                                    jour_de_semaine=jour)
        nombre = self.champ(entrees, mode, self.entier, prefixe)
        return None if heure is None or nombre is None else Delai(mode, heure, nombre=nombre)

    def lire_heure(self, entree: Entree | None, prefixe: str) -> time | None:
        if entree is None:
            return None
        texte = self.texte(entree.valeur, entree.cle, "heure", prefixe)
        if texte is None:
            return None
        trouvee = _HEURE.fullmatch(texte)
        if trouvee is None:
            self.signaler(entree.cle, f"{prefixe}« heure » : une heure HH:MM comme \"12:00\" est "
                                      f"attendue, pas « {texte} »")
            return None
        return time(int(trouvee[1]), int(trouvee[2]))
