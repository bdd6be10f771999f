"""Deadlines kept, not recomputed (issue 12, part 4): what ``review_clocks`` holds for a
review is what the lifecycle clock computes from its facts now, for every demo review and
after every kind of change, and the dashboard reads it with a fixed number of statements.
The sample plugin (tests/hooks/conftest.py) adds a deadline when enabled."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select, update

from core.db import db
from core.policies import service as policies
from core.reviews import clock
from core.reviews.facts import base_facts, with_policies
from core.reviews.models import Review, ReviewClock
from tenants.context import tenant_scope
from tenants.models import Tenant
from tests.core.test_concurrency_and_queries import QueryCounter
from tests.core.test_review_journey_api import Api
from tests.factories import make_review, sign_in

TODAY = date.today()


def _fresh(review: Review, on: date) -> tuple[list[dict], bool]:
    """The review's deadlines computed now from its facts, as the pages computed them on
    every view before they were kept."""
    facts = with_policies([review], base_facts([review]), agencies=False)[review.id]
    return clock.deadline_rows(facts, on), facts.on_hold


def _agree(tenant: Tenant, on: date = TODAY) -> dict[str, list[str]]:
    """Every review the tenant sees: its kept clock is there, current for ``on`` (so a read
    would not compute it again) and says what the clock computes. {reference: keys}"""
    db.session.rollback()  # see what the requests committed
    seen = {}
    with tenant_scope(tenant.id):
        reviews = db.session.scalars(select(Review).execution_options(
            populate_existing=True)).all()
        rows = {row.review_id: row for row in db.session.scalars(
            select(ReviewClock).execution_options(populate_existing=True))}
        for review in reviews:
            row = rows.get(review.id)
            assert row is not None, f"{review.reference}: nothing kept"
            kept = clock._values(row)
            assert not clock._stale(kept, on, clock.basis(review.tenant_id)), \
                f"{review.reference}: what is kept is stale on {on}"
            fresh, on_hold = _fresh(review, on)
            assert clock.rows(kept) == fresh, review.reference
            assert kept["on_hold"] == on_hold, review.reference
            assert kept["overdue"] == sum(r["status"] == "overdue" for r in fresh)
            assert kept["due_soon"] == sum(r["status"] == "due_soon" for r in fresh)
            seen[review.reference] = [r["key"] for r in fresh]
        db.session.commit()
    return seen


def test_every_demo_review_keeps_what_the_clock_computes(app):
    result = app.test_cli_runner().invoke(args=["dhr", "demo", "load"])
    assert result.exit_code == 0, result.output
    references = set()
    for tenant in db.session.scalars(select(Tenant)).all():
        seen = _agree(tenant)
        assert seen, tenant.slug
        references |= set(seen)
    assert len(references) == 49  # every demo review (the joint one seen by both partners)


def test_kept_deadlines_follow_every_kind_of_change(app, world, client, monkeypatch):
    alpha = world.tenants["alpha"]
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    base = f"/reviews/{rid}"
    _agree(alpha)

    def keys():
        return _agree(alpha)[world.reviews["alpha"][0].reference]

    # a step (the decision starts the panel and completion clocks)
    api.step(rid, "setup", {"decision_date": (TODAY - timedelta(days=50)).isoformat(),
                            "reasons": "Criteria met.",
                            "home_office_told_on": (TODAY - timedelta(days=49)).isoformat()},
             role="csp_chair")
    assert {"first_panel_meeting", "completion"} <= set(keys())
    # a record added (due soon), corrected (returned), removed
    report = api.post(f"{base}/agency-reports", {
        "agency": "Health", "report_type": "imr",
        "requested_on": (TODAY - timedelta(days=20)).isoformat(),
        "due_on": (TODAY + timedelta(days=3)).isoformat()}).json
    assert f"agency_report:{report['id']}" in keys()
    assert {d["status"] for d in api.get(base).json["deadlines"]
            if d["key"] == f"agency_report:{report['id']}"} == {"due_soon"}
    corrected = api.patch(f"{base}/agency-reports/{report['id']}", {
        "returned_on": TODAY.isoformat(), "version": report["version"]}).json
    _agree(alpha)
    removed = client.delete(f"/api/v1/t/alpha{base}/agency-reports/{report['id']}"
                            f"?version={corrected['version']}", headers=api._h(
                                "review_coordinator"))
    assert removed.status_code == 204
    assert f"agency_report:{report['id']}" not in keys()
    # the first panel meeting meets its deadline
    api.post(f"{base}/panel-meetings", {"held_on": (TODAY - timedelta(days=10)).isoformat()})
    _agree(alpha)
    # an action, then completed
    recommendation = api.post(f"{base}/recommendations", {
        "text": "Train staff", "scope": "multi_agency", "addressed_to": "Invented Board",
        "level": "local"}).json
    action = api.post(f"{base}/actions", {
        "recommendation_id": recommendation["id"], "description": "Deliver training",
        "owner": "Invented Board", "due_on": (TODAY - timedelta(days=1)).isoformat()}).json
    assert f"action:{action['id']}" in keys()
    api.patch(f"{base}/actions/{action['id']}", {
        "status": "complete", "completed_on": TODAY.isoformat(), "version": action["version"]})
    _agree(alpha)
    # a hold, then resumed
    api.step(rid, "hold", {"reason": "inquest",
                           "started_on": (TODAY - timedelta(days=5)).isoformat()})
    _agree(alpha)
    api.step(rid, "resume", {"resumed_on": TODAY.isoformat()})
    _agree(alpha)
    # a document (moves no core deadline: nothing to compute)
    assert api.upload(rid, "terms_of_reference", "Terms").status_code == 201
    _agree(alpha)

    # a local policy that adds a deadline: enabled, re-set, told of a document, disabled
    policies.enable(alpha, "sample", {"level": 1})
    assert "sample_check" in keys()
    assert not any("sample_check" in k for k in _agree(world.tenants["beta"]).values())
    policies.enable(alpha, "sample", {"level": 3})
    assert "sample_check" in keys()
    assert api.upload(rid, "chronology", "Chronology").status_code == 201
    _agree(alpha)
    policies.disable(alpha, "sample")
    assert "sample_check" not in keys()

    # the date turns over: a read on a later day computes again what no longer holds
    later = TODAY + timedelta(days=200)
    monkeypatch.setattr(clock, "today", lambda: later)
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/t/alpha/").status_code == 200
    _agree(alpha, later)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    assert client.get("/t/alpha/").status_code == 200  # computed for a later day: again
    _agree(alpha)


def test_a_review_becomes_due_soon_on_the_day_without_any_change(app, world, client,
                                                                  monkeypatch):
    """Kept on day D as 'due' (15 days to go), it is 'due soon' on D+1: what is kept says
    how long it holds."""
    notified = TODAY - timedelta(days=16)  # decision due in 15 days (about a month)
    ref = make_review(world.tenants["alpha"], notification_date=notified,
                      date_of_death=notified - timedelta(days=1))
    api = Api(client, world)

    def status() -> str:
        return {d["key"]: d["status"] for d in api.get(f"/reviews/{ref.id}").json[
            "deadlines"]}["decision"]

    due = {d["key"]: d for d in api.get(f"/reviews/{ref.id}").json["deadlines"]}["decision"]
    first = date.fromisoformat(due["adjusted_due"]) - timedelta(days=14)
    monkeypatch.setattr(clock, "today", lambda: first - timedelta(days=1))
    assert status() == "due"
    monkeypatch.setattr(clock, "today", lambda: first)
    assert status() == "due_soon"
    _agree(world.tenants["alpha"], first)


def test_a_missing_or_stale_clock_is_computed_when_read(app, world, client):
    alpha = world.tenants["alpha"]
    with tenant_scope(alpha.id):
        db.session.execute(delete(ReviewClock))
        db.session.commit()
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/t/alpha/").status_code == 200
    _agree(alpha)
    rid = world.reviews["alpha"][0].id
    with tenant_scope(alpha.id):
        db.session.execute(update(ReviewClock).where(ReviewClock.review_id == rid)
                           .values(fresh_until=TODAY - timedelta(days=1), deadlines=[]))
        db.session.commit()
    assert "Decision whether to review" in client.get(f"/t/alpha/reviews/{rid}").get_data(
        as_text=True)
    _agree(alpha)


def test_a_reader_never_overwrites_a_change_that_committed_meanwhile(app, world, client):
    """A reader found the clock stale and computed it from what it read; a change commits
    (and keeps its own) before the reader writes: the change's clock stands."""
    alpha = world.tenants["alpha"]
    rid = world.reviews["alpha"][0].id
    with tenant_scope(alpha.id):
        review = db.session.get(Review, rid)
        known = clock._load([rid])
        known[rid] = {**known[rid], "fresh_until": TODAY - timedelta(days=1)}
        before = base_facts([review])  # what the reader read
        db.session.commit()
    report = Api(client, world).post(f"/reviews/{rid}/agency-reports", {
        "agency": "Health", "report_type": "imr", "requested_on": TODAY.isoformat(),
        "due_on": (TODAY + timedelta(days=30)).isoformat()}).json
    with tenant_scope(alpha.id):
        review = db.session.get(Review, rid)
        clock.refresh([review], known=known, facts=before)  # the late reader
        db.session.commit()
    assert f"agency_report:{report['id']}" in _agree(alpha)[world.reviews["alpha"][0].reference]


def test_a_joint_review_keeps_its_leads_deadlines_whoever_changes_it(app, world, client):
    from tests.plugins.walk import review_at

    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    rid = review_at(world, "alpha", "evidence")
    policies.enable(alpha, "joint", {})
    lead, partner = Api(client, world), Api(client, world, "beta")
    assert client.put(f"/api/v1/t/alpha/reviews/{rid}/local/joint",
                      json={"fields": {"partners": "beta"}},
                      headers=lead._h("review_coordinator")).status_code == 200
    invitation = partner.get("/shares").json
    assert partner.post(f"/shares/{invitation[0]['id']}/accept", {}).status_code == 200
    policies.enable(alpha, "sample", {"level": 1})  # the lead's policy adds a deadline
    assert "sample_check" in {d["key"] for d in partner.get(f"/reviews/{rid}").json[
        "deadlines"]}
    # the partner adds a record: the review's clock is computed again, under the lead's rules
    added = partner.post(f"/reviews/{rid}/agency-reports", {
        "agency": "Bolton Health", "report_type": "imr", "requested_on": TODAY.isoformat(),
        "due_on": (TODAY + timedelta(days=5)).isoformat()})
    assert added.status_code == 201, added.json
    reference = lead.get(f"/reviews/{rid}").json["reference"]
    lead_view, partner_view = _agree(alpha), _agree(beta)
    assert partner_view[reference] == lead_view[reference]
    assert {"sample_check", f"agency_report:{added.json['id']}"} <= set(lead_view[reference])
    board = partner.get("/dashboard").json
    assert any(row["key"] == f"agency_report:{added.json['id']}" for row in board["urgent"])


def _grow(tenant: Tenant, count: int) -> None:
    for n in range(count):
        notified = TODAY - timedelta(days=10 + n)
        make_review(tenant, pseudonym=f"Count Adult {n} (invented)",
                    notification_date=notified, date_of_death=notified - timedelta(days=1))


def _dashboard_statements(client, headers) -> tuple[int, int]:
    with QueryCounter(db.engine) as page:
        assert client.get("/t/alpha/").status_code == 200
    with QueryCounter(db.engine) as api:
        assert client.get("/api/v1/t/alpha/dashboard", headers=headers).status_code == 200
    return page.count, api.count


def test_the_dashboard_costs_the_same_for_10_and_60_reviews(app, world):
    alpha = world.tenants["alpha"]
    client = app.test_client()
    sign_in(client, "review_coordinator@alpha.test")
    headers = {"Authorization": f"Bearer {world.tokens[('alpha', 'review_coordinator')]}"}
    _grow(alpha, 8)
    small = _dashboard_statements(client, headers)
    with tenant_scope(alpha.id):  # nothing kept yet (as after migration 0019)
        db.session.execute(delete(ReviewClock))
        db.session.commit()
    small_healing = _dashboard_statements(client, headers)
    _grow(alpha, 50)
    large = _dashboard_statements(client, headers)
    with tenant_scope(alpha.id):
        assert db.session.scalar(select(ReviewClock.id).limit(1)) is not None
        assert len(db.session.scalars(select(Review)).all()) == 60
        db.session.execute(delete(ReviewClock))
        db.session.commit()
    large_healing = _dashboard_statements(client, headers)
    print(f"dashboard statements (page, API): 10 reviews {small}, 60 reviews {large}; "
          f"computing every clock first: {small_healing[0]} -> {large_healing[0]}")
    assert small == large
    assert small_healing[0] == large_healing[0]
    _agree(alpha)


def test_the_refresh_command_keeps_every_review(app, world):
    for tenant in world.tenants.values():
        with tenant_scope(tenant.id):
            db.session.execute(delete(ReviewClock))
            db.session.commit()
    result = app.test_cli_runner().invoke(args=["dhr", "deadlines", "refresh"])
    assert result.exit_code == 0, result.output
    assert "deadlines kept for 3 reviews" in result.output
    for tenant in world.tenants.values():
        assert _agree(tenant)


def test_a_review_on_hold_is_computed_again_each_day(app, world, client, monkeypatch):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    api.step(rid, "setup", {"decision_date": (TODAY - timedelta(days=30)).isoformat(),
                            "reasons": "Criteria met.",
                            "home_office_told_on": (TODAY - timedelta(days=30)).isoformat()},
             role="csp_chair")
    api.step(rid, "hold", {"reason": "inquest",
                           "started_on": (TODAY - timedelta(days=2)).isoformat()})

    def completion() -> date:
        return date.fromisoformat({d["key"]: d for d in api.get(f"/reviews/{rid}").json[
            "deadlines"]}["completion"]["adjusted_due"])

    now = completion()
    monkeypatch.setattr(clock, "today", lambda: TODAY + timedelta(days=3))
    assert completion() == now + timedelta(days=3)  # the unfinished hold counts to today
    _agree(world.tenants["alpha"], TODAY + timedelta(days=3))


def test_new_clock_rules_are_applied_on_the_next_read(app, world, client, monkeypatch):
    """A guidance profile's setting changes (a new release): every kept clock was computed
    under the old one, so each is computed again when next read."""
    from dataclasses import replace

    from core.lifecycle.profiles import PROFILES

    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    api.step(rid, "setup", {"decision_date": "2026-02-10", "reasons": "Criteria met.",
                            "home_office_told_on": "2026-02-11"}, role="csp_chair")
    monkeypatch.setitem(PROFILES, "england-2016",
                        replace(PROFILES["england-2016"], completion_months=9))
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/t/alpha/").status_code == 200
    _agree(world.tenants["alpha"])
    completion = {d["key"]: d for d in api.get(f"/reviews/{rid}").json["deadlines"]}
    assert completion["completion"]["statutory_due"] == "2026-11-10"
