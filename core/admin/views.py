"""Admin pages: the tenants an admin runs, and each tenant's local policies."""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.guards import admin_pages
from core.policies import prefill
from core.policies import service as policies
from core.web import forms
from tenants.branding import LOGO_MAX_BYTES, PALETTE, BrandingInvalid, set_branding
from tenants.service import administered_by

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
admin_pages(bp)


@bp.get("/")
def tenants():
    rows = administered_by(current_user)  # one statement, however many partnerships
    if not rows:
        abort(404)
    return render_template("admin/tenants.html", tenants=rows)


def _page(errors=None, status=200, form=None, failed: str | None = None):
    """Each policy's form holds its saved settings (issue 14: they came back empty after
    saving); the policy whose settings were just refused (``failed``) holds what was typed."""
    tenant = g.admin_tenant
    enabled = policies.enabled(tenant.id)
    catalogue = []
    for info in policies.catalogue():
        saved = enabled.get(info["name"], {})
        described = forms.describe(info["settings"]) if info.get("settings") else []
        catalogue.append(dict(
            info, enabled=info["name"] in enabled, values=saved,
            fields=_current(described, saved),
            form=form if info["name"] == failed else prefill.form_values(described, saved)))
    return render_template("admin/policies.html", tenant=tenant, catalogue=catalogue,
                           errors=errors or {}), status


def _current(described: list[dict], values: dict) -> list[dict]:
    """Checkboxes show the policy's current choice ticked (others show their default)."""
    return [dict(f, default=values[f["name"]]) if "default" in f and f["name"] in values
            else f for f in described]


@bp.get("/tenants/<tenant_slug>/policies")
def tenant_policies():
    return _page()


@bp.post("/tenants/<tenant_slug>/policies/<name>")
def enable(name: str):
    info = policies.host().info(name)
    if info is None:
        abort(404)
    settings, errors = (forms.read(info["settings"]) if info.get("settings") else ({}, {}))
    if errors:
        return _page({f"{name}.{k}": v for k, v in errors.items()}, 400, request.form, name)
    try:
        policies.enable(g.admin_tenant, name, settings)
    except policies.PolicyInvalid as invalid:
        return _page({f"{name}.{k}": v for k, v in invalid.errors.items()}, invalid.status,
                     request.form, name)
    return redirect(url_for("admin.tenant_policies"))


@bp.post("/tenants/<tenant_slug>/policies/<name>/disable")
def disable(name: str):
    if not policies.disable(g.admin_tenant, name):
        abort(404)
    return redirect(url_for("admin.tenant_policies"))


@bp.route("/tenants/<tenant_slug>/branding", methods=["GET", "POST"])
def branding():
    tenant, errors = g.admin_tenant, {}
    if request.method == "POST":
        upload = request.files.get("logo")
        try:
            set_branding(tenant, request.form.get("colour", ""),
                         upload.read(LOGO_MAX_BYTES + 1) if upload and upload.filename else None,
                         remove_logo=request.form.get("remove_logo") == "y")
            return redirect(url_for("admin.branding", saved=1))
        except BrandingInvalid as invalid:
            errors = invalid.errors
    return render_template("admin/branding.html", tenant=tenant, palette=PALETTE,
                           errors=errors, form=request.form), 400 if errors else 200
