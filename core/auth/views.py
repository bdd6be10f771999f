"""Sign-in, sign-out and personal API tokens (HTML)."""
from __future__ import annotations

import time
import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from core.audit import service as audit
from core.auth import limits, mfa, sessions
from core.auth import service as auth
from core.auth.forms import SignInForm
from core.auth.guards import requires, tenant_pages
from core.auth.models import User
from core.db import db
from core.lifecycle.messages import N_
from core.web.urls import local_path

bp = Blueprint("auth", __name__, template_folder="templates")
tenant_bp = Blueprint("tokens", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(tenant_bp)


def _pending_user() -> User | None:
    """The person who gave the right password in the last 5 minutes, awaiting a code."""
    pending = session.get(sessions.PENDING) or {}
    if time.time() - pending.get("at", 0) > 300:
        return None
    user = db.session.get(User, uuid.UUID(pending["user"])) if pending.get("user") else None
    return user if user is not None and user.is_active else None


def _complete(user: User):
    target = (session.get(sessions.PENDING) or {}).get("next")
    sessions.fresh()
    login_user(user)
    sessions.begin(user)
    return redirect(target or url_for("web.home"))


ENDED = {"idle": N_("You were signed out because you did nothing for 30 minutes."),
         "absolute": N_("You were signed out because you had been signed in for 8 hours."),
         "everywhere": N_("You were signed out because you chose to sign out everywhere."),
         "password_set": N_("Your password is set. Sign in with it now.")}


@bp.route("/sign-in", methods=["GET", "POST"])
@limits.sign_in
def sign_in():
    form = SignInForm()
    ended = ENDED.get(request.args.get("ended", ""))
    notice = _(ended) if ended else None
    if request.method == "GET":
        return render_template("auth/sign_in.html", form=form, errors={}, notice=notice)
    if form.validate():
        user = auth.authenticate(form.email.data, form.password.data)
        if user is not None:
            sessions.fresh()
            session[sessions.PENDING] = {"user": str(user.id), "at": time.time(),
                                         "next": local_path(request.args.get("next"))}
            step = "auth.second_factor" if user.totp_secret else "auth.set_up_second_factor"
            return redirect(url_for(step))
        form.email.errors = [_("Enter a correct email address and password")]
    return render_template("auth/sign_in.html", form=form, errors=form.errors_by_field(),
                           notice=None), 400


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limits.second_factor
def second_factor():
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.sign_in"))
    if not user.totp_secret:
        return redirect(url_for("auth.set_up_second_factor"))
    if request.method == "GET":
        return render_template("auth/code.html", errors={})
    if mfa.verify(user, request.form.get("code", "")[:32]):
        audit.record("auth.second_factor", object_type="user", object_id=user.id,
                     actor=(user.id, user.email))
        db.session.commit()
        return _complete(user)
    audit.record("auth.second_factor_failed", object_type="user", object_id=user.id,
                 actor=(user.id, user.email))
    db.session.commit()
    return render_template("auth/code.html", errors={"code": _(
        "Enter the 6-digit code your authenticator app shows now, or a recovery code")}), 400


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@limits.second_factor
def set_up_second_factor():
    """First sign-in: add the service to an authenticator app, prove it with a code."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.sign_in"))
    if user.totp_secret:
        return redirect(url_for("auth.second_factor"))
    if not user.totp_pending_secret:
        user.totp_pending_secret = mfa.new_secret()
        db.session.commit()
    errors = {}
    if request.method == "POST":
        codes = mfa.enrol(user, user.totp_pending_secret, request.form.get("code", "")[:32])
        if codes is not None:
            user.totp_pending_secret = None
            audit.record("auth.second_factor_enrolled", object_type="user", object_id=user.id,
                         actor=(user.id, user.email))
            db.session.commit()
            target = _complete(user).location
            return render_template("auth/recovery_codes.html", codes=codes, next=target)
        errors["code"] = _("Enter the 6-digit code your authenticator app shows now")
    secret = user.totp_pending_secret
    return render_template("auth/set_up.html", errors=errors,
                           qr=mfa.qr_svg(mfa.provisioning_uri(secret, user.email)),
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
                           ), 400 if errors else 200


@bp.post("/sign-out")
@login_required
def sign_out():
    audit.record("auth.sign_out", object_type="user", object_id=current_user.id)
    sessions.end()
    db.session.commit()
    logout_user()
    sessions.fresh()
    return redirect(url_for("auth.sign_in"))


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", left=mfa.recovery_codes_left(current_user))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    sessions.end_all(current_user)
    audit.record("auth.signed_out_everywhere", object_type="user", object_id=current_user.id)
    db.session.commit()
    logout_user()
    sessions.fresh()
    return redirect(url_for("auth.sign_in", ended="everywhere"))


@bp.post("/account/recovery-codes")
@login_required
def new_recovery_codes():
    codes = mfa.new_recovery_codes(current_user)
    audit.record("auth.recovery_codes_replaced", object_type="user", object_id=current_user.id)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next=url_for("auth.account"))


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
