"""Uploading and reading a review's documents. The file goes to the blob store first and
its row second; if the row cannot be written, a file this upload created is removed, so a
failure leaves neither behind."""
from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.audit import service as audit
from core.audit.service import who
from core.db import db
from core.documents import filetypes, scanning
from core.documents.blobs import BlobStore
from core.documents.models import KINDS, Document, DocumentVersion
from core.filenames import safe_filename
from core.reviews import timeline
from core.reviews.models import Review


class DocumentRefused(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


def store(tenant_id) -> BlobStore:
    """A tenant's blobs: a folder per tenant (the review's owner, also in a joint review),
    so one tenant's files never mix with another's and offboarding removes one folder."""
    return BlobStore(Path(current_app.config["DHR_BLOB_DIR"]) / str(tenant_id))


def _check(content: bytes, filename: str) -> str:
    limit = current_app.config["DHR_MAX_UPLOAD_BYTES"]
    if not content:
        raise DocumentRefused(422, "file", _("The file is empty. Choose another file."))
    if len(content) > limit:
        raise DocumentRefused(413, "file", _("The file must be smaller than %(mb)s MB.",
                                             mb=round(limit / 1024 / 1024, 1)))
    kind = filetypes.sniff(content)
    if kind is None:
        raise DocumentRefused(415, "file", _(
            "The file must be a PDF, a Word document (.docx), an OpenDocument text (.odt) "
            "or plain text."))
    if not filename.strip():
        raise DocumentRefused(422, "file", _("The file name must be 1 to 200 characters."))
    _scan(content)
    return kind


def _scan(content: bytes) -> None:
    """Refuse malware (and refuse to store anything unscanned while the scanner is down)."""
    url = current_app.config.get("DHR_CLAMD_URL")
    if not url:
        return
    try:
        found = scanning.scan(url, content)
    except scanning.ScannerUnavailable as error:
        current_app.logger.error("malware scanner unavailable: %s", error)
        raise DocumentRefused(503, "file", _(
            "The virus check is not working at the moment, so the file has not been stored. "
            "Try again in a few minutes.")) from error
    if found:
        audit.record("document.malware_refused", details={"found": found[:100],
                                                           "size": len(content)})
        db.session.commit()
        raise DocumentRefused(422, "file", _(
            "The virus check found malware in this file (%(found)s), so it has not been "
            "stored. Tell your IT team, and upload a clean copy.", found=found[:100]))


def _validate_new(kind: str, title: str) -> None:
    if kind not in KINDS:
        raise DocumentRefused(422, "kind", _("Choose one of: %(choices)s.",
                                             choices=", ".join(KINDS)))
    if not title.strip() or len(title) > 200:
        raise DocumentRefused(422, "title", _("Enter a title of 1 to 200 characters."))


def upload(review: Review, content: bytes, filename: str, *, kind: str | None = None,
           title: str | None = None, document: Document | None = None) -> DocumentVersion:
    """A new document (kind, title) or a new version of ``document``."""
    if review.stage == "closed":
        raise DocumentRefused(409, "file", _("The review is closed; its documents can no "
                                              "longer change."))
    if document is None:
        _validate_new(kind or "", title or "")
    content_type = _check(content, filename)
    filename = safe_filename(filename)  # kept only as its last part: see core.filenames
    digest, created = store(review.tenant_id).put(content)
    try:
        if document is None:
            document = Document(id=uuid.uuid4(), review_id=review.id, kind=kind,
                                title=title.strip(), latest_version=0)
            db.session.add(document)
        document.latest_version += 1
        version = DocumentVersion(document_id=document.id, review_id=review.id,
                                  number=document.latest_version, sha256=digest,
                                  size=len(content), content_type=content_type,
                                  filename=filename, uploaded_by=who()[1])
        db.session.add(version)
        db.session.flush()
        timeline.add(review, "document", "document.uploaded",
                     {"document": str(document.id), "kind": document.kind,
                      "version": version.number})
        audit.record("document.upload", object_type="document", object_id=document.id,
                     details={"version": version.number, "sha256": digest})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if created and not _referenced(digest):
            store(review.tenant_id).delete(digest)
        raise
    return version


def _referenced(digest: str) -> bool:
    # Within this tenant's folder: another version may hold the same content.
    return db.session.scalar(select(func.count()).select_from(DocumentVersion)
                             .where(DocumentVersion.sha256 == digest)) > 0


# Need to know: agencies' own reports (IMRs) are for the roles that handle agency reports.
RESTRICTED = {"imr": "agency_reports.read", "chronology": "agency_reports.read"}


def readable(kind: str, roles) -> bool:
    """May someone with ``roles`` open documents of ``kind``? (None: a system caller.)"""
    from core.auth.roles import allows

    return roles is None or kind not in RESTRICTED or allows(roles, RESTRICTED[kind])


def documents_of(review: Review, roles=None) -> list[tuple[Document, list[DocumentVersion]]]:
    """Documents with their versions, newest first: two queries."""
    docs = [d for d in db.session.scalars(select(Document).where(
        Document.review_id == review.id).order_by(Document.kind, Document.title))
        if readable(d.kind, roles)]
    versions: dict[uuid.UUID, list[DocumentVersion]] = {d.id: [] for d in docs}
    for version in db.session.scalars(
            select(DocumentVersion).where(DocumentVersion.review_id == review.id)
            .order_by(DocumentVersion.number.desc())):
        if version.document_id in versions:
            versions[version.document_id].append(version)
    return [(d, versions[d.id]) for d in docs]


def find_document(review: Review, document_id: uuid.UUID) -> Document | None:
    return db.session.scalar(select(Document).where(Document.id == document_id,
                                                    Document.review_id == review.id))


def find_version(review: Review, document_id: uuid.UUID, number: int, roles=None
                 ) -> DocumentVersion | None:
    if not 1 <= number < 2**31:  # no such version, and beyond what the database can hold
        return None
    document = find_document(review, document_id)
    if document is None or not readable(document.kind, roles):
        return None
    return db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.document_id == document_id, DocumentVersion.review_id == review.id,
        DocumentVersion.number == number))


def read(version: DocumentVersion) -> bytes:
    audit.record("document.download", object_type="document", object_id=version.document_id,
                 details={"version": version.number})
    db.session.commit()
    return store(version.tenant_id).get(version.sha256)
