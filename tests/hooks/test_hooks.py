"""One contract test per hook, driven by the sample plugin (tests/hooks/sample.py): the
core calls it only for tenants that enabled it, and does with the result what the
hookspec's docstring says."""
from __future__ import annotations

from datetime import date

import pytest

from core.db import db
from core.policies import service as policies
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import make_review, sign_in


@pytest.fixture
def enabled(app, world):
    policies.enable(world.tenants["alpha"], "sample", {"level": 2})
    return world


def _local(world, review_id, **values):
    from core.policies import local
    from tests.hooks.sample import SampleFields

    with tenant_scope(world.tenants["alpha"].id):
        local.save(find_review(review_id), "sample", SampleFields, values)


def _ready_to_publish(world):
    from core.demo_journeys import advance

    tenant = world.tenants["alpha"]
    ref = make_review(tenant, notification_date=date(2025, 1, 10),
                      date_of_death=date(2025, 1, 5))
    _local(world, ref.id, colour="blue")
    with tenant_scope(tenant.id):
        review = find_review(ref.id)
        records.add_record(review, BY_SLUG["panel-members"],
                           {"agency": "Sample Agency", "name": "Invented"})
        advance(review, "ready_to_publish")
    return ref


def test_hook_policy_info(app, world, client):
    sign_in(client, "platform@hub.test")
    page = client.get("/admin/tenants/alpha/policies").get_data(as_text=True)
    assert "Sample policy" in page
    bad = client.post("/admin/tenants/alpha/policies/sample", data={"level": "9"})
    assert bad.status_code == 400
    ok = client.post("/admin/tenants/alpha/policies/sample", data={"level": "3"})
    assert ok.status_code == 302
    assert policies.enabled(world.tenants["alpha"].id)["sample"] == {"level": 3}


def test_hook_review_terms(enabled, client):
    sign_in(client, "review_coordinator@alpha.test")
    assert "Sample Review (level 2)" in client.get("/t/alpha/").get_data(as_text=True)
    sign_in(client, "review_coordinator@beta.test")
    assert "Domestic Homicide Review" in client.get("/t/beta/").get_data(as_text=True)


def test_hook_review_fields_schema(enabled, client):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    bad = api.client.put(f"/api/v1/t/alpha/reviews/{rid}/local/sample",
                         json={"fields": {"colour": "green"}}, headers=api._h(
                             "review_coordinator"))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "fields.colour"
    good = api.client.put(f"/api/v1/t/alpha/reviews/{rid}/local/sample",
                          json={"fields": {"colour": "blue"}}, headers=api._h(
                              "review_coordinator"))
    assert good.status_code == 200 and good.json == {"colour": "blue"}
    assert api.get(f"/reviews/{rid}/local/sample").json == {"colour": "blue"}
    beta = Api(client, enabled, "beta")
    assert beta.get(f"/reviews/{enabled.reviews['beta'][0].id}/local/sample").status_code == 404


def test_hook_required_panel_agencies(enabled, client):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    _local(enabled, rid, colour="blue")
    api.step(rid, "setup", {"decision_date": "2026-02-10", "reasons": "r",
                            "home_office_told_on": "2026-02-11"}, role="csp_chair")
    refused = api.step(rid, "evidence", expect=409)
    problem = next(e for e in refused["errors"] if e["code"] == "panel_incomplete")
    assert "sample agency" in problem["message"]
    assert {e["code"] for e in refused["errors"]} == {"panel_incomplete"}
    api.post(f"/reviews/{rid}/panel-members", {"agency": "Sample Agency", "name": "Inv"})
    assert api.step(rid, "evidence")["stage"] == "evidence"


def test_hook_deadline_rules(enabled, client):
    api = Api(client, enabled)
    alpha = {d["key"] for d in api.get(f"/reviews/{enabled.reviews['alpha'][0].id}")
             .json["deadlines"]}
    beta = {d["key"] for d in Api(client, enabled, "beta").get(
        f"/reviews/{enabled.reviews['beta'][0].id}").json["deadlines"]}
    assert "sample_check" in alpha and "sample_check" not in beta


def test_hook_check_transition(enabled, client):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    refused = api.step(rid, "scoping", expect=409)
    assert refused["errors"] == [{"field": None, "code": "sample_colour",
                                  "message": "Set the sample colour to blue first."}]
    _local(enabled, rid, colour="blue")
    assert api.step(rid, "scoping")["stage"] == "scoping"
    # beta has not enabled it: the same step is not refused there
    assert Api(client, enabled, "beta").step(enabled.reviews["beta"][0].id,
                                             "scoping")["stage"] == "scoping"


def test_a_failing_plugin_is_named_and_the_step_refused(enabled, client, sample):
    sample.fail_in.add("check_transition")
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    refused = api.step(rid, "scoping", expect=409)
    assert refused["errors"][0]["code"] == "plugin_failed"
    assert "'sample'" in refused["errors"][0]["message"]
    assert api.get(f"/reviews/{rid}").json["stage"] == "notified"


def test_hook_check_record(enabled, client):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    refused = api.post(f"/reviews/{rid}/panel-members", {"agency": "Forbidden", "name": "x"})
    assert refused.status_code == 409
    assert "refuses that agency" in refused.json["errors"][0]["message"]
    assert api.post(f"/reviews/{rid}/panel-members",
                    {"agency": "Allowed", "name": "x"}).status_code == 201


def test_hook_publication_plan(enabled, client):
    ref = _ready_to_publish(enabled)
    api = Api(client, enabled)
    api.step(ref.id, "published", {"published_on": "2026-06-01"}, role="csp_chair")
    record = api.get(f"/reviews/{ref.id}/publication-records").json[0]
    assert record["online_until"] == "2028-06-01"  # 24 months from the plan
    assert record["after"] == "on_request"


def test_hook_publication_items(enabled, client):
    ref = _ready_to_publish(enabled)
    api = Api(client, enabled)
    api.step(ref.id, "published", {"published_on": "2026-06-01"}, role="csp_chair")
    record = api.get(f"/reviews/{ref.id}/publication-records").json[0]
    assert record["documents"] == ["action_plan", "executive_summary"]


def test_hook_learning_outputs(enabled, client):
    ref = _ready_to_publish(enabled)
    api = Api(client, enabled)
    published = api.step(ref.id, "published", {"published_on": "2026-06-01"}, role="csp_chair")
    keys = {d["key"]: d for d in published["deadlines"]}
    learning = next(d for k, d in keys.items() if k.startswith("learning:"))
    assert learning["statutory_due"] == "2026-06-11" and learning["label"] == "Sample pack"


def test_hook_joint_partners(enabled, client):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    local = f"/api/v1/t/alpha/reviews/{rid}/local/sample"
    client.put(local, json={"fields": {"colour": "red"}}, headers=api._h("review_coordinator"))
    beta = Api(client, enabled, "beta")
    assert [s["review_id"] for s in beta.get("/shares").json] == [str(rid)]
    client.put(local, json={"fields": {"colour": "blue"}}, headers=api._h("review_coordinator"))
    assert beta.get("/shares").json == []  # no longer named: removed


def test_hook_page_slot(enabled, client):
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{enabled.reviews['alpha'][0].id}")
    assert "Sample says hello in review_summary" in page.get_data(as_text=True)


def test_hook_review_transitioned(enabled, client, sample):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    _local(enabled, rid, colour="blue")
    api.step(rid, "scoping")
    assert sample.heard == [("ALP-2026-001", "scoping")]
    sample.fail_in.add("review_transitioned")
    body = api.step(rid, "setup", {"decision_date": "2026-02-10", "reasons": "r",
                                   "home_office_told_on": "2026-02-11"}, role="csp_chair")
    assert body["stage"] == "setup"  # the step stays taken
    from sqlalchemy import select

    from core.audit.models import AuditEvent

    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plugin.failed"))
    assert [e.details["plugin"] for e in failed] == ["sample"]
