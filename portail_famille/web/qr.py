"""QR codes drawn on the server as SVG (segno computes the modules): the template draws one
path, so that no generated markup is ever marked safe (securite.md I3)."""

from dataclasses import dataclass

import segno

MARGE = 4  # the quiet zone ISO/IEC 18004 asks for, in modules


@dataclass(frozen=True)
class QrCode:
    """A QR code ready to draw: the side of its viewBox and the path of its dark modules."""

    cote: int
    chemin: str


def dessiner(contenu: str) -> QrCode:
    """The QR code of `contenu` (error correction M: a screen, not a worn sticker)."""
    qr = segno.make(contenu, error="m", micro=False)
    morceaux = []
    for y, rangee in enumerate(qr.matrix):
        x = 0
        while x < len(rangee):
            if not rangee[x]:
                x += 1
                continue
            debut = x
            while x < len(rangee) and rangee[x]:
                x += 1
            # One rectangle per run of dark modules on a row: a short path.
            morceaux.append(f"M{debut + MARGE} {y + MARGE}h{x - debut}v1h-{x - debut}z")
    return QrCode(cote=len(qr.matrix) + 2 * MARGE, chemin="".join(morceaux))
