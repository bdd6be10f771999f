"""Retention rules per partnership and record class: the command removes what is past
keeping (a closed review with all it holds and its files, sent mail, public requests),
keeps everything else, and records what it removed."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.dataops.tables import tenant_tables
from core.db import db
from core.documents import service as documents
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews.models import Review
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.factories import make_review


def _review(world, slug: str, stage: str, last_step: datetime, text: bytes) -> Review:
    tenant = world.tenants[slug]
    ref = make_review(tenant, pseudonym=f"Retention Adult {text.decode()} (invented)")
    with tenant_scope(tenant.id):
        review = find_review(ref.id)
        records.add_record(review, BY_SLUG["panel-members"], {"agency": "Police",
                                                              "name": "Invented Officer"})
        documents.upload(review, text, "note.txt", kind="other", title="Note")
        review.stage, review.last_step_at = stage, last_step
        db.session.commit()
        return review


def _rows_of(tenant_id, review_id) -> int:
    with tenant_scope(tenant_id):
        return sum(db.session.scalar(select(func.count()).select_from(t).where(
            (t.c.review_id if "review_id" in t.c else t.c.id) == review_id))
            for t in tenant_tables() if "review_id" in t.c or t.name == "reviews")


def test_old_closed_reviews_go_with_everything_they_hold(app, world):
    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    old = _review(world, "alpha", "closed", datetime(2020, 1, 10), b"old")
    recent = _review(world, "alpha", "closed", datetime(2026, 1, 10), b"recent")
    open_old = _review(world, "alpha", "monitoring", datetime(2020, 1, 10), b"open")
    other = _review(world, "beta", "closed", datetime(2020, 1, 10), b"beta")
    assert _rows_of(alpha.id, old.id) >= 4
    runner = app.test_cli_runner()
    assert runner.invoke(args=["dhr", "retention", "set", "alpha", "closed_reviews", "60"]
                         ).exit_code == 0
    bad = runner.invoke(args=["dhr", "retention", "set", "alpha", "everything", "1"])
    assert bad.exit_code != 0 and "must be one of" in bad.output
    result = runner.invoke(args=["dhr", "retention", "apply", "--today", "2026-11-23"])
    assert result.exit_code == 0 and "alpha: 1 closed_reviews" in result.output
    assert _rows_of(alpha.id, old.id) == 0
    for kept, tenant in ((recent, alpha), (open_old, alpha), (other, beta)):
        assert _rows_of(tenant.id, kept.id) >= 4
    blobs = documents.store(alpha.id).root
    names = {p.name for p in blobs.rglob("*") if p.is_file()}
    import hashlib

    assert hashlib.sha256(b"old").hexdigest() not in names
    assert hashlib.sha256(b"recent").hexdigest() in names
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "retention.applied")).one()
    assert event.details["closed_reviews"] == [old.reference]
    assert event.tenant_id == alpha.id


def test_nothing_goes_without_a_rule(app, world):
    _review(world, "alpha", "closed", datetime(2000, 1, 1), b"ancient")
    result = app.test_cli_runner().invoke(args=["dhr", "retention", "apply",
                                                "--today", str(date.today())])
    assert result.exit_code == 0 and result.output == ""
    with tenant_scope(world.tenants["alpha"].id):
        assert db.session.scalar(select(func.count()).select_from(Review).where(
            Review.stage == "closed")) == 1


def test_an_old_closed_joint_review_goes_with_what_its_partners_hold_of_it(app, world):
    """A partner's own rows about the lead's review (its reminder mail, say) go with the
    review; the partner's other rows stay."""
    from core.notifications.service import enqueue
    from tenants.models import utcnow
    from tenants.sharing import ReviewPartner

    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    joint = _review(world, "alpha", "closed", datetime(2020, 1, 10), b"joint")
    with tenant_scope(alpha.id):
        db.session.add(ReviewPartner(review_id=joint.id, partner_tenant_id=beta.id,
                                     accepted_at=utcnow()))
        db.session.commit()
    with tenant_scope(beta.id):
        for review_id, key in ((joint.id, "joint"), (world.reviews["beta"][0].id, "own")):
            enqueue(kind="deadline_overdue", dedupe_key=key, recipient="beta@beta.test",
                    subject="invented", body="invented", review_id=review_id)
        db.session.commit()
    runner = app.test_cli_runner()
    runner.invoke(args=["dhr", "retention", "set", "alpha", "closed_reviews", "60"])
    result = runner.invoke(args=["dhr", "retention", "apply", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert _rows_of(alpha.id, joint.id) == 0 and _rows_of(beta.id, joint.id) == 0
    assert _rows_of(beta.id, world.reviews["beta"][0].id) >= 1
