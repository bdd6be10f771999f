"""Guidance rules with their sources and a partnership's own targets (issue 13, part 2;
SEED-AUDIT.md §2): a deadline no source confirms is a target, never "statutory"; the CSP
admin may set its months and the kept deadlines follow; dardr-2024 says it is a draft."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from core.lifecycle.clock import add_months
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in
from tests.hooks.test_kept_deadlines import _agree

TODAY = date.today()
DECIDED = TODAY - timedelta(days=10)


def _admin(world, slug="alpha"):
    return {"Authorization": f"Bearer {world.tokens[(slug, 'csp_admin')]}"}


def _commission(api, rid):
    api.step(rid, "setup", {"decision_date": DECIDED.isoformat(), "reasons": "Criteria met.",
                            "home_office_told_on": DECIDED.isoformat()}, role="csp_chair")


def _kept_agree(tenant):
    """``_agree`` from this test's session: the tenant row it holds is the one before the
    requests changed it (a request has a session of its own), so it is read again."""
    db.session.rollback()
    db.session.expire_all()
    return _agree(tenant)


def _deadline(api, rid, key):
    return {d["key"]: d for d in api.get(f"/reviews/{rid}").json["deadlines"]}[key]


def test_first_panel_is_a_target_not_statutory_on_the_page_and_api(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    _commission(api, rid)
    panel = _deadline(api, rid, "first_panel_meeting")
    assert panel["rule_class"] == "local_practice"
    assert panel["due"] == panel["statutory_due"] == add_months(DECIDED, 1).isoformat()
    assert _deadline(api, rid, "completion")["rule_class"] == "home_office_guidance"
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Statutory date" not in page and "statutory" not in page.lower().replace(
        "statutory guidance 2016", "")
    assert "Target (local practice)" in page and "Home Office guidance" in page


def test_the_rules_page_and_api_show_each_rule_with_class_and_source(client, world):
    sign_in(client, "viewer@alpha.test")
    page = client.get("/t/alpha/guidance-rules")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "https://www.qes-online.co.uk/case-review-dhr" in text
    assert "Target (local practice)" in text and 'name="england-2016.first_panel_meeting"' \
        not in text  # a viewer reads, the CSP admin sets
    rules = client.get("/api/v1/t/alpha/guidance-rules", headers={
        "Authorization": f"Bearer {world.tokens[('alpha', 'viewer')]}"}).json
    england = {r["key"]: r for r in {p["name"]: p for p in rules}["england-2016"]["rules"]}
    assert england["first_panel_meeting"]["settable"] is True
    assert england["decision"]["settable"] is False
    assert [s["tag"] for s in england["decision"]["sources"] if s["secondary"]] == ["QES"]


def test_csp_can_change_local_targets(client, world):
    """The CSP admin sets the months of a local-practice target (API and page), audited;
    the partnership's kept deadlines follow at once. A rule a source confirms cannot be
    changed, and nobody but the CSP admin may change any."""
    alpha = world.tenants["alpha"]
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    _commission(api, rid)
    _kept_agree(alpha)
    assert _deadline(api, rid, "first_panel_meeting")["due"] == \
        add_months(DECIDED, 1).isoformat()

    refused = client.put("/api/v1/t/alpha/guidance-rules", headers=api._h("review_coordinator"),
                         json={"targets": {"england-2016": {"first_panel_meeting": 2}}})
    assert refused.status_code == 403
    wrong = client.put("/api/v1/t/alpha/guidance-rules", headers=_admin(world), json={
        "targets": {"england-2016": {"decision": 2, "first_panel_meeting": 0},
                    "nowhere": {"completion": 3}}})
    assert wrong.status_code == 422
    fields = {e["field"]: e["message"] for e in wrong.json["errors"]}
    assert set(fields) == {"targets.england-2016.decision",
                           "targets.england-2016.first_panel_meeting", "targets.nowhere"}
    assert "from 1 to 60" in fields["targets.england-2016.first_panel_meeting"]
    # a digit int() cannot read ("²" is a digit to str.isdigit) is refused, not a 500
    odd = client.put("/api/v1/t/alpha/guidance-rules", headers=_admin(world), json={
        "targets": {"england-2016": {"first_panel_meeting": "²"}}})
    assert odd.status_code == 422
    assert odd.json["errors"][0]["field"] == "targets.england-2016.first_panel_meeting"

    done = client.put("/api/v1/t/alpha/guidance-rules", headers=_admin(world), json={
        "targets": {"england-2016": {"first_panel_meeting": 2},
                    "dardr-2024": {"completion": 9}}})
    assert done.status_code == 200, done.json
    england = {r["key"]: r for r in {p["name"]: p for p in done.json}["england-2016"]["rules"]}
    assert england["first_panel_meeting"]["months"] == 2
    # the kept deadlines follow, in the same transaction: nothing stale is read
    _kept_agree(alpha)
    assert _deadline(api, rid, "first_panel_meeting")["due"] == \
        add_months(DECIDED, 2).isoformat()
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "tenant.targets_changed")).all()[-1]
    assert event.details["after"] == {"england-2016": {"first_panel_meeting": 2},
                                      "dardr-2024": {"completion": 9}}
    # another partnership's reviews are untouched
    beta_review = world.reviews["beta"][0].id
    beta = Api(client, world, "beta")
    _commission(beta, beta_review)
    assert _deadline(beta, beta_review, "first_panel_meeting")["due"] == \
        add_months(DECIDED, 1).isoformat()

    # the page: the CSP admin sets it back to the profile's month
    sign_in(client, "csp_admin@alpha.test")
    form = client.get("/t/alpha/guidance-rules").get_data(as_text=True)
    assert 'name="england-2016.first_panel_meeting"' in form
    bad = client.post("/t/alpha/guidance-rules", data={
        "england-2016.first_panel_meeting": "two", "dardr-2024.completion": "9"})
    assert bad.status_code == 400
    assert "Enter a whole number of months" in bad.get_data(as_text=True)
    saved = client.post("/t/alpha/guidance-rules", data={
        "england-2016.first_panel_meeting": "1", "dardr-2024.completion": "9"})
    assert saved.status_code == 302
    _kept_agree(alpha)
    assert _deadline(api, rid, "first_panel_meeting")["due"] == \
        add_months(DECIDED, 1).isoformat()
    sign_in(client, "review_coordinator@alpha.test")
    assert client.post("/t/alpha/guidance-rules", data={
        "england-2016.first_panel_meeting": "3"}).status_code == 403


def test_dardr_2024_is_marked_draft_when_chosen(client, world):
    """SEED-AUDIT §2 dardr-2024 "legal status": choosing it (page and API) says its rules
    are not in force."""
    api = Api(client, world)
    created = api.post("/reviews", {
        "pseudonym": "Draft Adult (invented)", "date_of_death": "2026-01-02",
        "notification_date": "2026-01-05", "notifying_agency": "Invented Police",
        "guidance_profile": "dardr-2024"})
    assert created.status_code == 201, created.json
    guidance = created.json["guidance"]
    assert guidance["draft"] is True and guidance["in_force"] is False
    assert "not in force" in guidance["notice"]
    assert {s["tag"] for s in guidance["sources"]} >= {"VPA19", "DR24", "ROW25"}
    england = api.get(f"/reviews/{world.reviews['alpha'][0].id}").json["guidance"]
    assert england["in_force"] is True and england["notice"] is None
    sign_in(client, "review_coordinator@alpha.test")
    new = client.get("/t/alpha/reviews/new").get_data(as_text=True)
    assert "draft guidance: its rules are not in force" in new
    assert "2024 draft guidance, not in force" in new
    page = client.get(f"/t/alpha/reviews/{created.json['id']}").get_data(as_text=True)
    assert 'id="guidance-draft"' in page and "not in force" in page


def test_a_reminder_calls_a_local_target_a_target(app, client, world):
    """The reminder email says the first panel meeting is a target, not statutory."""
    from core.notifications.models import OutboxMessage

    api = Api(client, world)
    rid = world.reviews["alpha"][1].id  # no panel meeting yet
    api.step(rid, "setup", {"decision_date": (TODAY - timedelta(days=25)).isoformat(),
                            "reasons": "Criteria met.",
                            "home_office_told_on": (TODAY - timedelta(days=25)).isoformat()},
             role="csp_chair")
    result = app.test_cli_runner().invoke(args=["dhr", "send-reminders"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    with tenant_scope(world.tenants["alpha"].id):
        bodies = [m.body for m in db.session.scalars(select(OutboxMessage))
                  if "First panel meeting" in m.subject]
    assert bodies and all("a target (local practice), not a statutory deadline" in b
                          for b in bodies)
