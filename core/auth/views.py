"""Sign-in, sign-out and personal API tokens (HTML)."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from core.audit import service as audit
from core.auth import service as auth
from core.auth.forms import SignInForm
from core.auth.guards import requires, tenant_pages
from core.db import db

bp = Blueprint("auth", __name__, template_folder="templates")
tenant_bp = Blueprint("tokens", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(tenant_bp)


def _safe_next(target: str | None) -> str | None:
    """Only local paths: an open redirect would make a convincing phishing link."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _fresh_session() -> None:
    """A new session on sign-in and sign-out (no fixation); keep only the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if request.method == "GET":
        return render_template("auth/sign_in.html", form=form, errors={})
    if form.validate():
        user = auth.authenticate(form.email.data, form.password.data)
        if user is not None:
            _fresh_session()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("web.home"))
        form.email.errors = [_("Enter a correct email address and password")]
    return render_template("auth/sign_in.html", form=form, errors=form.errors_by_field()), 400


@bp.post("/sign-out")
@login_required
def sign_out():
    audit.record("auth.sign_out", object_type="user", object_id=current_user.id)
    db.session.commit()
    logout_user()
    _fresh_session()
    return redirect(url_for("auth.sign_in"))


@tenant_bp.get("/tokens")
@requires("token.manage_own")
def tokens():
    return render_template("auth/tokens.html", tokens=auth.tokens_of(current_user, g.tenant),
                           new_token=None, errors={})


@tenant_bp.post("/tokens")
@requires("token.manage_own")
def create_token():
    name = request.form.get("name", "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Enter a name for the token, such as the system that will use it")
    elif len(name) > 100:
        errors["name"] = _("The name must be 100 characters or fewer")
    if errors:
        return render_template("auth/tokens.html", tokens=auth.tokens_of(current_user, g.tenant),
                               new_token=None, errors=errors), 400
    _token, plain = auth.create_token(current_user, g.tenant, name)
    # Shown in this response only: never stored in plain text, never put in a URL.
    return render_template("auth/tokens.html", tokens=auth.tokens_of(current_user, g.tenant),
                           new_token=plain, errors={}), 201


@tenant_bp.post("/tokens/<uuid:token_id>/revoke")
@requires("token.manage_own")
def revoke_token(token_id: uuid.UUID):
    if not auth.revoke_token(current_user, g.tenant, token_id):
        abort(404)
    return redirect(url_for("tokens.tokens"))
