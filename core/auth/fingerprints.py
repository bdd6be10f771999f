"""Keyed fingerprints of what people type into the sign-in form.

A mistyped email can be a password typed into the wrong box, so neither the audit trail nor
the rate-limit store keeps the text itself: they keep an HMAC under the app's secret key,
which still lets repeated attempts at the same account be counted and correlated.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def fingerprint(typed: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    value = typed.strip().lower()[:254].encode()
    return hmac.new(key, b"sign-in:" + value, hashlib.sha256).hexdigest()[:32]
