"""Session limits: a signed-in session ends after DHR_IDLE_SECONDS without a request, after
PERMANENT_SESSION_LIFETIME in all, when the person signs out (the server's record of the
session ends, so a copy of the cookie stops working too), when they sign out everywhere, or
when the request comes from another browser or address than the one that signed in.

The address is ``request.remote_addr``: with DHR_PROXY_HOPS=0 that is the peer itself, and a
client's ``X-Forwarded-For`` is never read; with N hops, werkzeug's ProxyFix (core/app.py)
takes it from the headers those N proxies set.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from flask import redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import delete, or_, update

from core.audit import service as audit
from core.auth.models import UserSession
from core.db import db
from tenants.models import Membership, utcnow

PENDING = "pending_sign_in"
SID = "sid"


def fresh() -> None:
    """A new session (no fixation); keep only the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def binding() -> str:
    """What ties a session to the browser that signed in: its address and user agent."""
    seen = f"{request.remote_addr or ''}|{request.headers.get('User-Agent', '')}"
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def begin(user) -> None:
    """Start a signed-in session: a new id, recorded on the server (its hash only)."""
    from flask import current_app

    now = time.time()
    sid = secrets.token_urlsafe(32)
    seconds = current_app.config["PERMANENT_SESSION_LIFETIME"]
    # Sessions that have ended or run out are no use to anyone: drop this person's.
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.ended_at.is_not(None),
            UserSession.started_at < utcnow() - timedelta(seconds=seconds))))
    db.session.add(UserSession(id_hash=_hash(sid), user_id=user.id))
    # roles given while away are no longer only an address on the members list
    db.session.execute(update(Membership).where(
        Membership.user_id == user.id, Membership.awaiting_sign_in.is_(True)).values(
        awaiting_sign_in=False))
    db.session.commit()
    session.update(signed_in_at=now, seen_at=now, epoch=user.session_epoch, sid=sid,
                   bound=binding())


def end() -> None:
    """End the current session on the server (sign-out)."""
    sid = session.get(SID)
    if sid:
        db.session.execute(update(UserSession).where(
            UserSession.id_hash == _hash(sid), UserSession.ended_at.is_(None)).values(
            ended_at=utcnow()))


def end_all(user) -> None:
    """End every session of an account (sign out everywhere, deactivation, a new password
    or second factor)."""
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)).values(
        ended_at=utcnow()))


def _live(sid: str | None, user_id) -> bool:
    if not sid:
        return False
    row = db.session.get(UserSession, _hash(sid))
    return row is not None and row.ended_at is None and row.user_id == user_id


def _ended_why(app) -> str | None:
    now = time.time()
    if session.get("epoch") != current_user.session_epoch:
        return "everywhere"
    if not _live(session.get(SID), current_user.id):
        return "signed_out"
    if session.get("bound") != binding():
        return "moved"
    if now - session.get("signed_in_at", 0) > app.config["PERMANENT_SESSION_LIFETIME"]:
        return "absolute"
    if now - session.get("seen_at", 0) > app.config["DHR_IDLE_SECONDS"]:
        return "idle"
    return None


def init_app(app) -> None:
    @app.before_request
    def _limits():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        why = _ended_why(app)
        if why is None:
            session["seen_at"] = time.time()
            return None
        audit.record("auth.session_ended", object_type="user", object_id=current_user.id,
                     details={"why": why})
        end()
        db.session.commit()
        logout_user()
        fresh()
        target = request.path if request.method == "GET" else None
        return redirect(url_for("auth.sign_in", ended=why, next=target))
