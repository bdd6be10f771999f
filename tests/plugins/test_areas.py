"""Each area's local policy, run on a review: the local rule blocks, then allows, with
the reasons a user sees."""
from __future__ import annotations

import pytest

from core.policies import service as policies
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in
from tests.plugins.walk import review_at


def test_warrington(app, world, client):
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    api = Api(client, world)
    rid = review_at(world, "alpha", "setup")
    chair = {"name": "Invented Chair", "appointed_on": "2025-02-01",
             "independence_statement": "None."}
    refused = api.post(f"/reviews/{rid}/chair-appointments", chair)
    assert refused.status_code == 409
    assert refused.json["errors"][0]["message"] == (
        "Record at least 3 quotes for the independent chair before appointing one (0 so far).")
    # quotes are records (SEED-AUDIT.md W11): who quoted, for what, how much, chosen
    for supplier, covers, amount, chosen in (
            ("Invented Chair A", "chair_and_author", "11000.00", True),
            ("Invented Chair B", "chair", "7000.00", False),
            ("Invented Chair C", "chair", "6500.00", False)):
        assert api.post(f"/reviews/{rid}/quotes", {
            "supplier": supplier, "covers": covers, "amount": amount,
            "received_on": "2025-01-25", "chosen": chosen}).status_code == 201
    local = f"/api/v1/t/alpha/reviews/{rid}/local/warrington"
    client.put(local, json={"fields": {"review_cost": "1500.00"}},
               headers=api._h("review_coordinator"))
    assert api.post(f"/reviews/{rid}/chair-appointments", chair).status_code == 201
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Domestic Abuse Related Death Review (previously DHR)" in page
    assert "Cost of the review: £12500.00" in page  # the chosen quote plus other costs
    assert "notified by Cheshire Police" in page  # the demo notifier is "Test Police"
    rid = review_at(world, "alpha", "ready_to_publish", quotes=True)
    api.step(rid, "published", {"published_on": "2026-06-01"}, role="csp_chair")
    record = api.get(f"/reviews/{rid}/publication-records").json[0]
    assert record["documents"] == ["action_plan", "executive_summary", "home_office_letter",
                                   "overview_report"]


def test_preston(app, world, client):
    with pytest.raises(policies.PolicyInvalid) as refused:  # request_contact is required
        policies.enable(world.tenants["alpha"], "preston", {"months_online": 12})
    assert refused.value.status == 422 and "settings.request_contact" in refused.value.errors
    policies.enable(world.tenants["alpha"], "preston",
                    {"months_online": 18, "request_contact": "reviews@preston.example"})
    api = Api(client, world)
    rid = review_at(world, "alpha", "ready_to_publish")
    api.step(rid, "published", {"published_on": "2026-06-01"}, role="csp_chair")
    record = api.get(f"/reviews/{rid}/publication-records").json[0]
    assert (record["online_until"], record["after"]) == ("2027-12-01", "on_request")
    assert record["documents"] == ["executive_summary", "overview_report"]
    sign_in(client, "review_coordinator@alpha.test")
    assert "available on request: reviews@preston.example" in client.get(
        f"/t/alpha/reviews/{rid}").get_data(as_text=True)


def test_manchester(app, world, client):
    policies.enable(world.tenants["alpha"], "manchester", {"learning_pack_days": 60})
    api = Api(client, world)
    rid = review_at(world, "alpha", "ready_to_publish")
    body = api.step(rid, "published", {"published_on": "2026-06-01"}, role="csp_chair")
    learning = {d["label"]: d for d in body["deadlines"] if d["key"].startswith("learning:")}
    assert learning["Learning pack for practitioners"]["statutory_due"] == "2026-07-31"
    assert learning["Learning event"]["statutory_due"] == "2026-08-30"
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Safeguarding Adults Board, Safeguarding Children Partnership" in page


def test_wigan(app, world, client):
    policies.enable(world.tenants["alpha"], "wigan", {})
    api = Api(client, world)
    rid = review_at(world, "alpha", "ready_to_publish")
    decision = {"decided_on": "2026-06-01", "reasons": "Family asked us not to publish."}
    refused = api.step(rid, "not_published", decision, role="csp_chair", expect=409)
    assert refused["errors"][0]["code"] == "guidance_section"
    local = f"/api/v1/t/alpha/reviews/{rid}/local/wigan"
    client.put(local, json={"fields": {"guidance_section": "Section 17"}},
               headers=api._h("review_coordinator"))
    api.step(rid, "not_published", decision, role="csp_chair")
    refused = api.step(rid, "monitoring", expect=409)
    assert refused["errors"][0]["code"] == "learning_shared"
    client.put(local, json={"fields": {"learning_shared": "Briefings to partners."}},
               headers=api._h("review_coordinator"))
    assert api.step(rid, "monitoring")["stage"] == "monitoring"
    other = review_at(world, "alpha", "ready_to_publish")
    api.step(other, "published", {"published_on": "2026-06-01"}, role="csp_chair")
    assert api.get(f"/reviews/{other}/publication-records").json[0]["documents"] == [
        "executive_summary"]


def test_walsall(app, world, client):
    from core.demo_journeys import _prepare

    rid = review_at(world, "alpha", "setup")
    with tenant_scope(world.tenants["alpha"].id):
        _prepare(find_review(rid), "evidence")  # chair, terms, family, a three-agency panel
    policies.enable(world.tenants["alpha"], "walsall", {})
    api = Api(client, world)
    refused = api.step(rid, "evidence", expect=409)
    assert [e["code"] for e in refused["errors"]] == ["panel_incomplete"]
    problem = refused["errors"][0]  # by agency category, in words (SEED-AUDIT.md S5)
    assert "Fire and rescue" in problem["message"] and "Mental health" in problem["message"]
    for agency, category in (("Safer Walsall Partnership", "csp"),
                             ("West Midlands Fire Service", "fire_and_rescue"),
                             ("Invented mental health trust", "mental_health")):
        api.post(f"/reviews/{rid}/panel-members",
                 {"agency": agency, "category": category, "name": "Invented"})
    assert api.step(rid, "evidence")["stage"] == "evidence"
    done = review_at(world, "alpha", "monitoring", walsall=True)
    action = api.get(f"/reviews/{done}/actions").json[0]
    refused = api.patch(f"/reviews/{done}/actions/{action['id']}",
                        {"status": "complete", "completed_on": "2026-09-01"})
    assert refused.status_code == 409
    assert "only the CSP chair signs off" in refused.json["errors"][0]["message"]
    assert api.patch(f"/reviews/{done}/actions/{action['id']}",
                     {"status": "complete", "completed_on": "2026-09-01"},
                     role="csp_chair").status_code == 200


def test_walsall_and_manchester_differ_only_where_their_policies_say(app, world, client):
    policies.enable(world.tenants["alpha"], "walsall", {})
    policies.enable(world.tenants["beta"], "manchester", {"learning_pack_days": 30})
    timelines = {}
    for slug in ("alpha", "beta"):
        rid = review_at(world, slug, "published", walsall=True)
        events = Api(client, world, slug).get(f"/reviews/{rid}/timeline").json
        timelines[slug] = [e["name"] for e in reversed(events)]
        timelines[slug + ".learning"] = [
            d["label"] for d in Api(client, world, slug).get(f"/reviews/{rid}").json[
                "deadlines"] if d["key"].startswith("learning:")]
    steps = lambda names: [n for n in names if "." not in n]  # noqa: E731
    assert steps(timelines["alpha"]) == steps(timelines["beta"])  # same lifecycle
    assert timelines["alpha.learning"] == []  # Walsall sets no learning tasks
    assert sorted(timelines["beta.learning"]) == ["Learning event",
                                                  "Learning pack for practitioners"]
    walsall_extra = [n for n in timelines["alpha"] if n == "panel_members.added"]
    manchester_extra = [n for n in timelines["beta"] if n == "panel_members.added"]
    assert len(walsall_extra) == len(manchester_extra)  # the same panel, recorded alike
