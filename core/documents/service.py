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
from core.documents.models import KINDS, Document, DocumentRemoval, DocumentVersion
from core.filenames import safe_filename
from core.reviews import timeline
from core.reviews.models import Review
from tenants.context import current_tenant_id


class DocumentRefused(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


def store(tenant_id) -> BlobStore:
    """A tenant's blobs: a folder per tenant (the review's owner, also in a joint review),
    so one tenant's files never mix with another's and offboarding removes one folder."""
    return BlobStore(Path(current_app.config["DHR_BLOB_DIR"]) / str(tenant_id))


def _problem(problem: str) -> tuple[int, str]:
    """Why a file's content is refused, as a status and a message (GOV.UK file upload
    error messages: "The selected file must be…", "The selected file contains…")."""
    if problem == "macros":
        return 415, _("The selected file contains macros. Save it without macros (as .docx, "
                      ".xlsx, .odt or .ods) and upload it again.")
    if problem == "damaged":
        return 422, _("The selected file is damaged and cannot be opened. Upload a copy "
                      "that opens.")
    if problem == "encrypted":
        return 422, _("The selected file is protected by a password. Upload a copy without "
                      "a password.")
    if problem == "too_large":
        return 413, _("The selected file unpacks to more than %(mb)s MB. Split it into "
                      "smaller files.", mb=filetypes.MAX_UNZIPPED // 1024 // 1024)
    return 415, _("The selected file must be a PDF, a Word document (.docx), an Excel "
                  "spreadsheet (.xlsx), an OpenDocument file (.odt or .ods) or plain text.")


def _check(content: bytes, filename: str) -> tuple[str, str]:
    """The file's real type and the name it is kept under, or DocumentRefused."""
    limit = current_app.config["DHR_MAX_UPLOAD_BYTES"]
    if not content:
        raise DocumentRefused(422, "file", _("The file is empty. Choose another file."))
    if len(content) > limit:
        raise DocumentRefused(413, "file", _("The file must be smaller than %(mb)s MB.",
                                             mb=round(limit / 1024 / 1024, 1)))
    if not filename.strip():
        raise DocumentRefused(422, "file", _("The file name must be 1 to 200 characters."))
    examined = filetypes.examine(content)
    if examined.content_type is None:
        status, message = _problem(examined.problem or "unsupported")
        raise DocumentRefused(status, "file", message)
    _scan(content)  # malware is refused (and audited) whatever the file is called
    name = safe_filename(filename)  # kept only as its last part: see core.filenames
    claimed = filetypes.mismatch(name, examined.content_type)
    if claimed is not None:
        raise DocumentRefused(415, "file", _(
            "The selected file is %(real)s, not %(claimed)s. Upload a PDF, Word, Excel or "
            "OpenDocument file", real=filetypes.DESCRIPTIONS[examined.content_type],
            claimed=claimed))
    return examined.content_type, filetypes.stored_name(name, examined.content_type)


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


def _writable(review: Review, field: str) -> None:
    """Nothing of a closed review changes, nor of a notification withdrawn as entered in
    error (issue 14)."""
    if review.stage == "closed":
        raise DocumentRefused(409, field, _("The review is closed; its documents can no "
                                             "longer change."))
    if review.withdrawn_on is not None:
        raise DocumentRefused(409, field, _(
            "This notification was withdrawn (entered in error); its documents can no "
            "longer change."))


def _validate_new(kind: str, title: str) -> None:
    if kind not in KINDS:
        raise DocumentRefused(422, "kind", _("Choose one of: %(choices)s.",
                                             choices=", ".join(KINDS)))
    if not title.strip() or len(title) > 200:
        raise DocumentRefused(422, "title", _("Enter a title of 1 to 200 characters."))


def upload(review: Review, content: bytes, filename: str, *, kind: str | None = None,
           title: str | None = None, document: Document | None = None) -> DocumentVersion:
    """A new document (kind, title) or a new version of ``document``."""
    _writable(review, "file")
    if document is None:
        _validate_new(kind or "", title or "")
    content_type, filename = _check(content, filename)
    digest, created = store(review.tenant_id).put(content)
    try:
        if document is None:
            document = Document(id=uuid.uuid4(), review_id=review.id, kind=kind,
                                title=title.strip(), latest_version=0)
            db.session.add(document)
        # a number is never given twice: a removed version's number stays its own
        document.latest_version = _last_number(document) + 1
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


def _last_number(document: Document) -> int:
    """The highest number this document's versions were ever given, removed ones too."""
    removed = db.session.scalar(select(func.max(DocumentRemoval.number)).where(
        DocumentRemoval.document_id == document.id)) if document.latest_version else None
    return max(document.latest_version or 0, removed or 0)


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


# Removing what was entered in error (issue 14, item 8). A removed version's row goes, and so
# does its file unless another version of this partnership holds the same content (files
# are stored once by their SHA-256); what was removed, by whom, when and why stays as a
# DocumentRemoval, on the timeline and in the audit trail. Nothing can then serve it: the
# download, the subject access search, the redaction gate and the tenant export read only
# the versions that remain.
REASON_LENGTH = 500


def removals_of(review: Review, roles=None) -> list[DocumentRemoval]:
    """What was removed from the review's documents, newest first (need to know: as the
    documents themselves)."""
    return [r for r in db.session.scalars(
        select(DocumentRemoval).where(DocumentRemoval.review_id == review.id)
        .order_by(DocumentRemoval.removed_at.desc(), DocumentRemoval.number.desc()))
        if readable(r.kind, roles)]


def remove(review: Review, document: Document, reason: str,
           number: int | None = None) -> list[DocumentRemoval]:
    """Remove one version of ``document`` (``number``), or the whole document with every
    version; a document left with no version is removed too."""
    reason = (reason or "").strip()
    _writable(review, "reason")
    if review.tenant_id != current_tenant_id():
        # A file is stored once per partnership (the lead's folder, by its SHA-256), and a
        # partner cannot see the lead's other reviews that may hold the same file: only the
        # lead may remove, so a removal never deletes a file the lead still uses.
        raise DocumentRefused(403, "reason", _(
            "Only the lead partnership can remove a joint review's documents."))
    if not reason or len(reason) > REASON_LENGTH:
        raise DocumentRefused(422, "reason", _(
            "Enter why the document is being removed, in %(n)s characters or fewer.",
            n=REASON_LENGTH))
    versions = list(db.session.scalars(select(DocumentVersion).where(
        DocumentVersion.document_id == document.id, DocumentVersion.review_id == review.id)
        .order_by(DocumentVersion.number)))
    going = [v for v in versions if number is None or v.number == number]
    if not going:
        raise DocumentRefused(404, "number", _("There is no such version of the document."))
    published = _published_ids(review)
    if any(str(v.id) in published for v in going):
        raise DocumentRefused(409, "reason", _(
            "This version is published on the partnership's public page, so it cannot be "
            "removed here."))
    remaining = [v for v in versions if v not in going]
    actor = who()[1]
    removals = []
    for version in going:
        removals.append(DocumentRemoval(
            document_id=document.id, review_id=review.id, kind=document.kind,
            title=document.title, number=version.number, sha256=version.sha256,
            uploaded_at=version.uploaded_at, uploaded_by=version.uploaded_by,
            removed_by=actor, reason=reason))
        db.session.delete(version)
    db.session.add_all(removals)
    db.session.flush()  # the versions go before the document they point at
    whole = not remaining
    if whole:
        db.session.delete(document)
    else:
        document.latest_version = remaining[-1].number
    db.session.flush()
    digests = {v.sha256 for v in going}
    orphans = {d for d in digests if not _referenced(d)}
    numbers = [v.number for v in going]
    timeline.add(review, "document", "document.removed",
                 {"document": str(document.id), "kind": document.kind, "versions": numbers,
                  "whole": whole})
    audit.record("document.remove", object_type="document", object_id=document.id,
                 details={"versions": numbers, "sha256": sorted(digests),
                          "files_deleted": len(orphans), "whole": whole,
                          "reason": reason})
    db.session.commit()
    blobs = store(review.tenant_id)
    for digest in orphans:  # after the commit: a failed removal leaves every file in place
        blobs.delete(digest)
    return removals


def _published_ids(review: Review) -> set[str]:
    from core.records.models import PublicationRecord

    ids: set[str] = set()
    for versions in db.session.scalars(select(PublicationRecord.versions).where(
            PublicationRecord.review_id == review.id)):
        for pinned in (versions or {}).values():
            ids.update(str(i) for i in pinned or ())
    return ids
