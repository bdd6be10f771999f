"""The audit chain: every sign-in, read and write is recorded, chained and verifiable."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from core.audit.models import AuditEvent
from core.audit.service import AuditTampering
from core.db import db
from tests.conftest import TARGET
from tests.factories import sign_in


def _actions():
    db.session.expire_all()
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def _verify(app):
    return app.test_cli_runner().invoke(args=["dhr", "audit", "verify"])


def test_sign_in_reads_and_writes_are_audited(app, world, client):
    start = len(_actions())
    sign_in(client, "nobody@alpha.test", "wrong")
    sign_in(client, "review_coordinator@alpha.test")
    review = world.reviews["alpha"][0]
    client.get("/t/alpha/")
    client.get(f"/t/alpha/reviews/{review.id}")
    client.post("/t/alpha/reviews/new", data={
        "pseudonym": "Audited Adult", "date_of_death-day": "1", "date_of_death-month": "2",
        "date_of_death-year": "2026", "notification_date-day": "3",
        "notification_date-month": "2", "notification_date-year": "2026",
        "notifying_agency": "Police"})
    # the overview shows the family engagement (issue 13): a read of family contacts
    assert _actions()[start:] == ["auth.sign_in_failed", "auth.sign_in", "auth.second_factor",
                                  "review.dashboard",
                                  "review.read", "family_contacts.read", "review.create"]
    read = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.read")
                              .order_by(AuditEvent.seq.desc())).first()
    assert read.actor == "review_coordinator@alpha.test"
    assert read.tenant_id == world.tenants["alpha"].id
    assert read.object_id == str(review.id)
    assert read.source_ip == "127.0.0.1"


def test_token_creation_and_denials_are_audited(app, world, client):
    sign_in(client, "viewer@alpha.test")
    client.post("/t/alpha/tokens", data={"name": "reporting"})
    assert client.post("/t/alpha/reviews/new", data={}).status_code == 403
    assert _actions()[-2:] == ["token.create", "access.denied"]


def test_verify_passes_on_an_untouched_chain(app, world):
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def _chain_seqs(tenant_id) -> list[int]:
    """The seqs of a partnership's chain, in its order."""
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.seq).where(
        AuditEvent.chain == str(tenant_id)).order_by(AuditEvent.chain_seq)))


def test_altering_one_row_breaks_the_chain_and_names_it(app, world, admin_engine):
    seq = _chain_seqs(world.tenants["alpha"].id)[2]
    with admin_engine.begin() as conn:  # the owner role: the app role may not UPDATE
        conn.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE seq = :s"),
                     {"s": seq})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"event {seq} (place 3 of partnership alpha's chain)" in result.output
    assert "altered" in result.output


def test_removing_a_row_breaks_the_chain(app, world, admin_engine):
    seqs = _chain_seqs(world.tenants["alpha"].id)
    with admin_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": seqs[2]})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"event {seqs[3]} (place 4 of partnership alpha's chain)" in result.output
    assert "place 3 is missing" in result.output


def test_removing_the_newest_rows_breaks_the_chain(app, world, admin_engine):
    with admin_engine.begin() as conn:
        last = conn.execute(text("SELECT max(seq) FROM audit_events")).scalar()
        chain, place = conn.execute(text("SELECT chain, chain_seq FROM audit_events "
                                         "WHERE seq = :s"), {"s": last}).one()
        conn.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": last})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"place {place} of" in result.output and "were removed" in result.output
    from core.audit.service import label

    assert label(chain) in result.output


def test_the_orm_refuses_to_change_or_delete_audit_events(app, world):
    event = db.session.scalars(select(AuditEvent)).first()
    event.action = "rewritten"
    with pytest.raises(AuditTampering):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditEvent)).first())
    with pytest.raises(AuditTampering):
        db.session.flush()
    db.session.rollback()


def test_a_failed_write_leaves_no_audit_event(app, world, monkeypatch):
    """The write and its audit line commit together or not at all."""
    from core.reviews import service
    from tenants.context import tenant_scope

    before = len(_actions())

    def broken_flush(*_a, **_k):
        raise RuntimeError("disk full")

    tenant = world.tenants["alpha"]
    with tenant_scope(tenant.id):
        monkeypatch.setattr(db.session, "flush", broken_flush)
        with pytest.raises(RuntimeError):
            from tests.factories import REVIEW_DATA

            service.create_review(tenant, dict(REVIEW_DATA), actor_id=None)
        monkeypatch.undo()
    assert len(_actions()) == before


def test_reading_case_records_is_audited(app, world, client):
    token = {"Authorization": f"Bearer {world.tokens[('alpha', 'review_coordinator')]}"}
    rid = world.reviews["alpha"][0].id
    for path in ("family-contacts", "documents", "timeline", "holds"):
        assert client.get(f"/api/v1/t/alpha/reviews/{rid}/{path}", headers=token).status_code \
            == 200
    sign_in(client, "review_coordinator@alpha.test")
    client.get(f"/t/alpha/reviews/{rid}/agency-reports")
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("%.read"))
                               .order_by(AuditEvent.seq)).all()
    assert [e.action for e in reads][-5:] == ["family_contacts.read", "documents.read",
                                              "timeline.read", "holds.read",
                                              "agency_reports.read"]
    assert {e.actor for e in reads[-5:]} == {"review_coordinator@alpha.test"}
    assert all(e.object_id == str(rid) for e in reads[-5:])


def _bodies(tenant_id):
    db.session.expire_all()
    return {e.seq: (e.actor, e.action, e.object_id, e.details, e.hash) for e in
            db.session.scalars(select(AuditEvent).where(AuditEvent.tenant_id == tenant_id))}


def test_offboarding_erases_the_partnerships_events_and_the_chain_still_verifies(app, world):
    from core.audit.service import verify

    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    alpha_before, beta_before = _bodies(alpha.id), _bodies(beta.id)
    assert len(alpha_before) > 5 and beta_before
    done = app.test_cli_runner().invoke(args=["dhr", "tenant", "offboard", "alpha",
                                              "--confirm", "alpha"])
    assert done.exit_code == 0, done.output
    assert _bodies(alpha.id) == {} and _bodies(beta.id) == beta_before
    erased = {e.seq: e for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.erased.is_(True)))}
    assert set(erased) == set(alpha_before)
    for seq, event in erased.items():  # nothing left that says who did what, or from where
        assert (event.actor, event.action, event.actor_id, event.object_id, event.source_ip,
                event.details) == ("erased", "erased", None, None, None, {})
        assert event.hash == alpha_before[seq][4]  # the links are untouched
    assert verify() == (len(_actions()), None)
    text_of_chain = " ".join(str(e.details) + e.actor for e in db.session.scalars(
        select(AuditEvent)))
    assert "review_coordinator@alpha.test" not in text_of_chain


def test_an_event_erased_by_hand_without_an_offboarding_is_reported(app, world, admin_engine):
    from core.audit.service import verify

    beta = world.tenants["beta"]
    seq = min(_bodies(beta.id))
    with admin_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'erased', action = 'erased', "
                          "tenant_id = NULL, actor_id = NULL, object_type = NULL, "
                          "object_id = NULL, source_ip = NULL, details = '{}', erased = true "
                          "WHERE seq = :s"), {"s": seq})
    db.session.expire_all()
    checked, problem = verify()
    assert problem is not None and problem.seq == seq and "without an offboarding" in \
        problem.reason


def test_an_offboarding_event_written_by_the_app_does_not_account_for_an_erasure(
        app, world, admin_engine):
    """Only the erasing function's own record counts, not what an event claims."""
    from core.audit.service import record, verify

    seq = min(_bodies(world.tenants["beta"].id))
    with admin_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'erased', action = 'erased', "
                          "tenant_id = NULL, actor_id = NULL, object_type = NULL, "
                          "object_id = NULL, source_ip = NULL, details = '{}', erased = true "
                          "WHERE seq = :s"), {"s": seq})
    record("tenant.offboarded", details={"slug": "beta", "audit_erased": [[seq, seq]]})
    db.session.commit()
    problem = verify()[1]
    assert problem is not None and problem.seq == seq and "recorded it" in problem.reason


def test_a_body_written_into_an_erased_event_is_caught(app, world, admin_engine):
    from core.audit.service import verify

    app.test_cli_runner().invoke(args=["dhr", "tenant", "offboard", "alpha", "--confirm",
                                       "alpha"])
    assert verify()[1] is None
    seq = db.session.scalars(select(AuditEvent.seq).where(AuditEvent.erased.is_(True))).first()
    with admin_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'forged@beta.test', "
                          "action = 'document.download' WHERE seq = :s"), {"s": seq})
    db.session.expire_all()
    problem = verify()[1]
    assert problem is not None and problem.seq == seq and "altered" in problem.reason


@pytest.mark.skipif(TARGET != "postgresql", reason="SECURITY DEFINER functions: PostgreSQL")
def test_a_temporary_table_cannot_stand_in_for_the_partnerships(app, world):
    """A definer function that looked names up through the caller's temporary schema could
    be told a living partnership was gone."""
    from sqlalchemy.exc import DBAPIError

    alpha_id = world.tenants["alpha"].id
    before = _bodies(alpha_id)
    db.session.execute(text("CREATE TEMP TABLE tenants (id uuid)"))  # empty: "nobody exists"
    with pytest.raises(DBAPIError, match="still exists"):
        db.session.execute(text("SELECT dhr_erase_tenant_audit(CAST(:t AS uuid))"),
                           {"t": str(alpha_id)}).all()
    db.session.rollback()
    assert _bodies(alpha_id) == before


def test_erasure_refuses_a_partnership_that_still_exists(app, world):
    """On PostgreSQL the application role reaches erasure only through the owner's function,
    and the function refuses a living partnership just as the SQLite path does."""
    from sqlalchemy.exc import DBAPIError

    from core.audit.erasure import TenantStillExists, erase_tenant_events

    alpha = world.tenants["alpha"]
    before = _bodies(alpha.id)
    with pytest.raises((TenantStillExists, DBAPIError)):
        erase_tenant_events(alpha.id)
    db.session.rollback()
    assert _bodies(alpha.id) == before


def _rewrite_from(admin_engine, tenant_id, place: int) -> None:
    """What the table's owner could do: change an event of a partnership's chain and
    recompute every hash after it, and the head, so that the chain alone verifies again."""
    from core.audit.models import AuditEvent as Event
    from core.audit.service import body_hash, chain_link_hash

    chain = str(tenant_id)
    with admin_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'someone else' "
                          "WHERE chain = :c AND chain_seq = :p"), {"c": chain, "p": place})
    db.session.expire_all()
    rows = db.session.scalars(select(Event).where(Event.chain == chain)
                              .order_by(Event.chain_seq)).all()
    prev, fixed = rows[0].prev_hash, []
    for row in rows:
        digest = body_hash(row)
        fixed.append((row.seq, digest, prev, chain_link_hash(chain, row.chain_seq, row.seq,
                                                             prev, digest)))
        prev = fixed[-1][3]
    db.session.rollback()
    with admin_engine.begin() as conn:
        for s, digest, before, h in fixed:
            conn.execute(text("UPDATE audit_events SET body_hash = :b, hash = :h, "
                              "prev_hash = :p WHERE seq = :s"),
                         {"b": digest, "h": h, "p": before, "s": s})
        conn.execute(text("UPDATE audit_chains SET last_hash = :h WHERE chain = :c"),
                     {"h": prev, "c": chain})
    db.session.expire_all()


def test_an_anchor_catches_a_chain_rewritten_by_its_owner(app, world, admin_engine, tmp_path):
    runner = app.test_cli_runner()
    anchors = tmp_path / "anchors.jsonl"
    assert runner.invoke(args=["dhr", "audit", "anchor", "--out", str(anchors)]).exit_code == 0
    from core.audit.service import record

    record("test.after_anchor")
    db.session.commit()
    assert runner.invoke(args=["dhr", "audit", "anchor", "--out", str(anchors)]).exit_code == 0
    assert len(anchors.read_text().splitlines()) == 2
    ok = runner.invoke(args=["dhr", "audit", "verify", "--anchors", str(anchors)])
    assert ok.exit_code == 0 and "2 anchors match" in ok.output
    _rewrite_from(admin_engine, world.tenants["alpha"].id, 3)
    assert _verify(app).exit_code == 0  # the chain alone cannot tell
    caught = runner.invoke(args=["dhr", "audit", "verify", "--anchors", str(anchors)])
    assert caught.exit_code == 1 and "rewritten after the anchor" in caught.output
    assert "of partnership alpha's chain" in caught.output


def test_anchors_still_match_after_a_partnership_is_offboarded(app, world, tmp_path):
    runner = app.test_cli_runner()
    anchors = tmp_path / "anchors.jsonl"
    assert runner.invoke(args=["dhr", "audit", "anchor", "--out", str(anchors)]).exit_code == 0
    done = runner.invoke(args=["dhr", "tenant", "offboard", "alpha", "--confirm", "alpha"])
    assert done.exit_code == 0, done.output
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.erased.is_(True))).first()
    ok = runner.invoke(args=["dhr", "audit", "verify", "--anchors", str(anchors)])
    assert ok.exit_code == 0, ok.output
