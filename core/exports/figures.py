"""The board report's numbers, computed in one place: time to decision, time to Home Office
submission and overdue actions, per review and as medians and counts.

They are read from each review's kept clock (core/reviews/clock.py: ``clock.kept`` and
``clock.rows``, the same functions and the same query shape the dashboard reads), so the
overdue actions here are exactly the "Action" rows the dashboard lists as overdue, and a
deadline met late here is met late on the review's own page.

- Time to decision: days from the date the partnership was notified to the decision whether
  to review (the "decision" deadline runs from the notification: core/lifecycle/clock.py).
- Time to Home Office submission: days from where the review's own clock starts (the
  decision to review, or the Secretary of State's direction) to the first submission to the
  Home Office (the "completion" deadline runs from there: core/lifecycle/clock.py).
- Overdue actions: actions past their date and not completed, in reviews that are not
  closed (what the dashboard shows as overdue; the dashboard lists its 25 most urgent
  reviews, the board report every review).

Withdrawn notifications (entered in error) are left out, as every list leaves them out.
"""
from __future__ import annotations

import statistics
from datetime import date

from sqlalchemy import select

from core.db import db
from core.lifecycle import Stage
from core.reviews import clock
from core.reviews.models import Review, ReviewClock

LATE = ("met_late", "overdue")


def _status(rows: list[dict], key: str) -> str | None:
    return next((row["status"] for row in rows if row["key"] == key), None)


def _days(start: date | None, end: date | None) -> int | None:
    return (end - start).days if start and end else None


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def board_figures() -> dict:
    """Every review of the current partnership (and those it shares in, as the dashboard
    lists them) with its figures, and the partnership's totals. Kept clocks that are
    missing or stale are computed first (``clock.kept``), as the dashboard does."""
    found = db.session.execute(
        select(Review, ReviewClock).outerjoin(ReviewClock, ReviewClock.review_id == Review.id)
        .where(Review.withdrawn_on.is_(None))  # a notification entered in error is no review
        .order_by(Review.reference)).all()
    reviews = [review for review, _row in found]
    kept = clock.kept(reviews, found={r.id: row for r, row in found if row is not None})
    rows = []
    for review in reviews:
        deadlines = clock.rows(kept[review.id])
        start = review.directed_on or review.decision_date
        overdue = 0 if review.stage == Stage.CLOSED else sum(
            1 for d in deadlines if d["kind"] == "action" and d["status"] == "overdue")
        rows.append({
            "review_id": review.id, "reference": review.reference, "stage": review.stage,
            "notified_on": review.notification_date, "decided_on": review.decision_date,
            "days_to_decision": _days(review.notification_date, review.decision_date),
            "decision_status": _status(deadlines, "decision"),
            "clock_start": start, "submitted_on": review.submitted_on,
            "days_to_submission": _days(start, review.submitted_on),
            "submission_status": _status(deadlines, "completion"),
            "overdue_actions": overdue})
    to_decision = [r["days_to_decision"] for r in rows if r["days_to_decision"] is not None]
    to_submission = [r["days_to_submission"] for r in rows
                     if r["days_to_submission"] is not None]
    totals = {
        "reviews": len(rows),
        "open_reviews": sum(1 for r in rows if r["stage"] != Stage.CLOSED),
        "decided": len(to_decision),
        "median_days_to_decision": _median(to_decision),
        "decisions_late": sum(1 for r in rows if r["decision_status"] in LATE),
        "submitted": len(to_submission),
        "median_days_to_submission": _median(to_submission),
        "submissions_late": sum(1 for r in rows if r["submission_status"] in LATE),
        "overdue_actions": sum(r["overdue_actions"] for r in rows),
        "reviews_with_overdue_actions": sum(1 for r in rows if r["overdue_actions"]),
    }
    return {"rows": rows, "totals": totals}
