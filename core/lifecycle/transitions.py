"""Allowed steps between stages, who may take them, and the guards that must hold.

Each guard returns ``None`` or a ``Problem`` a coordinator can act on. Every unmet guard is
reported, not just the first. Data rules check a step's data against the review (a decision
cannot predate the notification); the web layer answers them with 422, guards with 409.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from core.lifecycle.facts import ReviewFacts
from core.lifecycle.messages import N_
from core.lifecycle.profiles import Profile, profile_for
from core.lifecycle.stages import HOLD_REASONS, HOLDABLE, Stage

COORDINATOR, CHAIR, INDEPENDENT = "review_coordinator", "csp_chair", "independent_chair"
HOLD, RESUME = "hold", "resume"
DRAFT_DOCUMENTS = {
    "overview_report": N_("overview report"),
    "executive_summary": N_("executive summary"),
    "action_plan": N_("action plan"),
}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    params: dict = field(default_factory=dict)
    field: str | None = None


Guard = Callable[[ReviewFacts, Profile], Problem | None]
DataRule = Callable[[ReviewFacts, Profile, dict], Problem | None]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    to: str  # the target stage, or HOLD / RESUME, which keep the stage
    roles: frozenset[str]
    required: tuple[str, ...] = ()  # data fields the step must carry
    guards: tuple[Guard, ...] = ()
    rules: tuple[DataRule, ...] = ()

    def target_stage(self, current: str) -> str:
        return current if self.to in (HOLD, RESUME) else self.to


# --- guards -------------------------------------------------------------------------------

def _chair(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.chair_appointed:
        return Problem("chair_missing", N_("Appoint an independent chair."))
    return None


def _panel(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.panel_agencies:
        return Problem("panel_empty", N_("Add at least one panel member."))
    missing = sorted(f.required_agencies - f.panel_agencies)
    if missing:
        return Problem("panel_incomplete", N_("The panel has no member from: %(agencies)s."),
                       {"agencies": ", ".join(missing)})
    return None


def _terms(f: ReviewFacts, _p: Profile) -> Problem | None:
    if "terms_of_reference" not in f.document_kinds:
        return Problem("terms_missing", N_("Upload the terms of reference."))
    return None


def _family_contacted(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.family_contacted:
        return Problem("family_not_contacted",
                       N_("Record contact with the family, or the attempts made."))
    return None


def _reports_in(f: ReviewFacts, _p: Profile) -> Problem | None:
    if f.open_agency_reports:
        return Problem("reports_outstanding",
                       N_("Agency reports still outstanding: %(agencies)s."),
                       {"agencies": ", ".join(sorted(r.label for r in f.open_agency_reports))})
    return None


def _family_contribution(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.family_contribution_settled:
        return Problem("family_contribution",
                       N_("Record the family's contribution, or that they declined."))
    return None


def _drafts(f: ReviewFacts, _p: Profile) -> Problem | None:
    missing = [kind for kind in DRAFT_DOCUMENTS if kind not in f.document_kinds]
    if missing:
        return Problem("drafts_missing", N_("Upload the draft documents: %(documents)s."),
                       {"documents": ", ".join(missing)})
    return None


def _family_draft(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.family_saw_draft:
        return Problem("family_draft",
                       N_("Record that the family saw the draft, or why they did not."))
    return None


def _letter(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.letter_since_submission:
        return Problem("letter_missing",
                       N_("Upload the Home Office letter that gives this outcome."))
    return None


def _actions_done(f: ReviewFacts, _p: Profile) -> Problem | None:
    if f.open_actions:
        return Problem("actions_open",
                       N_("Actions still open: %(count)s. Complete or close each one."),
                       {"count": len(f.open_actions)})
    return None


def _scoping_first(f: ReviewFacts, p: Profile) -> Problem | None:
    if p.scoping_required and f.stage == Stage.NOTIFIED:
        return Problem("scoping_required",
                       N_("This review's guidance needs a scoping stage before the decision."))
    return None


# --- data rules ---------------------------------------------------------------------------

def _not_before(field_name: str, anchor: Callable[[ReviewFacts, dict], date | None],
                message: str) -> DataRule:
    def rule(f: ReviewFacts, _p: Profile, data: dict) -> Problem | None:
        value, floor = data.get(field_name), anchor(f, data)
        if value is not None and floor is not None and value < floor:
            return Problem("date_order", message, {"date": floor.isoformat()}, field_name)
        return None

    return rule


def _one_of(field_name: str, allowed: tuple[str, ...]) -> DataRule:
    def rule(_f: ReviewFacts, _p: Profile, data: dict) -> Problem | None:
        if data.get(field_name) not in allowed:
            return Problem("choice", N_("Choose one of: %(choices)s."),
                           {"choices": ", ".join(allowed)}, field_name)
        return None

    return rule


def _copies(f: ReviewFacts, p: Profile, data: dict) -> Problem | None:
    if p.copies_on_submission and data.get("copies_sent_on") is None:
        return Problem("copies_missing",
                       N_("Record the date copies went to: %(recipients)s."),
                       {"recipients": ", ".join(p.copies_on_submission)}, "copies_sent_on")
    return None


def _hold_start(f: ReviewFacts) -> date | None:
    return max((h.start for h in f.holds if h.end is None), default=None)


_DECISION_RULES = (
    _not_before("decision_date", lambda f, d: f.notification_date,
                N_("The decision cannot be before the notification (%(date)s).")),
    _not_before("home_office_told_on", lambda f, d: d.get("decision_date"),
                N_("The Home Office cannot be told before the decision (%(date)s).")),
)
_AFTER_DECISION = lambda name: _not_before(  # noqa: E731
    name, lambda f, d: f.decision_date, N_("This date cannot be before the decision (%(date)s)."))

FRESH = frozenset({Stage.NOTIFIED, Stage.SCOPING})
ALL_HOLDABLE = frozenset(HOLDABLE)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("scoping", frozenset({Stage.NOTIFIED}), Stage.SCOPING,
               frozenset({COORDINATOR, CHAIR})),
    Transition("commission", FRESH, Stage.SETUP, frozenset({CHAIR}),
               ("decision_date", "reasons", "home_office_told_on"),
               (_scoping_first,), _DECISION_RULES),
    Transition("not_commission", FRESH, Stage.NOT_COMMISSIONED, frozenset({CHAIR}),
               ("decision_date", "reasons", "home_office_told_on"),
               (_scoping_first,), _DECISION_RULES),
    Transition("home_office_accepts", frozenset({Stage.NOT_COMMISSIONED}), Stage.CLOSED,
               frozenset({COORDINATOR}), ("decided_on",), (),
               (_AFTER_DECISION("decided_on"),)),
    Transition("directed", frozenset({Stage.NOT_COMMISSIONED}), Stage.SETUP,
               frozenset({COORDINATOR}), ("decided_on", "reasons"), (),
               (_AFTER_DECISION("decided_on"),)),
    Transition("start_evidence", frozenset({Stage.SETUP}), Stage.EVIDENCE,
               frozenset({COORDINATOR, CHAIR}), (), (_chair, _panel, _terms, _family_contacted)),
    Transition("start_drafting", frozenset({Stage.EVIDENCE}), Stage.DRAFTING,
               frozenset({COORDINATOR, INDEPENDENT}), (), (_reports_in, _family_contribution)),
    Transition("drafts_complete", frozenset({Stage.DRAFTING}), Stage.LOCAL_SIGNOFF,
               frozenset({COORDINATOR, INDEPENDENT}), (), (_drafts, _family_draft)),
    Transition("submit", frozenset({Stage.LOCAL_SIGNOFF}), Stage.HOME_OFFICE_QA,
               frozenset({CHAIR}), ("signed_off_on", "submitted_on"), (),
               (_not_before("submitted_on", lambda f, d: d.get("signed_off_on"),
                            N_("Submission cannot be before sign-off (%(date)s).")),
                _AFTER_DECISION("signed_off_on"), _copies)),
    Transition("approve", frozenset({Stage.HOME_OFFICE_QA}), Stage.READY_TO_PUBLISH,
               frozenset({COORDINATOR}), ("outcome", "outcome_on"), (_letter,),
               (_one_of("outcome", ("approved", "approved_subject_to_changes")),
                _not_before("outcome_on", lambda f, d: f.submitted_on,
                            N_("The outcome cannot be before the submission (%(date)s).")))),
    Transition("resubmit", frozenset({Stage.HOME_OFFICE_QA}), Stage.DRAFTING,
               frozenset({COORDINATOR}), ("outcome_on",), (_letter,),
               (_not_before("outcome_on", lambda f, d: f.submitted_on,
                            N_("The outcome cannot be before the submission (%(date)s).")),)),
    Transition("publish", frozenset({Stage.READY_TO_PUBLISH}), Stage.PUBLISHED,
               frozenset({CHAIR}), ("published_on",), (),
               (_AFTER_DECISION("published_on"),)),
    Transition("not_publish", frozenset({Stage.READY_TO_PUBLISH}), Stage.NOT_PUBLISHED,
               frozenset({CHAIR}), ("decided_on", "reasons"), (),
               (_AFTER_DECISION("decided_on"),)),
    Transition("start_monitoring", frozenset({Stage.PUBLISHED, Stage.NOT_PUBLISHED}),
               Stage.MONITORING, frozenset({COORDINATOR})),
    Transition("close", frozenset({Stage.MONITORING}), Stage.CLOSED, frozenset({CHAIR}),
               (), (_actions_done,)),
    Transition(HOLD, ALL_HOLDABLE, HOLD, frozenset({COORDINATOR, CHAIR}),
               ("reason", "started_on"), (),
               (_one_of("reason", HOLD_REASONS), _AFTER_DECISION("started_on"))),
    Transition(RESUME, ALL_HOLDABLE, RESUME, frozenset({COORDINATOR, CHAIR}),
               ("resumed_on",), (),
               (_not_before("resumed_on", lambda f, d: _hold_start(f),
                            N_("A hold cannot end before it began (%(date)s).")),)),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def find_transition(stage: str, to: str) -> Transition | None:
    """The step from ``stage`` to ``to`` (a stage, or ``hold`` / ``resume``), if any."""
    for transition in TRANSITIONS:
        if stage in transition.sources and transition.to == to:
            return transition
    return None


def may_take(transition: Transition, roles) -> bool:
    return bool(transition.roles & {str(r) for r in roles})


def check(facts: ReviewFacts, transition: Transition) -> list[Problem]:
    """Every unmet condition of taking ``transition`` now (empty: it may be taken)."""
    profile = profile_for(facts.profile)
    problems: list[Problem] = []
    if facts.stage not in transition.sources:
        problems.append(Problem("wrong_stage", N_("This step is not possible at this stage.")))
    if transition.to == RESUME:
        if not facts.on_hold:
            problems.append(Problem("not_on_hold", N_("The review is not on hold.")))
    elif facts.on_hold:
        problems.append(Problem("on_hold", N_("The review is on hold. Resume it first.")))
    problems.extend(p for p in (g(facts, profile) for g in transition.guards) if p)
    return problems


def validate_data(facts: ReviewFacts, transition: Transition, data: dict) -> list[Problem]:
    """Problems with the step's data itself (missing fields, impossible dates)."""
    profile = profile_for(facts.profile)
    problems = [Problem("required", N_("Enter this."), {}, name)
                for name in transition.required if data.get(name) in (None, "")]
    if problems:
        return problems
    return [p for p in (r(facts, profile, data) for r in transition.rules) if p]


def available(facts: ReviewFacts) -> list[Transition]:
    """Steps that start from the review's stage (whether or not their guards hold)."""
    return [t for t in TRANSITIONS if facts.stage in t.sources
            and (t.to == RESUME) == facts.on_hold]
