"""Walks an invented demo review to a stage through the real services (every guard holds
because the demo records what each step needs). Dates follow the notification date, and
so does the timeline: each entry is dated the day it happened in the invented story, not
the day the demo was loaded (issue 14). The audit trail keeps the real time of the load:
it records what the service did, and its hash chains cover each event's time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from core.db import db
from core.documents import service as documents
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews import transitions
from core.reviews.models import Review, TimelineEvent

ROLES = {"csp_chair", "review_coordinator"}
PATH = ("scoping", "setup", "evidence", "drafting", "local_signoff", "home_office_qa",
        "ready_to_publish", "published", "monitoring")


# The day of the story (days after the notification) on which each step was taken.
STEP_DAYS = {"scoping": 3, "setup": 10, "not_commissioned": 10, "evidence": 32,
             "drafting": 72, "local_signoff": 125, "home_office_qa": 152,
             "ready_to_publish": 250, "published": 280, "monitoring": 300}


def _add(review: Review, kind: str, on: date | None = None, **data) -> object:
    record = records.add_record(review, BY_SLUG[kind], data)
    dated(review, on)
    return record


def _upload(review: Review, kind: str, title: str, on: date | None = None) -> None:
    documents.upload(review, f"Invented demo document: {title}.".encode(), f"{kind}.txt",
                     kind=kind, title=title)
    dated(review, on)


def _day(review: Review, offset: int) -> date:
    return min(review.notification_date + timedelta(days=offset), date.today())


def dated(review: Review, on: date | None) -> None:
    """Date the review's timeline entries written just now (they say today) to ``on``, in
    the order they were written, a minute apart from 09:00."""
    if on is None:
        return
    today = datetime.combine(date.today(), time.min)
    events = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.review_id == review.id,
                                    TimelineEvent.occurred_at >= today)
        .order_by(TimelineEvent.occurred_at)).all()
    if on >= date.today() or not events:
        return
    start = datetime.combine(on, time(9, 0))
    for minute, event in enumerate(events):
        event.occurred_at = start + timedelta(minutes=minute)
    db.session.commit()


def _prepare(review: Review, to: str) -> dict:
    """Record what the step needs; return its data."""
    d = lambda offset: _day(review, offset)  # noqa: E731
    if to == "setup":
        return {"decision_date": d(10), "reasons": "Criteria met (demo).",
                "home_office_told_on": d(11)}
    if to == "not_commissioned":
        return {"decision_date": d(10), "reasons": "Criteria not met (demo).",
                "home_office_told_on": d(11)}
    if to == "evidence":
        _add(review, "chair-appointments", on=d(20), name="Demo Independent Chair",
             appointed_on=d(20), independence_statement="No prior involvement (demo).")
        for agency in ("Police", "Health", "Domestic abuse service"):
            _add(review, "panel-members", on=d(22), agency=agency,
                 name=f"Demo {agency} member")
        _add(review, "family-contacts", on=d(25), contacted_on=d(25), relationship="parent",
             method="letter", contribution="none", leaflet="leaflet_family")
        _upload(review, "terms_of_reference", "Terms of reference", on=d(28))
        _add(review, "panel-meetings", on=d(30), held_on=d(30))
        return {}
    if to == "drafting":
        report = _add(review, "agency-reports", on=d(35), agency="Health",
                      report_type="imr", requested_on=d(35), due_on=d(65))
        records.update_record(review, BY_SLUG["agency-reports"], report,
                              {"returned_on": d(60)})
        dated(review, d(60))
        _add(review, "family-contacts", on=d(70), contacted_on=d(70), relationship="parent",
             method="meeting", contribution="given")
        return {}
    if to == "local_signoff":
        for kind in ("overview_report", "executive_summary", "action_plan"):
            _upload(review, kind, kind.replace("_", " ").capitalize(), on=d(110))
        _add(review, "family-contacts", on=d(120), contacted_on=d(120), relationship="parent",
             method="meeting", contribution="given", saw_draft=True)
        return {}
    if to == "home_office_qa":
        return {"signed_off_on": d(150), "submitted_on": d(152)}
    if to == "ready_to_publish":
        _upload(review, "home_office_letter", "Home Office panel response", on=d(250))
        return {"outcome": "approved", "outcome_on": d(250)}
    if to == "published":
        return {"published_on": d(280)}
    if to == "monitoring":
        recommendation = _add(review, "recommendations", on=d(295),
                              text="Joint training (demo).", scope="multi_agency",
                              addressed_to="Demo partnership board", level="local")
        _add(review, "actions", on=d(296), recommendation_id=recommendation.id,
             description="Deliver joint training (demo).", owner="Demo partnership board",
             due_on=d(400))
        return {}
    return {}


def advance(review: Review, stage: str, on_hold: bool = False) -> None:
    dated(review, review.notification_date)  # what creating the review wrote
    if stage == "not_commissioned":
        transitions.take(review, stage, _prepare(review, stage), ROLES)
        dated(review, _day(review, STEP_DAYS[stage]))
        return
    for step in PATH[:PATH.index(stage) + 1] if stage in PATH else ():
        transitions.take(review, step, _prepare(review, step), ROLES)
        dated(review, _day(review, STEP_DAYS[step]))
    if stage == "evidence":  # one agency report still out, and late
        _add(review, "agency-reports", on=_day(review, 40), agency="Probation",
             report_type="chronology", requested_on=_day(review, 40),
             due_on=_day(review, 70))
    if on_hold:  # waiting for the trial, a parallel process with its own dates
        trial = _add(review, "parallel-processes", on=_day(review, 35),
                     process_type="criminal_trial", description="Crown Court trial (demo)",
                     started_on=_day(review, 35))
        transitions.take(review, "hold", {"reason": "criminal_proceedings",
                                          "started_on": _day(review, 40),
                                          "parallel_process_id": trial.id}, ROLES)
        dated(review, _day(review, 40))
