"""A partnership's own audit trail for a date range, as CSV. It holds:

- every event tagged with the partnership;
- its members' account events (sign-ins, failed codes, sign-outs, resets), which are
  platform events because an account is not one partnership's, from the time each joined
  it (their earliest role still held there): an account added from another partnership
  brings none of its earlier history;
- what partner partnerships did to its joint reviews (their events on its reviews and on
  the records and documents those reviews hold).

Nothing else of any other partnership, and no other platform event, is included."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from core import csvsafe
from core.audit.models import AuditEvent
from core.dataops.tables import tenant_tables
from core.db import db
from core.reviews.models import Review
from tenants.context import tenant_scope
from tenants.models import Membership
from tenants.sharing import ReviewPartner

COLUMNS = ("seq", "occurred_at", "actor", "action", "object_type", "object_id",
           "source_ip", "details", "hash")
MAX_DAYS = 366


def _belongs_to(tenant_id):
    """The events that belong in the tenant's trail (see the module's docstring)."""
    # a member's account events from the time they joined: none from before, when they
    # were someone else's (their earliest role still held here counts)
    joined = select(Membership.id).where(
        Membership.tenant_id == tenant_id, Membership.user_id == AuditEvent.actor_id,
        Membership.created_at <= AuditEvent.occurred_at).exists()
    with tenant_scope(tenant_id):
        reviews = [str(i) for i in db.session.scalars(
            select(Review.id).where(Review.tenant_id == tenant_id))]
        held = _held_in_joint_reviews(tenant_id)
    return or_(AuditEvent.tenant_id == tenant_id,
               and_(AuditEvent.tenant_id.is_(None), AuditEvent.action.startswith("auth."),
                    joined),
               and_(AuditEvent.object_type == "review", AuditEvent.object_id.in_(reviews)),
               AuditEvent.object_id.in_(held))


def _held_in_joint_reviews(tenant_id) -> list[str]:
    """Ids of the rows (records, documents) of the tenant's joint reviews: partners' events
    about them (an added record, a download) belong in the lead's trail too."""
    shared = list(db.session.scalars(select(ReviewPartner.review_id).where(
        ReviewPartner.tenant_id == tenant_id)))
    if not shared:
        return []
    ids: list[str] = []
    for table in tenant_tables():
        if "review_id" in table.c and "id" in table.c and table.name != "review_partners":
            ids += [str(i) for i in db.session.scalars(select(table.c.id).where(
                table.c.review_id.in_(shared), table.c.tenant_id == tenant_id))]
    return ids


def events(tenant_id, start: date | None = None, end: date | None = None):
    """The tenant's events from the start of ``start`` to the end of ``end`` (UTC); all of
    them without bounds (the tenant export)."""
    query = select(AuditEvent).where(_belongs_to(tenant_id))
    if start is not None:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(start, time.min))
    if end is not None:
        query = query.where(
            AuditEvent.occurred_at < datetime.combine(end + timedelta(days=1), time.min))
    return db.session.scalars(query.order_by(AuditEvent.seq)).all()


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)  # quotes a cell a spreadsheet would run as a formula
    writer.writerow(COLUMNS)
    for e in rows:
        writer.writerow([
            e.seq, e.occurred_at.isoformat(timespec="seconds"), e.actor, e.action,
            e.object_type, e.object_id, e.source_ip,
            json.dumps(e.details, sort_keys=True, ensure_ascii=False), e.hash])
    return out.getvalue()
