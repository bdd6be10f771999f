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
    # The agency categories of the panel's members (core/agencies.py): a required entry
    # is met by a member of that category, or by a member of that name.
    panel_categories: frozenset[str] = frozenset()
    document_kinds: frozenset[str] = frozenset()
    family_contacted: bool = False
    family_contribution_settled: bool = False
    family_saw_draft: bool = False
    agency_reports: tuple[DatedItem, ...] = ()
    actions: tuple[DatedItem, ...] = ()
    letter_since_submission: bool = False
    parallel_processes: frozenset[str] = frozenset()  # ids of the review's processes
    # Issue 13 (lifecycle): the Secretary of State's direction, the Home Office letter and
    # the changes it asks for, and what must be finished before a review closes.
    directed_on: date | None = None  # a fresh clock from the direction (VPA19 s19(2))
    home_office_letter_on: date | None = None  # the latest Home Office outcome letter
    open_home_office_changes: tuple[str, ...] = ()  # changes asked for, not yet made
    recommendations_without_actions: tuple[str, ...] = ()
    learning: tuple[DatedItem, ...] = ()  # learning tasks (met_on: done)
    copies_sent_on: date | None = None  # copies to the SoS and the DAC (VPA19 s19(4)-(5))
    scoping_agencies: frozenset[str] = frozenset()  # agencies contacted in scoping
    # What the review's guidance asks to record outside its steps (wales-susr): the names
    # of the fields recorded so far (transitions.guidance_record_fields).
    guidance_recorded: frozenset[str] = frozenset()
    # Deadlines a local policy adds (or tightens, when the key is a statutory one).
    local_deadlines: tuple[DatedItem, ...] = ()
    # The partnership's own months for the profile's local-practice targets: (key, months)
    # pairs (profiles.Profile.months reads them; other keys are ignored).
    targets: tuple[tuple[str, int], ...] = ()

    @property
    def on_hold(self) -> bool:
        return any(h.end is None for h in self.holds)

    @property
    def open_agency_reports(self) -> tuple[DatedItem, ...]:
        return tuple(r for r in self.agency_reports if r.met_on is None)

    @property
    def open_actions(self) -> tuple[DatedItem, ...]:
        return tuple(a for a in self.actions if a.met_on is None)

    @property
    def open_learning(self) -> tuple[DatedItem, ...]:
        return tuple(t for t in self.learning if t.met_on is None)

    @property
    def clock_start(self) -> date | None:
        """Where the review's own deadlines run from: the decision to review, or the
        Secretary of State's direction after a decision not to (a fresh clock)."""
        return self.directed_on or self.decision_date
