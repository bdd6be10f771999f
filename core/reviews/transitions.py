"""Taking a step in a review's lifecycle: one transaction with its effects, its timeline
entry and its audit event, or nothing at all."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from core import lifecycle
from core.audit import service as audit
from core.db import db
from core.lifecycle.transitions import HOLD, RESUME, may_take
from core.records.models import HomeOfficeSubmission, PublicationRecord
from core.reviews import timeline
from core.reviews.facts import full_facts
from core.reviews.models import Hold, Review
from tenants.models import utcnow

TARGETS = frozenset(lifecycle.STAGES) | {HOLD, RESUME}


class StepProblem(Exception):
    """A step that cannot be taken. ``status`` is the HTTP answer: 403, 409 or 422."""

    def __init__(self, status: int, problems: list[lifecycle.Problem]):
        super().__init__([p.code for p in problems])
        self.status, self.problems = status, problems


def _problem(code: str, message: str, field: str | None = None) -> lifecycle.Problem:
    return lifecycle.Problem(code, message, {}, field)


def resolve(review: Review, to: str) -> lifecycle.Transition:
    if to not in TARGETS:
        raise StepProblem(422, [_problem("unknown_stage", _("There is no stage called that."),
                                         "to")])
    transition = lifecycle.find_transition(review.stage, to)
    if transition is None:
        raise StepProblem(409, [_problem("wrong_stage",
                                         _("This step is not possible at this stage."))])
    return transition


def take(review: Review, to: str, data: dict, roles, expected_version: int | None = None
         ) -> Review:
    """Move ``review`` to ``to`` with the step's ``data`` (already type-checked)."""
    if expected_version is not None and expected_version != review.version:
        raise StepProblem(409, [_problem("stale", _(
            "The review changed since you loaded it: it is now at version %(version)s, "
            "stage %(stage)s. Reload it and try again.",
            version=review.version, stage=review.stage))])
    transition = resolve(review, to)
    if not may_take(transition, roles):
        raise StepProblem(403, [_problem("role", _("Your role may not take this step."))])
    facts = full_facts(review)
    invalid = lifecycle.validate_data(facts, transition, data)
    if invalid:
        raise StepProblem(422, invalid)
    refused = lifecycle.check(facts, transition)
    if refused:
        raise StepProblem(409, refused)
    return _apply(review, transition, data)


def _apply(review: Review, transition: lifecycle.Transition, data: dict) -> Review:
    before = review.stage
    try:
        EFFECTS.get(transition.name, _nothing)(review, data)
        review.stage = transition.target_stage(before)
        review.last_step_at = utcnow()
        db.session.flush()  # the version check: a concurrent step makes this fail
        timeline.add(review, "transition", transition.name, _jsonable(data), before,
                     review.stage)
        audit.record(f"review.{transition.name}", object_type="review", object_id=review.id,
                     details={"from": before, "to": review.stage})
        db.session.commit()
    except (StaleDataError, OperationalError) as lost:
        db.session.rollback()
        # SQLite reports a concurrent writer as "database is locked"; anything else is real.
        if isinstance(lost, OperationalError) and "locked" not in str(lost.orig):
            raise
        raise StepProblem(409, [_problem("stale", _(
            "Someone else moved this review at the same moment. Reload it to see where it "
            "is now."))]) from None
    except Exception:
        db.session.rollback()
        raise
    return review


def _jsonable(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


# --- what each step writes ----------------------------------------------------------------

def _nothing(_review: Review, _data: dict) -> None:
    return None


def _decide(outcome: str):
    def effect(review: Review, data: dict) -> None:
        review.decision = outcome
        review.decision_date = data["decision_date"]
        review.decision_reasons = data["reasons"]
        review.home_office_told_on = data["home_office_told_on"]

    return effect


def _directed(review: Review, data: dict) -> None:
    review.decision = "directed"


def _submit(review: Review, data: dict) -> None:
    db.session.add(HomeOfficeSubmission(
        review_id=review.id, signed_off_on=data["signed_off_on"],
        submitted_on=data["submitted_on"], copies_sent_on=data.get("copies_sent_on")))
    review.submitted_on = review.submitted_on or data["submitted_on"]


def _outcome(outcome: str | None):
    def effect(review: Review, data: dict) -> None:
        latest = db.session.scalars(
            select(HomeOfficeSubmission).where(HomeOfficeSubmission.review_id == review.id)
            .order_by(HomeOfficeSubmission.created_at.desc())).first()
        latest.outcome = outcome or data["outcome"]
        latest.outcome_on = data["outcome_on"]

    return effect


def _publish(review: Review, data: dict) -> None:
    profile = lifecycle.profile_for(review.guidance_profile)
    review.published_on = data["published_on"]
    db.session.add(PublicationRecord(
        review_id=review.id, decision="publish", decided_on=data["published_on"],
        published_on=data["published_on"],
        online_until=lifecycle.add_months(data["published_on"], profile.publication_months)))


def _not_publish(review: Review, data: dict) -> None:
    db.session.add(PublicationRecord(review_id=review.id, decision="not_publish",
                                     decided_on=data["decided_on"], reasons=data["reasons"]))


def _hold(review: Review, data: dict) -> None:
    db.session.add(Hold(review_id=review.id, stage=review.stage, reason=data["reason"],
                        note=data.get("note"), started_on=data["started_on"]))


def _resume(review: Review, data: dict) -> None:
    open_hold = db.session.scalar(select(Hold).where(Hold.review_id == review.id,
                                                     Hold.resumed_on.is_(None)))
    open_hold.resumed_on = data["resumed_on"]


EFFECTS = {
    "commission": _decide("commission"),
    "not_commission": _decide("not_commission"),
    "directed": _directed,
    "submit": _submit,
    "approve": _outcome(None),
    "resubmit": _outcome("resubmit"),
    "publish": _publish,
    "not_publish": _not_publish,
    HOLD: _hold,
    RESUME: _resume,
}
