"""`flask dhr demo scale`: invented scale data for the benchmark (core/demo_scale.py),
complete, with an intact audit chain, and safe to run twice. No timing here: `make bench`
measures, the suite never does."""
from __future__ import annotations

from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.auth.models import User
from core.db import db
from core.records.models import AgencyReportRequest, FamilyContact, PanelMeeting
from core.reviews.models import Review, TimelineEvent
from tenants.context import tenant_scope
from tenants.models import Membership, Region, Tenant
from tenants.sharing import ReviewPartner

SCALE = ["dhr", "demo", "scale", "--tenants", "3", "--reviews-per-tenant", "4"]


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _snapshot() -> dict:
    counts = {"Tenant": _count(Tenant, Tenant.slug.like("scale-%")),
              "Region": _count(Region, Region.slug.like("scale-region-%")),
              "User": _count(User), "Membership": _count(Membership),
              "AuditEvent": _count(AuditEvent)}
    for tenant in db.session.scalars(select(Tenant).where(Tenant.slug.like("scale-%"))).all():
        with tenant_scope(tenant.id):
            own = Review.tenant_id == tenant.id
            counts[tenant.slug] = {
                "reviews": _count(Review, own),
                "references": len(set(db.session.scalars(select(Review.reference).where(own)))),
                "timeline": _count(TimelineEvent, TimelineEvent.tenant_id == tenant.id),
                "records": sum(_count(m, m.tenant_id == tenant.id) for m in (
                    AgencyReportRequest, FamilyContact, PanelMeeting)),
                "stages": set(db.session.scalars(select(Review.stage).where(own))),
                "pseudonyms": set(db.session.scalars(select(Review.pseudonym).where(own))),
            }
        db.session.commit()
    return counts


def test_scale_builds_invented_partnerships_reviews_and_records(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=SCALE)
    assert first.exit_code == 0, first.output
    counts = _snapshot()
    assert counts["Tenant"] == 3 and counts["Region"] == 1
    # a coordinator and a chair in each partnership, a regional admin for the region
    assert counts["User"] == 7 and counts["Membership"] == 6
    for n in (1, 2, 3):
        tenant = counts[f"scale-00{n}"]
        regular = {f"Adult S-00{n}-0{j} (invented)" for j in range(1, 5)}
        joint = {"Adult S-001-J (invented joint case)"} if n == 1 else set()
        assert tenant["pseudonyms"] == regular | joint
        assert tenant["reviews"] == tenant["references"] == 4 + len(joint)
        assert tenant["timeline"] > tenant["reviews"]  # each review's own history
    # the copies hold records and stages like the prototype built through the services
    assert counts["scale-002"]["records"] > 0 and counts["scale-003"]["records"] > 0
    assert counts["scale-002"]["stages"] - {"notified"}
    names = db.session.scalars(select(Tenant.name).where(Tenant.slug.like("scale-%"))).all()
    assert all(name.startswith("Scale Partnership ") and "(invented)" in name for name in names)
    # scale-001 leads a joint review that scale-002 has accepted
    scale_002 = db.session.scalar(select(Tenant).where(Tenant.slug == "scale-002"))
    with tenant_scope(scale_002.id):
        share = db.session.scalar(select(ReviewPartner).where(
            ReviewPartner.partner_tenant_id == scale_002.id))
        assert share is not None and share.accepted_at is not None
    db.session.commit()

    verified = runner.invoke(args=["dhr", "audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output


def test_running_scale_twice_adds_nothing(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=SCALE).exit_code == 0
    before = _snapshot()
    again = runner.invoke(args=SCALE)
    assert again.exit_code == 0, again.output
    assert "0 partnerships added, 0 reviews through the services, 0 copied" in again.output
    assert _snapshot() == before
    assert runner.invoke(args=["dhr", "audit", "verify"]).exit_code == 0


def test_copied_reviews_read_like_the_others(app):
    """A copied partnership's dashboard and review details work through the services."""
    from core.reviews import service

    assert app.test_cli_runner().invoke(args=SCALE).exit_code == 0
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "scale-003"))
    with tenant_scope(tenant.id):
        board = service.dashboard()
        assert len(board["reviews"]) == 4
        for review in board["reviews"]:
            assert review.reference.startswith("S003-")
            assert service.detail(review)["stage"] == review.stage
    db.session.commit()


def test_production_refuses_scale_data(app):
    app.config["DHR_DEMO_ALLOWED"] = False
    result = app.test_cli_runner().invoke(args=SCALE)
    assert result.exit_code != 0 and "never loaded in production" in result.output
    assert _count(Tenant, Tenant.slug.like("scale-%")) == 0
