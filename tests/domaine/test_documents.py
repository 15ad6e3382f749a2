"""Document types recognised by their content, without the app."""

import pytest

from portail_famille.domaine import documents


@pytest.mark.parametrize(("debut", "attendu"), [
    (b"%PDF-1.7\n", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"\xff\xd8\xff\xe0", "image/jpeg"),
    (b"<html>", None),
    (b"GIF89a", None),
    (b"", None),
    (b"PK\x03\x04", None),
])
def test_le_type_vient_du_contenu(debut, attendu):
    assert documents.type_de_document(debut) == attendu
