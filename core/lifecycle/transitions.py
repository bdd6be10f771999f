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
    needs: tuple[Needs, ...] = ()  # what a guidance profile's own rules add to the step
    # the step named as what a person does (issue 14): the review page's link, the step
    # page's heading and what the API lists
    action: str = ""

    def target_stage(self, current: str) -> str:
        return current if self.to in (HOLD, RESUME) else self.to

    def needs_of(self, profile: Profile) -> tuple[Needs, ...]:
        """What the profile's own rules add to this step (none for most profiles)."""
        return tuple(n for n in self.needs if profile.rule(n.rule) is not None)

    def required_for(self, profile: Profile) -> tuple[str, ...]:
        """The data fields the step must carry under ``profile``."""
        return self.required + tuple(n.field for n in self.needs_of(profile) if n.in_step)


@dataclass(frozen=True)
class Needs:
    """A field that a guidance profile's rule adds to a step, when the profile has a
    ``Rule`` keyed ``rule`` (profiles.Profile.rules): the data says which rules apply, this
    table says what each one asks for. ``in_step``: entered with the step's own data (422
    until given, as any required field); otherwise recorded beforehand on the review's
    record of its guidance (``/reviews/<id>/local/<profile>``), and the step is refused
    (409) until it is. ``message`` says what to do while it is missing."""

    rule: str
    field: str
    message: str
    in_step: bool = True

    @property
    def code(self) -> str:
        return f"{self.rule}_missing"


# --- guards -------------------------------------------------------------------------------

def _chair(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.chair_appointed:
        return Problem("chair_missing", N_("Appoint an independent chair."))
    return None


def _panel(f: ReviewFacts, _p: Profile) -> Problem | None:
    if not f.panel_agencies:
        return Problem("panel_empty", N_("Add at least one panel member."))
    # A required entry is an agency category (core/agencies.py) or an agency's name: a
    # member of that category, or of that name, meets it (issue 13, SEED-AUDIT S5).
    missing = sorted(r for r in f.required_agencies
                     if r not in f.panel_categories and r not in f.panel_agencies)
    if missing:
        return Problem("panel_incomplete", N_(
            "The panel has no member from: %(categories)s. Add a member from each, or "
            "change the agency category of a member already on the panel."),
            {"categories": ", ".join(missing)})
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


def _recommendations_actioned(f: ReviewFacts, _p: Profile) -> Problem | None:
    # Source: SEED-AUDIT.md cross-cutting "A review can close with work left over" and
    # england-2016 "action plan to closure"; lessons "within what timescales they will be
    # acted on" (Preston seed, P7).
    if f.recommendations_without_actions:
        return Problem("recommendations_without_actions",
                       N_("Recommendations with no action in the action plan: "
                          "%(recommendations)s. Add an action for each one."),
                       {"recommendations": "; ".join(f.recommendations_without_actions)})
    return None


def _learning_done(f: ReviewFacts, _p: Profile) -> Problem | None:
    # Source: SEED-AUDIT.md M8-M10 (Manchester seed: learning packs and events follow the
    # review) and cross-cutting "A review can close with work left over".
    if f.open_learning:
        return Problem("learning_open",
                       N_("Learning tasks not yet done: %(tasks)s. Mark each one done, with "
                          "its evidence, on the learning tasks page."),
                       {"tasks": ", ".join(t.label for t in f.open_learning)})
    return None


def _changes_made(f: ReviewFacts, _p: Profile) -> Problem | None:
    # Source: BAS (https://www.bassetlaw.gov.uk/community-and-living/community-safety/
    # domestic-abuse-and-violence/domestic-homicide-reviews/domestic-homicide-review-sarah/
    # domestic-homicide-review-feedback-letter-sarah/): "on completion of these changes, the
    # DHR may be published".
    if f.open_home_office_changes:
        return Problem("changes_open",
                       N_("The Home Office asked for changes not yet marked done: %(count)s. "
                          "Make each change, then mark it done on the page of changes the "
                          "Home Office asked for."),
                       {"count": len(f.open_home_office_changes)})
    return None


def _copies_recorded(f: ReviewFacts, p: Profile) -> Problem | None:
    # Source: VPA19 s19(4)-(5) (https://legislation.gov.uk/ukpga/2024/21/section/19): a copy
    # to the SoS and the DAC "as soon as reasonably practicable after the report is
    # completed" (prospective, not in force). Recorded at submission or later, by closing.
    if p.copies_on_submission and f.copies_sent_on is None:
        return Problem("copies_missing",
                       N_("Record the date copies went to: %(recipients)s (on the Home "
                          "Office submission)."),
                       {"recipients": ", ".join(p.copies_on_submission)})
    return None


def _scoping_recorded(f: ReviewFacts, p: Profile) -> Problem | None:
    # Source: DR24C (https://fly1.wordsworth.site/government/consultations/updating-the-
    # domestic-homicide-review-statutory-guidance/consultation-updating-the-domestic-homicide-
    # review-statutory-guidance-accessible): a "Scoping Review" to record and act on early
    # learning. What it must hold before the decision is local practice (UNCONFIRMED).
    if p.scoping_required and f.stage == Stage.SCOPING and not f.scoping_agencies:
        return Problem("scoping_empty",
                       N_("Record the agencies contacted in scoping (scoping returns), and "
                          "any early learning with its action, before the decision."))
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


# Copies go "after the report is completed" (VPA19 s19(4)-(5)): not before the sign-off.
# They may be recorded at submission or later (_copies_recorded refuses closing without).
_copies = _not_before("copies_sent_on", lambda f, d: d.get("signed_off_on"),
                      N_("Copies cannot go before the report is signed off (%(date)s)."))


def _changes_listed(f: ReviewFacts, _p: Profile, data: dict) -> Problem | None:
    # Source: BAS: the QA panel date, then a letter listing "areas for final development".
    if data.get("outcome") == "approved_subject_to_changes" and not any(
            line.strip() for line in (data.get("changes") or "").splitlines()):
        return Problem("changes_missing",
                       N_("List each change the Home Office asked for, one per line."),
                       {}, "changes")
    return None


def _panel_dated(f: ReviewFacts, _p: Profile, data: dict) -> Problem | None:
    # Source: BAS: the letter follows the QA panel's meeting.
    panel, letter = data.get("qa_panel_on"), data.get("outcome_on")
    if data.get("outcome") == "approved_subject_to_changes" and panel is None:
        return Problem("panel_date_missing",
                       N_("Enter the date of the Home Office quality assurance panel."),
                       {}, "qa_panel_on")
    if panel is not None and letter is not None and panel > letter:
        return Problem("date_order",
                       N_("The panel cannot meet after its letter (%(date)s)."),
                       {"date": letter.isoformat()}, "qa_panel_on")
    return None


def _own_process(f: ReviewFacts, _p: Profile, data: dict) -> Problem | None:
    """A hold waits for one of this review's parallel processes (or names none)."""
    chosen = data.get("parallel_process_id")
    if chosen is not None and str(chosen) not in f.parallel_processes:
        return Problem("parallel_process_unknown", N_(
            "Choose one of this review's parallel processes, or none. Record the process "
            "on the review first (Parallel processes)."), {}, "parallel_process_id")
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

# --- what the Single Unified Safeguarding Review (wales-susr) adds -------------------------
# Source: SUSR (https://gov.wales/single-unified-safeguarding-review-guidance), "SUSR
# process": referral to the safeguarding board's business unit, a case review group meets,
# the board chair decides, chair and reviewer(s) from the approved list administered by
# Welsh Government, Welsh Government notified whenever a SUSR takes place, practitioners'
# learning event, the action plan. Each rule's class and source: profiles.py, "wales-susr".
_CASE_REVIEW_GROUP = Needs(
    "case_review_group", "case_review_group_on",
    N_("Enter the date the Regional Safeguarding Board's case review group met to discuss "
       "the referral: under the Single Unified Safeguarding Review the board chair decides "
       "after it."))
_WELSH_GOVERNMENT = Needs(
    "welsh_government_notice", "welsh_government_notified_on",
    N_("Enter the date Welsh Government was notified that this Single Unified Safeguarding "
       "Review takes place."))
_WG_LIST = Needs(
    "wg_list_reviewers", "reviewers_confirmed_on",
    N_("Record the date the chair and reviewers were confirmed from the Welsh Government "
       "list, on the review's Single Unified Safeguarding Review page."), in_step=False)
_LEARNING_EVENT = Needs(
    "learning_event", "learning_event_on",
    N_("Record the date of the practitioner learning event, on the review's Single Unified "
       "Safeguarding Review page."), in_step=False)
_CRG_ACTION_PLAN = Needs(
    "crg_action_plan", "action_plan_signed_off_on",
    N_("Record the date the case review group signed off the action plan, on the review's "
       "Single Unified Safeguarding Review page."), in_step=False)
# The case review group meets before the board chair decides; Welsh Government is told of a
# review that takes place, so not before the decision.
_SUSR_DECISION_RULES = (
    _not_before("case_review_group_on", lambda f, d: f.notification_date,
                N_("The case review group cannot meet before the notification (%(date)s).")),
    _not_before("decision_date", lambda f, d: d.get("case_review_group_on"),
                N_("The board chair's decision cannot be before the case review group met "
                   "(%(date)s).")),
    _not_before("welsh_government_notified_on", lambda f, d: d.get("decision_date"),
                N_("Welsh Government cannot be notified before the decision (%(date)s).")),
)



def guidance_record_problems(review_facts, record: dict) -> list[Problem]:
    """The SUSR dates kept in a review's guidance record, checked by the same order rules
    its steps apply (``_SUSR_DECISION_RULES``), so changing the record later cannot store
    an order the step would refuse. A problem about the (fixed) decision date is the case
    review group date's to correct."""
    profile = profile_for(review_facts.profile)
    data = {**record, "decision_date": review_facts.decision_date}
    problems = [p for p in (rule(review_facts, profile, data) for rule in _SUSR_DECISION_RULES)
                if p and (p.field != "decision_date" or data.get("case_review_group_on"))]
    return [Problem(p.code, p.message, p.params, "case_review_group_on")
            if p.field == "decision_date" else p for p in problems]


FRESH = frozenset({Stage.NOTIFIED, Stage.SCOPING})
ALL_HOLDABLE = frozenset(HOLDABLE)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("scoping", frozenset({Stage.NOTIFIED}), Stage.SCOPING,
               frozenset({COORDINATOR, CHAIR}), action=N_("Start scoping")),
    Transition("commission", FRESH, Stage.SETUP, frozenset({CHAIR}),
               ("decision_date", "reasons", "home_office_told_on"),
               (_scoping_first, _scoping_recorded), _DECISION_RULES + _SUSR_DECISION_RULES,
               needs=(_CASE_REVIEW_GROUP, _WELSH_GOVERNMENT),
               action=N_("Record the decision to commission a review")),
    Transition("not_commission", FRESH, Stage.NOT_COMMISSIONED, frozenset({CHAIR}),
               ("decision_date", "reasons", "home_office_told_on"),
               (_scoping_first, _scoping_recorded), _DECISION_RULES + _SUSR_DECISION_RULES,
               needs=(_CASE_REVIEW_GROUP,),
               action=N_("Record the decision not to commission a review")),
    Transition("home_office_accepts", frozenset({Stage.NOT_COMMISSIONED}), Stage.CLOSED,
               frozenset({COORDINATOR}), ("decided_on",), (),
               (_AFTER_DECISION("decided_on"),),
               action=N_("Record that the Home Office accepted the decision not to review")),
    Transition("directed", frozenset({Stage.NOT_COMMISSIONED}), Stage.SETUP,
               frozenset({COORDINATOR}), ("decided_on", "reasons"), (),
               (_AFTER_DECISION("decided_on"),),
               needs=(_WELSH_GOVERNMENT,),  # a directed SUSR takes place too
               action=N_("Record the Secretary of State's direction to carry out a review")),
    Transition("start_evidence", frozenset({Stage.SETUP}), Stage.EVIDENCE,
               frozenset({COORDINATOR, CHAIR}), (), (_chair, _panel, _terms, _family_contacted),
               needs=(_WG_LIST,), action=N_("Start gathering evidence")),
    Transition("start_drafting", frozenset({Stage.EVIDENCE}), Stage.DRAFTING,
               frozenset({COORDINATOR, INDEPENDENT}), (), (_reports_in, _family_contribution),
               action=N_("Start drafting the report")),
    Transition("drafts_complete", frozenset({Stage.DRAFTING}), Stage.LOCAL_SIGNOFF,
               frozenset({COORDINATOR, INDEPENDENT}), (), (_drafts, _family_draft),
               action=N_("Send the drafts for local sign-off")),
    Transition("submit", frozenset({Stage.LOCAL_SIGNOFF}), Stage.HOME_OFFICE_QA,
               frozenset({CHAIR}), ("signed_off_on", "submitted_on"), (),
               (_not_before("submitted_on", lambda f, d: d.get("signed_off_on"),
                            N_("Submission cannot be before sign-off (%(date)s).")),
                _AFTER_DECISION("signed_off_on"), _copies),
               action=N_("Record the submission to the Home Office")),
    Transition("approve", frozenset({Stage.HOME_OFFICE_QA}), Stage.READY_TO_PUBLISH,
               frozenset({COORDINATOR}), ("outcome", "outcome_on"), (_letter,),
               (_one_of("outcome", ("approved", "approved_subject_to_changes")),
                _not_before("outcome_on", lambda f, d: f.submitted_on,
                            N_("The outcome cannot be before the submission (%(date)s).")),
                _changes_listed, _panel_dated),
               action=N_("Record the Home Office's approval")),
    Transition("resubmit", frozenset({Stage.HOME_OFFICE_QA}), Stage.DRAFTING,
               frozenset({COORDINATOR}), ("outcome_on",), (_letter,),
               (_not_before("outcome_on", lambda f, d: f.submitted_on,
                            N_("The outcome cannot be before the submission (%(date)s).")),),
               action=N_("Record that the Home Office asked for the report to be resubmitted")),
    # Published only after Home Office approval (Source: HAN21a, BARN, CAMB: see
    # SEED-AUDIT.md), so never dated before its letter, and only once the changes it asked
    # for are made (Source: BAS).
    Transition("publish", frozenset({Stage.READY_TO_PUBLISH}), Stage.PUBLISHED,
               frozenset({CHAIR}), ("published_on",), (_changes_made,),
               (_AFTER_DECISION("published_on"),
                _not_before("published_on", lambda f, d: f.home_office_letter_on,
                            N_("Publication cannot be before the Home Office letter "
                               "(%(date)s)."))),
               action=N_("Record the publication")),
    Transition("not_publish", frozenset({Stage.READY_TO_PUBLISH}), Stage.NOT_PUBLISHED,
               frozenset({CHAIR}), ("decided_on", "reasons"), (),
               (_AFTER_DECISION("decided_on"),),
               action=N_("Record the decision not to publish")),
    Transition("start_monitoring", frozenset({Stage.PUBLISHED, Stage.NOT_PUBLISHED}),
               Stage.MONITORING, frozenset({COORDINATOR}),
               needs=(_LEARNING_EVENT, _CRG_ACTION_PLAN),
               action=N_("Start monitoring the action plan")),
    Transition("close", frozenset({Stage.MONITORING}), Stage.CLOSED, frozenset({CHAIR}),
               (), (_actions_done, _recommendations_actioned, _learning_done,
                    _copies_recorded), action=N_("Close the review")),
    Transition(HOLD, ALL_HOLDABLE, HOLD, frozenset({COORDINATOR, CHAIR}),
               ("reason", "started_on"), (),
               (_one_of("reason", HOLD_REASONS), _AFTER_DECISION("started_on"),
                _own_process), action=N_("Put the review on hold")),
    Transition(RESUME, ALL_HOLDABLE, RESUME, frozenset({COORDINATOR, CHAIR}),
               ("resumed_on",), (),
               (_not_before("resumed_on", lambda f, d: _hold_start(f),
                            N_("A hold cannot end before it began (%(date)s).")),),
               action=N_("Resume the review")),
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
    problems.extend(Problem(n.code, n.message) for n in transition.needs_of(profile)
                    if not n.in_step and n.field not in facts.guidance_recorded)
    return problems


def validate_data(facts: ReviewFacts, transition: Transition, data: dict) -> list[Problem]:
    """Problems with the step's data itself (missing fields, impossible dates)."""
    profile = profile_for(facts.profile)
    problems = [Problem("required", N_("Enter this."), {}, name)
                for name in transition.required if data.get(name) in (None, "")]
    problems += [Problem("required", n.message, {}, n.field)
                 for n in transition.needs_of(profile)
                 if n.in_step and data.get(n.field) in (None, "")]
    if problems:
        return problems
    return [p for p in (r(facts, profile, data) for r in transition.rules) if p]


def guidance_record_fields(profile: Profile) -> tuple[str, ...]:
    """The fields a profile's own rules ask for, in the order of the steps: the review's
    record of its guidance (empty for a profile without rules of its own)."""
    names = (n.field for t in TRANSITIONS for n in t.needs_of(profile))
    return tuple(dict.fromkeys(names))


def available(facts: ReviewFacts) -> list[Transition]:
    """Steps that start from the review's stage (whether or not their guards hold)."""
    return [t for t in TRANSITIONS if facts.stage in t.sources
            and (t.to == RESUME) == facts.on_hold]
