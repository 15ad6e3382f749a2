"""SQLAlchemy models, one module per area. Models never commit and never touch the request:
services and views do."""

from portail_famille.models.base import Horodatage
from portail_famille.models.base import Montant
from portail_famille.models.base import maintenant
from portail_famille.models.comptes import CodeSecours
from portail_famille.models.comptes import Compte
from portail_famille.models.comptes import Evenement
from portail_famille.models.comptes import Famille
from portail_famille.models.comptes import SessionServeur
from portail_famille.models.comptes import VerrouConnexion
from portail_famille.models.courriels import Courriel
from portail_famille.models.factures import Avoir
from portail_famille.models.factures import CampagneFacturation
from portail_famille.models.factures import CompteurNumeros
from portail_famille.models.factures import Encaissement
from portail_famille.models.factures import Facture
from portail_famille.models.factures import LigneFacture
from portail_famille.models.foyers import ContestationResidence
from portail_famille.models.foyers import DemandeSuppression
from portail_famille.models.foyers import Enfant
from portail_famille.models.foyers import HistoriqueInscription
from portail_famille.models.foyers import Inscription
from portail_famille.models.foyers import SecondAdulte
from portail_famille.models.grilles import GrilleVersion
from portail_famille.models.paiements import OperationPaiement
from portail_famille.models.recherche import texte_de_recherche
from portail_famille.models.renouvellements import Renouvellement
from portail_famille.models.reservations import ListePointage
from portail_famille.models.reservations import Pointage
from portail_famille.models.reservations import Reservation
from portail_famille.models.revenus import Justificatif
from portail_famille.models.revenus import QuotientFamilial
from portail_famille.models.taches import Tache
from portail_famille.models.tarifs_decides import TarifDecide

__all__ = ["Avoir", "CampagneFacturation", "CodeSecours", "Compte", "CompteurNumeros",
           "ContestationResidence", "Courriel", "DemandeSuppression", "Encaissement", "Enfant",
           "Evenement", "Facture", "Famille", "GrilleVersion", "HistoriqueInscription",
           "Horodatage", "Inscription", "Justificatif", "LigneFacture", "ListePointage",
           "Montant", "OperationPaiement", "Pointage", "QuotientFamilial",
           "Renouvellement", "Reservation", "SecondAdulte", "SessionServeur", "Tache",
           "TarifDecide", "VerrouConnexion", "maintenant", "texte_de_recherche"]
