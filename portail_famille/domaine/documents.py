"""Supporting documents: which kinds the town hall accepts, recognised by their content."""

# Magic numbers of the accepted documents: the type is read from the content, never the name.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def type_de_document(contenu: bytes) -> str | None:
    """The MIME type read from the first bytes, or None for anything but PDF, PNG and JPEG."""
    return next((type_ for signature, type_ in SIGNATURES if contenu.startswith(signature)), None)
