"""Account pages reached from an email or from the sign-in page: asking for a reset link,
and choosing a password from an invitation or reset link."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from core.accounts import mail, service
from core.accounts.forms import ForgottenForm, PasswordForm
from core.auth import limits, sessions

bp = Blueprint("accounts", __name__, template_folder="templates")
LINK = "account_link"


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limits.reset_request
def forgotten():
    form = ForgottenForm()
    if request.method == "GET":
        return render_template("accounts/forgotten.html", form=form, errors={})
    email = form.email.data or ""
    if not service.EMAIL.match(email):
        return render_template("accounts/forgotten.html", form=form, errors={"email": _(
            "Enter an email address in the correct format, like name@example.org")}), 400
    message = service.request_reset(email)
    if message is not None:
        mail.send_later(message.id)  # `send-reminders` retries if the server does not answer
    # The same page whether or not an account uses the address.
    return render_template("accounts/check_email.html", email=email,
                           minutes=current_app.config["DHR_RESET_MINUTES"])


@bp.route("/account/link", methods=["GET", "POST"])
def choose_password():
    if "token" in request.args:
        return _take_token(request.args["token"][:100])
    link = service.live_link(_link_id())
    if link is None:
        return render_template("accounts/link_dead.html"), 404
    invitation = link.purpose == service.INVITATION
    form = PasswordForm()
    if request.method == "GET":
        return render_template("accounts/choose_password.html", form=form, errors={},
                               invitation=invitation)
    try:
        service.use_link(link, request.form.get("password", "")[:1024],
                         request.form.get("password_again", "")[:1024],
                         request.form.get("display_name", "") if invitation else None)
    except service.PasswordProblem as problem:
        return render_template("accounts/choose_password.html", form=form, invitation=invitation,
                               errors={problem.field: problem.message}), 400
    logout_user()
    sessions.fresh()
    return redirect(url_for("auth.sign_in", ended="password_set"))


def _take_token(token: str):
    """The emailed link carries the token in its query string, which access logs leave out
    (`make run` logs the path only). Move it into the session at once, so it is not left in
    the address bar or the history either, and show the form at the plain address."""
    link = service.open_link(token)
    if link is None:
        return render_template("accounts/link_dead.html"), 404
    session[LINK] = str(link.id)
    return redirect(url_for("accounts.choose_password"))


def _link_id():
    import uuid

    try:
        return uuid.UUID(session.get(LINK, ""))
    except ValueError:
        return None
