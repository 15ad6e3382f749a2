"""What an uploaded document really is, checked before anything is stored (securite.md I2).

The first bytes only say what a file claims to be: a PNG header followed by HTML, or `%PDF-`
followed by a web page, claim well and are not documents. So an image is decoded (within a
pixel budget, against decompression bombs) and re-encoded: what is kept is the re-encoded
image, whatever followed or hid in the original. A PDF is parsed, and refused when it does not
parse, is cut short, carries data after its end, is encrypted, or holds JavaScript, embedded
files or actions that launch something.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image
from PIL import ImageOps
from PIL import UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject
from pypdf.generic import DictionaryObject
from pypdf.generic import IndirectObject
from pypdf.generic import NameObject

from portail_famille.domaine import documents

# A full A4 page photographed at 600 dpi is about 35 million pixels; beyond 40, a document
# photo is not what the file is. Pillow refuses past twice its limit and warns past it.
PIXELS_MAX = 40_000_000
Image.MAX_IMAGE_PIXELS = PIXELS_MAX
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
# Names that, anywhere in a PDF, mean code that runs, a file inside, or an action that
# launches something or submits a form (ISO 32000-1 §12.6, §7.11.4).
NOMS_INTERDITS = frozenset({"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/Launch",
                            "/RichMedia", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                            "/XFA"})
# A PDF whose object graph is larger than this is not a scanned document.
OBJETS_MAX = 200_000
# Bytes tolerated after the last %%EOF (line ends and padding some writers add).
FIN_TOLEREE = 32

ILLISIBLE = "Ce fichier est illisible ou incomplet : enregistrez-le à nouveau, ou envoyez une " \
            "photo nette du document."
ACTIF = ("Ce PDF contient du code, des pièces jointes ou des actions que la mairie ne peut pas "
         "accepter : enregistrez-le à nouveau avec « Imprimer » puis « Enregistrer au format "
         "PDF », ou envoyez une photo du document.")
CHIFFRE = ("Ce PDF est protégé par un mot de passe : envoyez-en une version sans mot de passe, "
           "ou une photo du document.")
TROP_DE_PIXELS = ("Cette image est démesurée (plus de 40 millions de pixels) : envoyez une photo "
                  "prise normalement avec votre téléphone.")
AUTRE_TYPE = "Ce fichier n’est ni un PDF, ni une image JPEG ou PNG."


class DocumentRefuse(ValueError):
    """The file is not an acceptable document; the message says why, for the family."""


@dataclass(frozen=True)
class DocumentControle:
    """What may be stored: the checked type and the bytes to keep (re-encoded for images)."""

    type_mime: str
    contenu: bytes


def controler(contenu: bytes) -> DocumentControle:
    """The document to store from an uploaded file; raise DocumentRefuse."""
    type_mime = documents.type_de_document(contenu)
    if type_mime is None:
        raise DocumentRefuse(AUTRE_TYPE)
    if type_mime == "application/pdf":
        _controler_pdf(contenu)
        return DocumentControle(type_mime, contenu)
    return DocumentControle(type_mime, _reencoder(contenu, FORMATS[type_mime]))


def _reencoder(contenu: bytes, format_annonce: str) -> bytes:
    """The image decoded within the pixel budget, turned upright and saved again, which drops
    whatever followed or hid in the original (metadata, appended markup)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(contenu)) as image:
                if image.format != format_annonce:
                    raise DocumentRefuse(ILLISIBLE)
                if image.width * image.height > PIXELS_MAX:
                    raise DocumentRefuse(TROP_DE_PIXELS)
                image.load()
                redressee = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DocumentRefuse(TROP_DE_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise DocumentRefuse(ILLISIBLE) from None
    if format_annonce == "JPEG" and redressee.mode not in ("RGB", "L"):
        redressee = redressee.convert("RGB")
    sortie = io.BytesIO()
    redressee.save(sortie, format=format_annonce, **({"quality": 90}
                                                     if format_annonce == "JPEG" else {}))
    return sortie.getvalue()


def _controler_pdf(contenu: bytes) -> None:
    fin = contenu.rfind(b"%%EOF")
    if fin < 0 or contenu[fin + 5:].strip(b"\r\n\t \x00") or \
            len(contenu) - fin - 5 > FIN_TOLEREE:
        raise DocumentRefuse(ILLISIBLE)
    try:
        lecteur = PdfReader(io.BytesIO(contenu), strict=False)
        if lecteur.is_encrypted:
            raise DocumentRefuse(CHIFFRE)
        if not lecteur.pages:
            raise DocumentRefuse(ILLISIBLE)
        for page in lecteur.pages:
            page.get_contents()
        if _noms(lecteur.trailer) & NOMS_INTERDITS:
            raise DocumentRefuse(ACTIF)
    except DocumentRefuse:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError, AssertionError):
        raise DocumentRefuse(ILLISIBLE) from None


def _noms(racine) -> set[str]:
    """Every name used as a key or a value in the object graph under `racine`."""
    vus: set[int] = set()
    noms: set[str] = set()
    a_voir = [racine]
    while a_voir:
        objet = a_voir.pop()
        if isinstance(objet, IndirectObject):
            if objet.idnum in vus:
                continue
            vus.add(objet.idnum)
            if len(vus) > OBJETS_MAX:
                raise DocumentRefuse(ILLISIBLE)
            objet = objet.get_object()
        if isinstance(objet, NameObject):
            noms.add(str(objet))
        elif isinstance(objet, DictionaryObject):
            noms.update(str(cle) for cle in objet)
            a_voir.extend(objet.values())
        elif isinstance(objet, ArrayObject):
            a_voir.extend(objet)
    return noms
