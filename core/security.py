"""Security headers on every response (flask-talisman): a content security policy with a
nonce for our one script tag and no inline script or style, no framing, a strict referrer
policy, and HTTPS with HSTS in production only (development and tests run on plain HTTP)."""
from __future__ import annotations

from flask_talisman import Talisman

talisman = Talisman()

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app) -> None:
    production = app.config["DHR_ENV"] == "production"
    talisman.init_app(
        app,
        content_security_policy=POLICY,
        content_security_policy_nonce_in=["script-src"],
        force_https=production,
        strict_transport_security=production,
        strict_transport_security_max_age=31536000,
        strict_transport_security_include_subdomains=True,
        frame_options="DENY",
        referrer_policy="same-origin",
        # the session cookie's flags come from core/config.py (Secure in production)
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()",
                            "interest-cohort": "()"},
    )
