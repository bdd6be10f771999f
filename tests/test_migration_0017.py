"""Migration 0017 dates the roles held before it: the time of each role's latest
``member.role_added`` event, or else the partnership's creation (founding members), so the
audit export keeps a member's account events from when they really joined. Runs on its own
SQLite file, whatever the suite's target."""
from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import text

from tests.migration_at import add_tenant, database_at, upgrade_to


def test_roles_held_before_the_migration_get_the_time_they_were_given(tmp_path):
    app, engine = database_at(tmp_path, "0016_user_sessions")
    founder, newcomer = uuid.uuid4(), uuid.uuid4()
    founded = datetime(2026, 1, 5, 9, 0, 0)
    added, added_again = datetime(2026, 3, 1, 12, 0, 0), datetime(2026, 4, 1, 12, 0, 0)
    with engine.begin() as conn:
        tenant = add_tenant(conn, founded)
        for user in (founder, newcomer):
            conn.execute(text(
                "INSERT INTO users (id, email, display_name, password_hash, "
                "is_platform_admin, active, created_at, totp_last_step, session_epoch) "
                "VALUES (:id, :e, 'x', '', 0, 1, :c, 0, 0)"),
                {"id": user.hex, "e": f"{user.hex}@example.org", "c": founded})
        for user, role in ((founder, "csp_admin"), (newcomer, "viewer"),
                           (newcomer, "panel_member")):
            conn.execute(text("INSERT INTO memberships (id, user_id, tenant_id, role) "
                              "VALUES (:id, :u, :t, :role)"),
                         {"id": uuid.uuid4().hex, "u": user.hex, "t": tenant.hex,
                          "role": role})
        # the viewer role was given twice (removed in between): the later time counts; an
        # event for another role or partnership does not
        for seq, (when, role, where) in enumerate((
                (added, "viewer", tenant), (added_again, "viewer", tenant),
                (datetime(2026, 5, 1), "csp_chair", tenant),
                (datetime(2026, 6, 1), "panel_member", uuid.uuid4())), start=1):
            conn.execute(text(
                "INSERT INTO audit_events (seq, occurred_at, actor, tenant_id, action, "
                "object_type, object_id, details, prev_hash, hash, erased) VALUES "
                "(:seq, :at, 'a', :t, 'member.role_added', 'user', :o, :d, 'p', 'h', 0)"),
                {"seq": seq, "at": when, "t": where.hex, "o": str(newcomer),
                 "d": json.dumps({"role": role})})
    upgrade_to(app, "0017_role_requests")
    with engine.connect() as conn:
        held = {(u, r): c for u, r, c in conn.execute(text(
            "SELECT user_id, role, created_at FROM memberships"))}
    engine.dispose()
    assert held[(founder.hex, "csp_admin")].startswith("2026-01-05 09:00:00")
    assert held[(newcomer.hex, "viewer")].startswith("2026-04-01 12:00:00")
    assert held[(newcomer.hex, "panel_member")].startswith("2026-01-05 09:00:00")
