"""The CSP admin's pages: members and roles, and the partnership's header colour and logo
(which its regional admin may also set)."""
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

from core.accounts import mail
from core.auth.guards import requires, tenant_pages
from core.labels import role_label
from core.members import service
from tenants.branding import LOGO_MAX_BYTES, PALETTE, BrandingInvalid, set_branding
from tenants.roles import TenantRole

bp = Blueprint("members", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)


def _page(errors=None, form=None, status=200):
    return render_template("members/list.html", members=service.members(g.tenant),
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
        _membership, invitation = service.add_role(
            g.tenant, request.form.get("email", "")[:300], request.form.get("role", ""))
    except service.MemberProblem as problem:
        return _page({problem.field: problem.message}, request.form, problem.status)
    if invitation is not None:
        mail.send_later(invitation.id)  # `send-reminders` retries if the server is down
        flash(_("We have emailed an invitation to %(email)s. The link works for %(days)s "
                "days.", email=request.form["email"].strip().lower(),
                days=current_app.config["DHR_INVITATION_DAYS"]))
    return redirect(url_for("members.members"))


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
