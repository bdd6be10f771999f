"""Throttling sign-in (Flask-Limiter): failed attempts are counted per account and per
address. The account key is a keyed fingerprint of what was typed, never the email itself.
Counts are kept in one place whatever the setup: Redis when DHR_REDIS_URL is set (every
instance shares them; production requires it), otherwise one SQLite file in the instance
folder that every worker process shares (core/auth/limit_store.py)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from core.auth.fingerprints import fingerprint

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def init_app(app) -> None:
    from core.auth import limit_store  # noqa: F401  (registers the dhr-sqlite:// scheme)

    shared = Path(app.instance_path) / "sign-in-limits.db"
    if not app.config.get("DHR_REDIS_URL"):
        shared.parent.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("DHR_REDIS_URL")
                          or f"{limit_store.SCHEME}://{shared}")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config.get("DHR_RATELIMIT_PREFIX")
                          or "dhr-limits")
    limiter.init_app(app)


def _failed(response) -> bool:
    """Only failures count: a person who signs in often is never locked out for it."""
    return response.status_code >= 400


def _account() -> str:
    return "account:" + fingerprint(request.form.get("email", "") or "")


def _pending_account() -> str:
    from flask import session

    return "pending:" + str((session.get("pending_sign_in") or {}).get("user", ""))


def _per_account() -> str:
    return current_app.config["DHR_SIGN_IN_LIMIT_ACCOUNT"]


def _per_address() -> str:
    return current_app.config["DHR_SIGN_IN_LIMIT_ADDRESS"]


def sign_in(view):
    """Limits for the password step: per account and per address."""
    view = limiter.limit(_per_address, methods=["POST"], deduct_when=_failed,
                         scope="sign-in-address")(view)
    return limiter.limit(_per_account, key_func=_account, methods=["POST"],
                         deduct_when=_failed, scope="sign-in-account")(view)


def second_factor(view):
    """Limits for the code step: per half-signed-in account and per address."""
    view = limiter.limit(_per_address, methods=["POST"], deduct_when=_failed,
                         scope="code-address")(view)
    return limiter.limit(_per_account, key_func=_pending_account, methods=["POST"],
                         deduct_when=_failed, scope="code-account")(view)


def reset_request(view):
    """Limits for asking for a reset link: every request counts (each may send an email)."""
    view = limiter.limit(_per_address, methods=["POST"], scope="reset-address")(view)
    return limiter.limit(_per_account, key_func=_account, methods=["POST"],
                         scope="reset-account")(view)
