"""The case facts at notification (issue 13, part 3): recorded with the review, corrected
by its coordinator or chair, and what they say about scope. The page and the API share
this; the timeline and the audit trail say what changed and who changed it."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from core.audit import service as audit
from core.db import db
from core.lifecycle import scope
from core.reviews import timeline
from core.reviews.models import Review

FIELDS = ("victim_age", "relationship_to_suspect", "death_type", "police_force")


class FactsConflict(Exception):
    """The review changed meanwhile, or is closed; the message says what to do."""


def flags(review: Review) -> list[dict]:
    """What the facts say against the definition, in the reader's language."""
    return [{"code": f.code, "message": _(f.message)}
            for f in scope.scope_flags(review.victim_age, review.relationship_to_suspect)]


def update(review: Review, data: dict, expected_version: int | None = None) -> Review:
    """Change the facts sent (only those), in one transaction with the timeline entry and
    the audit event."""
    if review.stage == "closed":
        raise FactsConflict(_("The review is closed; its facts can no longer change."))
    if review.withdrawn_on is not None:
        raise FactsConflict(_("This notification was withdrawn (entered in error); its "
                              "facts can no longer change."))
    if expected_version is not None and expected_version != review.version:
        raise _stale(review)
    changed = sorted(name for name in FIELDS
                     if name in data and data[name] != getattr(review, name))
    if not changed:
        return review
    try:
        for name in changed:
            setattr(review, name, data[name])
        timeline.add(review, "record", "case_facts.updated", {"changed": changed})
        audit.record("review.case_facts", object_type="review", object_id=review.id,
                     details={"fields": changed})
        db.session.commit()
    except StaleDataError:  # another change won the race: theirs stands
        db.session.rollback()
        db.session.refresh(review)
        raise _stale(review) from None
    return review


def _stale(review: Review) -> FactsConflict:
    """In words, never a version number (issue 14, item 1)."""
    return FactsConflict(_(
        "Someone else changed this review while you were working on it. Reload the page, "
        "check the facts, then make your change again."))


def family_summary(contacts: list) -> dict | None:
    """Family engagement at a glance (issue 13, part 4), from the review's family contacts:
    whether specialist advocacy was offered at the first contact (an attempt is not one)
    and through whom, and the latest answer to each of the family's questions.
    Source: FAMG (https://fly1.wordsworth.site/government/publications/guidance-for-domestic-homicide-review-chairs-on-support-for-families/guidance-for-domestic-homicide-review-chairs-support-for-families):
    advocacy is signposted at the first meeting with the family."""
    if not contacts:
        return None
    ordered = sorted(contacts, key=lambda c: (c.contacted_on, c.created_at))
    first = next((c for c in ordered if c.method != "attempt"), None)

    def latest(name):
        return next((getattr(c, name) for c in reversed(ordered) if getattr(c, name)), None)

    offered = next((c for c in ordered if c.advocacy_offered), None)
    return {
        "first_contact_on": first.contacted_on if first else None,
        "offered_at_first": bool(first and first.advocacy_offered),
        "offered_by": offered.advocacy_by if offered else None,
        "offered_on": offered.contacted_on if offered else None,
        "leaflets": sorted({c.leaflet for c in ordered if c.leaflet}),
        "update_schedule": latest("update_schedule"),
        "pseudonym_say": latest("pseudonym_say"),
        "draft_response": latest("draft_response"),
        "preferred_language": latest("preferred_language"),
    }
