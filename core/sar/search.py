"""Finding every mention of a person within one partnership: each text column of each
table it owns, and the text of every document version (as the redaction gate reads it)."""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

from sqlalchemy import JSON, String, Text, select

from core import csvsafe
from core.dataops.archive import _plain
from core.dataops.tables import tenant_tables
from core.db import db
from core.documents.models import Document, DocumentVersion
from core.documents.service import store
from core.filenames import archive_member
from core.names.redaction import UNCHECKABLE, UNREADABLE, segments

SKIP = {"subject_access_requests"}  # the requests themselves are not the person's records


@dataclass(frozen=True)
class Mention:
    place: str      # table or document
    item: str       # row id, or document title and version
    where: str      # column, or page / paragraph
    term: str
    snippet: str


def _terms(text: str) -> list[str]:
    return [t.strip() for t in text.splitlines() if len(t.strip()) >= 2]


def _snippet(text: str, term: str) -> str | None:
    match = re.search(re.escape(term), text, re.IGNORECASE)
    if match is None:
        return None
    return " ".join(text[max(match.start() - 40, 0):match.end() + 40].split())


def find(tenant_id, terms_text: str) -> tuple[list[Mention], dict]:
    """Every mention, and the rows and files that hold them (for the bundle)."""
    terms, mentions, rows, files = _terms(terms_text), [], {}, {}
    for table in tenant_tables():
        if table.name in SKIP:
            continue
        texts = [c for c in table.c if isinstance(c.type, (String, Text, JSON))]
        for row in db.session.execute(select(table).where(table.c.tenant_id == tenant_id)):
            for column in texts:
                value = row._mapping[column.name]
                text = json.dumps(value, ensure_ascii=False) if isinstance(
                    value, (dict, list)) else (value or "")
                for term in terms:
                    found = _snippet(text, term)
                    if found:
                        mentions.append(Mention(table.name, str(row.id), column.name, term,
                                                found))
                        rows.setdefault(table.name, {})[str(row.id)] = dict(row._mapping)
    for title, version in db.session.execute(
            select(Document.title, DocumentVersion)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(DocumentVersion.tenant_id == tenant_id)):
        content = store(version.tenant_id).get(version.sha256)
        try:
            pieces = segments(content, version.content_type)
        except Exception:  # noqa: BLE001 (unreadable: listed so a person checks it by hand)
            pieces = [("whole file", "")]
            files[version.sha256] = (f"{title} v{version.number} (unreadable)", content,
                                     version.filename)
        for where, text in pieces:
            if text in (UNCHECKABLE, UNREADABLE):  # a scan or an attachment: by hand
                files.setdefault(version.sha256, (
                    f"{title} v{version.number} (not fully readable: {where})", content,
                    version.filename))
                continue
            for term in terms:
                found = _snippet(text or "", term)
                if found:
                    mentions.append(Mention("document", f"{title} v{version.number}", where,
                                            term, found))
                    files[version.sha256] = (f"{title} v{version.number}", content,
                                             version.filename)
    return mentions, {"rows": rows, "files": files}


def bundle(mentions: list[Mention], found: dict) -> bytes:
    """A zip for redaction and disclosure: where each mention is, the rows, the files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        table = io.StringIO()
        writer = csvsafe.writer(table)
        writer.writerow(["place", "item", "where", "term", "text around it"])
        writer.writerows([m.place, m.item, m.where, m.term, m.snippet] for m in mentions)
        archive.writestr(archive_member("mentions.csv"), table.getvalue())
        for name, rows in found["rows"].items():
            archive.writestr(archive_member("records", f"{name}.jsonl"), "".join(
                json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False,
                           sort_keys=True) + "\n" for r in rows.values()))
        for sha, entry in found["files"].items():
            archive.writestr(archive_member("files", f"{sha[:12]}-{entry[2]}"), entry[1])
    return out.getvalue()
