"""The redaction gate: before publication, every document to be published is searched for
each protected name, alias, date of birth and address, in its text, the PDF text layer,
the DOCX text (body, tables, headers, footers) and the file's metadata. A file that cannot
be read counts as a hit: the gate fails closed."""
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
    if content_type == filetypes.DOCX:
        return _docx(content)
    if content_type == filetypes.ODT:
        return _odt(content)
    text = content.decode("utf-8", errors="replace")
    return [(_("line %(n)s", n=i), line) for i, line in enumerate(text.splitlines(), 1)]


def _pdf(content: bytes) -> list[tuple[str, str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    out = [(_("page %(n)s", n=i), page.extract_text() or "")
           for i, page in enumerate(reader.pages, 1)]
    for key, value in (reader.metadata or {}).items():
        out.append((_("file details: %(field)s", field=str(key).lstrip("/")), str(value)))
    return out


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
    return out


def _odt(content: bytes) -> list[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        def text(name: str) -> str:
            raw = archive.read(name).decode("utf-8", errors="replace") \
                if name in archive.namelist() else ""
            return re.sub(r"<[^>]+>", " ", raw)
        return [(_("text"), text("content.xml")), (_("headers and footers"),
                text("styles.xml")), (_("file details"), text("meta.xml"))]


def scan_file(title: str, number: int, content: bytes, content_type: str,
              terms: list[Term]) -> list[Hit]:
    try:
        pieces = segments(content, content_type)
    except Exception:  # noqa: BLE001 (any parser failure: the file cannot be cleared)
        return [Hit(title, number, _("whole file"), _("could not be read"), "", "")]
    hits = []
    for where, text in pieces:
        for term in terms:
            match = _pattern(term.text).search(text or "")
            if match:
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
