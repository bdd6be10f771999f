"""The redaction gate: before publication, every document to be published is searched for
each protected name, alias, date of birth and address, wherever a reader of the file could
find it:

- plain text, line by line;
- PDF: the text layer of each page, comments and other annotations (with their authors),
  form fields, bookmarks, attached files (each read as its own kind), the document details
  and the XMP metadata;
- DOCX: body, tables, every header and footer (first-page and even-page ones too), text
  boxes, content controls, pictures' alternative text, comments, footnotes, endnotes,
  tracked insertions and deletions, the names of the people who made changes or comments,
  and the file details (core, extended and custom properties);
- ODT: content, styles and metadata.

It fails closed: a file that cannot be read counts as a hit, and so does a PDF page that is
only an image (a scan without a text layer cannot be checked), an attachment of a kind it
cannot read, and a DOCX or ODT that would unzip to more than 200 MB."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from core.documents import filetypes
from core.documents.models import Document, DocumentVersion
from core.names.models import ProtectedName

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class Term:
    text: str
    what: str        # real name, other name, date of birth, address
    pseudonym: str   # whose it is, as the documents should call them


@dataclass(frozen=True)
class Hit:
    document: str
    version: int
    where: str
    what: str
    pseudonym: str
    snippet: str


def terms_of(names: list[ProtectedName]) -> list[Term]:
    found: list[Term] = []
    for n in names:
        found.append(Term(n.real_name, _("real name"), n.pseudonym))
        found += [Term(a, _("other name"), n.pseudonym)
                  for a in (n.aliases or "").splitlines() if len(a.strip()) >= 2]
        if n.date_of_birth:
            found += [Term(t, _("date of birth"), n.pseudonym) for t in _dates(n.date_of_birth)]
        if n.address:
            lines = [a.strip(" ,") for a in re.split(r"[\n,]", n.address) if len(a.strip()) >= 6]
            found += [Term(a, _("address"), n.pseudonym) for a in lines]
    return found


def _dates(d: date) -> list[str]:
    return [f"{d.day} {MONTHS[d.month - 1]} {d.year}", f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.day}/{d.month}/{d.year}", d.isoformat(), f"{d.day:02d}.{d.month:02d}.{d.year}"]


def _pattern(term: str) -> re.Pattern:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def segments(content: bytes, content_type: str) -> list[tuple[str, str]]:
    """(where, text) pieces of a file, so a hit can say where it is."""
    if content_type == filetypes.PDF:
        return _pdf(content)
    if content_type in (filetypes.DOCX, filetypes.ODT):
        _refuse_bombs(content)
        return _docx(content) if content_type == filetypes.DOCX else _odt(content)
    if content_type in (filetypes.XLSX, filetypes.ODS):  # spreadsheets (issue 14, item 8)
        _refuse_bombs(content)
        return _xlsx(content) if content_type == filetypes.XLSX else _odt(content)
    text = content.decode("utf-8", errors="replace")
    return [(_("line %(n)s", n=i), line) for i, line in enumerate(text.splitlines(), 1)]


def _pdf(content: bytes) -> list[tuple[str, str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    out: list[tuple[str, str]] = []
    for i, page in enumerate(reader.pages, 1):
        text = page.extract_text() or ""
        out.append((_("page %(n)s", n=i), text))
        if not text.strip() and _has_images(page):
            out.append((_("page %(n)s", n=i), UNCHECKABLE))
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            out += [(_("comments on page %(n)s", n=i), str(annotation.get(key) or ""))
                    for key in ("/Contents", "/T", "/Subj")]
    for key, value in (reader.metadata or {}).items():
        out.append((_("file details: %(field)s", field=str(key).lstrip("/")), str(value)))
    out.append((_("file details: XMP"), _xmp(reader)))
    out += [(_("form fields"), f"{name} {field.get('/V') or ''}")
            for name, field in (reader.get_fields() or {}).items()]
    out += [(_("bookmarks"), title) for title in _outline_titles(reader.outline)]
    for name, files in reader.attachments.items():
        out.append((_("attached files"), name))
        for data in files:  # read as its own kind: an attached Word file is searched too
            kind = filetypes.sniff(data)
            where = _("attached file %(name)s", name=name)
            out += ([(f"{where}: {w}", text) for w, text in segments(data, kind)] if kind
                    else [(where, UNREADABLE)])
    return out


UNZIPPED_LIMIT = 200 * 1024 * 1024


def _refuse_bombs(content: bytes) -> None:
    """A small file that unzips to gigabytes would exhaust the worker: not read, not cleared."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(info.file_size for info in archive.infolist()) > UNZIPPED_LIMIT:
            raise ValueError("the file unzips to more than 200 MB")


UNCHECKABLE = "\x00image-only"  # markers no search term can match: see scan_file
UNREADABLE = "\x00unreadable"


def _has_images(page) -> bool:
    resources = page.get("/Resources") or {}
    xobjects = resources.get_object().get("/XObject") if resources else None
    return any(x.get_object().get("/Subtype") == "/Image"
               for x in (xobjects.get_object().values() if xobjects else []))


def _xmp(reader) -> str:
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return ""
    raw = metadata.get_object().get_data().decode("utf-8", errors="replace")
    return re.sub(r"<[^>]+>", " ", raw)


def _outline_titles(items) -> list[str]:
    titles = []
    for item in items or []:
        titles += _outline_titles(item) if isinstance(item, list) else [str(item.title)]
    return titles


def _docx(content: bytes) -> list[tuple[str, str]]:
    import docx

    document = docx.Document(io.BytesIO(content))
    out = [(_("paragraph %(n)s", n=i), p.text) for i, p in enumerate(document.paragraphs, 1)]
    for t, table in enumerate(document.tables, 1):
        out += [(_("table %(n)s", n=t), cell.text) for row in table.rows for cell in row.cells]
    for section in document.sections:
        out += [(_("header"), p.text) for p in section.header.paragraphs]
        out += [(_("footer"), p.text) for p in section.footer.paragraphs]
    props = document.core_properties
    for field in ("author", "title", "subject", "keywords", "comments", "last_modified_by",
                  "category"):
        out.append((_("file details: %(field)s", field=field), str(getattr(props, field) or "")))
    return out + _docx_hidden(content)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_hidden(content: bytes) -> list[tuple[str, str]]:
    """What python-docx's paragraphs leave out: read from the package's XML parts."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    out: list[tuple[str, str]] = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                out += _docx_part(name, etree.fromstring(archive.read(name), parser))
    return out


def _docx_part(name: str, root) -> list[tuple[str, str]]:
    def joined(element, tag: str) -> str:
        return "".join(t.text or "" for t in element.iter(W + tag))

    out = [(_("tracked deletion"), joined(d, "delText")) for d in root.iter(W + "del")]
    out += [(_("tracked insertion"), joined(i, "t")) for i in root.iter(W + "ins")]
    out += [(_("text box"), joined(p, "t")) for box in root.iter(W + "txbxContent")
            for p in box.iter(W + "p")]
    out += [(_("content control"), joined(sdt, "t")) for sdt in root.iter(W + "sdt")]
    part = {"word/comments.xml": _("comments"), "word/footnotes.xml": _("footnotes"),
            "word/endnotes.xml": _("endnotes")}.get(name)
    if re.fullmatch(r"word/(header|footer)\d*\.xml", name):  # first-page and even-page too
        part = _("header") if "/header" in name else _("footer")
    if part:
        out += [(part, joined(p, "t")) for p in root.iter(W + "p")]
    if name.startswith("docProps/") and name != "docProps/core.xml":
        out.append((_("file details"), " ; ".join(t.strip() for t in root.itertext())))
    people = [v for e in root.iter() for k, v in e.attrib.items()
              if k.rsplit("}", 1)[-1] in ("author", "initials", "providerId", "userId")]
    if people:
        out.append((_("names of people who made changes or comments"), " ; ".join(people)))
    described = [v for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "docPr"
                 for k, v in e.attrib.items() if k in ("descr", "title")]
    if described:  # pictures' alternative text
        out.append((_("image descriptions"), " ; ".join(described)))
    return out


def _odt(content: bytes) -> list[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        def text(name: str) -> str:
            raw = archive.read(name).decode("utf-8", errors="replace") \
                if name in archive.namelist() else ""
            return re.sub(r"<[^>]+>", " ", raw)
        return [(_("text"), text("content.xml")), (_("headers and footers"),
                text("styles.xml")), (_("file details"), text("meta.xml"))]


def _xlsx(content: bytes) -> list[tuple[str, str]]:
    """Every XML part of a workbook as text: its sheets' cells (inline strings, values,
    formulas), the shared strings, comments and notes, sheet names and the file details."""
    import html

    out: list[tuple[str, str]] = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".vml")) and not name.startswith("[Content_Types]"):
                raw = archive.read(name).decode("utf-8", errors="replace")
                out.append((name, html.unescape(re.sub(r"<[^>]+>", " ", raw))))
    return out


def scan_file(title: str, number: int, content: bytes, content_type: str,
              terms: list[Term]) -> list[Hit]:
    try:
        pieces = segments(content, content_type)
    except Exception:  # noqa: BLE001 (any parser failure: the file cannot be cleared)
        return [Hit(title, number, _("whole file"), _("could not be read"), "", "")]
    hits, seen = [], set()
    for where, text in pieces:
        if text in (UNCHECKABLE, UNREADABLE):
            hits.append(Hit(title, number, where, _("an image without text: cannot be checked")
                            if text == UNCHECKABLE else _("could not be read"), "", ""))
            continue
        for term in terms:
            match = _pattern(term.text).search(text or "")
            if match and (where, term.text) not in seen:
                seen.add((where, term.text))
                start, end = max(match.start() - 30, 0), match.end() + 30
                hits.append(Hit(title, number, where, term.what, term.pseudonym,
                                " ".join(text[start:end].split())))
    return hits


def scan(review, kinds: list[str]) -> list[Hit]:
    """Every hit in the latest version of each document of the given kinds."""
    from core.db import db
    from core.documents.service import store

    names = list(db.session.scalars(select(ProtectedName).where(
        ProtectedName.review_id == review.id)))
    terms = terms_of(names)
    if not terms:
        return []
    rows = db.session.execute(
        select(Document.title, DocumentVersion)
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(Document.review_id == review.id, Document.kind.in_(kinds),
               DocumentVersion.number == Document.latest_version)
        .order_by(Document.title))
    hits: list[Hit] = []
    for title, version in rows:
        content = store(version.tenant_id).get(version.sha256)
        hits += scan_file(title, version.number, content, version.content_type, terms)
    return hits
