"""Walks an invented demo review to a stage through the real services (every guard holds
because the demo records what each step needs). Dates follow the notification date."""
from __future__ import annotations

from datetime import date, timedelta

from core.documents import service as documents
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews import transitions
from core.reviews.models import Review

ROLES = {"csp_chair", "review_coordinator"}
PATH = ("scoping", "setup", "evidence", "drafting", "local_signoff", "home_office_qa",
        "ready_to_publish", "published", "monitoring")


def _add(review: Review, kind: str, **data) -> object:
    return records.add_record(review, BY_SLUG[kind], data)


def _upload(review: Review, kind: str, title: str) -> None:
    documents.upload(review, f"Invented demo document: {title}.".encode(), f"{kind}.txt",
                     kind=kind, title=title)


def _day(review: Review, offset: int) -> date:
    return min(review.notification_date + timedelta(days=offset), date.today())


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
        _add(review, "chair-appointments", name="Demo Independent Chair",
             appointed_on=d(20), independence_statement="No prior involvement (demo).")
        for agency in ("Police", "Health", "Domestic abuse service"):
            _add(review, "panel-members", agency=agency, name=f"Demo {agency} member")
        _add(review, "panel-meetings", held_on=d(30))
        _upload(review, "terms_of_reference", "Terms of reference")
        _add(review, "family-contacts", contacted_on=d(25), relationship="parent",
             method="letter", contribution="none", leaflet="leaflet_family")
        return {}
    if to == "drafting":
        report = _add(review, "agency-reports", agency="Health", report_type="imr",
                      requested_on=d(35), due_on=d(65))
        records.update_record(review, BY_SLUG["agency-reports"], report,
                              {"returned_on": d(60)})
        _add(review, "family-contacts", contacted_on=d(70), relationship="parent",
             method="meeting", contribution="given")
        return {}
    if to == "local_signoff":
        for kind in ("overview_report", "executive_summary", "action_plan"):
            _upload(review, kind, kind.replace("_", " ").capitalize())
        _add(review, "family-contacts", contacted_on=d(120), relationship="parent",
             method="meeting", contribution="given", saw_draft=True)
        return {}
    if to == "home_office_qa":
        return {"signed_off_on": d(150), "submitted_on": d(152)}
    if to == "ready_to_publish":
        _upload(review, "home_office_letter", "Home Office panel response")
        return {"outcome": "approved", "outcome_on": d(250)}
    if to == "published":
        return {"published_on": d(280)}
    if to == "monitoring":
        recommendation = _add(review, "recommendations", text="Joint training (demo).",
                              scope="multi_agency", addressed_to="Demo partnership board",
                              level="local")
        _add(review, "actions", recommendation_id=recommendation.id,
             description="Deliver joint training (demo).", owner="Demo partnership board",
             due_on=d(400))
        return {}
    return {}


def advance(review: Review, stage: str, on_hold: bool = False) -> None:
    if stage == "not_commissioned":
        transitions.take(review, stage, _prepare(review, stage), ROLES)
        return
    for step in PATH[:PATH.index(stage) + 1] if stage in PATH else ():
        transitions.take(review, step, _prepare(review, step), ROLES)
    if stage == "evidence":  # one agency report still out, and late
        _add(review, "agency-reports", agency="Probation", report_type="chronology",
             requested_on=_day(review, 40), due_on=_day(review, 70))
    if on_hold:  # waiting for the trial, a parallel process with its own dates
        trial = _add(review, "parallel-processes", process_type="criminal_trial",
                     description="Crown Court trial (demo)", started_on=_day(review, 35))
        transitions.take(review, "hold", {"reason": "criminal_proceedings",
                                          "started_on": _day(review, 40),
                                          "parallel_process_id": trial.id}, ROLES)
