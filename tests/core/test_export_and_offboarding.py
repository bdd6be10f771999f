"""Tenant export (every row and file, in a documented format) and offboarding (nothing of
the partnership left: rows, files, memberships, tokens, plugins, rate-limit keys), while
every other partnership is untouched."""
from __future__ import annotations

import hashlib
import json
import zipfile

from sqlalchemy import func, select

from core.dataops import offboard as offboarding
from core.dataops.archive import FORMAT
from core.dataops.tables import tenant_tables
from core.db import db
from tenants.context import tenant_scope


def _counts(tenant_id) -> dict[str, int]:
    with tenant_scope(tenant_id):
        return {t.name: db.session.scalar(select(func.count()).select_from(t).where(
            t.c.tenant_id == tenant_id)) for t in tenant_tables()}


def test_export_holds_every_row_and_file(app, world, tmp_path, client):
    from tests.factories import sign_in

    alpha = world.tenants["alpha"]
    sign_in(client, "review_coordinator@alpha.test")
    client.get(f"/t/alpha/reviews/{world.reviews['alpha'][0].id}")
    path = tmp_path / "alpha.zip"
    result = app.test_cli_runner().invoke(args=["dhr", "tenant", "export", "alpha", str(path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == FORMAT and manifest["tenant"] == "alpha"
        counts = _counts(alpha.id)
        assert manifest["tables"] == counts and sum(counts.values()) > 20
        for table, n in counts.items():
            lines = archive.read(f"tables/{table}.jsonl").decode().splitlines()
            assert len(lines) == n, table
            assert all(json.loads(line)["tenant_id"] == str(alpha.id) for line in lines)
        assert manifest["files"]
        for sha in manifest["files"]:
            assert hashlib.sha256(archive.read(f"files/{sha}")).hexdigest() == sha
        text = b"".join(archive.read(n) for n in archive.namelist()).decode(errors="ignore")
        assert "beta.test" not in text and str(world.tenants["beta"].id) not in text
        assert "review_coordinator@alpha.test" in archive.read(
            "tables/memberships.jsonl").decode()
        # the audit trail as the export page gives it: members' sign-ins included
        trail = archive.read("audit.csv").decode()
        assert "auth.sign_in" in trail and "review.read" in trail


def test_offboarding_leaves_nothing_and_touches_no_one_else(app, world, tmp_path):
    import redis as redis_client

    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    beta_before = _counts(beta.id)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["dhr", "tenant", "offboard", "alpha", "--confirm", "alph"])
    assert refused.exit_code != 0 and _counts(alpha.id)["reviews"] > 0
    done = runner.invoke(args=["dhr", "tenant", "offboard", "alpha", "--confirm", "alpha"])
    assert done.exit_code == 0, done.output
    left = offboarding.residue(alpha.id)
    assert set(left.values()) == {0}, left
    assert _counts(beta.id) == beta_before
    # no cache key names the partnership (rate-limit keys are per account and address)
    try:
        store = redis_client.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2)
        assert not store.keys(f"*{alpha.id}*") and not store.keys("*/t/alpha*")
    except redis_client.exceptions.ConnectionError:
        pass  # no Redis on this machine: the counts live in memory and die with the process
    from core.audit.models import AuditEvent

    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "tenant.offboarded")).one()
    assert event.details["slug"] == "alpha" and event.tenant_id is None


def test_offboarding_a_lead_takes_its_partners_rows_about_its_joint_reviews(app, world):
    """A partner's own rows about the departing lead's joint review (its reminder mail)
    cannot outlive the review; the partner's other rows stay."""
    from core.notifications.models import OutboxMessage
    from core.notifications.service import enqueue
    from tenants.models import utcnow
    from tenants.sharing import ReviewPartner

    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    shared, own = world.reviews["alpha"][0].id, world.reviews["beta"][0].id
    with tenant_scope(alpha.id):
        db.session.add(ReviewPartner(review_id=shared, partner_tenant_id=beta.id,
                                     accepted_at=utcnow()))
        db.session.commit()
    with tenant_scope(beta.id):
        for review_id, key in ((shared, "joint"), (own, "own")):
            enqueue(kind="deadline_overdue", dedupe_key=key, recipient="beta@beta.test",
                    subject="invented", body="invented", review_id=review_id)
        db.session.commit()
    done = app.test_cli_runner().invoke(args=["dhr", "tenant", "offboard", "alpha",
                                              "--confirm", "alpha"])
    assert done.exit_code == 0, done.output
    assert set(offboarding.residue(alpha.id).values()) == {0}
    with tenant_scope(beta.id):
        left = {m.review_id for m in db.session.scalars(select(OutboxMessage))}
    assert left == {own}


def test_people_who_belonged_only_to_the_partnership_go_with_it(app, world, client):
    """Their accounts, recovery codes and sign-in events go; someone who also works for
    another partnership keeps their account; the audit chain still verifies."""
    from core.audit.models import AuditEvent
    from core.audit.service import verify
    from core.auth.models import User
    from tenants.roles import TenantRole
    from tests.factories import add_member, sign_in

    both = world.users[("alpha", "viewer")]
    add_member(both, world.tenants["beta"], TenantRole.VIEWER)
    db.session.commit()
    sign_in(client, "review_coordinator@alpha.test")
    sign_in(app.test_client(), "viewer@alpha.test")
    done = app.test_cli_runner().invoke(args=["dhr", "tenant", "offboard", "alpha",
                                              "--confirm", "alpha"])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    emails = set(db.session.scalars(select(User.email)))
    assert "review_coordinator@alpha.test" not in emails and "csp_admin@alpha.test" not in emails
    assert "viewer@alpha.test" in emails and "regional@north.test" in emails
    actors = {e.actor for e in db.session.scalars(select(AuditEvent))}
    assert "review_coordinator@alpha.test" not in actors
    assert "viewer@alpha.test" in actors  # their own sign-ins stay with their account
    checked, problem = verify()
    assert problem is None and checked == db.session.scalar(
        select(func.count()).select_from(AuditEvent))
