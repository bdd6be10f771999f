"""Review operations: the only code that writes reviews. Every query here is scoped to the
current tenant by the data layer (tenants/scoping.py), never by hand."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from core import lifecycle
from core.audit import service as audit
from core.db import db
from core.reviews import case_facts, clock
from core.reviews.facts import full_facts
from core.reviews.models import Hold, ReferenceCounter, Review, ReviewClock
from core.web import paging
from tenants.models import Tenant


def freshen() -> None:
    """Keep the clock of every review the tenant sees fresh before a list filters or sorts
    on it (overdue, on hold, next due date are kept columns, read in SQL): the reviews whose
    kept clock is missing, stale or computed under other rules are found in one query
    (normally none: a change keeps its review's clock, and ``flask dhr send-reminders``
    every open review's each day) and computed again, with a fixed number of statements
    however many there are (clock.kept)."""
    on = clock.today()
    owners = list(db.session.scalars(select(Review.tenant_id).distinct()))  # and joint leads
    stale = or_(ReviewClock.id.is_(None), ReviewClock.fresh_until < on,
                ReviewClock.computed_on > on, ReviewClock.degraded.is_(True),
                *[and_(Review.tenant_id == owner, ReviewClock.basis != clock.basis(owner))
                  for owner in owners])
    found = db.session.execute(
        select(Review, ReviewClock).outerjoin(ReviewClock, ReviewClock.review_id == Review.id)
        .where(Review.withdrawn_on.is_(None), stale)).all()
    if found:
        clock.kept([review for review, _row in found],
                   found={r.id: row for r, row in found if row is not None})


def _like(text: str) -> str:
    """A case-insensitive 'contains' pattern; % and _ typed by a person match themselves."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def review_conditions(filters: dict) -> list:
    """The SQL conditions of the reviews list's filters (core/reviews/listing.py): closed
    reviews and withdrawn notifications are left out unless asked for; overdue and on hold
    are the kept clock's columns (fresh: ``freshen``)."""
    conditions = []
    if filters.get("q"):
        term = _like(filters["q"])
        conditions.append(or_(Review.reference.ilike(term, escape="\\"),
                              Review.pseudonym.ilike(term, escape="\\")))
    if filters.get("stage"):
        conditions.append(Review.stage == filters["stage"])
    elif not filters.get("closed"):
        conditions.append(Review.stage != lifecycle.Stage.CLOSED)
    if filters.get("guidance_profile"):
        conditions.append(Review.guidance_profile == filters["guidance_profile"])
    if filters.get("year"):
        year = filters["year"]
        conditions.append(Review.notification_date.between(date(year, 1, 1),
                                                           date(year, 12, 31)))
    if filters.get("overdue"):
        conditions.append(ReviewClock.overdue > 0)
    if filters.get("on_hold"):
        conditions.append(ReviewClock.on_hold.is_(True))
    if not filters.get("withdrawn"):
        conditions.append(Review.withdrawn_on.is_(None))
    return conditions


def _listed(filters: dict, rows: list, total: int, page: int) -> dict:
    """What the audit says of a list read: how many rows, which page, which filters."""
    return {"count": len(rows), "total": total, "page": page,
            "filters": {k: str(v) for k, v in filters.items() if v}}


REVIEW_SORTS = {"notified": Review.notification_date, "reference": Review.reference,
                "due": ReviewClock.next_due_on}
# Without an order: the newest notification first; by reference or due date: ascending.
DEFAULT_ORDER = {"notified": "desc", "reference": "asc", "due": "asc"}


def _ordered(query, column, ties, direction: str):
    """Sorted by ``column`` (a review without a date last, either way), then ``ties``."""
    way = (lambda c: c.desc()) if direction == "desc" else (lambda c: c.asc())
    return query.order_by(way(column).nulls_last(), *[way(t) for t in ties])


def list_reviews(filters: dict | None = None, page: int = 1,
                 page_size: int = paging.PAGE_SIZE, audited: bool = True) -> paging.Paged:
    """One page of the reviews the tenant sees (its own and the joint reviews shared with
    it), filtered and sorted in SQL: two queries (the page, the count) however many
    reviews there are. Items: {"review", "clock"} (the kept clock row, None if none).
    ``audited``: False when the caller audits the read itself (the dashboard)."""
    filters = filters or {}
    freshen()
    conditions = review_conditions(filters)
    sort = filters.get("sort") or "notified"
    joined = select(Review, ReviewClock).outerjoin(
        ReviewClock, ReviewClock.review_id == Review.id).where(*conditions)
    query = _ordered(joined, REVIEW_SORTS[sort], (Review.reference, Review.id),
                     filters.get("order") or DEFAULT_ORDER[sort])
    rows = db.session.execute(query.limit(page_size).offset(paging.offset(page, page_size))).all()
    total = db.session.scalar(
        select(func.count(Review.id)).select_from(Review)
        .outerjoin(ReviewClock, ReviewClock.review_id == Review.id).where(*conditions))
    if audited:
        audit.record("review.list", object_type="review", details=_listed(filters, rows, total,
                                                                          page))
        db.session.commit()
    return paging.Paged([{"review": r, "clock": row} for r, row in rows], total, page,
                        page_size)


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
            "next_steps": clock.next_steps(facts), "steps": clock.step_actions(facts),
            "facts": facts,
            "scope_flags": case_facts.flags(review)}


def holds_of(review: Review) -> list[Hold]:
    return list(db.session.scalars(select(Hold).where(Hold.review_id == review.id)
                                   .order_by(Hold.started_on)))


URGENT_REVIEWS = 25  # the dashboard's most urgent reviews; the list filters the rest


def dashboard(filters: dict | None = None, page: int = 1, with_list: bool = True) -> dict:
    """What is overdue and due soon across the tenant, most urgent first (the
    ``URGENT_REVIEWS`` most urgent reviews' deadlines), the reviews on hold, how many
    reviews are at each stage, and one page of the reviews list: a fixed number of
    queries, reading kept clocks, however many reviews the tenant has."""
    if with_list:
        listed = list_reviews(filters, page, audited=False)  # fresh clocks first (freshen)
    else:  # the dashboard API: what is urgent only
        freshen()
        listed = paging.Paged([], 0, page)
    open_ = (Review.stage != lifecycle.Stage.CLOSED, Review.withdrawn_on.is_(None))
    found = db.session.execute(
        select(Review, ReviewClock).join(ReviewClock, ReviewClock.review_id == Review.id)
        .where(*open_, or_(ReviewClock.overdue > 0, ReviewClock.due_soon > 0))
        .order_by((ReviewClock.overdue > 0).desc(), ReviewClock.next_due_on.asc().nulls_last(),
                  Review.reference).limit(URGENT_REVIEWS)).all()
    urgent = []
    for review, kept in found:
        for row in clock.rows({"deadlines": kept.deadlines}, clock.URGENT):
            urgent.append({**row, "review_id": review.id, "reference": review.reference,
                           "on_hold": kept.on_hold})
    urgent.sort(key=lambda r: (r["status"] != "overdue", r["adjusted_due"], r["reference"]))
    on_hold = list(db.session.scalars(
        select(Review).join(ReviewClock, ReviewClock.review_id == Review.id)
        .where(*open_, ReviewClock.on_hold.is_(True)).order_by(Review.reference)
        .limit(URGENT_REVIEWS)))
    by_stage = dict(db.session.execute(
        select(Review.stage, func.count(Review.id)).where(Review.withdrawn_on.is_(None))
        .group_by(Review.stage).order_by(Review.stage)).all())
    audit.record("review.dashboard", object_type="tenant",
                 details={"reviews": sum(by_stage.values()),
                          **({"list": _listed(filters or {}, listed.items, listed.total, page)}
                             if with_list else {})})
    db.session.commit()
    return {"urgent": urgent, "by_stage": by_stage, "on_hold": on_hold, "list": listed,
            "reviews": [item["review"] for item in listed.items]}


def learning_of(review: Review) -> list:
    from core.records.models import LearningTask

    return list(db.session.scalars(select(LearningTask).where(LearningTask.review_id == review.id)
                                   .order_by(LearningTask.due_on)))


# --- corrections and withdrawal (issue 14) ---------------------------------------------------

# The review's own details a person enters when recording the notification (the case facts
# are corrected in core/reviews/case_facts.py; the guidance profile is fixed for its life).
DETAILS = ("pseudonym", "date_of_death", "notification_date", "notifying_agency")

# Stages before any decision: a notification entered in error may be withdrawn only then.
# Once the partnership has decided (commission or not) and told the Home Office, the
# decision stays on the record and the review ends through its steps (our decision, issue
# 14; no guidance covers withdrawal).
WITHDRAWABLE = frozenset({lifecycle.Stage.NOTIFIED, lifecycle.Stage.SCOPING})


class ReviewInvalid(Exception):
    """A correction that breaks the review's rules: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class ReviewConflict(Exception):
    """The review changed meanwhile, is closed or withdrawn; the message says what."""


def _correctable(review: Review) -> None:
    from flask_babel import gettext as _

    if review.stage == lifecycle.Stage.CLOSED:
        raise ReviewConflict(_("The review is closed; its details can no longer change."))
    if review.withdrawn_on is not None:
        raise ReviewConflict(_("This notification was withdrawn (entered in error); its "
                               "details can no longer change."))


def _stale(review: Review) -> ReviewConflict:
    from flask_babel import gettext as _

    return ReviewConflict(_(
        "Someone else changed this review while you were working on it. Reload the page, "
        "check their change, then make yours again."))


def update_details(review: Review, data: dict, expected_version: int | None = None) -> Review:
    """Correct the review's own details (only those sent, only those that differ), in one
    transaction with the timeline entry and the audit event, which name the fields changed
    and never their values (a pseudonym, a date of death)."""
    from flask_babel import gettext as _
    from sqlalchemy.orm.exc import StaleDataError

    from core.i18n import uk_date
    from core.reviews import timeline

    _correctable(review)
    if expected_version is not None and expected_version != review.version:
        raise _stale(review)
    changed = sorted(name for name in DETAILS
                     if name in data and data[name] != getattr(review, name))
    if not changed:
        return review

    def value(name):
        return data[name] if name in changed else getattr(review, name)

    errors = {}
    if value("notification_date") < value("date_of_death"):
        errors["notification_date"] = _(
            "The notification date cannot be before the date of death.")
    elif review.decision_date and value("notification_date") > review.decision_date:
        errors["notification_date"] = _(
            "The notification date cannot be after the decision (%(date)s).",
            date=uk_date(review.decision_date))
    if errors:
        raise ReviewInvalid(errors)
    try:
        for name in changed:
            setattr(review, name, data[name])
        timeline.add(review, "record", "review_details.updated", {"changed": changed})
        audit.record("review.details", object_type="review", object_id=review.id,
                     details={"fields": changed})
        db.session.commit()
    except StaleDataError:  # another change won the race: theirs stands
        db.session.rollback()
        db.session.refresh(review)
        raise _stale(review) from None
    return review


def withdraw(review: Review, reason: str, actor_id: uuid.UUID | None,
             expected_version: int | None = None) -> Review:
    """Withdraw a notification entered in error (a death in 1850), with the reason: the
    review stays readable, says it was withdrawn and why, and leaves the dashboard, the
    clocks and the reminders. Only before any decision (``WITHDRAWABLE``)."""
    from datetime import date

    from flask_babel import gettext as _
    from sqlalchemy.orm.exc import StaleDataError

    from core.labels import stage_label
    from core.reviews import timeline

    if review.withdrawn_on is not None:
        raise ReviewConflict(_("This notification was already withdrawn."))
    if expected_version is not None and expected_version != review.version:
        raise _stale(review)
    if review.stage not in WITHDRAWABLE:
        raise ReviewConflict(_(
            "A notification can only be withdrawn before the decision whether to commission "
            "a review. This review is at the stage '%(stage)s': take its next steps instead.",
            stage=stage_label(review.stage)))
    reason = (reason or "").strip()
    if not reason:
        raise ReviewInvalid({"reason": _("Enter why the notification is withdrawn")})
    if len(reason) > 2000:
        raise ReviewInvalid({"reason": _("The reason must be 2000 characters or fewer")})
    try:
        review.withdrawn_on = date.today()
        review.withdrawn_reason = reason
        review.withdrawn_by = actor_id
        timeline.add(review, "record", "review.withdrawn", {"stage": review.stage})
        audit.record("review.withdraw", object_type="review", object_id=review.id,
                     details={"stage": review.stage})
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(review)
        raise _stale(review) from None
    return review
