"""Invitations and password resets.

A CSP admin invites someone who has no account: the account is made with no password (so
nobody can sign in to it) and the person is emailed a link, good for a week, to choose one.
Anyone can ask for a reset link, good for an hour; the answer is the same whether or not an
account uses the address. Either way the link is single use, only its hash is kept, and the
second factor still stands: the next sign-in asks for the authenticator app's code (or sets
one up, for a new account). Someone given a role who already has an account is emailed a
notice instead (no link), so the admin's answer is the same either way.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.accounts.models import AccountLink, AccountMail
from core.audit import service as audit
from core.auth import sessions
from core.auth.fingerprints import fingerprint
from core.auth.models import ApiToken, User
from core.auth.passwords import hash_password
from core.auth.service import find_user, normalise_email
from core.db import db
from core.labels import role_label
from tenants.models import Tenant, utcnow

INVITATION, RESET = "invitation", "reset"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD, MAX_PASSWORD = 12, 128


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_url(token: str) -> str:
    return f"{current_app.config['DHR_BASE_URL']}/account/link?token={token}"


def _new_link(user: User, purpose: str, lifetime: timedelta,
              tenant: Tenant | None = None) -> str:
    """A fresh link; any earlier unused link for the same purpose stops working."""
    now = utcnow()
    db.session.execute(update(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.purpose == purpose,
        AccountLink.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    db.session.add(AccountLink(user_id=user.id, purpose=purpose, token_hash=_digest(token),
                               tenant_id=tenant.id if tenant else None,
                               expires_at=now + lifetime))
    return token


def invite(tenant: Tenant, email: str) -> tuple[User, AccountMail]:
    """Make an account with no password for ``email`` and queue its invitation (the caller
    adds the role and commits)."""
    user = User(email=normalise_email(email), display_name=normalise_email(email),
                password_hash="")  # no password: nothing verifies against it
    db.session.add(user)
    db.session.flush()
    days = current_app.config["DHR_INVITATION_DAYS"]
    token = _new_link(user, INVITATION, timedelta(days=days), tenant)
    message = AccountMail(
        tenant_id=tenant.id, recipient=user.email,
        subject=f"You have been invited to DHR Hub by {tenant.name}",
        body=(f"{tenant.name} has invited you to DHR Hub, where it runs Domestic Homicide "
              f"Reviews.\n\nChoose your password here (the link works once, for {days} days):"
              f"\n{_link_url(token)}\n\nYou will then set up an authenticator app on your "
              "phone. If you did not expect this email, ignore it."))
    db.session.add(message)
    audit.record("member.invited", object_type="user", object_id=user.id, tenant_id=tenant.id)
    return user, message


def role_notice(tenant: Tenant, user: User, role) -> AccountMail:
    """Queue the email telling someone who already has an account that a partnership gave
    them a role (the caller commits). Everyone given a role is emailed, with or without an
    account, so the admin's answer does not show which addresses have one."""
    with force_locale("en"):  # account mail is in English, as invitations are
        label = role_label(role)
    message = AccountMail(
        tenant_id=tenant.id, recipient=user.email,
        subject=f"You have been given a role in DHR Hub by {tenant.name}",
        body=(f"{tenant.name} has given you the role {label} in DHR Hub, where it runs "
              f"Domestic Homicide Reviews.\n\nSign in as usual to use it: "
              f"{current_app.config['DHR_BASE_URL']}/\n\nIf you did not expect this email, "
              f"contact {tenant.name} or the DHR Hub team: someone may have given your "
              "address by mistake."))
    db.session.add(message)
    return message


def request_reset(email: str) -> AccountMail | None:
    """Queue a reset link if an active account uses ``email``; audit either way."""
    user = find_user(email)
    if user is None or not user.active:
        audit.record("auth.reset_requested", actor=(None, "unknown account"),
                     details={"typed": fingerprint(email), "sent": False})
        db.session.commit()
        return None
    minutes = current_app.config["DHR_RESET_MINUTES"]
    token = _new_link(user, RESET, timedelta(minutes=minutes))
    message = AccountMail(
        recipient=user.email, subject="Reset your DHR Hub password",
        body=(f"Someone asked to reset the password of your DHR Hub account.\n\nChoose a new "
              f"password here (the link works once, for {minutes} minutes):\n"
              f"{_link_url(token)}\n\nYou will still need your authenticator app to sign in. "
              "If you did not ask for this, ignore this email: your password stays as it "
              "is."))
    db.session.add(message)
    audit.record("auth.reset_requested", object_type="user", object_id=user.id,
                 actor=(user.id, user.email), details={"sent": True})
    db.session.commit()
    return message


def open_link(token: str) -> AccountLink | None:
    """The live link for a token: unused, unexpired, for an active account."""
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == _digest(token)))
    return link if _live(link) else None


def live_link(link_id) -> AccountLink | None:
    link = db.session.get(AccountLink, link_id) if link_id else None
    return link if _live(link) else None


def _live(link: AccountLink | None) -> bool:
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return False
    user = db.session.get(User, link.user_id)
    return user is not None and user.active


@dataclass
class PasswordProblem(Exception):
    field: str
    message: str


def check_password(user: User, password: str, again: str, name: str | None) -> None:
    """NCSC guidance: length, not composition rules."""
    if name is not None and not name.strip():
        raise PasswordProblem("display_name", _("Enter your full name"))
    if name is not None and len(name) > 200:
        raise PasswordProblem("display_name", _("Your name must be 200 characters or fewer"))
    if len(password) < MIN_PASSWORD:
        raise PasswordProblem("password", _(
            "Your password must be at least %(n)s characters long", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        raise PasswordProblem("password", _(
            "Your password must be %(n)s characters or fewer", n=MAX_PASSWORD))
    if password.strip().lower() == user.email or password.strip().lower() in user.email:
        raise PasswordProblem("password", _("Your password must not contain your email "
                                            "address"))
    if password != again:
        raise PasswordProblem("password_again", _("The passwords do not match"))


def use_link(link: AccountLink, password: str, again: str, name: str | None) -> User:
    """Set the password (and, for an invitation, the name); the link is spent, and every
    session and API token of the account ends."""
    user = db.session.get(User, link.user_id)
    check_password(user, password, again, name)
    if name is not None:
        user.display_name = name.strip()
    user.password_hash = hash_password(password)
    sessions.end_all(user)
    link.used_at = utcnow()
    # whoever had the account before the reset may have made tokens: none survive it
    db.session.execute(update(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(
        revoked_at=link.used_at))
    action = "auth.invitation_accepted" if link.purpose == INVITATION else "auth.password_reset"
    audit.record(action, object_type="user", object_id=user.id, actor=(user.id, user.email))
    db.session.commit()
    return user
