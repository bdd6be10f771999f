"""The demo: invented, complete, and safe to load twice."""
from __future__ import annotations

from sqlalchemy import func, select

from core.auth.models import User
from core.db import db
from core.reviews.models import Review
from tenants.context import tenant_scope
from tenants.models import Membership, Region, RegionMembership, Tenant
from tests.factories import sign_in


def _counts():
    counts = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
              for model in (Region, Tenant, User, Membership, RegionMembership)}
    reviews = 0
    for tenant in db.session.scalars(select(Tenant)).all():
        with tenant_scope(tenant.id):
            reviews += db.session.scalar(select(func.count()).select_from(Review))
    counts["Review"] = reviews
    db.session.commit()
    return counts


def test_demo_load_is_complete_and_idempotent(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["dhr", "demo", "load"])
    assert first.exit_code == 0, first.output
    counts = _counts()
    # 49 reviews; the Preston-Bolton joint review is seen (so counted) by both partners
    assert counts == {"Region": 4, "Tenant": 6, "User": 19, "Membership": 18,
                      "RegionMembership": 1, "Review": 50}
    assert runner.invoke(args=["dhr", "demo", "load"]).exit_code == 0
    assert _counts() == counts
    slugs = set(db.session.scalars(select(Tenant.slug)))
    assert slugs == {"warrington", "preston", "bolton", "manchester", "wigan", "walsall"}
    assert "coordinator@warrington.example" in first.output
    assert "regional@greater-manchester.example" in first.output
    assert all("(demo)" in name for name in db.session.scalars(select(Tenant.name)))


def test_demo_accounts_sign_in_and_see_their_own_reviews(app, client):
    app.test_cli_runner().invoke(args=["dhr", "demo", "load"])
    assert sign_in(client, "coordinator@wigan.example", "demo-wigan").status_code == 302
    html = client.get("/t/wigan/").get_data(as_text=True)
    assert html.count(">WIG-") >= 8 and "WAR-" not in html
    assert client.get("/t/warrington/").status_code == 404
    regional = app.test_client()
    sign_in(regional, "regional@greater-manchester.example", "demo-greater-manchester")
    assert regional.get("/t/wigan/").status_code == 404  # aggregates only, never cases


def test_audit_chain_is_intact_after_the_demo(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["dhr", "demo", "load"])
    result = runner.invoke(args=["dhr", "audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_every_demo_tenant_has_reviews_across_the_stages(app, client):
    from core.reviews.service import dashboard

    app.test_cli_runner().invoke(args=["dhr", "demo", "load"])
    for tenant in db.session.scalars(select(Tenant)).all():
        with tenant_scope(tenant.id):
            board = dashboard()
            stages = set(board["by_stage"])
            assert stages == {"notified", "scoping", "not_commissioned", "setup", "evidence",
                              "home_office_qa", "published", "monitoring"}, tenant.slug
            assert len(board["on_hold"]) == 1
            assert any(row["status"] == "overdue" for row in board["urgent"])
        db.session.commit()


def test_each_demo_partnership_runs_its_local_policy(app, client):
    from core.policies import service as policies

    runner = app.test_cli_runner()
    runner.invoke(args=["dhr", "demo", "load"])
    runner.invoke(args=["dhr", "demo", "load"])
    enabled = {t.slug: set(policies.enabled(t.id)) for t in db.session.scalars(select(Tenant))}
    assert enabled == {"warrington": {"warrington"}, "preston": {"preston", "joint"},
                       "manchester": {"manchester"}, "wigan": {"wigan"},
                       "walsall": {"walsall"}, "bolton": set()}


def test_preston_and_bolton_share_a_joint_review(app, client):
    app.test_cli_runner().invoke(args=["dhr", "demo", "load"])
    assert sign_in(client, "coordinator@bolton.example", "demo-bolton").status_code == 302
    html = client.get("/t/bolton/").get_data(as_text=True)
    import re

    assert len(set(re.findall(r">(PRE-[0-9-]+)<", html))) == 1
    assert len(set(re.findall(r">(BOL-[0-9-]+)<", html))) == 8


def test_demo_timelines_are_dated_across_each_story(app):
    """Each demo entry is dated the day it happened in the invented story (issue 14), not
    the day the demo was loaded: the oldest review's entries span most of a year."""
    from datetime import date

    from core.reviews.models import TimelineEvent

    app.test_cli_runner().invoke(args=["dhr", "demo", "load"])
    warrington = db.session.scalar(select(Tenant).where(Tenant.slug == "warrington"))
    with tenant_scope(warrington.id):
        review = db.session.scalar(select(Review).where(
            Review.pseudonym == "Adult H (invented demo case)"))
        days = [e.occurred_at.date() for e in db.session.scalars(
            select(TimelineEvent).where(TimelineEvent.review_id == review.id)
            .order_by(TimelineEvent.occurred_at))]
        notified = review.notification_date
    db.session.commit()
    assert days[0] >= notified and days[-1] < date.today()
    assert (days[-1] - days[0]).days >= 250 and len(set(days)) >= 10
