"""The sandbox provider's ES256 signing keys, kept in one file under the instance folder.

The key is generated once and shared by every worker through the file (franceconnect.md SB-4,
SB-7); the file is never committed (instance/ is ignored). Writes are atomic, so a worker never
reads half a file and two workers starting together keep the same key.
"""

import contextlib
import json
import os
import tempfile
import threading
from pathlib import Path

from joserfc.jwk import ECKey
from joserfc.jwk import KeySet

NOM_FICHIER = "bac-a-sable-franceconnect.jwk.json"
# Retired keys no longer sign; they still verify the id_token hints of logouts started before
# a rotation (SB-15), and are never published.
CLES_RETIREES_GARDEES = 2


def _nouvelle_cle() -> ECKey:
    return ECKey.generate_key("P-256", {"use": "sig", "alg": "ES256"}, auto_kid=True)


class Trousseau:
    """The current signing key and the last retired ones, read again when another worker rotates."""

    def __init__(self, dossier: Path, nom_fichier: str = NOM_FICHIER):
        self.chemin = Path(dossier) / nom_fichier
        self._verrou = threading.Lock()
        self._version = None
        self._cles: list[ECKey] = []

    def _lire(self) -> list[ECKey]:
        with self._verrou:
            if not self.chemin.exists():
                self._ecrire([_nouvelle_cle()], remplacer=False)
            etat = self.chemin.stat()
            version = (etat.st_ino, etat.st_mtime_ns, etat.st_size)
            if version != self._version:
                donnees = json.loads(self.chemin.read_text())
                self._cles = [ECKey.import_key(cle) for cle in donnees["keys"]]
                self._version = version
            return self._cles

    def _ecrire(self, cles: list[ECKey], remplacer: bool) -> None:
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file readable by its owner only: it holds private keys.
        descripteur, temporaire = tempfile.mkstemp(dir=self.chemin.parent, suffix=".tmp")
        try:
            with os.fdopen(descripteur, "w") as fichier:
                json.dump({"keys": [cle.as_dict(private=True) for cle in cles]}, fichier)
            if remplacer:
                os.replace(temporaire, self.chemin)
            else:
                # link() fails when another worker created the file first: its key wins.
                with contextlib.suppress(FileExistsError):
                    os.link(temporaire, self.chemin)
        finally:
            Path(temporaire).unlink(missing_ok=True)

    def signature(self) -> KeySet:
        """The only key that signs: joserfc writes its `kid` into every token header."""
        return KeySet([self._lire()[0]])

    def verification(self) -> KeySet:
        """The current and retired keys, to recognise any token this sandbox issued."""
        return KeySet(list(self._lire()))

    def jwks(self) -> dict:
        """The published JWKS: the public part of the current key, with kid, use and alg (SB-7)."""
        return {"keys": [self._lire()[0].as_dict(private=False)]}

    def tourner(self) -> str:
        """Replace the signing key by a new one; return its kid. The old key signs no more."""
        cles = [_nouvelle_cle(), *self._lire()[:CLES_RETIREES_GARDEES]]
        self._ecrire(cles, remplacer=True)
        return cles[0].kid
