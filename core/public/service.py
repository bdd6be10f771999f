"""What the public may see: published reviews, their published documents while the
policy keeps them online, a way to ask for them afterwards, and the decisions not to
publish that the area's policy announces. Nothing else: no stage, no pseudonym, no draft,
no date of death (its year only), no reasons for not publishing.

A joint review is listed on the public page of its lead and of every partner that accepted
it (tenants/sharing.py): the same entry, with the lead's publication record."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from core.audit import service as audit
from core.db import db
from core.documents.models import DocumentVersion
from core.notifications.service import enqueue
from core.public.models import DocumentRequest
from core.records.models import PublicationRecord
from core.reviews.models import Review
from tenants.models import Membership, Tenant
from tenants.roles import TenantRole
from tenants.sharing import shared_with


@dataclass(frozen=True)
class PublicFile:
    """A published document as the list shows it: its kind, format and size."""
    kind: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Published:
    review_id: object
    reference: str
    published_on: date
    online_until: date | None
    documents: tuple[str, ...]
    after: str | None
    versions: dict  # kind -> the document version ids published (pinned at publication)
    death_year: int | None = None
    terms: dict = field(default_factory=dict)  # the review's own words (DHR or DARDR)
    files: tuple[PublicFile, ...] = ()  # what is pinned, in the plan's order
    own: bool = True  # this partnership's review (False: a joint review it partners in)

    def online(self, today: date) -> bool:
        return self.online_until is None or today <= self.online_until

    def on_request(self, today: date) -> bool:
        return not self.online(today) and self.after == "on_request"

    def listed(self, today: date) -> bool:
        return self.online(today) or self.on_request(today)


@dataclass(frozen=True)
class NotPublished:
    """A decision not to publish that the area's policy announces (SEED-AUDIT.md G6)."""
    reference: str
    year: int
    notice: str
    terms: dict = field(default_factory=dict)


def _visible(tenant_id):
    """This partnership's reviews and the joint reviews it accepted (the walls admit the
    same; said here too, so the page never depends on the context alone)."""
    return or_(Review.tenant_id == tenant_id, Review.id.in_(shared_with(tenant_id)))


def _terms(tenant_id, reviews) -> dict:
    from core.policies import service as policies

    tenant = db.session.get(Tenant, tenant_id)
    return policies.terms_of(tenant, reviews) if tenant is not None else {}


def published(tenant_id, today: date | None = None) -> list[Published]:
    """The published reviews of this partnership and the joint reviews it partners in,
    from their publication date on, newest first."""
    today = today or date.today()
    rows = db.session.execute(
        select(Review, PublicationRecord)
        .join(PublicationRecord, PublicationRecord.review_id == Review.id)
        .where(PublicationRecord.decision == "publish", _visible(tenant_id),
               PublicationRecord.published_on <= today)
        .order_by(PublicationRecord.published_on.desc(), Review.reference.desc())).all()
    terms = _terms(tenant_id, [review for review, _p in rows])
    pinned = {uuid.UUID(ids[0]): kind for _r, p in rows
              for kind, ids in (p.versions or {}).items() if ids}
    sizes = {v.id: (v.content_type, v.size) for v in db.session.scalars(
        select(DocumentVersion).where(DocumentVersion.id.in_(list(pinned))))} if pinned else {}
    items = []
    for review, p in rows:
        files = []
        for kind in p.documents or ():
            ids = (p.versions or {}).get(kind) or []
            found = sizes.get(uuid.UUID(ids[0])) if ids else None
            if found:
                files.append(PublicFile(kind, *found))
        items.append(Published(
            review.id, review.reference, p.published_on, p.online_until,
            tuple(p.documents or ()), p.after, dict(p.versions or {}),
            review.date_of_death.year if review.date_of_death else None,
            terms.get(review.id, {}), tuple(files), review.tenant_id == tenant_id))
    return items


def not_published(tenant_id) -> list[NotPublished]:
    """Decisions not to publish that the area's policy announced, newest first: the
    reference, the year of the decision and the guidance it cites; never the reasons."""
    rows = db.session.execute(
        select(Review, PublicationRecord)
        .join(PublicationRecord, PublicationRecord.review_id == Review.id)
        .where(PublicationRecord.decision == "not_publish", PublicationRecord.notice.is_not(None),
               _visible(tenant_id))
        .order_by(PublicationRecord.decided_on.desc(), Review.reference.desc())).all()
    terms = _terms(tenant_id, [review for review, _p in rows])
    return [NotPublished(review.reference, p.decided_on.year, p.notice, terms.get(review.id, {}))
            for review, p in rows]


def find(tenant_id, reference: str) -> Published | None:
    """The listed review with this reference. Partnerships' reference prefixes need not
    differ, so a joint review may share its reference with one of the partner's own: the
    partner's own review answers to it then, never whichever is newer."""
    found = [p for p in published(tenant_id) if p.reference == reference]
    return next((p for p in found if p.own), found[0] if found else None)


def document(item: Published, kind: str, today: date) -> tuple[DocumentVersion, bytes] | None:
    """The latest version of a published kind, while the policy keeps it online."""
    from core.documents.service import read

    pinned = item.versions.get(kind) or []
    if kind not in item.documents or not item.online(today) or not pinned:
        return None
    # Only what was published: a version uploaded later is never served to the public.
    version = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.id == uuid.UUID(pinned[0]),
        DocumentVersion.review_id == item.review_id))
    return (version, read(version)) if version else None


def request_copy(item: Published, email: str, message: str | None,
                 tenant_id=None) -> DocumentRequest:
    """Log a request and tell the coordinators of the partnership whose page it came from
    (through the outbox; a request made on a partner's page stays the partner's, as its
    row does)."""
    from core.auth.models import User

    row = DocumentRequest(review_id=item.review_id, email=email, message=message)
    db.session.add(row)
    db.session.flush()
    coordinators = db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id).where(
            Membership.role == TenantRole.REVIEW_COORDINATOR,
            Membership.tenant_id == (tenant_id or row.tenant_id)))
    short = (item.terms or {}).get("short", "DHR")
    for recipient in coordinators:
        enqueue(kind="document_request", dedupe_key=f"document_request:{row.id}",
                recipient=recipient, review_id=item.review_id,
                subject=f"{short} {item.reference}: a request for the published reports",
                body=(f"Someone asked for the reports of review {item.reference}.\n"
                      "Sign in to DHR Hub to see the request and reply."))
    audit.record("public.request", object_type="review", object_id=item.review_id,
                 actor=(None, "public"))
    db.session.commit()
    return row


# --- documents published after the review (Manchester's learning pack) -------------------

class PublishProblem(Exception):
    """A document that cannot be published now: ``status`` (403, 409) and words a person
    can act on."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def later_kinds(review: Review) -> list[dict]:
    """The kinds the publication plan names that were not published with the review (a
    learning pack made after publication): each with whether a version is uploaded and
    whether one is published."""
    from core.documents.models import Document

    record = _publication(review)
    if record is None:
        return []
    uploaded = set(db.session.scalars(select(Document.kind).where(
        Document.review_id == review.id, Document.kind.in_(record.documents or []))))
    return [{"kind": kind, "uploaded": kind in uploaded,
             "published": bool((record.versions or {}).get(kind)), "later": True}
            for kind in record.documents or () if kind in LATER_KINDS]


# Kinds made after publication and published on their own once ready: the learning pack
# (Source: seed 002 Manchester, learning packs "as soon as practicable after publication",
# on the website; SEED-AUDIT.md M8).
LATER_KINDS = ("learning_product",)


def _publication(review: Review) -> PublicationRecord | None:
    return db.session.scalar(select(PublicationRecord).where(
        PublicationRecord.review_id == review.id, PublicationRecord.decision == "publish"))


def publish_later(review: Review, kind: str, lead_tenant_id) -> PublicationRecord:
    """Publish the latest version of ``kind`` on the public page, after the review itself
    was published: only a kind the plan names (and did not publish yet), once uploaded, and
    once the redaction check finds no protected name in it. One transaction with its
    timeline entry and audit event."""
    from flask_babel import gettext as _

    from core.documents.models import Document
    from core.labels import code_label
    from core.names import redaction
    from core.reviews import timeline

    if review.tenant_id != lead_tenant_id:
        raise PublishProblem(403, "not_lead", _(
            "Only the lead partnership publishes the documents of a joint review."))
    record = _publication(review)
    if record is None:
        raise PublishProblem(409, "not_published", _(
            "The review is not published: publish it first, then its learning pack."))
    if kind not in LATER_KINDS or kind not in (record.documents or []):
        raise PublishProblem(409, "not_in_plan", _(
            "The publication plan does not publish a %(kind)s for this review.",
            kind=code_label(kind).lower()))
    latest = db.session.execute(
        select(DocumentVersion)
        .join(Document, DocumentVersion.document_id == Document.id)
        .where(Document.review_id == review.id, Document.kind == kind,
               DocumentVersion.number == Document.latest_version)
        .order_by(DocumentVersion.uploaded_at.desc())).scalars().first()
    if latest is None:
        raise PublishProblem(409, "not_uploaded", _(
            "Upload the %(kind)s to the review's documents first, then publish it.",
            kind=code_label(kind).lower()))
    hits = redaction.scan(review, [kind])
    if hits:
        raise PublishProblem(409, "protected_names_found", _(
            "Protected names or details appear %(count)s times in the document. Open the "
            "redaction check to see where, upload a corrected version, then try again.",
            count=len(hits)))
    record.versions = {**(record.versions or {}), kind: [str(latest.id)]}
    timeline.add(review, "record", "publication_records.document_published",
                 {"id": str(record.id), "kind": kind, "version": latest.number})
    audit.record("publication.document", object_type="review", object_id=review.id,
                 details={"kind": kind, "version": latest.number})
    db.session.commit()
    return record
