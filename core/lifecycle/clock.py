"""The statutory clock: due dates, time on hold, and where each deadline stands.

Everything is a date (UK local). A deadline is overdue on the day after its due date.
Holds are events, never edits: the statutory due date stays, and the adjusted date adds
the days the review spent on hold within the deadline's period (an unfinished hold counts
up to today, so a review on hold never falls overdue while it waits).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from core.lifecycle.facts import DatedItem, HoldPeriod, ReviewFacts
from core.lifecycle.messages import N_
from core.lifecycle.profiles import LOCAL_PRACTICE, profile_for
from core.lifecycle.stages import Stage

DUE_SOON_DAYS = 14
URGENCY = {"overdue": 0, "due_soon": 1, "due": 2, "met_late": 3, "met": 4}
COMMISSIONED = frozenset(set(Stage) - {Stage.NOTIFIED, Stage.SCOPING, Stage.NOT_COMMISSIONED})

LABELS = {
    "decision": N_("Decision whether to review"),
    "first_panel_meeting": N_("First panel meeting"),
    "completion": N_("Review submitted to the Home Office"),
    "agency_report": N_("Agency report: %(what)s"),
    "action": N_("Action: %(what)s"),
    "publication_window": N_("Published online until"),
    "local": "%(what)s",
}


def add_months(start: date, months: int) -> date:
    """Same day number, or the last day of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def held_days(holds: tuple[HoldPeriod, ...], start: date, due: date, today: date) -> int:
    """Days on hold that began within the period, extending the due date as they go."""
    adjusted, total = due, 0
    for hold in sorted(holds, key=lambda h: h.start):
        if start <= hold.start <= adjusted:
            days = ((hold.end or today) - hold.start).days
            total += max(days, 0)
            adjusted = due + timedelta(days=total)
    return total


@dataclass(frozen=True)
class Deadline:
    key: str
    kind: str
    label: str
    params: dict
    statutory_due: date
    adjusted_due: date
    met_on: date | None
    status: str
    # The rule's class (profiles.RULE_CLASSES) for a profile's deadline and a local rule's;
    # "" for a date people set themselves (an agency report, an action).
    rule_class: str = ""

    @property
    def urgency(self) -> tuple[int, date]:
        return URGENCY[self.status], self.adjusted_due


def status_of(adjusted_due: date, met_on: date | None, today: date) -> str:
    if met_on is not None:
        return "met" if met_on <= adjusted_due else "met_late"
    if today > adjusted_due:
        return "overdue"
    if (adjusted_due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "due"


def _deadline(key, kind, params, start, due, met_on, holds, today,
              rule_class: str = "") -> Deadline:
    adjusted = due + timedelta(days=held_days(holds, start, due, today))
    return Deadline(key, kind, LABELS[kind], params, due, adjusted, met_on,
                    status_of(adjusted, met_on, today), rule_class)


def _class(p, key: str) -> str:
    rule = p.rule(key)
    return rule.rule_class if rule is not None else ""


def _window(f: ReviewFacts, months: int, today: date, rule_class: str = "") -> Deadline:
    """How long the report stays online: 'met' once the minimum period has been served."""
    until = add_months(f.published_on, months)
    met = until if today >= until else None
    return Deadline("publication_window", "publication_window", LABELS["publication_window"],
                    {}, until, until, met, status_of(until, met, today), rule_class)


def deadlines(f: ReviewFacts, today: date) -> list[Deadline]:
    """Every deadline of the review, most urgent first."""
    p = profile_for(f.profile)
    found = [_deadline("decision", "decision", {}, f.notification_date,
                       add_months(f.notification_date, p.months("decision", f.targets)),
                       f.decision_date, (), today, _class(p, "decision"))]
    # A review the Secretary of State directs after a decision not to review runs from the
    # direction, not the refusal (Source: HAN21b, VPA19 s19(2): https://legislation.gov.uk/
    # ukpga/2024/21/section/19; SEED-AUDIT.md england-2016, "BUG _directed").
    start = f.clock_start
    if start and f.stage in COMMISSIONED:
        found.append(_deadline("first_panel_meeting", "first_panel_meeting", {},
                               start,
                               add_months(start, p.months("first_panel_meeting", f.targets)),
                               f.first_panel_meeting, f.holds, today,
                               _class(p, "first_panel_meeting")))
        found.append(_deadline("completion", "completion", {}, start,
                               add_months(start, p.months("completion", f.targets)),
                               f.submitted_on, f.holds, today, _class(p, "completion")))
    found += [_item("agency_report", item, f.holds, today) for item in f.agency_reports]
    found += [_item("action", item, f.holds, today) for item in f.actions]
    if f.published_on and p.publication_months is not None:
        found.append(_window(f, p.publication_months, today,
                             _class(p, "publication_window")))
    found = _apply_local(found, f, today)
    return sorted(found, key=lambda d: d.urgency)


def _apply_local(found: list[Deadline], f: ReviewFacts, today: date) -> list[Deadline]:
    """Local rules add deadlines, or tighten a statutory one; they never extend one."""
    by_key = {d.key: d for d in found}
    for item in f.local_deadlines:
        statutory = by_key.get(item.key)
        if statutory is None:
            found.append(_item("local", item, f.holds, today))
        elif item.due < statutory.statutory_due:
            tightened = _deadline(statutory.key, statutory.kind, statutory.params, item.start,
                                  item.due, statutory.met_on, f.holds, today, LOCAL_PRACTICE)
            found[found.index(statutory)] = tightened
    return found


def steady_until(f: ReviewFacts, today: date) -> date:
    """The last day on which ``deadlines(f, day)`` is still ``deadlines(f, today)``: the same
    deadlines, dates and statuses. A deadline's status moves on the day it falls due soon
    and the day after it falls due (a publication window: the day it is served); nothing
    else depends on the date, except an unfinished hold, which moves adjusted dates every
    day (then: today only). What the clock says is kept until then."""
    if f.on_hold:
        return today
    last = date.max
    for d in deadlines(f, today):
        if d.met_on is not None:
            continue
        moves = (d.adjusted_due - timedelta(days=DUE_SOON_DAYS),
                 d.adjusted_due if d.kind == "publication_window"
                 else d.adjusted_due + timedelta(days=1))
        for day in moves:
            if day > today:
                last = min(last, day - timedelta(days=1))
    return last


def _item(kind: str, item: DatedItem, holds, today: date) -> Deadline:
    key = item.key if kind == "local" else f"{kind}:{item.key}"
    return _deadline(key, kind, {"what": item.label}, item.start, item.due, item.met_on,
                     holds, today, LOCAL_PRACTICE if kind == "local" else "")
