"""Issue 13, parts 3 and 4: the case facts at notification (age, relationship to the
suspect, kind of death, police force), parallel processes as records that holds wait for,
scope reasons of a decision not to review, and family engagement as the guidance asks
(advocacy offered and through whom, which leaflet, update schedule, the family's say on
the pseudonym and the draft, preferred language). Every name and case is invented."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in

NEW = {"pseudonym": "Facts Adult (invented)", "date_of_death": "2026-01-02",
       "notification_date": "2026-01-05", "notifying_agency": "Test Police"}
FORM = {"pseudonym": "Form Facts Adult (invented)", "date_of_death-day": "5",
        "date_of_death-month": "3", "date_of_death-year": "2026",
        "notification_date-day": "9", "notification_date-month": "3",
        "notification_date-year": "2026", "notifying_agency": "Test Police"}
FUTURE = (date.today() + timedelta(days=90)).isoformat()


def _create(api, **facts):
    response = api.post("/reviews", {**NEW, **facts})
    assert response.status_code == 201, response.json
    return response.json


def _commissioned(api, **facts) -> str:
    rid = _create(api, **facts)["id"]
    api.step(rid, "setup", {"decision_date": "2026-01-20", "reasons": "Criteria met",
                            "home_office_told_on": "2026-01-21"}, role="csp_chair")
    return rid


# --- case facts at notification -----------------------------------------------------------

def test_W2_case_facts_recorded_at_notification(client, world):
    """W2 (and england-2016 "age 16+, relationship ... missing"): the facts the decision
    reads are recorded with the notification, through the API and the page, and the
    coordinator can correct them later."""
    api = Api(client, world)
    body = _create(api, victim_age=34, relationship_to_suspect="former_partner",
                   death_type="homicide", police_force="Test Constabulary (invented)")
    assert (body["victim_age"], body["relationship_to_suspect"], body["death_type"],
            body["police_force"]) == (34, "former_partner", "homicide",
                                      "Test Constabulary (invented)")
    assert body["scope_flags"] == []
    rid = body["id"]
    assert api.get(f"/reviews/{rid}").json["relationship_to_suspect"] == "former_partner"

    # the coordinator corrects them (API), with the version last seen
    changed = api.patch(f"/reviews/{rid}/case-facts", {"victim_age": 35,
                                                      "version": body["version"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["victim_age"] == 35 and changed.json["death_type"] == "homicide"
    stale = api.patch(f"/reviews/{rid}/case-facts", {"victim_age": 36,
                                                    "version": body["version"]})
    assert stale.status_code == 409
    assert api.patch(f"/reviews/{rid}/case-facts", {"death_type": "poisoning"}
                     ).status_code == 422
    assert api.patch(f"/reviews/{rid}/case-facts", {"victim_age": 36}, role="viewer"
                     ).status_code == 403
    timeline = api.get(f"/reviews/{rid}/timeline").json
    assert any(e["name"] == "case_facts.updated" and e["data"]["changed"] == ["victim_age"]
               for e in timeline)
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "review.case_facts")).first() is not None

    # the page: recorded with the notification, shown in words, changed on its own page
    sign_in(client, "review_coordinator@alpha.test")
    new_page = client.get("/t/alpha/reviews/new").get_data(as_text=True)
    assert 'name="victim_age"' in new_page and 'name="relationship_to_suspect"' in new_page
    assert 'name="death_type"' in new_page and 'name="police_force"' in new_page
    response = client.post("/t/alpha/reviews/new", data=dict(
        FORM, victim_age="41", relationship_to_suspect="intimate_partner",
        death_type="suspected_suicide", police_force="Test Constabulary (invented)"))
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Intimate partner" in detail and "Suspected suicide following domestic abuse" in detail
    assert "Test Constabulary (invented)" in detail and ">41<" in detail
    edit_url = response.headers["Location"] + "/case-facts"
    assert client.get(edit_url).status_code == 200
    saved = client.post(edit_url, data={"victim_age": "42",
                                        "relationship_to_suspect": "household_member",
                                        "death_type": "unexplained", "police_force": "X"})
    assert saved.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Household member" in detail and "Unexplained death" in detail
    refused = client.post(edit_url, data={"victim_age": "two hundred"})
    assert refused.status_code == 400 and "govuk-error-message" in refused.get_data(
        as_text=True)


def test_P1_under_16_flagged_out_of_scope(client, world):
    """P1, M1, G1: a review covers the death of a person aged 16 or over (CPS). Under 16 is
    accepted (the facts are what they are) but flagged, with words a person can act on."""
    api = Api(client, world)
    young = _create(api, victim_age=15, relationship_to_suspect="family_member")
    assert [f["code"] for f in young["scope_flags"]] == ["under_16"]
    assert "16 or over" in young["scope_flags"][0]["message"]
    assert _create(api, victim_age=16)["scope_flags"] == []
    assert api.post("/reviews", {**NEW, "victim_age": -1}).status_code == 422
    sign_in(client, "review_coordinator@alpha.test")
    html = client.get(f"/t/alpha/reviews/{young['id']}").get_data(as_text=True)
    assert 'id="scope-flags"' in html and "16 or over" in html
    # Welsh too (the flag's words go through the catalogue)
    assert client.get(f"/t/alpha/reviews/{young['id']}?lang=cy").status_code == 200


def test_G1_relationship_outside_the_definition_is_flagged(client, world):
    """G1/P1: a relative, a current or former intimate partner, or a household member
    (CPS). Any other relationship is recorded and flagged."""
    api = Api(client, world)
    flagged = _create(api, victim_age=30, relationship_to_suspect="other")
    assert [f["code"] for f in flagged["scope_flags"]] == ["relationship_out_of_scope"]
    for inside in ("intimate_partner", "former_partner", "family_member", "household_member"):
        assert _create(api, relationship_to_suspect=inside)["scope_flags"] == []


def test_dardr_kind_of_death_recorded(client, world):
    """dardr-2024 "DA Act 2021 definition ... missing: no field for the type of death"."""
    api = Api(client, world)
    for kind in ("homicide", "suspected_suicide", "unexplained", "other"):
        assert _create(api, death_type=kind)["death_type"] == kind
    refused = api.post("/reviews", {**NEW, "death_type": "accident"})
    assert refused.status_code == 422
    assert any(e["field"] == "death_type" for e in refused.json["errors"])


# --- parallel processes -------------------------------------------------------------------

def test_M5_parallel_processes_are_records(client, world):
    """M5 / S8: a criminal trial, an inquest, another statutory review or an IOPC
    investigation is a record of the review with its own dates, not only a hold reason."""
    api = Api(client, world)
    rid = _create(api)["id"]
    added = api.post(f"/reviews/{rid}/parallel-processes", {
        "process_type": "inquest", "description": "Coroner's inquest (invented)",
        "started_on": "2026-01-10", "expected_on": FUTURE})
    assert added.status_code == 201, added.json
    process = added.json
    assert process["process_type"] == "inquest" and process["expected_on"] == FUTURE
    for kind in ("criminal_trial", "safeguarding_adults_review",
                 "child_safeguarding_practice_review", "other_statutory_review", "iopc"):
        assert api.post(f"/reviews/{rid}/parallel-processes",
                        {"process_type": kind}).status_code == 201
    assert len(api.get(f"/reviews/{rid}/parallel-processes").json) == 6
    concluded = api.patch(f"/reviews/{rid}/parallel-processes/{process['id']}",
                          {"concluded_on": "2026-02-01"})
    assert concluded.status_code == 200 and concluded.json["concluded_on"] == "2026-02-01"
    before = api.patch(f"/reviews/{rid}/parallel-processes/{process['id']}",
                       {"concluded_on": "2026-01-01"})
    assert before.status_code == 422
    assert before.json["errors"][0]["field"] == "concluded_on"
    assert api.post(f"/reviews/{rid}/parallel-processes",
                    {"process_type": "gossip"}).status_code == 422
    names = [e["name"] for e in api.get(f"/reviews/{rid}/timeline").json]
    assert "parallel_processes.added" in names and "parallel_processes.updated" in names
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "parallel_processes.add")).first() is not None
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}/parallel-processes").get_data(as_text=True)
    assert "Inquest" in page and "Independent Office for Police Conduct" in page
    assert "Parallel processes" in client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)


def test_hold_links_to_a_parallel_process(client, world):
    """A hold names the parallel process it waits for: one of this review's, or 422."""
    api = Api(client, world)
    rid = _commissioned(api)
    other = _commissioned(api)
    trial = api.post(f"/reviews/{rid}/parallel-processes",
                     {"process_type": "criminal_trial", "started_on": "2026-01-25"}).json
    elsewhere = api.post(f"/reviews/{other}/parallel-processes",
                         {"process_type": "inquest"}).json
    for wrong in (elsewhere["id"], str(uuid.uuid4())):
        refused = api.step(rid, "hold", {"reason": "criminal_proceedings",
                                         "started_on": "2026-02-01",
                                         "parallel_process_id": wrong}, expect=422)
        assert refused["errors"][0]["field"] == "parallel_process_id"
        assert "this review's parallel processes" in refused["errors"][0]["message"]
    held = api.step(rid, "hold", {"reason": "criminal_proceedings",
                                  "started_on": "2026-02-01",
                                  "parallel_process_id": trial["id"]})
    assert held["on_hold"]
    holds = api.get(f"/reviews/{rid}/holds").json
    assert holds[0]["parallel_process_id"] == trial["id"]
    event = next(e for e in api.get(f"/reviews/{rid}/timeline").json if e["name"] == "hold")
    assert event["data"]["parallel_process_id"] == trial["id"]
    # a process a hold waits for cannot be removed from under it
    removed = client.delete(
        f"/api/v1/t/alpha/reviews/{rid}/parallel-processes/{trial['id']}",
        headers={"Authorization": f"Bearer {world.tokens[('alpha', 'review_coordinator')]}"})
    assert removed.status_code == 409
    # the page: the hold form offers this review's processes only; the holds table names it
    api.step(rid, "resume", {"resumed_on": "2026-02-10"})
    sign_in(client, "csp_chair@alpha.test")
    form = client.get(f"/t/alpha/reviews/{rid}/steps/hold").get_data(as_text=True)
    assert f'value="{trial["id"]}"' in form and elsewhere["id"] not in form
    assert form.count('name="reason"') == 1 and f'<option value="{trial["id"]}"' in form
    response = client.post(f"/t/alpha/reviews/{rid}/steps/hold", data={
        "reason": "criminal_proceedings", "started_on-day": "12", "started_on-month": "2",
        "started_on-year": "2026", "parallel_process_id": trial["id"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    detail = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Criminal trial" in detail.split('id="holds"')[1]


def test_not_commission_cites_scope_facts(client, world):
    """A decision not to review can cite the scope facts; they show on the check-answers
    page, on the review and on its timeline, and come back over the API."""
    api = Api(client, world)
    rid = _create(api, victim_age=15)["id"]
    refused = api.step(rid, "not_commissioned", {
        "decision_date": "2026-01-20", "reasons": "Out of scope",
        "home_office_told_on": "2026-01-21", "scope_reasons": ["tall"]},
        role="csp_chair", expect=422)
    assert refused["errors"][0]["field"] == "data.scope_reasons"
    sign_in(client, "csp_chair@alpha.test")
    url = f"/t/alpha/reviews/{rid}/steps/not_commissioned"
    assert 'name="scope_reasons"' in client.get(url).get_data(as_text=True)
    form = {"decision_date-day": "20", "decision_date-month": "1", "decision_date-year": "2026",
            "reasons": "Out of scope (invented)", "home_office_told_on-day": "21",
            "home_office_told_on-month": "1", "home_office_told_on-year": "2026",
            "scope_reasons": ["under_16", "not_domestic_abuse"]}
    check = client.post(url, data=form).get_data(as_text=True)
    assert "The person who died was under 16" in check
    assert "The death was not related to domestic abuse" in check
    assert check.count('name="scope_reasons"') == 4  # carried to both forms, both values
    done = client.post(url, data={**form, "confirmed": "yes"})
    assert done.status_code == 302
    body = api.get(f"/reviews/{rid}").json
    assert body["decision_scope_reasons"] == ["under_16", "not_domestic_abuse"]
    assert "The person who died was under 16" in client.get(
        f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    timeline = client.get(f"/t/alpha/reviews/{rid}/timeline").get_data(as_text=True)
    assert "The person who died was under 16" in timeline


# --- family engagement --------------------------------------------------------------------

def _contact(**extra):
    return {"contacted_on": "2026-01-26", "relationship": "sister", "method": "meeting",
            "contribution": "none", **extra}


def test_P6_which_leaflet(client, world):
    """P6: which Home Office leaflet was given (for family, friends or employers), instead
    of one yes/no. Older answers stay readable: 'a leaflet, which one not recorded'."""
    api = Api(client, world)
    rid = _create(api)["id"]
    given = api.post(f"/reviews/{rid}/family-contacts", _contact(leaflet="leaflet_friends"))
    assert given.status_code == 201, given.json
    assert given.json["leaflet"] == "leaflet_friends" and given.json["leaflet_given"] is True
    legacy = api.post(f"/reviews/{rid}/family-contacts", _contact(leaflet_given=True)).json
    assert legacy["leaflet"] == "not_recorded" and legacy["leaflet_given"] is True
    none = api.post(f"/reviews/{rid}/family-contacts", _contact()).json
    assert none["leaflet"] is None and none["leaflet_given"] is False
    assert api.post(f"/reviews/{rid}/family-contacts",
                    _contact(leaflet="leaflet_cats")).status_code == 422
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}/family-contacts").get_data(as_text=True)
    assert "Home Office leaflet for friends" in page
    assert "A Home Office leaflet (which one was not recorded)" in page
    assert 'name="leaflet"' in page and 'name="leaflet_given"' not in page


def test_family_advocacy_offered_at_first_contact_and_by_whom(client, world):
    """england-2016 "family advocacy ... partial": record that specialist advocacy was
    offered and through whom (FAMG), the agreed schedule of updates, the family's say on
    the pseudonym and on the draft, and their preferred language."""
    api = Api(client, world)
    rid = _create(api)["id"]
    missing = api.post(f"/reviews/{rid}/family-contacts", _contact(advocacy_offered=True))
    assert missing.status_code == 422
    assert missing.json["errors"][0]["field"] == "advocacy_by"
    first = api.post(f"/reviews/{rid}/family-contacts", _contact(
        advocacy_offered=True, advocacy_by="national_homicide_service",
        update_schedule="Monthly phone call (invented)", pseudonym_say="pseudonym_chosen",
        draft_response="draft_comments", preferred_language="Welsh"))
    assert first.status_code == 201, first.json
    out = first.json
    assert (out["advocacy_offered"], out["advocacy_by"], out["update_schedule"],
            out["pseudonym_say"], out["draft_response"], out["preferred_language"]) == (
        True, "national_homicide_service", "Monthly phone call (invented)",
        "pseudonym_chosen", "draft_comments", "Welsh")
    for bad in ({"advocacy_by": "a friend"}, {"pseudonym_say": "maybe"},
                {"draft_response": "shrug"}):
        assert api.post(f"/reviews/{rid}/family-contacts",
                        _contact(**bad)).status_code == 422
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}/family-contacts").get_data(as_text=True)
    assert "National Homicide Service" in page and "The family chose the pseudonym" in page
    detail = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert 'id="family-engagement"' in detail
    assert "Advocacy offered at first contact" in detail
    # a viewer does not see family engagement (need to know)
    sign_in(client, "viewer@alpha.test")
    assert 'id="family-engagement"' not in client.get(
        f"/t/alpha/reviews/{rid}").get_data(as_text=True)
