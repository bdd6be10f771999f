"""What a file really is, judged by its content, not by its name."""
from __future__ import annotations

import io
import re
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


# A browser that guesses a file's type looks at its first bytes (the MIME Sniffing
# standard: up to 1445; older browsers found HTML anywhere in the first 256); a text file
# with HTML or script anywhere in its first 8192 characters (8 KB at least) is refused.
SNIFF_CHARACTERS = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
# The MIME Sniffing standard's HTML patterns ("<!DOCTYPE HTML", "<HTML", "<SCRIPT",
# "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY",
# "<BR", "<P", "<!--"), with "<?xml" and "<svg" and the other tags that run script or
# load something (<img onerror>, <object>, <embed>, <meta http-equiv=refresh>…): a tag
# name ends at a space, a "/" or a ">", as a browser reads it.
_MARKUP = re.compile(
    r"<(?:!--|\?xml|!doctype"
    r"|(?:html|head|script|iframe|frame|frameset|h1|div|font|table|a|style|title|b|body|br"
    r"|p|svg|math|img|image|object|embed|applet|meta|link|base|form|input|video|audio"
    r"|source|details|marquee|isindex|xmp|template|noscript)(?=[\s/>]|$))",
    re.IGNORECASE)


def _is_text(content: bytes) -> bool:
    """Plain text is UTF-8 (as the redaction gate and the subject access search read it),
    with or without its byte-order mark, and holds no HTML or script a browser would run.
    A UTF-16 or UTF-32 file (its byte-order mark, and its NUL bytes) is not plain text."""
    if content.startswith(_UTF8_BOM):
        content = content[len(_UTF8_BOM):]
    if not content or b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # HTML and SVG render (and run script) in a browser: never accepted as text, whatever
    # comes before them (white space, a comment, other words).
    return _MARKUP.search(text[:SNIFF_CHARACTERS]) is None
