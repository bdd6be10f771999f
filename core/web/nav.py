"""The service navigation (the bar under the header), as ONE table read by base.html.

Each item is shown only to someone who may use the page it opens: a partnership's pages by
the role table (core/auth/roles.py, the same permission the page's ``@requires`` checks),
the admin home to regional and platform admins, the person's own pages to anyone signed in
(issue 14, item 7: "a service navigation that shows only what the role can use").
An item whose page is not part of this build (its endpoint is not registered) is left out.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from core.auth.roles import allows
from core.db import db
from tenants.models import RegionMembership

TENANT = "tenant"  # a page of the partnership the person is in now: needs ``permission``
ADMIN = "admin"  # the admin home: regional and platform admins only
PERSON = "person"  # the person's own pages: anyone signed in


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string: translated when the page is drawn
    scope: str
    permission: str | None = None  # a key of core.auth.roles.PERMISSIONS (TENANT items)
    # blueprints (or endpoints) whose pages mark this item as the current one
    current: tuple[str, ...] = ()


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("reviews.dashboard", _l("Reviews"), TENANT, "review.list",
            ("reviews", "records", "documents", "policies", "joint", "names",
             "public_manage", "targets", "exports")),
    # the tracker's guard is the actions kind's read permission (core/records/tracker.py)
    NavItem("tracker.page", _l("Action tracker"), TENANT, "review.read", ("tracker",)),
    NavItem("exports.board_report", _l("Board report"), TENANT, "export.board",
            ("exports.board_report",)),
    NavItem("members.members", _l("Members"), TENANT, "member.manage", ("members",)),
    NavItem("audit.page", _l("Audit"), TENANT, "audit.export", ("audit",)),
    # every member may read the rules; the item is for the CSP admin, who sets the
    # partnership's own months for its targets there (and has no dashboard to link it)
    NavItem("targets.rules", _l("Guidance rules and your targets"), TENANT, "targets.manage",
            ("targets.rules", "targets.save")),
    NavItem("sar.requests", _l("Subject access"), TENANT, "sar.manage", ("sar",)),
    NavItem("admin.tenants", _l("Partnerships you administer"), ADMIN, None,
            ("admin", "member_requests")),
    NavItem("web.home", _l("Your partnerships"), PERSON, None, ("web.home",)),
    NavItem("auth.account", _l("Your account"), PERSON, None, ("auth.account",)),
)


def _administers() -> bool:
    """A platform admin, or an admin of a region: asked once per request, only when the
    navigation is drawn for someone signed in."""
    if "dhr_nav_admin" not in g:
        g.dhr_nav_admin = bool(current_user.is_platform_admin) or _in_a_region()
    return g.dhr_nav_admin


def _in_a_region() -> bool:
    try:
        return db.session.scalar(
            select(RegionMembership.id).where(RegionMembership.user_id == current_user.id)
            .limit(1)) is not None
    except SQLAlchemyError:
        # an error page drawn after the database failed: the navigation is no reason to
        # fail again (the page says what went wrong)
        return False


def visible(item: NavItem) -> bool:
    if item.endpoint not in current_app.view_functions:
        return False
    if item.scope == TENANT:
        tenant = getattr(g, "tenant", None)
        return tenant is not None and allows(getattr(g, "roles", frozenset()), item.permission)
    if item.scope == ADMIN:
        return _administers()
    return True


def _current(items: list[NavItem]) -> NavItem | None:
    """The item for this page: one naming the page's endpoint wins over one naming its
    blueprint (the tracker is a page of the records blueprint, under "Reviews")."""
    for item in items:
        if request.endpoint in item.current:
            return item
    for item in items:
        if request.blueprint and request.blueprint in item.current:
            return item
    return None


def items() -> list[dict]:
    """The navigation for govukServiceNavigation: href, text, active and current."""
    if not current_user.is_authenticated:
        return []
    shown = [item for item in NAVIGATION if visible(item)]
    here = _current(shown)
    tenant = getattr(g, "tenant", None)
    # aria-current: "page" on the item's own page, "true" on the pages under it
    return [{"href": _href(item, tenant), "text": item.label, "active": item is here,
             "current": item is here and request.endpoint == item.endpoint}
            for item in shown]


def _href(item: NavItem, tenant) -> str:
    if item.scope == TENANT:
        return url_for(item.endpoint, slug=tenant.slug)
    # None keeps the admin pages' url_defaults from adding the tenant being administered
    return url_for(item.endpoint, tenant_slug=None)
