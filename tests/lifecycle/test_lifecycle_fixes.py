"""Issue 13, part 1: the lifecycle against the seed pages and the guidance (SEED-AUDIT.md):
the Secretary of State's direction, the Home Office letter and its changes, closing with
work left over, and the dardr-2024 scoping and copies. Pure lifecycle, no database."""
from __future__ import annotations

from datetime import date as d

from core.lifecycle import DatedItem, deadlines, find_transition, validate_data
from core.lifecycle.transitions import check
from tests.lifecycle.test_transitions import facts


def _codes(problems):
    return [p.code for p in problems]


def test_SoS_direction_starts_a_fresh_clock():
    """england-2016 'decision not to review … BUG _directed': a review the Secretary of
    State directs on 2026-11-01 after a refusal on 2025-01-20 was born overdue."""
    directed = facts("setup", decision_date=d(2025, 1, 20), directed_on=d(2026, 11, 1),
                     submitted_on=None)
    found = {x.key: x for x in deadlines(directed, d(2026, 11, 2))}
    assert found["completion"].statutory_due == d(2027, 5, 1)
    assert found["completion"].status == "due"
    assert found["first_panel_meeting"].statutory_due == d(2026, 12, 1)
    # the decision itself was taken (late or not) when it was taken: unchanged
    assert found["decision"].met_on == d(2025, 1, 20)


def test_publish_not_before_home_office_letter():
    """england-2016 'publish … BUG published_on': publication dated 2025-01-05 was accepted
    against a Home Office letter dated 2025-06-01."""
    publish = find_transition("ready_to_publish", "published")
    ready = facts("ready_to_publish", decision_date=d(2024, 6, 1),
                  home_office_letter_on=d(2025, 6, 1))
    problems = validate_data(ready, publish, {"published_on": d(2025, 1, 5)})
    assert [(p.code, p.field) for p in problems] == [("date_order", "published_on")]
    assert problems[0].params == {"date": "2025-06-01"}
    assert validate_data(ready, publish, {"published_on": d(2025, 6, 1)}) == []


def test_approved_subject_to_changes_needs_the_panel_date_and_the_changes():
    """england-2016 'QA outcomes … Missing': the list of changes and the panel date."""
    approve = find_transition("home_office_qa", "ready_to_publish")
    qa = facts("home_office_qa")
    bare = {"outcome": "approved_subject_to_changes", "outcome_on": d(2026, 7, 1)}
    assert {(p.code, p.field) for p in validate_data(qa, approve, bare)} == {
        ("changes_missing", "changes"), ("panel_date_missing", "qa_panel_on")}
    late_panel = {**bare, "changes": "Remove dates of birth", "qa_panel_on": d(2026, 7, 2)}
    assert [(p.code, p.field) for p in validate_data(qa, approve, late_panel)] == [
        ("date_order", "qa_panel_on")]
    full = {**bare, "changes": "Remove dates of birth\nAdd the chronology",
            "qa_panel_on": d(2026, 6, 20)}
    assert validate_data(qa, approve, full) == []
    # a plain approval needs neither
    assert validate_data(qa, approve, {"outcome": "approved", "outcome_on": d(2026, 7, 1)}) == []


def test_publish_refused_until_every_home_office_change_is_done():
    """england-2016 'QA outcomes … Missing': publishing went straight through after
    approved_subject_to_changes."""
    publish = find_transition("ready_to_publish", "published")
    waiting = facts("ready_to_publish", open_home_office_changes=("Remove dates of birth",))
    problems = check(waiting, publish)
    assert _codes(problems) == ["changes_open"]
    assert problems[0].params == {"count": 1}
    assert check(facts("ready_to_publish"), publish) == []


def test_review_cannot_close_with_a_recommendation_without_action():
    """Cross-cutting 'A review can close with work left over' and 'action plan to closure
    … partial': it closed with a recommendation that had no action."""
    close = find_transition("monitoring", "closed")
    bare = facts("monitoring", recommendations_without_actions=("Train staff",))
    problems = check(bare, close)
    assert _codes(problems) == ["recommendations_without_actions"]
    assert "Train staff" in problems[0].params["recommendations"]


def test_review_cannot_close_with_an_open_learning_task():
    """Cross-cutting 'A review can close with work left over': overdue learning tasks."""
    close = find_transition("monitoring", "closed")
    task = DatedItem("learning:1", "Learning pack", d(2026, 1, 1), d(2026, 3, 1))
    assert _codes(check(facts("monitoring", learning=(task,)), close)) == ["learning_open"]
    done = DatedItem("learning:1", "Learning pack", d(2026, 1, 1), d(2026, 3, 1),
                     d(2026, 2, 1))
    assert check(facts("monitoring", learning=(done,)), close) == []


def test_dardr_scoping_records_the_agencies_contacted_before_the_decision():
    """dardr-2024 'scoping_required … partial': the scoping step took no data and produced
    nothing."""
    commission = find_transition("scoping", "setup")
    empty = facts("scoping", "dardr-2024")
    assert _codes(check(empty, commission)) == ["scoping_empty"]
    scoped = facts("scoping", "dardr-2024", scoping_agencies=frozenset({"police"}))
    assert check(scoped, commission) == []
    # england-2016 has no scoping stage of its own to fill
    assert check(facts("scoping"), commission) == []


def test_dardr_copies_can_be_recorded_after_submission():
    """dardr-2024 'copies … cannot be recorded later': forced at submit; VPA19 s19 says
    'as soon as reasonably practicable after the report is completed'."""
    submit = find_transition("local_signoff", "home_office_qa")
    data = {"signed_off_on": d(2026, 5, 1), "submitted_on": d(2026, 5, 2)}
    assert validate_data(facts("local_signoff", "dardr-2024"), submit, data) == []
    early = {**data, "copies_sent_on": d(2026, 4, 30)}
    assert [(p.code, p.field) for p in validate_data(
        facts("local_signoff", "dardr-2024"), submit, early)] == [
        ("date_order", "copies_sent_on")]
    close = find_transition("monitoring", "closed")
    assert _codes(check(facts("monitoring", "dardr-2024"), close)) == ["copies_missing"]
    assert check(facts("monitoring", "dardr-2024", copies_sent_on=d(2026, 6, 1)), close) == []
    assert check(facts("monitoring"), close) == []  # england-2016 sends no copies
