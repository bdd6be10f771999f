"""Where a person lands after signing in (issue 14, item 7): a regional admin with no
partnership on the admin home, not "You are not a member of any partnership yet"; a CSP
admin's partnership link on members and branding, not "You cannot do this"."""
from __future__ import annotations

from core.db import db
from tests.factories import add_member, make_user, sign_in


def test_a_regional_admin_lands_on_the_admin_home(app, world, client):
    sign_in(client, "regional@north.test")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/admin/")
    admin = client.get("/admin/")
    assert admin.status_code == 200
    assert world.tenants["alpha"].name in admin.get_data(as_text=True)


def test_a_csp_admins_partnership_link_opens_a_page_it_may_use(app, world, client):
    only_admin = make_user("only-admin@alpha.test")
    add_member(only_admin, world.tenants["alpha"], "csp_admin")
    db.session.commit()
    sign_in(client, "only-admin@alpha.test")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/t/alpha/members"' in page and 'href="/t/alpha/"' not in page
    assert client.get("/t/alpha/members").status_code == 200
    # someone who can read reviews still lands on the dashboard
    coordinator = client.application.test_client()
    sign_in(coordinator, "review_coordinator@alpha.test")
    assert 'href="/t/alpha/"' in coordinator.get("/").get_data(as_text=True)
