"""Pages that belong to no tenant: the signed-in home page."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from core.auth.roles import allows
from tenants.service import regions_of, tenants_of

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home():
    """Where a person lands after signing in: their partnerships, each linked to the first
    page their roles can use (the dashboard, or members and branding for a CSP admin only);
    a regional admin with no partnership goes straight to the admin home (issue 14)."""
    memberships = tenants_of(current_user.id)
    regions = regions_of(current_user.id)
    if not memberships and regions:
        return redirect(url_for("admin.tenants"))
    return render_template(
        "home.html",
        memberships=[(tenant, roles, _landing(tenant, roles)) for tenant, roles in memberships],
        regions=regions,
    )


def _landing(tenant, roles) -> str:
    """The first page of a partnership the roles may open (the role table decides)."""
    if allows(frozenset(roles), "review.read"):
        return url_for("reviews.dashboard", slug=tenant.slug)
    if allows(frozenset(roles), "member.manage"):
        return url_for("members.members", slug=tenant.slug)
    return url_for("reviews.dashboard", slug=tenant.slug)


@bp.get("/accessibility")
def accessibility():
    return render_template("accessibility.html")
