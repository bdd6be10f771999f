"""What a file really is, judged by its content, not by its name.

Each accepted type is recognised by reading it, not by its first bytes alone:

- PDF: starts ``%PDF-`` and pypdf opens it and counts its pages;
- Word (.docx) and Excel (.xlsx): a zip whose ``[Content_Types].xml`` names the main part of
  a document or a workbook, and which holds that part (Office Open XML, ECMA-376 Part 2,
  "Open Packaging Conventions" §10.1.2);
- OpenDocument text (.odt) and spreadsheet (.ods): a zip whose first member is ``mimetype``
  holding exactly the OpenDocument media type (OASIS OpenDocument 1.3, Part 2 "Packages"
  §3.3), with its ``content.xml``;
- plain text: UTF-8 with no HTML or script a browser would run.

Refused whatever their name: macro-enabled Office files (.docm, .xlsm, .xlsb: a macro
content type or a ``vbaProject.bin`` part), OpenDocument files carrying macros or scripts
(members under ``Basic/`` or ``Scripts/``), and zips that would unpack to more than
``MAX_UNZIPPED`` bytes or hold more than ``MAX_MEMBERS`` members (zip bombs).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "text/plain"
ALLOWED = (PDF, DOCX, XLSX, ODT, ODS, TEXT)

# The extension a stored file name ends with, by its real type (the first is the one added).
EXTENSIONS = {PDF: ("pdf",), DOCX: ("docx",), XLSX: ("xlsx",), ODT: ("odt",),
              ODS: ("ods",), TEXT: ("txt", "text")}

# What each accepted type is called in a message ("The selected file is …, not …").
DESCRIPTIONS = {PDF: _l("a PDF"), DOCX: _l("a Word document"), XLSX: _l("an Excel spreadsheet"),
                ODT: _l("an OpenDocument text document"),
                ODS: _l("an OpenDocument spreadsheet"), TEXT: _l("a text file")}

# Extensions that claim a type of document: a file whose content is another type is refused
# (a text file named .pdf, a Word document named .xlsx). Any other extension (none, .sh,
# ".2" of "Chronology v1.2") claims nothing: the real type's extension is added instead.
CLAIMS = {
    "pdf": DESCRIPTIONS[PDF],
    **dict.fromkeys(("doc", "docx", "docm", "dot", "dotx", "dotm", "rtf"),
                    DESCRIPTIONS[DOCX]),
    **dict.fromkeys(("xls", "xlsx", "xlsm", "xlsb", "xlt", "xltx", "xltm"),
                    DESCRIPTIONS[XLSX]),
    **dict.fromkeys(("odt", "ott", "fodt"), DESCRIPTIONS[ODT]),
    **dict.fromkeys(("ods", "ots", "fods"), DESCRIPTIONS[ODS]),
    **dict.fromkeys(("txt", "text"), DESCRIPTIONS[TEXT]),
    "csv": _l("a CSV file"),
    **dict.fromkeys(("ppt", "pptx", "pptm", "odp"), _l("a presentation")),
}

# Zip bombs: a chronology spreadsheet of the largest upload (20 MB) unpacks to some hundreds
# of MB at most; more, or a zip of more members than any real document holds, is refused
# before anything (the redaction gate, the subject access search) unpacks it.
MAX_UNZIPPED = 256 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_MANIFEST = 1024 * 1024  # [Content_Types].xml and mimetype are read at most this far

# Office Open XML main parts (ECMA-376 Part 1 §11.3.10, §12.3.23; [MS-OFFCRYPTO] and
# [MS-OI29500] for the macro-enabled ones).
_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_MACRO_TYPE = re.compile(r"macroenabled|vbaproject|macrosheet|vnd\.ms-office\.activex"
                         r"|sheet\.binary", re.IGNORECASE)
_CONTENT_TYPE = re.compile(rb'<(?:\w+:)?(Default|Override)\b([^>]*)>')
_ATTRIBUTE = re.compile(rb'\b(ContentType|PartName)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class Examined:
    """The accepted type of a file, or why it is refused (``problem``: "macros",
    "too_large", "damaged", "encrypted", "unsupported")."""

    content_type: str | None
    problem: str | None = None


def sniff(content: bytes) -> str | None:
    """The accepted type of ``content``, or None when it is none of them (or refused)."""
    return examine(content).content_type


def examine(content: bytes) -> Examined:
    if content.startswith(b"%PDF-"):
        return _pdf(content)
    if content.startswith(b"PK\x03\x04"):
        return _zip(content)
    return Examined(TEXT) if _is_text(content) else Examined(None, "unsupported")


def _pdf(content: bytes) -> Examined:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            # a password the reader needs: nothing (the redaction gate, the subject access
            # search) could read it. An empty user password opens for everyone: allowed.
            if not reader.decrypt(""):
                return Examined(None, "encrypted")
        if len(reader.pages) < 1:
            return Examined(None, "damaged")
    except Exception:  # noqa: BLE001 (hostile input breaks a parser in many ways)
        return Examined(None, "damaged")
    return Examined(PDF)


def _zip(content: bytes) -> Examined:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if (len(members) > MAX_MEMBERS
                    or sum(m.file_size for m in members) > MAX_UNZIPPED):
                return Examined(None, "too_large")
            names = [m.filename for m in members]
            if names and names[0] == "mimetype":
                return _odf(archive, names)
            if "[Content_Types].xml" in names:
                return _ooxml(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError,
            NotImplementedError, RuntimeError, ValueError):
        return Examined(None, "damaged")
    return Examined(None, "unsupported")


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(MAX_MANIFEST)


def _odf(archive: zipfile.ZipFile, names: list[str]) -> Examined:
    mimetype = _read(archive, "mimetype")
    kind = {ODT.encode(): ODT, ODS.encode(): ODS}.get(mimetype)
    if kind is None or "content.xml" not in names:
        return Examined(None, "unsupported")
    # Basic/ holds StarBasic macros, Scripts/ other script languages (OpenDocument 1.3
    # Part 3 §3.2 "Scripts"; LibreOffice stores macros as Basic/<library>/<module>.xml).
    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
        return Examined(None, "macros")
    return Examined(kind)


def _ooxml(archive: zipfile.ZipFile, names: list[str]) -> Examined:
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return Examined(None, "macros")
    manifest = _read(archive, "[Content_Types].xml")
    types = []
    for _element, attributes in _CONTENT_TYPE.findall(manifest):
        found = dict(_ATTRIBUTE.findall(attributes))
        types.append((found.get(b"ContentType", b"").decode("utf-8", "replace"),
                      found.get(b"PartName", b"").decode("utf-8", "replace")))
    if any(_MACRO_TYPE.search(content_type) for content_type, _part in types):
        return Examined(None, "macros")
    mains = {(_MAIN[t], part.lstrip("/")) for t, part in types if t in _MAIN}
    if len(mains) != 1:
        return Examined(None, "unsupported")
    kind, part = mains.pop()
    return Examined(kind) if part in names else Examined(None, "damaged")


def extension_of(name: str) -> str:
    """The lower-case extension of a (safe) file name, without its dot; "" when none."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem and " " not in extension else ""


def mismatch(name: str, content_type: str):
    """What the name's extension claims the file is, when the content is something else
    (None when the extension fits or claims nothing)."""
    extension = extension_of(name)
    if extension in EXTENSIONS[content_type]:
        return None
    return CLAIMS.get(extension)


def stored_name(name: str, content_type: str) -> str:
    """The name kept for the file: its extension follows the real type (``notes`` becomes
    ``notes.txt``, ``run.sh`` holding text ``run.sh.txt``). Call after ``mismatch``."""
    from core.filenames import safe_filename

    if extension_of(name) in EXTENSIONS[content_type]:
        return name
    return safe_filename(f"{name}.{EXTENSIONS[content_type][0]}")


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
