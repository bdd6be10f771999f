"""A record write's SQL budget (issue 12): a panel meeting added through the API, the write
`make bench` measures, sends fewer than 10 statements on PostgreSQL, its audit event and
kept deadlines included. SQLite has no sequence and no UPDATE inside a WITH, so its audit
event takes four statements where PostgreSQL's takes one (core/audit/service.py)."""
from __future__ import annotations

from sqlalchemy import event

from core.db import db
from tenants.rls import is_postgresql

BUDGET = 10
SQLITE_AUDIT_EXTRA = 3


def _statements(client, url, body, headers) -> list[str]:
    seen: list[str] = []

    def hit(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", hit)
    try:
        answer = client.post(url, json=body, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", hit)
    assert answer.status_code == 201, answer.get_json()
    return seen


def test_a_record_write_sends_fewer_than_ten_statements(app, world):
    client = app.test_client()
    review = world.reviews["alpha"][0]
    headers = {"Authorization": f"Bearer {world.tokens[('alpha', 'review_coordinator')]}"}
    url = f"/api/v1/t/alpha/reviews/{review.id}/panel-meetings"
    _statements(client, url, {"held_on": "2026-03-01"}, headers)  # caches warm
    seen = _statements(client, url, {"held_on": "2026-03-02"}, headers)
    budget = BUDGET if is_postgresql(db.engine) else BUDGET + SQLITE_AUDIT_EXTRA
    assert len(seen) < budget, "\n".join(s[:120] for s in seen)
    # what it still does: the token, its tenant and roles, the review, the partnership's
    # local policies, the record, its timeline event, the audit event, the kept clock
    assert any(s.startswith("INSERT INTO panel_meetings") for s in seen)
    assert any(s.startswith("INSERT INTO timeline_events") for s in seen)
    assert any("audit_events" in s for s in seen)
    assert any("review_clocks" in s for s in seen)
