"""A CSP admin exports the partnership's own audit trail as CSV, for a date range, with
nothing of any other partnership; repeated cross-tenant attempts raise an alert."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from tests.factories import sign_in


def _range(start: date, end: date) -> str:
    return (f"start-day={start.day}&start-month={start.month}&start-year={start.year}"
            f"&end-day={end.day}&end-month={end.month}&end-year={end.year}")


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_export_holds_this_partnership_only(client, world):
    beta = client.application.test_client()
    sign_in(beta, "review_coordinator@beta.test")
    beta.get(f"/t/beta/reviews/{world.reviews['beta'][0].id}")  # a beta read, audited
    sign_in(client, "review_coordinator@alpha.test")
    client.get(f"/t/alpha/reviews/{world.reviews['alpha'][0].id}")
    client.post("/sign-out")
    sign_in(client, "csp_admin@alpha.test")
    today = date.today()
    response = client.get(f"/t/alpha/audit?{_range(today - timedelta(days=1), today)}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response)
    alpha_people = {u.id for (slug, _), u in world.users.items() if slug == "alpha"}
    allowed = {e.seq for e in db.session.scalars(select(AuditEvent)) if
               e.tenant_id == world.tenants["alpha"].id or
               (e.tenant_id is None and e.action.startswith("auth.") and
                e.actor_id in alpha_people)}
    assert rows and {int(r["seq"]) for r in rows} <= allowed
    assert any(r["action"] == "review.read" and
               r["object_id"] == str(world.reviews["alpha"][0].id) for r in rows)
    text = response.get_data(as_text=True)
    assert "beta.test" not in text and str(world.reviews["beta"][0].id) not in text
    exported = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "audit.exported")).one()
    assert exported.tenant_id == world.tenants["alpha"].id


def test_members_sign_ins_are_in_the_export_and_no_one_elses(client, world):
    """Sign-ins are platform events (an account is not one partnership's); each partnership
    sees its own members' account events."""
    sign_in(client.application.test_client(), "viewer@beta.test")
    sign_in(client.application.test_client(), "viewer@alpha.test")
    client.application.test_client().post("/sign-in", data={
        "email": "viewer@alpha.test", "password": "wrong"})
    sign_in(client, "csp_admin@alpha.test")
    today = date.today()
    rows = _rows(client.get(f"/t/alpha/audit?{_range(today, today)}"))
    by_actor = {(r["actor"], r["action"]) for r in rows}
    assert {("viewer@alpha.test", "auth.sign_in"), ("viewer@alpha.test", "auth.second_factor"),
            ("viewer@alpha.test", "auth.sign_in_failed")} <= by_actor
    assert not any("beta.test" in actor or "regional" in actor for actor, _ in by_actor)


def test_the_range_is_respected_and_checked(client, world):
    sign_in(client, "csp_admin@alpha.test")
    past = date.today() - timedelta(days=30)
    assert _rows(client.get(f"/t/alpha/audit?{_range(past, past)}")) == []
    backwards = client.get(f"/t/alpha/audit?{_range(date.today(), past)}")
    assert backwards.status_code == 400
    assert "on or after the start date" in backwards.get_data(as_text=True)
    assert client.get("/t/alpha/audit?start-day=31&start-month=2&start-year=2026"
                      ).status_code == 400


def test_formula_cells_are_quoted():
    """The export writes through the one CSV writer (core.csvsafe) that quotes formulas."""
    import csv
    import io
    from datetime import datetime
    from types import SimpleNamespace

    from core.audit.export import to_csv

    event = SimpleNamespace(seq=7, occurred_at=datetime(2026, 3, 1), actor="=HYPERLINK(1)",
                            action="@SUM", object_type="-1+2", object_id=None,
                            source_ip="+1", details={}, hash="plain")
    row = list(csv.reader(io.StringIO(to_csv([event]))))[1]
    assert row == ["7", "2026-03-01T00:00:00", "'=HYPERLINK(1)", "'@SUM", "'-1+2", "",
                   "'+1", "{}", "plain"]


def test_only_a_csp_admin_may_export(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/t/alpha/audit").status_code == 403


def test_repeated_cross_tenant_attempts_raise_one_alert(client, world):
    sign_in(client, "review_coordinator@beta.test")
    for _ in range(6):
        assert client.get("/t/alpha/").status_code == 404
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.actor == "review_coordinator@beta.test")).all()
    attempts = [e for e in events if e.action == "access.cross_tenant"]
    alerts = [e for e in events if e.action == "security.alert"]
    assert len(attempts) == 6 and len(alerts) == 1
    assert alerts[0].tenant_id is None and attempts[0].details["slug"] == "alpha"


def test_a_token_used_on_another_tenant_is_an_attempt_too(client, world):
    token = world.tokens[("beta", "viewer")]
    assert client.get("/api/v1/t/alpha/reviews",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "access.cross_tenant")).actor == "viewer@beta.test"
