"""Sign-in and API tokens: the only code that writes users' credentials."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import and_, select

from core.audit import service as audit
from core.auth.fingerprints import fingerprint
from core.auth.models import ApiToken, User
from core.auth.passwords import burn_time, hash_password, verify_password
from core.db import db
from tenants.models import Membership, Tenant, utcnow
from tenants.service import roles_in

TOKEN_PREFIX = "dhr_"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Check a password; audit both outcomes. Unknown emails cost the same time."""
    user = find_user(email)
    if user is None:
        burn_time(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    # What was typed for an unknown account may be a password in the wrong box: keep only
    # its fingerprint, enough to see repeated attempts at the same name.
    audit.record(
        "auth.sign_in" if ok else "auth.sign_in_failed",
        object_type="user",
        object_id=user.id if user else None,
        actor=(user.id, user.email) if user else (None, "unknown account"),
        details={} if user else {"typed": fingerprint(email)},
    )
    db.session.commit()
    return user if ok else None


def create_user(email: str, display_name: str, password: str, **extra) -> User:
    user = User(
        email=normalise_email(email),
        display_name=display_name,
        password_hash=hash_password(password),
        **extra,
    )
    db.session.add(user)
    return user




def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, tenant: Tenant, name: str) -> tuple[ApiToken, str]:
    """Make a token for one user in one tenant. The plain token is returned once only."""
    if not roles_in(user.id, tenant.id):
        raise PermissionError("the user is not a member of this tenant")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        tenant_id=tenant.id,
        name=name,
        token_hash=_digest(plain),
        prefix=plain[: len(TOKEN_PREFIX) + 6],
        expires_at=_expiry(),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.create",
        object_type="api_token",
        object_id=token.id,
        tenant_id=tenant.id,
        actor=(user.id, user.email),
        details={"name": name},
    )
    db.session.commit()
    return token, plain


def create_admin_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A token for the admin API, for a regional or platform admin only."""
    from tenants.service import regions_of

    if not (user.is_platform_admin or regions_of(user.id)):
        raise PermissionError("the user is neither a regional nor a platform admin")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, tenant_id=None, name=name, token_hash=_digest(plain),
                     prefix=plain[: len(TOKEN_PREFIX) + 6], expires_at=_expiry())
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", object_type="api_token", object_id=token.id,
                 actor=(user.id, user.email), details={"name": name, "admin": True})
    db.session.commit()
    return token, plain


def token_user(plain: str) -> tuple[ApiToken, User] | None:
    """The live token and its user for a presented bearer token, or None."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    row = db.session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                             .where(ApiToken.token_hash == _digest(plain))).first()
    return _live(*row) if row is not None else None


def token_in_tenant(plain: str, slug: str):
    """For a tenant API request, in one statement: the live token and its user (None if
    the token is not live), and the tenant at ``slug`` with the user's roles there, only if
    the token was issued in that very tenant (otherwise ``(None, frozenset())``)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100 or len(slug) > 64:
        return None, (None, frozenset())
    rows = db.session.execute(
        select(ApiToken, User, Tenant, Membership.role)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(Tenant, and_(Tenant.id == ApiToken.tenant_id, Tenant.slug == slug))
        .outerjoin(Membership, and_(Membership.tenant_id == Tenant.id,
                                    Membership.user_id == ApiToken.user_id))
        .where(ApiToken.token_hash == _digest(plain))).all()
    if not rows:
        return None, (None, frozenset())
    token, user, tenant, _role = rows[0]
    return _live(token, user), (tenant, frozenset(r for *_x, r in rows if r is not None))


def _live(token: ApiToken, user: User) -> tuple[ApiToken, User] | None:
    if token.revoked_at is not None or not user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token, user


def _expiry():
    """Tokens end after DHR_TOKEN_DAYS (90 by default): a leaked token does not live on."""
    from flask import current_app

    return utcnow() + timedelta(days=current_app.config.get("DHR_TOKEN_DAYS", 90))


def tokens_of(user: User, tenant: Tenant) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.tenant_id == tenant.id)
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(user: User, tenant: Tenant, token_id: uuid.UUID) -> bool:
    """Revoke one of the user's own tokens in this tenant; False when there is none."""
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == user.id,
            ApiToken.tenant_id == tenant.id,
            ApiToken.revoked_at.is_(None),
        )
    )
    if token is None:
        return False
    token.revoked_at = utcnow()
    audit.record("token.revoke", object_type="api_token", object_id=token.id)
    db.session.commit()
    return True
