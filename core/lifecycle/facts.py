"""A plain, read-only snapshot of what the lifecycle needs to know about one review."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HoldPeriod:
    reason: str
    start: date
    end: date | None  # None: still on hold
    stage: str


@dataclass(frozen=True)
class DatedItem:
    """Something with its own due date: an agency report, an action."""

    key: str
    label: str
    start: date
    due: date
    met_on: date | None = None


@dataclass(frozen=True)
class ReviewFacts:
    stage: str
    profile: str
    notification_date: date
    decision_date: date | None = None
    first_panel_meeting: date | None = None
    submitted_on: date | None = None
    published_on: date | None = None
    holds: tuple[HoldPeriod, ...] = ()
    chair_appointed: bool = False
    panel_agencies: frozenset[str] = frozenset()
    required_agencies: frozenset[str] = frozenset()
    document_kinds: frozenset[str] = frozenset()
    family_contacted: bool = False
    family_contribution_settled: bool = False
    family_saw_draft: bool = False
    agency_reports: tuple[DatedItem, ...] = ()
    actions: tuple[DatedItem, ...] = ()
    letter_since_submission: bool = False
    # Deadlines a local policy adds (or tightens, when the key is a statutory one).
    local_deadlines: tuple[DatedItem, ...] = ()

    @property
    def on_hold(self) -> bool:
        return any(h.end is None for h in self.holds)

    @property
    def open_agency_reports(self) -> tuple[DatedItem, ...]:
        return tuple(r for r in self.agency_reports if r.met_on is None)

    @property
    def open_actions(self) -> tuple[DatedItem, ...]:
        return tuple(a for a in self.actions if a.met_on is None)
