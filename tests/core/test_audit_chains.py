"""One chain per partnership (and one for the platform): partnerships never wait for each
other to write audit events, and tampering with one partnership's chain is caught and named."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from core.audit import service as audit
from core.audit.models import AuditEvent
from core.db import db
from tenants.context import tenant_scope
from tests.conftest import TARGET


def _in_another_transaction(app, tenant_id, action: str) -> dict:
    """Record an event for ``tenant_id`` (None: a platform event) and commit, from another
    thread and connection, giving up after a second of waiting for any lock."""
    outcome: dict = {}

    def run():
        with app.app_context():
            try:
                if tenant_id is None:
                    db.session.execute(text("SET LOCAL lock_timeout = '1s'"))
                    audit.record(action)
                else:
                    with tenant_scope(tenant_id):
                        db.session.execute(text("SET LOCAL lock_timeout = '1s'"))
                        audit.record(action)
                db.session.commit()
                outcome["ok"] = True
            except Exception as failed:  # noqa: BLE001 - reported by the test
                outcome["error"] = failed
                db.session.rollback()
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return outcome


@pytest.mark.skipif(TARGET != "postgresql", reason="row locks between connections: PostgreSQL")
@pytest.mark.parametrize("other", ["beta", "a new partnership's first event", "platform"])
def test_an_open_transaction_of_one_partnership_blocks_no_other(app, world, other):
    """Transaction A records an event for alpha and stays open; meanwhile another partnership
    (or the platform) records and commits an event without waiting for A's locks."""
    import uuid

    alpha = world.tenants["alpha"]
    others = {"beta": world.tenants["beta"].id, "platform": None,
              "a new partnership's first event": uuid.uuid4()}
    with tenant_scope(alpha.id):
        audit.record("test.open_transaction")
        db.session.flush()
        outcome = _in_another_transaction(app, others[other], "test.meanwhile")
        assert outcome.get("ok"), f"waited for alpha's transaction: {outcome.get('error')!r}"
        db.session.commit()
    assert audit.verify()[1] is None
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions[-2:] == ["test.open_transaction", "test.meanwhile"]


@pytest.mark.skipif(TARGET != "postgresql", reason="row locks between connections: PostgreSQL")
def test_offboarding_holds_only_the_departing_partnerships_chain(app, world):
    """Erasure holds its own chain until commit (nothing can be appended to it), and no
    other partnership's."""
    import uuid

    from core.audit.erasure import erase_tenant_events

    gone = uuid.uuid4()  # a partnership already removed
    assert erase_tenant_events(gone) == []
    outcome = _in_another_transaction(app, world.tenants["beta"].id, "test.meanwhile")
    assert outcome.get("ok"), outcome.get("error")
    held = _in_another_transaction(app, gone, "test.too_late")
    assert "lock timeout" in str(held.get("error"))
    db.session.commit()


@pytest.mark.skipif(TARGET != "postgresql", reason="grants: PostgreSQL")
@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'x'",
    "DELETE FROM audit_events",
    "UPDATE audit_chain_head SET last_seq = 0",   # the legacy chain's head is sealed
    "DELETE FROM audit_chains",
    "DELETE FROM audit_erasures",
])
def test_the_app_role_cannot_change_the_past(app, world, statement):
    from sqlalchemy.exc import ProgrammingError

    with pytest.raises(ProgrammingError, match="permission denied"):
        db.session.execute(text(statement))
    db.session.rollback()


# --- tampering with one partnership's chain is caught and the chain named ----------------

def _verify(app) -> str:
    result = app.test_cli_runner().invoke(args=["dhr", "audit", "verify"])
    assert result.exit_code == 1, result.output
    return result.output


def _alpha(world) -> list[tuple[int, int]]:
    """(seq, place) of alpha's events, in its chain's order."""
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        select(AuditEvent.seq, AuditEvent.chain_seq).where(
            AuditEvent.chain == str(world.tenants["alpha"].id)).order_by(AuditEvent.chain_seq))]


def test_each_partnership_has_its_own_chain(app, world):
    alpha, beta = world.tenants["alpha"].id, world.tenants["beta"].id
    with tenant_scope(alpha):
        audit.record("test.alpha")
    with tenant_scope(beta):
        audit.record("test.beta")
    audit.record("test.platform")
    db.session.commit()
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent)).all()
    for event in events:
        assert event.chain == (str(event.tenant_id) if event.tenant_id else "platform")
    for chain in {e.chain for e in events}:
        places = sorted(e.chain_seq for e in events if e.chain == chain)
        assert places == list(range(1, len(places) + 1))
    assert audit.verify() == (len(events), None)


def test_a_changed_body_is_caught_and_the_chain_named(app, world, admin_engine):
    seq, place = _alpha(world)[1]
    with admin_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET details = '{\"n\": 1}' WHERE seq = :s"),
                     {"s": seq})
    output = _verify(app)
    assert f"event {seq} (place {place} of partnership alpha's chain) was altered" in output


def test_a_deleted_event_is_caught_and_the_chain_named(app, world, admin_engine):
    events = _alpha(world)
    with admin_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": events[1][0]})
    output = _verify(app)
    assert f"event {events[2][0]} (place 3 of partnership alpha's chain) comes after a gap: " \
           "place 2 is missing" in output


def test_a_deleted_chain_head_is_caught(app, world, admin_engine):
    with admin_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_chains WHERE chain = :c"),
                     {"c": str(world.tenants["alpha"].id)})
    assert "of partnership alpha's chain) is on a chain that has no head" in _verify(app)


def test_a_whole_chain_removed_is_caught(app, world, admin_engine):
    with admin_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE chain = :c"),
                     {"c": str(world.tenants["alpha"].id)})
    output = _verify(app)
    assert "partnership alpha's chain has lost every event up to place" in output


@pytest.mark.parametrize("column", ["chain_seq", "seq"])
def test_two_events_swapped_are_caught_and_the_chain_named(app, world, admin_engine, column):
    """Swapping two events' places in the chain (or their numbers) is caught."""
    (s1, p1), (s2, p2) = _alpha(world)[1:3]
    a, b = (p1, p2) if column == "chain_seq" else (s1, s2)
    with admin_engine.begin() as conn:
        conn.execute(text(f"UPDATE audit_events SET {column} = -1 WHERE seq = :s"), {"s": s1})
        conn.execute(text(f"UPDATE audit_events SET {column} = :v WHERE {column} = :w AND "
                          "chain = :c"), {"v": a, "w": b, "c": str(world.tenants["alpha"].id)})
        conn.execute(text(f"UPDATE audit_events SET {column} = :v WHERE {column} = -1"),
                     {"v": b})
    output = _verify(app)
    assert "of partnership alpha's chain)" in output
    assert "does not follow the event before it" in output or "altered" in output


def test_an_event_moved_to_another_partnerships_chain_is_caught(app, world, admin_engine):
    """An owner moves alpha's last event onto the end of beta's chain, linked to beta's
    last event, and moves both heads to match: the event's hash covers its chain and
    place, so it no longer verifies where it now sits."""
    (seq, place), (before_seq, _) = _alpha(world)[-1], _alpha(world)[-2]
    alpha, beta = str(world.tenants["alpha"].id), str(world.tenants["beta"].id)
    with admin_engine.begin() as conn:
        top, top_hash = conn.execute(text("SELECT last_seq, last_hash FROM audit_chains "
                                          "WHERE chain = :c"), {"c": beta}).one()
        moved, before = (conn.execute(text("SELECT hash FROM audit_events WHERE seq = :s"),
                                      {"s": s}).scalar() for s in (seq, before_seq))
        conn.execute(text("UPDATE audit_events SET chain = :c, chain_seq = :p, prev_hash = :h "
                          "WHERE seq = :s"), {"c": beta, "p": top + 1, "h": top_hash, "s": seq})
        for chain, last, hashed in ((beta, top + 1, moved), (alpha, place - 1, before)):
            conn.execute(text("UPDATE audit_chains SET last_seq = :p, last_hash = :h "
                              "WHERE chain = :c"), {"p": last, "h": hashed, "c": chain})
    output = _verify(app)
    assert f"event {seq} (place {top + 1} of partnership beta's chain) was altered" in output


# --- anchors ------------------------------------------------------------------------------

def test_an_anchor_holds_every_chain_and_a_root(app, world, tmp_path):
    import json

    from core.audit.anchors import root

    runner = app.test_cli_runner()
    out = tmp_path / "anchors.jsonl"
    assert runner.invoke(args=["dhr", "audit", "anchor", "--out", str(out)]).exit_code == 0
    anchor = json.loads(out.read_text())
    assert {str(world.tenants["alpha"].id), str(world.tenants["beta"].id), "legacy"} <= set(
        anchor["chains"])
    assert anchor["root"] == root(anchor["chains"])
    changed = dict(anchor, root="0" * 64)
    out.write_text(out.read_text() + json.dumps(changed) + "\n")
    caught = runner.invoke(args=["dhr", "audit", "verify", "--anchors", str(out)])
    assert caught.exit_code == 1 and "does not match its own root" in caught.output


def test_an_anchor_catches_an_event_removed_from_the_end_of_a_chain(app, world, admin_engine,
                                                                    tmp_path):
    """The owner removes alpha's last event and moves the head back: the chain alone
    verifies, the anchor does not."""
    runner = app.test_cli_runner()
    out = tmp_path / "anchors.jsonl"
    assert runner.invoke(args=["dhr", "audit", "anchor", "--out", str(out)]).exit_code == 0
    (seq, place), (before_seq, _) = _alpha(world)[-1], _alpha(world)[-2]
    with admin_engine.begin() as conn:
        before = conn.execute(text("SELECT hash FROM audit_events WHERE seq = :s"),
                              {"s": before_seq}).scalar()
        conn.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": seq})
        conn.execute(text("UPDATE audit_chains SET last_seq = :p, last_hash = :h "
                          "WHERE chain = :c"),
                     {"p": place - 1, "h": before, "c": str(world.tenants["alpha"].id)})
    db.session.expire_all()
    assert audit.verify()[1] is None  # the chain alone cannot tell
    caught = runner.invoke(args=["dhr", "audit", "verify", "--anchors", str(out)])
    assert caught.exit_code == 1
    assert f"place {place} of partnership alpha's chain is missing" in caught.output


# --- the legacy chain: every event written before migration 0020 ---------------------------

def _legacy(admin_engine, count: int, first_scheme: int = 0) -> str:
    """Replace the audit trail with a legacy chain of ``count`` events as the code before
    migration 0020 wrote them (the first ``first_scheme`` without body digests); return the
    legacy head's hash."""
    from datetime import datetime

    from core.audit.service import body_hash, legacy_hash, link_hash

    prev, rows = "0" * 64, []
    for seq in range(1, count + 1):
        event = AuditEvent(seq=seq, occurred_at=datetime(2026, 1, 1, 9, 0, seq), actor_id=None,
                           actor="system", tenant_id=None, action="old.event",
                           object_type=None, object_id=None, source_ip=None,
                           details={"n": seq}, prev_hash=prev, chain="legacy", chain_seq=seq,
                           erased=False)
        if seq <= first_scheme:
            event.body_hash, event.hash = None, legacy_hash(event)
        else:
            event.body_hash = body_hash(event)
            event.hash = link_hash(prev, event.body_hash)
        rows.append({c.key: getattr(event, c.key) for c in AuditEvent.__table__.columns})
        prev = event.hash
    table = AuditEvent.__table__
    with admin_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))
        conn.execute(text("DELETE FROM audit_chains"))
        conn.execute(table.insert(), rows)
        conn.execute(text("UPDATE audit_chain_head SET last_seq = :n, last_hash = :h"),
                     {"n": count, "h": prev})
        if admin_engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('audit_event_seq', GREATEST(:n, "
                              "(SELECT last_value FROM audit_event_seq)))"), {"n": count})
    db.session.expire_all()
    return prev


def test_the_legacy_chain_verifies_and_new_chains_start_from_its_head(app, world,
                                                                     admin_engine):
    """Events from before migration 0020 (and from before body digests) are checked as
    they always were; each new chain's first event links to the legacy chain's last."""
    head = _legacy(admin_engine, 3, first_scheme=1)
    with tenant_scope(world.tenants["alpha"].id):
        audit.record("test.after_upgrade")
    audit.record("test.platform_after_upgrade")
    db.session.commit()
    assert audit.verify() == (5, None)
    db.session.expire_all()
    firsts = db.session.scalars(select(AuditEvent).where(AuditEvent.chain_seq == 1,
                                                         AuditEvent.chain != "legacy")).all()
    assert len(firsts) == 2 and {e.prev_hash for e in firsts} == {head}
    with admin_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE seq = 1"))
    db.session.expire_all()
    problem = audit.verify()[1]
    assert (problem.seq, problem.chain) == (1, "legacy") and "altered" in problem.reason


def test_the_legacy_chain_cut_short_is_caught_by_the_chains_after_it(app, world,
                                                                    admin_engine):
    """The owner removes the legacy chain's last event and moves its head back: the new
    chains start from the old head, so they no longer follow."""
    _legacy(admin_engine, 3)
    audit.record("test.platform_after_upgrade")
    db.session.commit()
    with admin_engine.begin() as conn:
        before = conn.execute(text("SELECT hash FROM audit_events WHERE seq = 2")).scalar()
        conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
        conn.execute(text("UPDATE audit_chain_head SET last_seq = 2, last_hash = :h"),
                     {"h": before})
    db.session.expire_all()
    problem = audit.verify()[1]
    assert problem.chain == "platform" and "does not follow" in problem.reason


def test_anchors_from_before_the_upgrade_still_match(app, world, admin_engine, tmp_path):
    import json

    head = _legacy(admin_engine, 3)
    out = tmp_path / "anchors.jsonl"
    out.write_text(json.dumps({"seq": 3, "hash": head, "taken_at": "2026-01-01T10:00:00"})
                   + "\n")
    with tenant_scope(world.tenants["alpha"].id):
        audit.record("test.after_upgrade")
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["dhr", "audit", "anchor", "--out", str(out)]).exit_code == 0
    ok = runner.invoke(args=["dhr", "audit", "verify", "--anchors", str(out)])
    assert ok.exit_code == 0 and "2 anchors match" in ok.output, ok.output
    with admin_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET hash = :h WHERE seq = 3"), {"h": "f" * 64})
    caught = runner.invoke(args=["dhr", "audit", "verify", "--anchors", str(out)])
    assert caught.exit_code == 1 and "event 3" in caught.output


def test_a_bulk_append_is_chained_as_record_would(app, world):
    alpha = world.tenants["alpha"].id
    with tenant_scope(alpha):
        audit.record("test.one")
        audit.append([{"actor_id": None, "actor": "system", "action": f"test.bulk_{n}",
                       "object_type": None, "object_id": None, "details": {"n": n}}
                      for n in range(3)], alpha)
        audit.record("test.after")
    db.session.commit()
    assert audit.verify()[1] is None
    db.session.expire_all()
    tail = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.chain == str(alpha)).order_by(AuditEvent.chain_seq)).all()[-5:]
    assert tail == ["test.one", "test.bulk_0", "test.bulk_1", "test.bulk_2", "test.after"]
