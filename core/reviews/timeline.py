"""Writing the timeline: one entry per event, in the same transaction as the event."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.audit.service import who
from core.db import db
from core.reviews import clock
from core.reviews.models import Review, TimelineEvent


def add(review: Review, kind: str, name: str, data: dict | None = None,
        from_stage: str | None = None, to_stage: str | None = None) -> TimelineEvent:
    event = TimelineEvent(review_id=review.id, actor=who()[1], kind=kind, name=name,
                          from_stage=from_stage, to_stage=to_stage, data=data or {})
    db.session.add(event)
    clock.changed(review, name)  # every change is on the timeline: the clock follows it
    return event


def of(review: Review, roles) -> list:
    """The review's events, newest first, as ``roles`` may see them: an event about a
    record or document the reader may not read (family contacts, agency reports for a
    viewer) keeps its date, actor and kind but none of its details. Page and API share
    this, so neither can show more than the records themselves would."""
    events = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.review_id == review.id)
        .order_by(TimelineEvent.occurred_at.desc()))
    return [event if _may_read(event, roles) else _withheld(event) for event in events]


def _needs(event: TimelineEvent) -> str | None:
    """The permission an event's details need beyond reading the review, if any."""
    from core.documents.service import RESTRICTED
    from core.records.kinds import KINDS

    if event.kind == "record":
        key = event.name.split(".", 1)[0]
        kind = next((k for k in KINDS if k.key == key), None)
        return kind.read_permission if kind is not None else None
    if event.kind == "document":
        return RESTRICTED.get((event.data or {}).get("kind"))
    return None


def _may_read(event: TimelineEvent, roles) -> bool:
    from core.auth.roles import allows

    needed = _needs(event)
    return needed is None or allows(roles, needed)


@dataclass(frozen=True)
class Withheld:
    """A timeline entry without its details (never the ORM row: nothing can flush it)."""

    id: object
    occurred_at: object
    actor: str
    kind: str
    name: str
    from_stage: str | None
    to_stage: str | None
    data: dict


def _withheld(event: TimelineEvent) -> Withheld:
    return Withheld(event.id, event.occurred_at, event.actor, event.kind, event.name,
                    event.from_stage, event.to_stage, {})
