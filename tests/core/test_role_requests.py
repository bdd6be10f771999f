"""Security probe (issue 11), item 13: a CSP admin cannot give themselves a role (and so
case access) alone. A role added to one's own account waits as a request until another CSP
admin of the partnership, or a platform admin, approves it; the requester cannot decide it.
Every step is audited. Roles given to someone else are given at once, as before."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from tenants.context import tenant_scope
from tenants.models import Membership, RoleRequest
from tenants.roles import TenantRole
from tests.factories import add_member, make_user, sign_in

ADMIN = "csp_admin@alpha.test"
SECOND = "second.admin@alpha.test"


def _roles(world, email: str, slug: str = "alpha") -> set[str]:
    db.session.expire_all()
    user = next(u for u in world.users.values() if u.email == email)
    return {m.role.value for m in db.session.scalars(select(Membership).where(
        Membership.user_id == user.id, Membership.tenant_id == world.tenants[slug].id))}


def _second_admin(world):
    user = make_user(SECOND)
    add_member(user, world.tenants["alpha"], TenantRole.CSP_ADMIN)
    db.session.commit()
    world.users[("alpha", "second_admin")] = user
    return user


def _requests(world, slug: str = "alpha") -> list[RoleRequest]:
    db.session.expire_all()
    with tenant_scope(world.tenants[slug].id):
        rows = list(db.session.scalars(select(RoleRequest).order_by(RoleRequest.requested_at)))
        db.session.commit()
    return rows


def _actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def _ask(client, role="csp_chair", email=ADMIN):
    sign_in(client, ADMIN)
    return client.post("/t/alpha/members", data={"email": email, "role": role})


def test_a_role_for_oneself_waits_for_another_admin(app, client, world):
    _second_admin(world)
    asked = _ask(client, email=" CSP_Admin@Alpha.test ")
    assert asked.status_code == 302
    assert _roles(world, ADMIN) == {"csp_admin"}  # not given
    assert client.get(f"/t/alpha/reviews/{world.reviews['alpha'][0].id}").status_code == 403
    [pending] = _requests(world)
    assert (pending.role, pending.outcome, pending.user_id, pending.requested_by) == (
        "csp_chair", None, world.users[("alpha", "csp_admin")].id,
        world.users[("alpha", "csp_admin")].id)
    page = client.get("/t/alpha/members").get_data(as_text=True)
    assert "Waiting for approval" in page and "CSP chair" in page
    assert "Another CSP admin must approve" in page
    # the requester cannot approve (or refuse) their own request
    own = client.post(f"/t/alpha/members/requests/{pending.id}/approve")
    assert own.status_code == 403 and "cannot approve your own" in own.get_data(as_text=True)
    assert client.post(f"/t/alpha/members/requests/{pending.id}/refuse").status_code == 403
    assert _roles(world, ADMIN) == {"csp_admin"} and _requests(world)[0].outcome is None
    # asking twice is refused
    again = client.post("/t/alpha/members", data={"email": ADMIN, "role": "csp_chair"})
    assert again.status_code == 409 and "already asked" in again.get_data(as_text=True)
    # a second CSP admin sees it and approves it
    second = app.test_client()
    sign_in(second, SECOND)
    listed = second.get("/t/alpha/members").get_data(as_text=True)
    assert f"/t/alpha/members/requests/{pending.id}/approve" in listed
    assert second.post(f"/t/alpha/members/requests/{pending.id}/approve").status_code == 302
    assert _roles(world, ADMIN) == {"csp_admin", "csp_chair"}
    [decided] = _requests(world)
    assert decided.outcome == "approved" and decided.decided_by == world.users[
        ("alpha", "second_admin")].id and decided.decided_at is not None
    assert client.get(f"/t/alpha/reviews/{world.reviews['alpha'][0].id}").status_code == 200
    # decided once: nothing more to do
    assert second.post(f"/t/alpha/members/requests/{pending.id}/refuse").status_code == 409
    assert "Waiting for approval" not in second.get("/t/alpha/members").get_data(as_text=True)
    actions = _actions()
    assert actions.count("member.role_requested") == 1
    assert actions.count("member.role_approved") == 1
    approved = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "member.role_approved"))
    assert approved.tenant_id == world.tenants["alpha"].id
    assert approved.actor == SECOND and approved.details["role"] == "csp_chair"
    assert approved.object_id == str(world.users[("alpha", "csp_admin")].id)


def test_a_refused_request_gives_nothing(app, client, world):
    _second_admin(world)
    for role in ("review_coordinator", "viewer"):
        assert _ask(client, role).status_code == 302
    second = app.test_client()
    sign_in(second, SECOND)
    coordinator, viewer = _requests(world)
    assert second.post(f"/t/alpha/members/requests/{coordinator.id}/refuse").status_code == 302
    assert _roles(world, ADMIN) == {"csp_admin"}
    assert _requests(world)[0].outcome == "refused"
    assert second.post(f"/t/alpha/members/requests/{coordinator.id}/approve").status_code == 409
    assert _roles(world, ADMIN) == {"csp_admin"}
    assert "member.role_refused" in _actions()
    assert _requests(world)[1].outcome is None  # the other one still waits


def test_a_platform_admin_may_approve_a_regional_admin_may_not(app, client, world):
    """A partnership with a single CSP admin: the platform team approves."""
    assert _ask(client, "csp_chair").status_code == 302
    [pending] = _requests(world)
    regional = app.test_client()
    sign_in(regional, "regional@north.test")
    url = f"/admin/tenants/alpha/role-requests/{pending.id}/approve"
    assert regional.get("/admin/tenants/alpha/role-requests").status_code == 403
    assert regional.post(url).status_code == 403
    assert _roles(world, ADMIN) == {"csp_admin"}
    assert "role-requests" not in regional.get("/admin/").get_data(as_text=True)
    platform = app.test_client()
    sign_in(platform, "platform@hub.test")
    # the platform team reaches the requests from its admin home
    assert 'href="/admin/tenants/alpha/role-requests"' in \
        platform.get("/admin/").get_data(as_text=True)
    listed = platform.get("/admin/tenants/alpha/role-requests")
    assert listed.status_code == 200 and "CSP chair" in listed.get_data(as_text=True)
    assert ADMIN in listed.get_data(as_text=True)
    assert platform.post(url).status_code == 302
    assert _roles(world, ADMIN) == {"csp_admin", "csp_chair"}
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "member.role_approved"))
    assert event.actor == "platform@hub.test"
    assert event.tenant_id == world.tenants["alpha"].id


def test_a_platform_admin_cannot_approve_their_own_request(app, world):
    """Approval needs a second person, whoever the first is."""
    platform = world.users[("hub", "platform_admin")]
    add_member(platform, world.tenants["alpha"], TenantRole.CSP_ADMIN)
    db.session.commit()
    client = app.test_client()
    sign_in(client, "platform@hub.test")
    assert client.post("/t/alpha/members", data={
        "email": "platform@hub.test", "role": "csp_chair"}).status_code == 302
    [pending] = _requests(world)
    assert client.post(f"/admin/tenants/alpha/role-requests/{pending.id}/approve"
                       ).status_code == 403
    assert _roles(world, "platform@hub.test") == {"csp_admin"}


def test_roles_for_someone_else_are_given_at_once(client, world):
    sign_in(client, ADMIN)
    assert client.post("/t/alpha/members", data={
        "email": "viewer@alpha.test", "role": "csp_chair"}).status_code == 302
    assert _roles(world, "viewer@alpha.test") == {"viewer", "csp_chair"}
    assert _requests(world) == []
    assert "member.role_requested" not in _actions()


def test_another_partnerships_admin_cannot_decide(app, client, world):
    _ask(client, "csp_chair")
    [pending] = _requests(world)
    beta = app.test_client()
    sign_in(beta, "csp_admin@beta.test")
    assert beta.post(f"/t/beta/members/requests/{pending.id}/approve").status_code == 404
    assert beta.post(f"/t/alpha/members/requests/{pending.id}/approve").status_code == 404
    assert str(pending.id) not in beta.get("/t/beta/members").get_data(as_text=True)
    assert _requests(world)[0].outcome is None and _roles(world, ADMIN) == {"csp_admin"}


def test_only_member_managers_decide(app, client, world):
    _ask(client, "csp_chair")
    [pending] = _requests(world)
    coordinator = app.test_client()
    sign_in(coordinator, "review_coordinator@alpha.test")
    assert coordinator.post(f"/t/alpha/members/requests/{pending.id}/approve"
                            ).status_code == 403
    assert _roles(world, ADMIN) == {"csp_admin"}


def test_an_account_with_a_request_left_can_still_be_deleted(app, client, world):
    from core.accounts.leavers import delete_account
    from core.auth.models import User

    _second_admin(world)
    sign_in(client, SECOND)
    client.post("/t/alpha/members", data={"email": SECOND, "role": "viewer"})
    admin = db.session.scalar(select(Membership.id).where(
        Membership.user_id == world.users[("alpha", "second_admin")].id))
    client.post(f"/t/alpha/members/{admin}/remove")
    user = db.session.scalar(select(User).where(User.email == SECOND))
    delete_account(user)
    assert _requests(world) == []


def test_role_request_events_are_in_the_log_inventory():
    inventory = (Path(__file__).resolve().parents[2] / "docs" / "compliance" /
                 "log-inventory.md").read_text()
    for action in ("member.role_requested", "member.role_approved", "member.role_refused"):
        assert f"`{action}`" in inventory, action
