"""The service navigation shows only what the role can use (issue 14, item 7), from ONE
table (core/web/nav.py) checked against the role table (core/auth/roles.py)."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from core.auth.roles import PERMISSIONS
from core.web.nav import NAVIGATION, TENANT
from tenants.roles import TenantRole
from tests.factories import sign_in


def _navigation(html: str) -> dict[str, str]:
    """The service navigation's links (href: text), the language switch and sign-out left
    out."""
    start = html.index('class="govuk-service-navigation__list"')
    bar = html[start:html.index("</ul>", start)]
    return {href: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
            for href, text in re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>(.*?)</a>', bar,
        flags=re.S) if "lang=" not in href}


def test_every_partnership_item_names_a_permission_of_the_role_table():
    for item in NAVIGATION:
        if item.scope == TENANT:
            assert item.permission in PERMISSIONS, item.endpoint


@pytest.mark.parametrize("role", list(TenantRole))
def test_each_role_is_offered_only_pages_it_may_open(client, world, role):
    """Every link in the navigation opens (no "You cannot do this"), for every role."""
    sign_in(client, f"{role.value}@alpha.test")
    page = client.get("/account")
    assert page.status_code == 200
    links = _navigation(page.get_data(as_text=True))
    # on a partnership page the partnership's items join in
    inside = client.get("/t/alpha/members" if role == TenantRole.CSP_ADMIN else "/t/alpha/")
    if inside.status_code == 200:
        links |= _navigation(inside.get_data(as_text=True))
    assert "/" in links and "/account" in links
    for href in links:
        assert client.get(href).status_code == 200, (role, href)


# pages every member may read, offered in the navigation only to the role that manages them
READ_BY_ALL = {"targets.rules"}


@pytest.mark.parametrize("role", list(TenantRole))
def test_each_partnership_item_is_shown_exactly_when_its_page_opens(app, client, world, role):
    """The table and the pages' guards agree: an item a role does not see is one whose page
    would refuse it (so nothing it may use is hidden either)."""
    sign_in(client, f"{role.value}@alpha.test")
    here = client.get("/t/alpha/tokens")  # a page every member may open
    assert here.status_code == 200
    links = _navigation(here.get_data(as_text=True))
    for item in NAVIGATION:
        if item.scope != TENANT or item.endpoint not in app.view_functions:
            continue
        with app.test_request_context():
            href = url_for(item.endpoint, slug="alpha")
        opens = client.get(href).status_code == 200
        if href in links:
            assert opens, (role, item.endpoint)
        else:  # hidden: refused, or a page every member reads that this role does not run
            assert not opens or item.endpoint in READ_BY_ALL, (role, item.endpoint)


def test_a_csp_admin_is_not_offered_the_reviews_it_may_not_read(client, world):
    sign_in(client, "csp_admin@alpha.test")
    links = _navigation(client.get("/t/alpha/members").get_data(as_text=True))
    assert "/t/alpha/members" in links and "/t/alpha/audit" in links
    assert "/t/alpha/" not in links  # the dashboard would say "You cannot do this"
    assert "/t/alpha/subject-access" not in links
    # the guidance rules, where the CSP admin sets the partnership's targets
    assert "/t/alpha/guidance-rules" in links


def test_a_coordinator_sees_reviews_but_not_the_admins_or_chairs_pages(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    links = _navigation(client.get("/t/alpha/").get_data(as_text=True))
    assert links.get("/t/alpha/") == "Reviews"
    assert not {"/t/alpha/members", "/t/alpha/audit", "/t/alpha/subject-access",
                "/admin/"} & set(links)


def test_the_chair_sees_subject_access(client, world):
    sign_in(client, "csp_chair@alpha.test")
    links = _navigation(client.get("/t/alpha/").get_data(as_text=True))
    assert "/t/alpha/subject-access" in links and "/t/alpha/members" not in links


def test_a_regional_admin_is_offered_the_admin_home(client, world):
    sign_in(client, "regional@north.test")
    for path in ("/admin/", "/account", "/admin/tenants/alpha/policies"):
        html = client.get(path).get_data(as_text=True)
        links = _navigation(html)
        assert links.get("/admin/") == "Partnerships you administer", path
    # the current page is marked for assistive technology
    admin = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'<a [^>]*href="/admin/"[^>]*aria-current="page"', admin)
    below = client.get("/admin/tenants/alpha/policies").get_data(as_text=True)
    assert re.search(r'<a [^>]*href="/admin/"[^>]*aria-current="true"', below)
    member = client.application.test_client()
    sign_in(member, "review_coordinator@alpha.test")
    assert "/admin/" not in _navigation(member.get("/account").get_data(as_text=True))


def test_the_navigation_is_in_welsh(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    links = _navigation(client.get("/t/alpha/?lang=cy").get_data(as_text=True))
    assert links["/t/alpha/"] != "Reviews" and links["/account"] != "Your account"


def test_nobody_signed_in_sees_no_navigation_items(client, world):
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/account"' not in html and 'href="/t/' not in html
