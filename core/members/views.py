"""The CSP admin's pages: members and roles, and the partnership's header colour and logo
(which its regional admin may also set); and the platform admin's page of a partnership's
role requests (a partnership with one CSP admin has no second admin to approve them)."""
from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts import mail
from core.auth.guards import admin_pages, requires, tenant_pages
from core.auth.models import User
from core.db import db
from core.labels import role_label
from core.members import service
from tenants.branding import LOGO_MAX_BYTES, PALETTE, BrandingInvalid, set_branding
from tenants.context import tenant_scope
from tenants.roles import TenantRole

bp = Blueprint("members", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)


def _page(errors=None, form=None, status=200):
    return render_template("members/list.html", members=service.members(g.tenant),
                           requests=service.pending(g.tenant),
                           role_options=[(r.value, role_label(r)) for r in TenantRole],
                           errors=errors or {}, form=form or {}), status


@bp.get("/members")
@requires("member.manage")
def members():
    return _page()


@bp.post("/members")
@requires("member.manage")
def add():
    try:
        added = service.add_role(g.tenant, request.form.get("email", "")[:300],
                                 request.form.get("role", ""), current_user)
    except service.MemberProblem as problem:
        return _page({problem.field: problem.message}, request.form, problem.status)
    if added.request is not None:
        flash(_("You have asked for the role %(role)s. Another CSP admin must approve it "
                "before you have it.", role=role_label(added.request.role)))
        return redirect(url_for("members.members"))
    # The same answer whether or not the address had an account: both are emailed.
    mail.send_later(added.mail.id)  # `send-reminders` retries if the server is down
    flash(_("We have emailed an invitation to %(email)s. If they have no account yet, the "
            "link in it works for %(days)s days.", email=request.form["email"].strip().lower(),
            days=current_app.config["DHR_INVITATION_DAYS"]))
    return redirect(url_for("members.members"))


def _decide(request_id: uuid.UUID, approve: bool, page):
    """Approve or refuse a role request; ``page`` renders the errors where they belong."""
    try:
        decided = service.decide(g.get("tenant") or g.admin_tenant, request_id,
                                 current_user, approve)
    except service.MemberProblem as problem:
        return page({problem.field: problem.message}, status=problem.status)
    if decided is None:
        abort(404)
    person = db.session.get(User, decided.user_id)
    label = role_label(decided.role)
    flash(_("%(name)s now has the role %(role)s.", name=person.display_name, role=label)
          if approve else _("You refused the role %(role)s for %(name)s.",
                            name=person.display_name, role=label))
    return None


@bp.post("/members/requests/<uuid:request_id>/approve")
@requires("member.manage")
def approve(request_id: uuid.UUID):
    return _decide(request_id, True, _page) or redirect(url_for("members.members"))


@bp.post("/members/requests/<uuid:request_id>/refuse")
@requires("member.manage")
def refuse(request_id: uuid.UUID):
    return _decide(request_id, False, _page) or redirect(url_for("members.members"))


@bp.post("/members/<uuid:membership_id>/remove")
@requires("member.manage")
def remove(membership_id: uuid.UUID):
    try:
        if not service.remove_role(g.tenant, membership_id):
            abort(404)
    except service.MemberProblem as problem:
        return _page({problem.field: problem.message}, status=problem.status)
    return redirect(url_for("members.members"))


@bp.route("/branding", methods=["GET", "POST"])
@requires("branding.manage")
def branding():
    errors = {}
    if request.method == "POST":
        upload = request.files.get("logo")
        try:
            set_branding(g.tenant, request.form.get("colour", ""),
                         upload.read(LOGO_MAX_BYTES + 1) if upload and upload.filename else None,
                         remove_logo=request.form.get("remove_logo") == "y")
            return redirect(url_for("members.branding", saved=1))
        except BrandingInvalid as invalid:
            errors = invalid.errors
    return render_template("admin/branding.html", tenant=g.tenant, palette=PALETTE,
                           errors=errors, form=request.form), 400 if errors else 200


# --- a platform admin decides a partnership's role requests ------------------------------

admin_bp = Blueprint("member_requests", __name__, url_prefix="/admin/tenants/<tenant_slug>",
                     template_folder="templates")
admin_pages(admin_bp)


@admin_bp.before_request
def _platform_admins_only():
    if current_user.is_authenticated and not current_user.is_platform_admin:
        abort(403)  # a regional admin runs the partnership's settings, not its roles


def _admin_page(errors=None, status=200):
    tenant = g.admin_tenant
    return render_template("members/requests.html", tenant=tenant,
                           requests=service.pending(tenant), errors=errors or {}), status


@admin_bp.get("/role-requests")
def requests():
    with tenant_scope(g.admin_tenant.id):
        return _admin_page()


@admin_bp.post("/role-requests/<uuid:request_id>/approve")
def admin_approve(request_id: uuid.UUID):
    with tenant_scope(g.admin_tenant.id):
        return _decide(request_id, True, _admin_page) or redirect(
            url_for("member_requests.requests"))


@admin_bp.post("/role-requests/<uuid:request_id>/refuse")
def admin_refuse(request_id: uuid.UUID):
    with tenant_scope(g.admin_tenant.id):
        return _decide(request_id, False, _admin_page) or redirect(
            url_for("member_requests.requests"))
