"""What the public may see: published reviews, their published documents while the
policy keeps them online, and a way to ask for them afterwards. Nothing else: no stage,
no pseudonym, no draft, nothing of a review that was not published."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core.audit import service as audit
from core.db import db
from core.documents.models import DocumentVersion
from core.notifications.service import enqueue
from core.public.models import DocumentRequest
from core.records.models import PublicationRecord
from core.reviews.models import Review
from tenants.models import Membership
from tenants.roles import TenantRole


@dataclass(frozen=True)
class Published:
    review_id: object
    reference: str
    published_on: date
    online_until: date | None
    documents: tuple[str, ...]
    after: str | None
    versions: dict  # kind -> the document version ids published (pinned at publication)

    def online(self, today: date) -> bool:
        return self.online_until is None or today <= self.online_until

    def on_request(self, today: date) -> bool:
        return not self.online(today) and self.after == "on_request"


def published(tenant_id, today: date | None = None) -> list[Published]:
    """This partnership's own published reviews (not a joint review it only partners in),
    from their publication date on."""
    today = today or date.today()
    rows = db.session.execute(
        select(Review.id, Review.reference, PublicationRecord)
        .join(PublicationRecord, PublicationRecord.review_id == Review.id)
        .where(PublicationRecord.decision == "publish", Review.tenant_id == tenant_id,
               PublicationRecord.published_on <= today)
        .order_by(PublicationRecord.published_on.desc()))
    return [Published(rid, ref, p.published_on, p.online_until, tuple(p.documents or ()),
                      p.after, dict(p.versions or {})) for rid, ref, p in rows]


def find(tenant_id, reference: str) -> Published | None:
    return next((p for p in published(tenant_id) if p.reference == reference), None)


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


def request_copy(item: Published, email: str, message: str | None) -> DocumentRequest:
    """Log a request and tell the partnership's coordinators (through the outbox)."""
    from core.auth.models import User

    row = DocumentRequest(review_id=item.review_id, email=email, message=message)
    db.session.add(row)
    db.session.flush()
    coordinators = db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id).where(
            Membership.role == TenantRole.REVIEW_COORDINATOR,
            Membership.tenant_id == db.session.get(Review, item.review_id).tenant_id))
    for recipient in coordinators:
        enqueue(kind="document_request", dedupe_key=f"document_request:{row.id}",
                recipient=recipient, review_id=item.review_id,
                subject=f"DHR {item.reference}: a request for the published reports",
                body=(f"Someone asked for the reports of review {item.reference}.\n"
                      "Sign in to DHR Hub to see the request and reply."))
    audit.record("public.request", object_type="review", object_id=item.review_id,
                 actor=(None, "public"))
    db.session.commit()
    return row
