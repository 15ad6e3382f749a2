"""Real documents for the upload tests, made here: a one-page PDF, a small PNG and JPEG."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf(preparer=None) -> bytes:
    """A one-page A4 PDF; `preparer(writer)` may add to it before it is written."""
    ecrivain = PdfWriter()
    ecrivain.add_blank_page(595, 842)
    if preparer:
        preparer(ecrivain)
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def image(format_: str, largeur: int = 40, hauteur: int = 30) -> bytes:
    sortie = io.BytesIO()
    Image.new("RGB", (largeur, hauteur), (200, 40, 40)).save(sortie, format_)
    return sortie.getvalue()


PDF = pdf()
PNG = image("PNG")
JPEG = image("JPEG")
