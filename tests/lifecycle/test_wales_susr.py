"""The ``wales-susr`` guidance profile: a Single Unified Safeguarding Review in Wales.

Sources (SEED-AUDIT.md tags SUSR, SCW): https://gov.wales/single-unified-safeguarding-review-guidance
("SUSR process") and https://safercommunities.wales/safeguarding-early-intervention/safeguarding-homicide-reviews
("Reviews of Domestic Homicides": DHRs still go to the Home Office for quality assurance).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from core.lifecycle import profiles
from core.lifecycle.transitions import (
    BY_NAME,
    TRANSITIONS,
    guidance_record_fields,
)
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in

ROOT = Path(__file__).resolve().parents[2]
SUSR_KEYS = ("case_review_group", "board_chair_decides", "welsh_government_notice",
             "wg_list_reviewers", "learning_event", "crg_action_plan", "home_office_qa")
NEW = {"pseudonym": "Cymru Adult (invented)", "date_of_death": "2026-01-02",
       "notification_date": "2026-01-05", "notifying_agency": "Invented Police Wales",
       "guidance_profile": "wales-susr"}
DECISION = {"decision_date": "2026-01-20", "reasons": "Criteria met",
            "home_office_told_on": "2026-01-21"}
SUSR_DECISION = {"case_review_group_on": "2026-01-15",
                 "welsh_government_notified_on": "2026-01-22"}


def _codes(body) -> set[str]:
    return {e["code"] for e in body["errors"]}


def _fields(body) -> set[str]:
    return {e["field"] for e in body["errors"]}


def _record(api, rid, values, expect=200):
    response = api.client.put(f"/api/v1/t/{api.slug}/reviews/{rid}/local/wales-susr",
                              json={"fields": values}, headers=api._h("review_coordinator"))
    assert response.status_code == expect, response.json
    return response.json


def _to_evidence(api, rid):
    api.post(f"/reviews/{rid}/chair-appointments", {
        "name": "Invented Chair", "appointed_on": "2026-01-25",
        "independence_statement": "On the Welsh Government's approved list; not involved."})
    api.post(f"/reviews/{rid}/panel-members", {"agency": "Police", "name": "Invented Officer"})
    assert api.upload(rid, "terms_of_reference", "Terms of reference").status_code == 201
    api.post(f"/reviews/{rid}/family-contacts", {
        "contacted_on": "2026-01-26", "relationship": "sister", "method": "letter",
        "contribution": "none"})


def test_a_review_can_be_created_under_wales_susr(client, world):
    api = Api(client, world)
    created = api.post("/reviews", NEW)
    assert created.status_code == 201, created.json
    assert created.json["guidance_profile"] == "wales-susr"
    assert created.json["next_steps"] == ["scoping", "setup", "not_commissioned"]
    # the page offers it too
    sign_in(client, "review_coordinator@alpha.test")
    html = client.get("/t/alpha/reviews/new").get_data(as_text=True)
    assert 'value="wales-susr"' in html
    assert "Single Unified Safeguarding Review" in html


def test_wales_susr_whole_journey_through_the_api(client, world):
    api = Api(client, world)
    rid = api.post("/reviews", NEW).json["id"]

    # The board chair decides after the case review group met; Welsh Government is told.
    refused = api.step(rid, "setup", DECISION, role="csp_chair", expect=422)
    assert _fields(refused) == {"data.case_review_group_on", "data.welsh_government_notified_on"}
    assert all("Welsh Government" in e["message"] or "case review group" in e["message"]
               for e in refused["errors"]), refused
    too_early = api.step(rid, "setup", {**DECISION, **SUSR_DECISION,
                                        "welsh_government_notified_on": "2026-01-10"},
                         role="csp_chair", expect=422)
    assert _fields(too_early) == {"welsh_government_notified_on"}
    body = api.step(rid, "setup", {**DECISION, **SUSR_DECISION}, role="csp_chair")
    assert body["stage"] == "setup" and body["decision"] == "commission"
    kept = api.get(f"/reviews/{rid}/local/wales-susr").json
    assert kept == SUSR_DECISION  # what the step recorded is on the review's SUSR record

    # Chair and reviewers from the Welsh Government list before the evidence stage.
    _to_evidence(api, rid)
    refused = api.step(rid, "evidence", expect=409)
    assert _codes(refused) == {"wg_list_reviewers_missing"}
    assert "Welsh Government" in refused["errors"][0]["message"]
    _record(api, rid, {"reviewers_confirmed_on": "2026-01-24"})
    api.step(rid, "evidence")

    api.post(f"/reviews/{rid}/family-contacts", {
        "contacted_on": "2026-03-21", "relationship": "sister", "method": "meeting",
        "contribution": "given", "saw_draft": True})
    api.step(rid, "drafting")
    for kind in ("overview_report", "executive_summary", "action_plan"):
        api.upload(rid, kind, kind.replace("_", " "))
    api.step(rid, "local_signoff")
    api.step(rid, "home_office_qa", {"signed_off_on": "2026-05-10",
                                     "submitted_on": "2026-05-12"}, role="csp_chair")
    # A DHR under SUSR still goes through Home Office quality assurance: the letter is needed.
    assert _codes(api.step(rid, "ready_to_publish", {"outcome": "approved",
                                                     "outcome_on": "2026-07-01"},
                           expect=409)) == {"letter_missing"}
    api.upload(rid, "home_office_letter", "Home Office letter")
    api.step(rid, "ready_to_publish", {"outcome": "approved", "outcome_on": "2026-07-01"})
    api.step(rid, "published", {"published_on": "2026-07-15"}, role="csp_chair")

    # The practitioner learning event, and the case review group's sign-off of the action plan.
    refused = api.step(rid, "monitoring", expect=409)
    assert _codes(refused) == {"learning_event_missing", "crg_action_plan_missing"}
    assert all(e["message"] for e in refused["errors"])
    _record(api, rid, {"learning_event_on": "2026-03-01"})
    assert _codes(api.step(rid, "monitoring", expect=409)) == {"crg_action_plan_missing"}
    record = _record(api, rid, {"action_plan_signed_off_on": "2026-07-20"})
    assert record["learning_event_on"] == "2026-03-01"
    assert record["case_review_group_on"] == "2026-01-15"  # earlier entries stay
    api.step(rid, "monitoring")

    recommendation = api.post(f"/reviews/{rid}/recommendations", {
        "text": "Train staff", "scope": "multi_agency", "addressed_to": "Invented Board",
        "level": "local"}).json
    action = api.post(f"/reviews/{rid}/actions", {
        "recommendation_id": recommendation["id"], "description": "Deliver training",
        "owner": "Invented Board", "due_on": "2026-12-01"}).json
    api.patch(f"/reviews/{rid}/actions/{action['id']}",
              {"status": "complete", "completed_on": "2026-09-01", "evidence": "Attendance"})
    assert api.step(rid, "closed", role="csp_chair")["stage"] == "closed"
    steps = [e["name"] for e in reversed(api.get(f"/reviews/{rid}/timeline").json)
             if e["kind"] == "transition"]
    assert steps == ["commission", "start_evidence", "start_drafting", "drafts_complete",
                     "submit", "approve", "publish", "start_monitoring", "close"]


def test_wales_susr_not_commissioned_needs_the_case_review_group(client, world):
    api = Api(client, world)
    rid = api.post("/reviews", NEW).json["id"]
    refused = api.step(rid, "not_commissioned", DECISION, role="csp_chair", expect=422)
    assert _fields(refused) == {"data.case_review_group_on"}
    api.step(rid, "not_commissioned", {**DECISION, "case_review_group_on": "2026-01-15"},
             role="csp_chair")
    # directed to review after all: the review takes place, so Welsh Government is told
    directed = {"decided_on": "2026-02-10", "reasons": "Secretary of State direction"}
    refused = api.step(rid, "setup", directed, expect=422)
    assert _fields(refused) == {"data.welsh_government_notified_on"}
    api.step(rid, "setup", {**directed, "welsh_government_notified_on": "2026-02-11"})
    assert api.get(f"/reviews/{rid}/local/wales-susr").json == {
        "case_review_group_on": "2026-01-15", "welsh_government_notified_on": "2026-02-11"}
    # a decision cannot come before the case review group met
    other = api.post("/reviews", NEW).json["id"]
    early = api.step(other, "not_commissioned", {**DECISION, "case_review_group_on":
                                                 "2026-01-25"}, role="csp_chair", expect=422)
    assert _fields(early) == {"decision_date"}


def test_home_office_qa_still_required_under_wales_susr():
    """No step skips the Home Office: ready to publish is reached only from its QA stage, by
    a step that needs the Home Office letter (SCW)."""
    into_ready = [t for t in TRANSITIONS if t.to == "ready_to_publish"]
    assert [(t.name, set(t.sources)) for t in into_ready] == [("approve", {"home_office_qa"})]
    assert any(g.__name__ == "_letter" for g in BY_NAME["approve"].guards)
    rule = profiles.profile_for("wales-susr").rule("home_office_qa")
    assert rule is not None and {s.tag for s in rule.sources} == {"SCW"}


def test_england_2016_reviews_do_not_take_susr_data(client, world):
    api = Api(client, world)
    rid = api.post("/reviews", {**NEW, "guidance_profile": "england-2016"}).json["id"]
    unknown = api.step(rid, "setup", {**DECISION, **SUSR_DECISION}, role="csp_chair",
                       expect=422)
    assert _fields(unknown) == {"data.case_review_group_on",
                                "data.welsh_government_notified_on"}
    api.step(rid, "setup", DECISION, role="csp_chair")
    # and it has no SUSR record
    assert api.get(f"/reviews/{rid}/local/wales-susr").status_code == 404


def test_wales_susr_rules_all_carry_sources():
    profile = profiles.profile_for("wales-susr")
    keys = {r.key for r in profile.rules}
    assert set(SUSR_KEYS) <= keys
    assert set(profiles.RULE_KEYS) <= keys
    for rule in profile.rules:
        assert rule.rule_class in profiles.RULE_CLASSES, rule
        assert rule.sources and all(s.url.startswith("https://") and s.where
                                    for s in rule.sources), rule
        assert rule.confirmed or rule.rule_class == profiles.LOCAL_PRACTICE, rule
    for key in SUSR_KEYS:
        assert {s.tag for s in profile.rule(key).sources} <= {"SUSR", "SCW"}, key
        assert profile.rule(key).confirmed, key
        # Welsh Government guidance, never labelled the Home Office's (except Home Office
        # quality assurance itself, which stays the Home Office's)
        assert profile.rule(key).rule_class == (
            profiles.HOME_OFFICE_GUIDANCE if key == "home_office_qa"
            else profiles.WELSH_GOVERNMENT_GUIDANCE), key
    # No source we reached gives SUSR timescales: every deadline is a local-practice target.
    for key in profiles.DEADLINE_FIELDS:
        assert profile.rule(key).rule_class == profiles.LOCAL_PRACTICE, key
    # every field the profile asks for is named by a rule of the one transitions table
    assert guidance_record_fields(profile) == (
        "case_review_group_on", "welsh_government_notified_on", "reviewers_confirmed_on",
        "learning_event_on", "action_plan_signed_off_on")
    assert guidance_record_fields(profiles.profile_for("england-2016")) == ()


def test_wales_susr_labels_are_marked_for_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    wanted = {
        "Single Unified Safeguarding Review (Wales)",
        "Date the Regional Safeguarding Board's case review group met",
        "Date Welsh Government was notified",
        "Date the chair and reviewers were confirmed from the Welsh Government list",
        "Date of the practitioner learning event",
        "Date the case review group signed off the action plan",
    }
    assert wanted <= extracted, wanted - extracted


def test_wales_susr_pages_show_the_steps_and_the_record(client, world):
    api = Api(client, world)
    rid = api.post("/reviews", NEW).json["id"]
    sign_in(client, "csp_chair@alpha.test")
    form = client.get(f"/t/alpha/reviews/{rid}/steps/setup").get_data(as_text=True)
    assert "case review group met" in form and "Welsh Government was notified" in form
    answers = {"reasons": "Criteria met", "confirmed": ""}
    for name, value in {**DECISION, **SUSR_DECISION}.items():
        if name == "reasons":
            continue
        year, month, day = value.split("-")
        answers.update({f"{name}-day": day, f"{name}-month": month, f"{name}-year": year})
    check = client.post(f"/t/alpha/reviews/{rid}/steps/setup", data=answers)
    assert check.status_code == 200, check.get_data(as_text=True)[:2000]
    page = check.get_data(as_text=True)
    assert "Date Welsh Government was notified" in page and "22 January 2026" in page
    done = client.post(f"/t/alpha/reviews/{rid}/steps/setup", data={**answers,
                                                                    "confirmed": "yes"})
    assert done.status_code == 302
    detail = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Single Unified Safeguarding Review (Wales)" in detail
    assert f"/t/alpha/reviews/{rid}/local/wales-susr" in detail
    assert "15 January 2026" in detail  # the case review group met
    assert f"/t/alpha/reviews/{rid}/steps/evidence" in detail  # its next step
    record = client.get(f"/t/alpha/reviews/{rid}/local/wales-susr").get_data(as_text=True)
    assert "Date of the practitioner learning event" in record
    assert "<h1 class=\"govuk-heading-l\">Single Unified Safeguarding Review (Wales)</h1>" \
        in record
    saved = client.post(f"/t/alpha/reviews/{rid}/local/wales-susr", data={
        "learning_event_on-day": "1", "learning_event_on-month": "3",
        "learning_event_on-year": "2026"})
    assert saved.status_code == 302
    assert api.get(f"/reviews/{rid}/local/wales-susr").json == {
        **SUSR_DECISION, "learning_event_on": "2026-03-01"}
    # the step page says what is missing, where it is recorded
    evidence = client.get(f"/t/alpha/reviews/{rid}/steps/evidence").get_data(as_text=True)
    assert "confirmed from the Welsh Government list" in evidence


def test_another_partnership_cannot_reach_a_wales_susr_record(client, world):
    api = Api(client, world)
    rid = api.post("/reviews", NEW).json["id"]
    beta = Api(client, world, "beta")
    assert beta.get(f"/reviews/{rid}/local/wales-susr").status_code == 404
    response = client.put(f"/api/v1/t/beta/reviews/{rid}/local/wales-susr",
                          json={"fields": {"learning_event_on": "2026-03-01"}},
                          headers=beta._h("review_coordinator"))
    assert response.status_code == 404
    assert api.get(f"/reviews/{rid}/local/wales-susr").json == {}


def test_the_susr_record_cannot_store_dates_the_step_would_refuse(client, world):
    """The decision step checks the SUSR dates' order; changing the record afterwards (page
    or API) is checked by the same rules, so it cannot break that order."""
    api = Api(client, world)
    rid = api.post("/reviews", NEW).json["id"]
    api.step(rid, "setup", {**DECISION, **SUSR_DECISION}, role="csp_chair")
    late_group = _record(api, rid, {"case_review_group_on": "2026-01-25"}, expect=422)
    assert _fields(late_group) == {"fields.case_review_group_on"}
    early_notice = _record(api, rid, {"welsh_government_notified_on": "2026-01-10"},
                           expect=422)
    assert _fields(early_notice) == {"fields.welsh_government_notified_on"}
    before_notification = _record(api, rid, {"case_review_group_on": "2026-01-01"},
                                  expect=422)
    assert _fields(before_notification) == {"fields.case_review_group_on"}
    assert api.get(f"/reviews/{rid}/local/wales-susr").json == SUSR_DECISION  # unchanged
    _record(api, rid, {"case_review_group_on": "2026-01-16"})  # still in order: kept

    sign_in(client, "review_coordinator@alpha.test")
    page = client.post(f"/t/alpha/reviews/{rid}/local/wales-susr", data={
        "welsh_government_notified_on-day": "10", "welsh_government_notified_on-month": "1",
        "welsh_government_notified_on-year": "2026"})
    assert page.status_code == 400
    assert "Welsh Government cannot be notified before the decision" in \
        page.get_data(as_text=True)
    assert api.get(f"/reviews/{rid}/local/wales-susr").json["welsh_government_notified_on"] \
        == "2026-01-22"
