"""Settings from the environment (``DHR_*``), with safe development defaults.

Production refuses to start on a missing secret: a signed-cookie session with a guessable
key would let anyone forge a sign-in.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a service that may start."""


ENVIRONMENTS = ("development", "test", "production")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _dev_secret(instance: Path) -> str:
    """A per-checkout secret, kept under instance/ so every gunicorn worker shares it."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str, environ: dict[str, str] | None = None) -> dict:
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    dhr_env = env.get("DHR_ENV", "development")
    if dhr_env not in ENVIRONMENTS:
        raise ConfigError(f"DHR_ENV must be one of {', '.join(ENVIRONMENTS)}, not {dhr_env!r}")
    production = dhr_env == "production"
    secret = env.get("DHR_SECRET_KEY", "")
    if production and len(secret) < 32:
        raise ConfigError(
            "DHR_SECRET_KEY must be set to at least 32 random characters in production"
        )
    upload = int(env.get("DHR_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    database = env.get("DHR_DATABASE_URL") or f"sqlite:///{instance / 'dhr.sqlite3'}"
    return {
        "DHR_ENV": dhr_env,
        "SECRET_KEY": secret or _dev_secret(instance),
        "SQLALCHEMY_DATABASE_URI": database,
        # errors may be logged: never with their bound values (they can be case text)
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, "pool_pre_ping": True},
        "SESSION_COOKIE_SECURE": _flag(env.get("DHR_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "dhr_session",
        # a session ends 8 hours after sign-in, or after 30 minutes without a request
        "PERMANENT_SESSION_LIFETIME": int(env.get("DHR_SESSION_SECONDS", 8 * 3600)),
        "DHR_IDLE_SECONDS": int(env.get("DHR_IDLE_SECONDS", 30 * 60)),
        "DHR_REDIS_URL": env.get("DHR_REDIS_URL") or None,
        "DHR_RATELIMIT_PREFIX": env.get("DHR_RATELIMIT_PREFIX") or "dhr-limits",
        # failed sign-in attempts allowed (Flask-Limiter notation)
        "DHR_SIGN_IN_LIMIT_ACCOUNT": env.get("DHR_SIGN_IN_LIMIT_ACCOUNT", "5 per 15 minutes"),
        "DHR_SIGN_IN_LIMIT_ADDRESS": env.get("DHR_SIGN_IN_LIMIT_ADDRESS", "30 per 15 minutes"),
        "DHR_TOKEN_DAYS": int(env.get("DHR_TOKEN_DAYS", 90)),
        # each public request emails the coordinators: a few per address per hour
        "DHR_PUBLIC_REQUEST_LIMIT": env.get("DHR_PUBLIC_REQUEST_LIMIT", "5 per hour"),
        # proxies in front of the service (a load balancer: 1), so the client address the
        # audit and the throttle see is the person's, not the proxy's
        "DHR_PROXY_HOPS": int(env.get("DHR_PROXY_HOPS", 0)),
        "DHR_MAX_UPLOAD_BYTES": upload,
        # room for the form fields around the largest file; werkzeug answers 413 beyond it
        "MAX_CONTENT_LENGTH": upload + 1024 * 1024,
        "DHR_BLOB_DIR": env.get("DHR_BLOB_DIR") or str(instance / "blobs"),
        "DHR_DEMO_ALLOWED": not production,
        "DHR_PASSWORD_HASH": env.get("DHR_PASSWORD_HASH", "strong"),
        "DHR_DB_APP_ROLE": env.get("DHR_DB_APP_ROLE") or None,
        "DHR_SMTP_URL": env.get("DHR_SMTP_URL") or None,
        "DHR_MAIL_FROM": env.get("DHR_MAIL_FROM", "dhr-hub@localhost"),
        # links in emails (invitations, password resets) start with this, never with the
        # Host header of the request that caused them (a forged Host would steal the link)
        "DHR_BASE_URL": (env.get("DHR_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
        # a ClamAV daemon that scans every upload (unix:///path or tcp://host:port)
        "DHR_CLAMD_URL": env.get("DHR_CLAMD_URL") or None,
        "DHR_UPLOAD_SCAN": env.get("DHR_UPLOAD_SCAN", "on"),
        "DHR_INVITATION_DAYS": int(env.get("DHR_INVITATION_DAYS", 7)),
        "DHR_RESET_MINUTES": int(env.get("DHR_RESET_MINUTES", 60)),
    }
