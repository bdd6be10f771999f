"""Joint reviews: a review led by one CSP and shared with partner CSPs.

The review and everything it holds keep the lead's ``tenant_id``; a partner reaches them
through an accepted, unremoved ``ReviewPartner`` row. Both isolation walls read that row
(tenants/scoping.py and the RLS policies), so removing a partner removes its access at once.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class ReviewPartner(TenantScoped, Model):
    """One partner CSP of one joint review (``tenant_id`` is the lead's)."""

    __tablename__ = "review_partners"
    __table_args__ = (UniqueConstraint("review_id", "partner_tenant_id"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"), index=True)
    partner_tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    signed_off_on: Mapped[date | None]


def shared_with(tenant_id: uuid.UUID):
    """The ids of reviews shared with ``tenant_id`` right now (a subquery)."""
    return select(ReviewPartner.review_id).where(
        ReviewPartner.partner_tenant_id == tenant_id, ReviewPartner.accepted_at.is_not(None),
        ReviewPartner.removed_at.is_(None))


def shares_of(review_id: uuid.UUID) -> list[ReviewPartner]:
    return list(_session().scalars(select(ReviewPartner).where(
        ReviewPartner.review_id == review_id).order_by(ReviewPartner.invited_at)))


def _session():
    from core.db import db

    return db.session
