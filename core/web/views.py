"""Pages that belong to no tenant: the signed-in home page."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tenants.service import regions_of, tenants_of

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home():
    return render_template(
        "home.html",
        memberships=tenants_of(current_user.id),
        regions=regions_of(current_user.id),
    )


@bp.get("/accessibility")
def accessibility():
    return render_template("accessibility.html")
