"""The second factor: TOTP (RFC 6238) with an authenticator app, and one-time recovery
codes. A code is accepted once only (the last accepted time step is kept); recovery codes
are stored as sha256 (each is 50 random bits, so a slow hash adds nothing) and burn on use.
"""
from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import select

from core.auth.models import RecoveryCode, User
from core.db import db
from tenants.models import utcnow

ISSUER = "DHR Hub"
STEP = 30
RECOVERY_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alike characters


def now() -> float:
    """The clock codes are checked against (tests shift it; production refuses a shift)."""
    return time.time() + current_app.config.get("DHR_CLOCK_SHIFT_SECONDS", 0)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (an image: the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def code_ok(secret: str, code: str, after_step: int = 0) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side for clock drift),
    if it is later than ``after_step``; otherwise None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, current = pyotp.TOTP(secret), int(now() // STEP)
    for step in (current - 1, current, current + 1):
        if step > after_step and secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def verify(user: User, code: str) -> bool:
    """Check a code from the app, or else a recovery code; either is used up."""
    if user.totp_secret:
        step = code_ok(user.totp_secret, code, user.totp_last_step or 0)
        if step is not None:
            user.totp_last_step = step
            return True
    return _use_recovery_code(user, code)


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Save the secret if ``code`` proves the app has it; return new recovery codes."""
    step = code_ok(secret, code)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once, here."""
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    plain = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in plain)
    return plain


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace(" ", "").encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    if len(code.strip()) != 11:
        return False
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = utcnow()
    return True


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())
