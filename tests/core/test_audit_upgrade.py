"""Migration 0020 carries the one chain every event was on over as the sealed ``legacy``
chain: a database upgraded from before 0020 still verifies, and its old anchors still match.
Runs on its own SQLite file, whatever the suite's target."""
from __future__ import annotations

import json
import uuid
from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from core.app import create_app
from core.db import db

GENESIS = "0" * 64


def _old_chain(count: int) -> tuple[list[dict], str]:
    """Events as the code before 0020 wrote them: one chain, the first without a body
    digest (before 0013), one erased by an offboarding."""
    from core.audit.models import AuditEvent
    from core.audit.service import body_hash, legacy_hash, link_hash

    tenant, prev, rows = uuid.uuid4(), GENESIS, []
    for seq in range(1, count + 1):
        event = AuditEvent(seq=seq, occurred_at=datetime(2026, 1, 1, 9, 0, seq), actor_id=None,
                           actor="someone@example.org", tenant_id=tenant if seq % 2 else None,
                           action="review.read", object_type="review", object_id=str(seq),
                           source_ip="127.0.0.1", details={"n": seq}, prev_hash=prev)
        if seq == 1:
            event.body_hash, event.hash = None, legacy_hash(event)
        else:
            event.body_hash = body_hash(event)
            event.hash = link_hash(prev, event.body_hash)
        row = {c: getattr(event, c) for c in (
            "seq", "occurred_at", "actor_id", "actor", "tenant_id", "action", "object_type",
            "object_id", "source_ip", "prev_hash", "hash", "body_hash")}
        row.update(details=json.dumps(event.details), erased=0,
                   tenant_id=row["tenant_id"].hex if row["tenant_id"] else None)
        if seq == 3:  # erased when its partnership left: blank, recorded, links kept
            row.update(actor="erased", tenant_id=None, action="erased", object_type=None,
                       object_id=None, source_ip=None, details="{}", erased=1)
        rows.append(row)
        prev = event.hash
    return rows, prev


def test_a_database_written_before_0020_still_verifies_after_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(revision="0018_index_walls")
        db.engine.dispose()
        rows, head = _old_chain(6)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_events (seq, occurred_at, actor_id, actor, tenant_id, action, "
            "object_type, object_id, source_ip, details, prev_hash, hash, body_hash, erased) "
            "VALUES (:seq, :occurred_at, :actor_id, :actor, :tenant_id, :action, "
            ":object_type, :object_id, :source_ip, :details, :prev_hash, :hash, :body_hash, "
            ":erased)"), rows)
        conn.execute(text("INSERT INTO audit_erasures (seq, erased_at) VALUES (3, :t)"),
                     {"t": datetime(2026, 2, 1)})
        conn.execute(text("UPDATE audit_chain_head SET last_seq = 6, last_hash = :h"),
                     {"h": head})
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text(json.dumps({"seq": 6, "hash": head, "taken_at": "2026-01-02"}) + "\n")
    with app.app_context():
        upgrade()
        from core.audit import service as audit
        from core.audit.models import AuditEvent

        assert audit.verify() == (6, None)
        tenant = uuid.uuid4()
        audit.record("test.after_upgrade", tenant_id=tenant)
        audit.record("test.platform_after_upgrade")
        db.session.commit()
        assert audit.verify() == (8, None)
        new = db.session.query(AuditEvent).filter(AuditEvent.seq > 6).order_by(
            AuditEvent.seq).all()
        assert [(e.seq, e.chain, e.chain_seq, e.prev_hash) for e in new] == [
            (7, str(tenant), 1, head), (8, "platform", 1, head)]
        result = app.test_cli_runner().invoke(
            args=["dhr", "audit", "verify", "--anchors", str(anchors)])
        assert result.exit_code == 0 and "1 anchors match" in result.output, result.output
        db.session.remove()
        db.engine.dispose()
    with engine.begin() as conn:  # the legacy chain is still checked as it was
        conn.execute(text("UPDATE audit_events SET details = '{}' WHERE seq = 4"))
    engine.dispose()
    with app.app_context():
        from core.audit import service as audit

        problem = audit.verify()[1]
        assert (problem.seq, problem.chain, problem.place) == (4, "legacy", 4)
        assert "legacy chain" in problem.describe()
        db.engine.dispose()
