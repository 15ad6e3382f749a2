"""The upload corpus of issue 14: polyglots, bombs, active PDFs, truncated files, each with its
verdict; what is kept of an accepted image is the re-encoded image."""

import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf.generic import DictionaryObject
from pypdf.generic import NameObject
from pypdf.generic import TextStringObject

from portail_famille.services import controle_documents as controle
from tests import documents
from tests.documents import pdf


def png() -> bytes:
    return documents.PNG


def jpeg() -> bytes:
    return documents.JPEG


def bombe() -> bytes:
    """A real PNG header announcing 100 000 × 100 000 pixels, its CRC right."""
    debut, ihdr = b"\x89PNG\r\n\x1a\n", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bloc = b"IHDR" + ihdr
    idat = zlib.compress(b"\x00" * 1024)
    morceaux = [struct.pack(">I", 13) + bloc + struct.pack(">I", zlib.crc32(bloc)),
                struct.pack(">I", len(idat)) + b"IDAT" + idat
                + struct.pack(">I", zlib.crc32(b"IDAT" + idat)),
                struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))]
    return debut + b"".join(morceaux)


def javascript_a_l_ouverture(ecrivain):
    ecrivain._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('bonjour');")})


def action_qui_lance(ecrivain):
    ecrivain._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"),
        NameObject("/F"): TextStringObject("calc.exe")})


def piece_jointe(ecrivain):
    ecrivain.add_attachment("virus.exe", b"MZ\x90\x00")


def chiffre(ecrivain):
    ecrivain.encrypt("secret")


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'

REFUSES = {
    "pdf_puis_html": (b"%PDF-1.7\n" + HTML, controle.ILLISIBLE),
    "pdf_valide_puis_html": (pdf() + HTML, controle.ILLISIBLE),
    "entete_png_puis_html": (b"\x89PNG\r\n\x1a\n" + HTML, controle.ILLISIBLE),
    "entete_jpeg_puis_svg": (b"\xff\xd8\xff\xe0" + SVG, controle.ILLISIBLE),
    "png_100000_x_100000": (bombe(), controle.TROP_DE_PIXELS),
    "pdf_javascript": (pdf(javascript_a_l_ouverture), controle.ACTIF),
    "pdf_action_launch": (pdf(action_qui_lance), controle.ACTIF),
    "pdf_piece_jointe": (pdf(piece_jointe), controle.ACTIF),
    "pdf_chiffre": (pdf(chiffre), controle.CHIFFRE),
    "pdf_tronque": (pdf()[:-200], controle.ILLISIBLE),
    "png_tronque": (png()[:60], controle.ILLISIBLE),
    "jpeg_tronque": (jpeg()[:40], controle.ILLISIBLE),
    "png_annonce_jpeg": (b"\xff\xd8\xff" + png()[3:], controle.ILLISIBLE),
    "gif": (b"GIF89a" + bytes(20), controle.AUTRE_TYPE),
    "html": (HTML, controle.AUTRE_TYPE),
    "vide": (b"", controle.AUTRE_TYPE),
}


@pytest.mark.parametrize(("contenu", "message"), REFUSES.values(), ids=REFUSES.keys())
def test_refuses(contenu, message):
    with pytest.raises(controle.DocumentRefuse) as refus:
        controle.controler(contenu)
    assert str(refus.value) == message


@pytest.mark.parametrize(("contenu", "type_mime"), [
    (png(), "image/png"), (jpeg(), "image/jpeg"), (pdf(), "application/pdf"),
], ids=["png", "jpeg", "pdf"])
def test_acceptes(contenu, type_mime):
    controle_ = controle.controler(contenu)
    assert controle_.type_mime == type_mime


def test_une_image_est_gardee_reencodee_sans_ce_qui_la_suivait():
    gardee = controle.controler(png() + HTML).contenu
    assert HTML not in gardee and b"<html" not in gardee
    with Image.open(io.BytesIO(gardee)) as image:
        assert (image.format, image.size) == ("PNG", (40, 30))


def test_un_pdf_garde_est_celui_qui_a_ete_verifie():
    original = pdf()
    assert controle.controler(original).contenu == original
