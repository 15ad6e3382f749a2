"""The errors of a configuration file (tarifs.yaml, calendrier.yaml): each at its line and column,
all of them at once."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ErreurDeFichier:
    ligne: int
    colonne: int
    message: str


class FichierInvalide(Exception):
    """A file's text with errors; `erreurs` holds every one of them, sorted by position."""

    def __init__(self, erreurs: list[ErreurDeFichier], fichier: str):
        self.erreurs = sorted(erreurs, key=lambda erreur: (erreur.ligne, erreur.colonne))
        self.fichier = fichier
        super().__init__("\n".join(self.lignes()))

    def lignes(self) -> list[str]:
        """Each error as `fichier:ligne:colonne: message` (tarifs.md §4)."""
        return [f"{self.fichier}:{e.ligne}:{e.colonne}: {e.message}" for e in self.erreurs]
