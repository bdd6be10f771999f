"""Session limits: a signed-in session ends after DHR_IDLE_SECONDS without a request, after
PERMANENT_SESSION_LIFETIME in all, or when the person signs out everywhere."""
from __future__ import annotations

import time

from flask import redirect, request, session, url_for
from flask_login import current_user, logout_user

from core.audit import service as audit
from core.db import db

PENDING = "pending_sign_in"


def fresh() -> None:
    """A new session (no fixation); keep only the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def begin(user) -> None:
    now = time.time()
    session.update(signed_in_at=now, seen_at=now, epoch=user.session_epoch)


def _ended_why(app) -> str | None:
    now = time.time()
    if session.get("epoch") != current_user.session_epoch:
        return "everywhere"
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
        db.session.commit()
        logout_user()
        fresh()
        target = request.path if request.method == "GET" else None
        return redirect(url_for("auth.sign_in", ended=why, next=target))
