"""A CSP admin manages members and roles; a regional admin sets the header colour and
logo. Both are audited, refuse bad input with a message, and stay within the tenant."""
from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from tenants.models import Membership
from tenants.roles import TenantRole
from tests.factories import sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _roles(world, email: str) -> set[str]:
    user = next(u for u in world.users.values() if u.email == email)
    return {m.role.value for m in db.session.scalars(select(Membership).where(
        Membership.user_id == user.id, Membership.tenant_id == world.tenants["alpha"].id))}


def test_a_csp_admin_gives_and_removes_a_role(client, world):
    sign_in(client, "csp_admin@alpha.test")
    page = client.get("/t/alpha/members").get_data(as_text=True)
    assert "viewer@alpha.test" in page and "viewer@beta.test" not in page
    assert client.post("/t/alpha/members", data={"email": "viewer@alpha.test",
                                                 "role": "panel_member"}).status_code == 302
    assert _roles(world, "viewer@alpha.test") == {"viewer", "panel_member"}
    membership = db.session.scalar(select(Membership.id).where(
        Membership.role == TenantRole.PANEL_MEMBER,
        Membership.user_id == world.users[("alpha", "viewer")].id))
    assert client.post(f"/t/alpha/members/{membership}/remove").status_code == 302
    assert _roles(world, "viewer@alpha.test") == {"viewer"}
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "member.role_added" in actions and "member.role_removed" in actions


def test_bad_member_requests_say_what_to_do(client, world):
    sign_in(client, "csp_admin@alpha.test")
    malformed = client.post("/t/alpha/members", data={"email": "nobody at alpha",
                                                      "role": "viewer"})
    assert malformed.status_code == 422
    assert "in the correct format" in malformed.get_data(as_text=True)
    assert client.post("/t/alpha/members", data={"email": "viewer@alpha.test",
                                                 "role": "emperor"}).status_code == 422
    twice = client.post("/t/alpha/members", data={"email": "viewer@alpha.test",
                                                  "role": "viewer"})
    assert twice.status_code == 409
    only_admin = db.session.scalar(select(Membership.id).where(
        Membership.role == TenantRole.CSP_ADMIN,
        Membership.tenant_id == world.tenants["alpha"].id))
    last = client.post(f"/t/alpha/members/{only_admin}/remove")
    assert last.status_code == 409 and "only CSP admin" in last.get_data(as_text=True)


def test_only_a_csp_admin_manages_members(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/t/alpha/members").status_code == 403
    assert client.post("/t/alpha/members", data={"email": "viewer@alpha.test",
                                                 "role": "csp_chair"}).status_code == 403
    assert _roles(world, "viewer@alpha.test") == {"viewer"}


def test_a_regional_admin_sets_colour_and_logo(client, world):
    sign_in(client, "regional@north.test")
    page = client.get("/admin/tenants/alpha/branding")
    assert page.status_code == 200
    saved = client.post("/admin/tenants/alpha/branding", data={
        "colour": "green", "logo": (__import__("io").BytesIO(PNG), "logo.png")},
        content_type="multipart/form-data")
    assert saved.status_code == 302
    db.session.expire_all()
    tenant = world.tenants["alpha"]
    assert tenant.brand_colour == "green" and tenant.logo_version == 1
    logo = client.get(f"/t/alpha/published/logo?v={tenant.logo_version}")
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data == PNG
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    html = client.get("/admin/tenants/alpha/branding").get_data(as_text=True)
    assert 'src="/t/alpha/published/logo?v=1"' in html and "dhr-brand--green" in html
    assert "tenant.branding_changed" in [e.action for e in db.session.scalars(
        select(AuditEvent))]
    client.post("/admin/tenants/alpha/branding", data={"colour": "green",
                                                       "remove_logo": "y"})
    assert client.get("/t/alpha/published/logo").status_code == 404


def test_a_csp_admin_sets_their_own_partnerships_colour_and_logo(client, world):
    sign_in(client, "csp_admin@alpha.test")
    assert "Header colour and logo" in client.get("/t/alpha/members").get_data(as_text=True)
    saved = client.post("/t/alpha/branding", data={
        "colour": "teal", "logo": (__import__("io").BytesIO(PNG), "logo.png")},
        content_type="multipart/form-data")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("saved=1")
    db.session.expire_all()
    assert (world.tenants["alpha"].brand_colour, world.tenants["alpha"].logo_version) == (
        "teal", 1)
    assert "dhr-brand--teal" in client.get("/t/alpha/branding").get_data(as_text=True)
    bad = client.post("/t/alpha/branding", data={"colour": "neon"})
    assert bad.status_code == 400 and "Choose a colour" in bad.get_data(as_text=True)
    coordinator = client.application.test_client()
    sign_in(coordinator, "review_coordinator@alpha.test")
    assert coordinator.post("/t/alpha/branding", data={"colour": "red"}).status_code == 403
    db.session.expire_all()
    assert world.tenants["alpha"].brand_colour == "teal"


def test_bad_branding_changes_nothing(client, world):
    sign_in(client, "regional@north.test")
    bad = client.post("/admin/tenants/alpha/branding", data={
        "colour": "#ffff00", "logo": (__import__("io").BytesIO(b"<svg onload=x>"), "l.svg")},
        content_type="multipart/form-data")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Choose a colour from the list." in html and "must be a PNG image" in html
    db.session.expire_all()
    assert world.tenants["alpha"].brand_colour == "blue"
    assert world.tenants["alpha"].logo_version == 0
    # another region's admin cannot even see the page
    other = client.application.test_client()
    sign_in(other, "regional@south.test")
    assert other.get("/admin/tenants/alpha/branding").status_code == 404
