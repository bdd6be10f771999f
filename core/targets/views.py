"""The guidance rules page: every profile's deadlines and rules with their class and
sources, and, for the CSP admin, the partnership's own months for its targets."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from core.auth.guards import requires, tenant_pages
from core.targets import TargetsInvalid, draft_notice, profiles, set_targets

bp = Blueprint("targets", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)


@bp.app_template_global()
def guidance_notice(name: str) -> str | None:
    """For any page: what a person must know of guidance ``name`` (a draft is not in
    force), or None."""
    return draft_notice(name)


@bp.app_template_global()
def guidance_notices() -> list[str]:
    """What a person choosing the guidance for a new review must know: each draft."""
    from core.lifecycle.profiles import PROFILES

    return [n for n in (draft_notice(name) for name in sorted(PROFILES)) if n]


def _page(errors=None, form=None, status=200):
    return render_template("targets/rules.html", profiles=profiles(g.tenant),
                           errors=errors or {}, form=form or {}), status


@bp.get("/guidance-rules")
def rules():
    return _page()


@bp.post("/guidance-rules")
@requires("targets.manage")
def save():
    values: dict = {}
    for profile in profiles(g.tenant):
        for rule in profile["rules"]:
            if rule["settable"]:
                sent = request.form.get(f"{profile['name']}.{rule['key']}", "").strip()
                values.setdefault(profile["name"], {})[rule["key"]] = sent[:10]
    try:
        set_targets(g.tenant, values)
    except TargetsInvalid as invalid:
        return _page({k.removeprefix("targets."): v for k, v in invalid.errors.items()},
                     request.form, 400)
    return redirect(url_for("targets.rules", saved=1))
