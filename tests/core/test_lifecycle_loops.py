"""Issue 13, part 1, through the API and the pages: the Secretary of State's direction,
the Home Office letter and the changes it asks for, learning tasks done with evidence and
received by the boards (Manchester), closing with nothing left over, and dardr-2024's
scoping and copies. Each test is named after the SEED-AUDIT.md finding it fixes."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from core.db import db
from core.policies import service as policies
from core.reviews import clock
from core.reviews.facts import base_facts, with_policies
from core.reviews.models import Review, ReviewClock
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in

CHAIR = "csp_chair"


def _new(api, profile="england-2016", notified="2026-01-05", died="2026-01-02"):
    created = api.post("/reviews", {"pseudonym": "Loop Adult (invented)",
                                    "date_of_death": died,
                                    "notification_date": notified,
                                    "notifying_agency": "Invented Police",
                                    "guidance_profile": profile})
    assert created.status_code == 201, created.json
    return created.json["id"]


def _to_signoff(api, rid):
    api.step(rid, "setup", {"decision_date": "2026-01-20", "reasons": "Criteria met",
                            "home_office_told_on": "2026-01-21"}, role=CHAIR)
    api.post(f"/reviews/{rid}/chair-appointments", {
        "name": "Invented Chair", "appointed_on": "2026-01-25",
        "independence_statement": "No prior involvement."})
    api.post(f"/reviews/{rid}/panel-members", {"agency": "Police", "name": "Invented Officer"})
    assert api.upload(rid, "terms_of_reference", "Terms of reference").status_code == 201
    api.post(f"/reviews/{rid}/family-contacts", {
        "contacted_on": "2026-01-26", "relationship": "sister", "method": "meeting",
        "contribution": "given", "saw_draft": True})
    api.step(rid, "evidence")
    api.step(rid, "drafting")
    for kind in ("overview_report", "executive_summary", "action_plan"):
        api.upload(rid, kind, kind.replace("_", " "))
    api.step(rid, "local_signoff")


def _to_ready(api, rid, approval=None):
    _to_signoff(api, rid)
    api.step(rid, "home_office_qa", {"signed_off_on": "2026-05-10",
                                     "submitted_on": "2026-05-12"}, role=CHAIR)
    api.upload(rid, "home_office_letter", "Home Office letter")
    return api.step(rid, "ready_to_publish", approval or {"outcome": "approved",
                                                          "outcome_on": "2026-07-01"})


def _kept_agrees(world, rid):
    """What review_clocks keeps is what the clock computes from the facts now."""
    db.session.rollback()
    with tenant_scope(world.tenants["alpha"].id):
        review = db.session.get(Review, uuid.UUID(rid))
        db.session.refresh(review)
        row = db.session.scalar(select(ReviewClock).where(ReviewClock.review_id == review.id)
                                .execution_options(populate_existing=True))
        facts = with_policies([review], base_facts([review]), agencies=False)[review.id]
        assert clock.rows(clock._values(row)) == clock.deadline_rows(facts)
        db.session.commit()


def _manchester(world):
    policies.enable(world.tenants["alpha"], "manchester", {"learning_pack_days": 60})
    db.session.commit()


# --- the Secretary of State's direction --------------------------------------------------

def test_SoS_direction_starts_a_fresh_clock(client, world):
    """england-2016 'decision not to review … BUG _directed' (run: directed on 2026-11-01,
    the review was born overdue with completion due 2025-07-20)."""
    api = Api(client, world)
    rid = _new(api, notified="2025-01-05", died="2025-01-02")
    api.step(rid, "not_commissioned", {"decision_date": "2025-01-20",
                                       "reasons": "Criteria not met",
                                       "home_office_told_on": "2025-01-21"}, role=CHAIR)
    body = api.step(rid, "setup", {"decided_on": "2026-11-01",
                                   "reasons": "The Secretary of State directed a review"})
    due = {d["key"]: d for d in body["deadlines"]}
    assert due["completion"]["statutory_due"] == "2027-05-01"
    assert due["completion"]["status"] in ("due", "due_soon")
    assert due["first_panel_meeting"]["statutory_due"] == "2026-12-01"
    assert body["decision_date"] == "2025-01-20"  # the refusal stays on the record
    assert not [d for d in body["deadlines"] if d["status"] == "overdue"
                and d["key"] != "decision"]
    _kept_agrees(world, rid)


# --- the Home Office letter and its changes ----------------------------------------------

def test_publish_not_before_home_office_letter(client, world):
    """england-2016 'publish … BUG published_on' (run: published 2025-01-05 against a letter
    of 2025-06-01)."""
    api = Api(client, world)
    rid = _new(api)
    _to_ready(api, rid)
    refused = api.step(rid, "published", {"published_on": "2026-06-15"}, role=CHAIR,
                       expect=422)
    error = refused["errors"][0]
    assert (error["field"], error["code"]) == ("published_on", "date_order")
    # the date in words, as people write it (issue 14)
    assert "Home Office letter" in error["message"] and "1 July 2026" in error["message"]
    api.step(rid, "published", {"published_on": "2026-07-01"}, role=CHAIR)


def test_QA_approved_subject_to_changes_blocks_publication_until_each_change_is_done(
        client, world):
    """england-2016 'QA outcomes … Missing': the list of changes, the panel date, and a
    guard that the changes were made before publication."""
    api = Api(client, world)
    rid = _new(api)
    _to_signoff(api, rid)
    api.step(rid, "home_office_qa", {"signed_off_on": "2026-05-10",
                                     "submitted_on": "2026-05-12"}, role=CHAIR)
    api.upload(rid, "home_office_letter", "Home Office letter")
    missing = api.step(rid, "ready_to_publish", {"outcome": "approved_subject_to_changes",
                                                 "outcome_on": "2026-07-01"}, expect=422)
    assert {e["field"] for e in missing["errors"]} == {"changes", "qa_panel_on"}
    api.step(rid, "ready_to_publish", {
        "outcome": "approved_subject_to_changes", "outcome_on": "2026-07-01",
        "qa_panel_on": "2026-06-24",
        "changes": "Remove the dates of birth\n\nAdd the GP's chronology to the summary"})
    submission = api.get(f"/reviews/{rid}/home-office-submissions").json[-1]
    assert submission["panel_on"] == "2026-06-24"
    changes = api.get(f"/reviews/{rid}/home-office-changes").json
    assert [c["change"] for c in changes] == ["Remove the dates of birth",
                                              "Add the GP's chronology to the summary"]
    assert all(c["asked_on"] == "2026-07-01" and c["done_on"] is None for c in changes)

    refused = api.step(rid, "published", {"published_on": "2026-07-20"}, role=CHAIR,
                       expect=409)
    assert [e["code"] for e in refused["errors"]] == ["changes_open"]
    assert "2" in refused["errors"][0]["message"]
    early = api.patch(f"/reviews/{rid}/home-office-changes/{changes[0]['id']}",
                      {"done_on": "2026-06-30"})
    assert early.status_code == 422 and early.json["errors"][0]["field"] == "done_on"
    done = api.patch(f"/reviews/{rid}/home-office-changes/{changes[0]['id']}",
                     {"done_on": "2026-07-05", "evidence": "Removed in section 2"}).json
    assert done["done_by"] == "review_coordinator@alpha.test"
    assert api.step(rid, "published", {"published_on": "2026-07-20"}, role=CHAIR,
                    expect=409)["errors"][0]["code"] == "changes_open"
    # an item the Home Office asked for cannot be removed to get round the guard
    removed = client.delete(f"/api/v1/t/alpha/reviews/{rid}/home-office-changes/"
                            f"{changes[1]['id']}", headers=api._h("review_coordinator"))
    assert removed.status_code in (404, 405), removed.status_code
    assert len(api.get(f"/reviews/{rid}/home-office-changes").json) == 2

    # the page marks the other one done, and lists who and when
    page = client.application.test_client()
    assert sign_in(page, "review_coordinator@alpha.test").status_code == 302
    listed = page.get(f"/t/alpha/reviews/{rid}/home-office-changes")
    assert listed.status_code == 200 and "chronology" in listed.get_data(as_text=True)
    form = page.post(f"/t/alpha/reviews/{rid}/home-office-changes/{changes[1]['id']}",
                     data={"done_on-day": "6", "done_on-month": "7", "done_on-year": "2026",
                           "evidence": "Added", "version": "1"})
    assert form.status_code == 302, form.get_data(as_text=True)
    body = page.get(f"/t/alpha/reviews/{rid}/home-office-changes").get_data(as_text=True)
    assert body.count("review_coordinator@alpha.test") == 2
    api.step(rid, "published", {"published_on": "2026-07-20"}, role=CHAIR)


# --- learning (Manchester) -------------------------------------------------------------------

def _published_with_learning(api, world):
    _manchester(world)
    rid = _new(api)
    _to_ready(api, rid)
    api.step(rid, "published", {"published_on": "2026-07-15"}, role=CHAIR)
    tasks = {t["title"]: t for t in api.get(f"/reviews/{rid}/learning-tasks").json}
    return rid, tasks


def test_M8_learning_pack_can_be_marked_done_with_evidence(client, world):
    """M8: 'It can never be marked done: LearningTask.done_on is never written and there is
    no page or API for it. The pack and event stayed overdue after the review was closed.'"""
    api = Api(client, world)
    rid, tasks = _published_with_learning(api, world)
    pack = tasks["Learning pack for practitioners"]
    assert pack["due_on"] == "2026-09-13" and pack["done_on"] is None
    due = {d["label"]: d for d in api.get(f"/reviews/{rid}").json["deadlines"]}
    assert due["Learning pack for practitioners"]["status"] == "overdue"
    assert "Learning pack for practitioners" in str(api.get("/dashboard").json)

    no_evidence = api.patch(f"/reviews/{rid}/learning-tasks/{pack['id']}",
                            {"done_on": "2026-09-20"})
    assert no_evidence.status_code == 422
    assert no_evidence.json["errors"][0]["field"] == "evidence"
    done = api.patch(f"/reviews/{rid}/learning-tasks/{pack['id']}",
                     {"done_on": "2026-09-20", "evidence": "Pack sent to 40 practitioners"})
    assert done.status_code == 200, done.json
    assert done.json["done_by"] == "review_coordinator@alpha.test"
    due = {d["label"]: d for d in api.get(f"/reviews/{rid}").json["deadlines"]}
    assert due["Learning pack for practitioners"]["status"] == "met_late"
    assert "Learning pack for practitioners" not in str(api.get("/dashboard").json)
    _kept_agrees(world, rid)
    # a learning task is made by the step: it is changed, never removed
    assert client.delete(f"/api/v1/t/alpha/reviews/{rid}/learning-tasks/{pack['id']}",
                         headers=api._h("review_coordinator")).status_code == 405


def test_M9_learning_event_is_completed_on_the_page(client, world):
    """M9: the 'Learning event' task 'cannot be completed either'."""
    api = Api(client, world)
    rid, tasks = _published_with_learning(api, world)
    event = tasks["Learning event"]
    page = client.application.test_client()
    assert sign_in(page, "review_coordinator@alpha.test").status_code == 302
    edit = page.get(f"/t/alpha/reviews/{rid}/learning-tasks/{event['id']}")
    assert edit.status_code == 200
    assert "entered in error" not in edit.get_data(as_text=True)
    saved = page.post(f"/t/alpha/reviews/{rid}/learning-tasks/{event['id']}", data={
        "done_on-day": "1", "done_on-month": "10", "done_on-year": "2026",
        "evidence": "Event held for 25 practitioners", "version": "1"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    listed = page.get(f"/t/alpha/reviews/{rid}/learning-tasks").get_data(as_text=True)
    assert "Event held for 25 practitioners" in listed
    assert "Safeguarding Adults Board, Safeguarding Children Partnership" in listed
    detail = page.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Learning tasks" in detail


def test_M2_boards_receipt_of_the_learning_is_recorded(client, world):
    """M2: 'Nothing records that they were sent or received it.'"""
    api = Api(client, world)
    rid, _tasks = _published_with_learning(api, world)
    receipts = api.get(f"/reviews/{rid}/learning-receipts").json
    assert sorted((r["task_title"], r["recipient"]) for r in receipts) == [
        ("Learning event", "Safeguarding Adults Board"),
        ("Learning event", "Safeguarding Children Partnership"),
        ("Learning pack for practitioners", "Safeguarding Adults Board"),
        ("Learning pack for practitioners", "Safeguarding Children Partnership")]
    board = next(r for r in receipts if r["recipient"] == "Safeguarding Adults Board")
    backwards = api.patch(f"/reviews/{rid}/learning-receipts/{board['id']}",
                          {"sent_on": "2026-09-20", "received_on": "2026-09-01"})
    assert backwards.status_code == 422
    got = api.patch(f"/reviews/{rid}/learning-receipts/{board['id']}",
                    {"sent_on": "2026-09-20", "received_on": "2026-10-02",
                     "note": "Considered at the board's October meeting"}).json
    assert got["received_on"] == "2026-10-02"
    assert got["recorded_by"] == "review_coordinator@alpha.test"
    page = client.application.test_client()
    assert sign_in(page, "review_coordinator@alpha.test").status_code == 302
    listed = page.get(f"/t/alpha/reviews/{rid}/learning-receipts").get_data(as_text=True)
    assert "October meeting" in listed


def test_M10_learning_tasks_follow_a_decision_not_to_publish(client, world):
    """M10: 'learning tasks are created only by _publish'."""
    api = Api(client, world)
    _manchester(world)
    rid = _new(api)
    _to_ready(api, rid)
    api.step(rid, "not_published", {"decided_on": "2026-07-10",
                                    "reasons": "Exceptional circumstances (invented)"},
             role=CHAIR)
    tasks = api.get(f"/reviews/{rid}/learning-tasks").json
    assert sorted((t["title"], t["due_on"]) for t in tasks) == [
        ("Learning event", "2026-10-08"), ("Learning pack for practitioners", "2026-09-08")]


# --- closing -----------------------------------------------------------------------------------

def test_review_cannot_close_with_work_left_over(client, world):
    """Cross-cutting 'A review can close with work left over' (run: it closed with a
    recommendation that had no action, and with overdue learning tasks)."""
    api = Api(client, world)
    rid, tasks = _published_with_learning(api, world)
    api.step(rid, "monitoring")
    api.post(f"/reviews/{rid}/recommendations", {
        "text": "Train staff in coercive control", "scope": "multi_agency",
        "addressed_to": "Invented Board", "level": "local"})
    refused = api.step(rid, "closed", role=CHAIR, expect=409)
    codes = {e["code"]: e["message"] for e in refused["errors"]}
    assert set(codes) == {"recommendations_without_actions", "learning_open"}
    assert "Train staff in coercive control" in codes["recommendations_without_actions"]
    assert "Learning event" in codes["learning_open"]
    recommendation = api.get(f"/reviews/{rid}/recommendations").json[0]
    action = api.post(f"/reviews/{rid}/actions", {
        "recommendation_id": recommendation["id"], "description": "Deliver training",
        "owner": "Invented Board", "due_on": "2026-12-01"}).json
    api.patch(f"/reviews/{rid}/actions/{action['id']}",
              {"status": "complete", "completed_on": "2026-09-01", "evidence": "Register"})
    for task in tasks.values():
        api.patch(f"/reviews/{rid}/learning-tasks/{task['id']}",
                  {"done_on": "2026-10-01", "evidence": "Delivered"})
    assert api.step(rid, "closed", role=CHAIR)["stage"] == "closed"


# --- dardr-2024 ----------------------------------------------------------------------------

def test_dardr_scoping_records_agencies_contacted_and_early_learning(client, world):
    """dardr-2024 'scoping_required … partial': the scoping step took no data, had no guard
    and produced nothing, and recorded no early learning (DR24C)."""
    api = Api(client, world)
    rid = _new(api, "dardr-2024")
    api.step(rid, "scoping")
    decision = {"decision_date": "2026-01-20", "reasons": "Criteria met",
                "home_office_told_on": "2026-01-21"}
    refused = api.step(rid, "setup", decision, role=CHAIR, expect=409)
    assert [e["code"] for e in refused["errors"]] == ["scoping_empty"]
    no_action = api.post(f"/reviews/{rid}/early-learning", {
        "noted_on": "2026-01-10", "learning": "Referral pathway unclear",
        "owner": "Invented Police"})
    assert no_action.status_code == 422 and "action" in str(no_action.json)
    learning = api.post(f"/reviews/{rid}/early-learning", {
        "noted_on": "2026-01-10", "learning": "Referral pathway unclear",
        "action": "Brief call handlers on the pathway", "owner": "Invented Police",
        "due_on": "2026-12-31"})
    assert learning.status_code == 201, learning.json
    api.post(f"/reviews/{rid}/scoping-returns", {"agency": "Invented Police",
                                                "asked_on": "2026-01-06"})
    assert api.step(rid, "setup", decision, role=CHAIR)["stage"] == "setup"
    page = client.application.test_client()
    assert sign_in(page, "review_coordinator@alpha.test").status_code == 302
    assert "Brief call handlers" in page.get(
        f"/t/alpha/reviews/{rid}/early-learning").get_data(as_text=True)


def test_dardr_copies_to_SoS_and_DAC_can_be_recorded_after_submission(client, world):
    """dardr-2024 'copies … cannot be recorded later' (VPA19 s19: 'as soon as reasonably
    practicable after the report is completed')."""
    api = Api(client, world)
    rid = _new(api, "dardr-2024")
    api.step(rid, "scoping")
    api.post(f"/reviews/{rid}/scoping-returns", {"agency": "Invented Police",
                                                "asked_on": "2026-01-06"})
    _to_signoff(api, rid)
    api.step(rid, "home_office_qa", {"signed_off_on": "2026-05-10",
                                     "submitted_on": "2026-05-12"}, role=CHAIR)
    submission = api.get(f"/reviews/{rid}/home-office-submissions").json[0]
    assert submission["copies_sent_on"] is None
    early = api.patch(f"/reviews/{rid}/home-office-submissions/{submission['id']}",
                      {"copies_sent_on": "2026-05-01"})
    assert early.status_code == 422
    later = api.patch(f"/reviews/{rid}/home-office-submissions/{submission['id']}",
                      {"copies_sent_on": "2026-05-20"})
    assert later.status_code == 200 and later.json["copies_sent_on"] == "2026-05-20"
    assert client.delete(
        f"/api/v1/t/alpha/reviews/{rid}/home-office-submissions/{submission['id']}",
        headers=api._h("review_coordinator")).status_code == 405
