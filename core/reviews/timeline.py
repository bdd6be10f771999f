"""Writing the timeline: one entry per event, in the same transaction as the event."""
from __future__ import annotations

from sqlalchemy import select

from core.audit.service import who
from core.db import db
from core.reviews.models import Review, TimelineEvent


def add(review: Review, kind: str, name: str, data: dict | None = None,
        from_stage: str | None = None, to_stage: str | None = None) -> TimelineEvent:
    event = TimelineEvent(review_id=review.id, actor=who()[1], kind=kind, name=name,
                          from_stage=from_stage, to_stage=to_stage, data=data or {})
    db.session.add(event)
    return event


def of(review: Review) -> list[TimelineEvent]:
    return list(db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.review_id == review.id)
        .order_by(TimelineEvent.occurred_at.desc())))
