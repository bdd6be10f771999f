"""Review operations: the only code that writes reviews. Every query here is scoped to the
current tenant by the data layer (tenants/scoping.py), never by hand."""
from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.audit import service as audit
from core.db import db
from core.reviews.models import ReferenceCounter, Review
from tenants.models import Tenant


def list_reviews() -> list[Review]:
    reviews = list(
        db.session.scalars(
            select(Review).order_by(Review.notification_date.desc(), Review.reference.desc())
        )
    )
    audit.record("review.list", object_type="review", details={"count": len(reviews)})
    db.session.commit()
    return reviews


def get_review(review_id: uuid.UUID) -> Review | None:
    """The review if the current tenant may see it; the read is audited."""
    review = db.session.scalar(select(Review).where(Review.id == review_id))
    if review is not None:
        audit.record("review.read", object_type="review", object_id=review.id)
        db.session.commit()
    return review


def _next_number(year: int) -> int:
    bump = (
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
    )
    if db.session.execute(bump).rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last_number=1))
            return 1
        except IntegrityError:  # another request made this year's counter first
            db.session.execute(bump)
    return db.session.scalar(
        select(ReferenceCounter.last_number).where(ReferenceCounter.year == year)
    )


def create_review(tenant: Tenant, data: dict, actor_id: uuid.UUID | None) -> Review:
    """Record a notified death as a new review; one transaction with its audit event."""
    year = data["notification_date"].year
    try:
        number = _next_number(year)
        review = Review(
            reference=f"{tenant.reference_prefix}-{year}-{number:03d}",
            created_by=actor_id,
            **data,
        )
        db.session.add(review)
        db.session.flush()
        audit.record("review.create", object_type="review", object_id=review.id,
                     details={"reference": review.reference})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return review
