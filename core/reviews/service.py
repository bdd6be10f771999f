"""Review operations: the only code that writes reviews. Every query here is scoped to the
current tenant by the data layer (tenants/scoping.py), never by hand."""
from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core import lifecycle
from core.audit import service as audit
from core.db import db
from core.reviews import case_facts, clock
from core.reviews.facts import full_facts
from core.reviews.models import Hold, ReferenceCounter, Review, ReviewClock
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


def find_review(review_id: uuid.UUID) -> Review | None:
    """The review, if the current tenant owns it or shares in it (no audit: callers audit
    what they do; their events belong to the review's owner)."""
    review = db.session.scalar(select(Review).where(Review.id == review_id))
    if review is not None:
        audit.about_review(review)
    return review


def get_review(review_id: uuid.UUID) -> Review | None:
    """The review if the current tenant may see it; the read is audited."""
    review = find_review(review_id)
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
        clock.changed(review, "created")
        audit.record("review.create", object_type="review", object_id=review.id,
                     details={"reference": review.reference})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return review


def detail(review: Review) -> dict:
    """The review with its deadlines (as kept: what every list shows), hold state and the
    steps that may follow."""
    facts = full_facts(review)
    kept = clock.kept([review])[review.id]
    db.session.commit()  # what was computed again (if it was stale) is kept
    return {**{c.key: getattr(review, c.key) for c in Review.__table__.columns},
            "on_hold": facts.on_hold, "deadlines": clock.rows(kept),
            "next_steps": clock.next_steps(facts), "facts": facts,
            "scope_flags": case_facts.flags(review)}


def holds_of(review: Review) -> list[Hold]:
    return list(db.session.scalars(select(Hold).where(Hold.review_id == review.id)
                                   .order_by(Hold.started_on)))


def dashboard() -> dict:
    """What is overdue and due soon across the tenant, most urgent first, and the reviews
    by stage: the reviews and their kept clocks in one query (a clock missing or stale is
    computed first), however many reviews the tenant has."""
    found = db.session.execute(
        select(Review, ReviewClock).outerjoin(ReviewClock, ReviewClock.review_id == Review.id)
        .order_by(Review.reference)).all()
    reviews = [review for review, _row in found]
    kept = clock.kept(reviews, found={r.id: row for r, row in found if row is not None})
    urgent = []
    for review in reviews:
        if review.stage == lifecycle.Stage.CLOSED:
            continue
        for row in clock.rows(kept[review.id], clock.URGENT):
            urgent.append({**row, "review_id": review.id, "reference": review.reference,
                           "on_hold": kept[review.id]["on_hold"]})
    urgent.sort(key=lambda r: (r["status"] != "overdue", r["adjusted_due"], r["reference"]))
    by_stage: dict[str, list[Review]] = {}
    for review in reviews:
        by_stage.setdefault(review.stage, []).append(review)
    audit.record("review.dashboard", object_type="tenant", details={"reviews": len(reviews)})
    db.session.commit()
    return {"urgent": urgent, "by_stage": by_stage, "reviews": reviews,
            "on_hold": [r for r in reviews if kept[r.id]["on_hold"]]}


def learning_of(review: Review) -> list:
    from core.records.models import LearningTask

    return list(db.session.scalars(select(LearningTask).where(LearningTask.review_id == review.id)
                                   .order_by(LearningTask.due_on)))
