"""Every step of the stage table, allowed and refused, with the guards' reasons."""
from __future__ import annotations

from datetime import date as d

import pytest

from core.lifecycle import (
    HOLDABLE,
    STAGES,
    TRANSITIONS,
    HoldPeriod,
    ReviewFacts,
    check,
    find_transition,
    validate_data,
)
from core.lifecycle.transitions import available, may_take

READY = dict(  # every guard satisfied
    chair_appointed=True, panel_agencies=frozenset({"police", "health"}),
    document_kinds=frozenset({"terms_of_reference", "overview_report", "executive_summary",
                              "action_plan"}),
    family_contacted=True, family_contribution_settled=True, family_saw_draft=True,
    letter_since_submission=True,
)
UNMET = dict(  # every guard unmet
    chair_appointed=False, panel_agencies=frozenset(), document_kinds=frozenset(),
    family_contacted=False, family_contribution_settled=False, family_saw_draft=False,
    letter_since_submission=False,
)


def facts(stage: str, profile="england-2016", **kw) -> ReviewFacts:
    from core.lifecycle import DatedItem

    base = dict(stage=stage, profile=profile, notification_date=d(2026, 1, 5),
                decision_date=d(2026, 1, 20), submitted_on=d(2026, 6, 1))
    if kw.pop("unmet", False):
        base.update(UNMET)
        base["agency_reports"] = (DatedItem("1", "police", d(2026, 2, 1), d(2026, 3, 1)),)
        base["actions"] = (DatedItem("2", "training", d(2026, 2, 1), d(2026, 3, 1)),)
        base["learning"] = (DatedItem("3", "pack", d(2026, 2, 1), d(2026, 3, 1)),)
        base["recommendations_without_actions"] = ("Train staff",)
        base["open_home_office_changes"] = ("Remove dates of birth",)
    else:
        base.update(READY)
    base.update(kw)
    return ReviewFacts(**base)


# (from, to, transition, codes of the guards that refuse it when nothing is done)
TABLE = [
    ("notified", "scoping", "scoping", []),
    ("notified", "setup", "commission", []),
    ("scoping", "setup", "commission", []),
    ("notified", "not_commissioned", "not_commission", []),
    ("scoping", "not_commissioned", "not_commission", []),
    ("not_commissioned", "closed", "home_office_accepts", []),
    ("not_commissioned", "setup", "directed", []),
    ("setup", "evidence", "start_evidence",
     ["chair_missing", "panel_empty", "terms_missing", "family_not_contacted"]),
    ("evidence", "drafting", "start_drafting", ["reports_outstanding", "family_contribution"]),
    ("drafting", "local_signoff", "drafts_complete", ["drafts_missing", "family_draft"]),
    ("local_signoff", "home_office_qa", "submit", []),
    ("home_office_qa", "ready_to_publish", "approve", ["letter_missing"]),
    ("home_office_qa", "drafting", "resubmit", ["letter_missing"]),
    ("ready_to_publish", "published", "publish", ["changes_open"]),
    ("ready_to_publish", "not_published", "not_publish", []),
    ("published", "monitoring", "start_monitoring", []),
    ("not_published", "monitoring", "start_monitoring", []),
    ("monitoring", "closed", "close",
     ["actions_open", "recommendations_without_actions", "learning_open"]),
]


@pytest.mark.parametrize("source, target, name, refusals", TABLE)
def test_each_step_allowed_and_refused(source, target, name, refusals):
    transition = find_transition(source, target)
    assert transition is not None and transition.name == name
    assert transition.target_stage(source) == target
    assert check(facts(source), transition) == []
    problems = check(facts(source, unmet=True), transition)
    assert [p.code for p in problems] == refusals
    assert all(p.message for p in problems)


def test_the_table_covers_every_transition():
    covered = {name for _s, _t, name, _r in TABLE} | {"hold", "resume"}
    assert covered == {t.name for t in TRANSITIONS}


@pytest.mark.parametrize("source", STAGES)
def test_no_step_skips_the_stage_table(source):
    """Only the listed (from, to) pairs exist: e.g. notified cannot jump to published."""
    listed = {(s, t) for s, t, _n, _r in TABLE}
    for target in STAGES:
        if (source, target) not in listed:
            assert find_transition(source, target) is None, (source, target)


def test_unknown_target_is_no_transition():
    assert find_transition("notified", "teleported") is None


@pytest.mark.parametrize("stage", sorted(HOLDABLE))
def test_hold_and_resume_from_each_holdable_stage(stage):
    hold = find_transition(stage, "hold")
    assert hold is not None and hold.target_stage(stage) == stage
    assert check(facts(stage), hold) == []
    held = facts(stage, holds=(HoldPeriod("inquest", d(2026, 3, 1), None, stage),))
    resume = find_transition(stage, "resume")
    assert check(held, resume) == [] and resume.target_stage(stage) == stage
    assert [p.code for p in check(held, hold)] == ["on_hold"]
    assert [t.name for t in available(held)] == ["resume"]
    # every other step is refused while on hold
    for other in available(facts(stage)):
        if other.name != "hold":
            assert "on_hold" in [p.code for p in check(held, other)]


@pytest.mark.parametrize("stage", ["notified", "scoping", "not_commissioned", "published",
                                   "not_published", "monitoring", "closed"])
def test_no_hold_outside_setup_to_ready_to_publish(stage):
    assert find_transition(stage, "hold") is None


def test_resume_without_hold_is_refused():
    resume = find_transition("setup", "resume")
    assert [p.code for p in check(facts("setup"), resume)] == ["not_on_hold"]


def test_dardr_needs_scoping_before_the_decision():
    commission = find_transition("notified", "setup")
    assert [p.code for p in check(facts("notified", "dardr-2024"), commission)] == [
        "scoping_required"]
    assert check(facts("scoping", "dardr-2024", scoping_agencies=frozenset({"police"})),
                 commission) == []


def test_dardr_submission_records_the_copies():
    """The copies may be recorded at submission or later (issue 13: VPA19 s19 'as soon as
    reasonably practicable'); closing needs them (tests/lifecycle/test_lifecycle_fixes.py)."""
    submit = find_transition("local_signoff", "home_office_qa")
    data = {"signed_off_on": d(2026, 5, 1), "submitted_on": d(2026, 5, 2)}
    assert validate_data(facts("local_signoff"), submit, data) == []
    assert validate_data(facts("local_signoff", "dardr-2024"), submit,
                         {**data, "copies_sent_on": d(2026, 5, 2)}) == []


@pytest.mark.parametrize("source, target, data, field", [
    ("notified", "setup", {"decision_date": d(2026, 1, 4), "reasons": "r",
                           "home_office_told_on": d(2026, 1, 6)}, "decision_date"),
    ("notified", "setup", {"decision_date": d(2026, 1, 8), "reasons": "r",
                           "home_office_told_on": d(2026, 1, 7)}, "home_office_told_on"),
    ("notified", "setup", {"reasons": "r", "home_office_told_on": d(2026, 1, 7)},
     "decision_date"),
    ("local_signoff", "home_office_qa", {"signed_off_on": d(2026, 5, 3),
                                         "submitted_on": d(2026, 5, 2)}, "submitted_on"),
    ("home_office_qa", "ready_to_publish", {"outcome": "maybe", "outcome_on": d(2026, 7, 1)},
     "outcome"),
    ("home_office_qa", "drafting", {"outcome_on": d(2026, 5, 1)}, "outcome_on"),
    ("setup", "hold", {"reason": "holiday", "started_on": d(2026, 3, 1)}, "reason"),
])
def test_bad_step_data_names_the_field(source, target, data, field):
    problems = validate_data(facts(source), find_transition(source, target), data)
    assert field in [p.field for p in problems]


def test_resume_cannot_predate_the_hold():
    held = facts("setup", holds=(HoldPeriod("inquest", d(2026, 3, 1), None, "setup"),))
    resume = find_transition("setup", "resume")
    assert [p.field for p in validate_data(held, resume, {"resumed_on": d(2026, 2, 1)})] == [
        "resumed_on"]


def test_who_may_take_each_step():
    assert may_take(find_transition("notified", "setup"), {"csp_chair"})
    assert not may_take(find_transition("notified", "setup"), {"review_coordinator"})
    assert may_take(find_transition("home_office_qa", "ready_to_publish"),
                    {"review_coordinator"})
    assert not may_take(find_transition("monitoring", "closed"), {"viewer"})


def test_the_lifecycle_imports_neither_flask_nor_sqlalchemy():
    import pathlib

    source = pathlib.Path(__file__).resolve().parents[2] / "core" / "lifecycle"
    for path in source.glob("*.py"):
        text = path.read_text()
        assert "import flask" not in text and "from flask" not in text, path
        assert "sqlalchemy" not in text, path
