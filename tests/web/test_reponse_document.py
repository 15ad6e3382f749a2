"""A stored document is served only as its checked type, never as a page (issue 14)."""

import pytest

from portail_famille.web import envoi_de_document
from tests.documents import PDF
from tests.documents import PNG


@pytest.mark.parametrize(("contenu", "type_mime", "fichier"), [
    (PDF, "application/pdf", "avis.pdf"), (PNG, "image/png", "avis.png")])
def test_entetes_d_un_document_servi(app, contenu, type_mime, fichier):
    with app.test_request_context():
        reponse = app.process_response(envoi_de_document.reponse(contenu, type_mime, "avis"))
    assert reponse.mimetype == type_mime
    assert reponse.headers["Content-Disposition"] == f'inline; filename="{fichier}"'
    assert reponse.headers["X-Content-Type-Options"] == "nosniff"
    politique = reponse.headers["Content-Security-Policy"]
    assert politique.startswith("sandbox;") and "default-src 'none'" in politique
    assert reponse.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert reponse.headers["Cache-Control"] == "no-store"


def test_un_type_non_verifie_n_est_jamais_servi(app):
    with app.test_request_context(), pytest.raises(ValueError):
        envoi_de_document.reponse(b"<html>", "text/html", "page")


def test_telechargement(app):
    with app.test_request_context():
        reponse = envoi_de_document.reponse(PDF, "application/pdf", "avis", en_ligne=False)
    assert reponse.headers["Content-Disposition"] == 'attachment; filename="avis.pdf"'
