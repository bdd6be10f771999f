"""What a file really is, judged by its content, not by its name."""
from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"
ALLOWED = (PDF, DOCX, ODT, TEXT)


def sniff(content: bytes) -> str | None:
    """The accepted type of ``content``, or None when it is none of them."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        return _office(content)
    return TEXT if _is_text(content) else None


def _office(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def _is_text(content: bytes) -> bool:
    if not content or b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    head = text.lstrip()[:100].lower()
    # HTML and SVG render (and run script) in a browser: never accepted as text.
    return not head.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script"))
