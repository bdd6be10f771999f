"""People who leave: an account is deactivated (no sign-in, no session, no token works) or,
once it belongs to no partnership, deleted with its platform audit events erased."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from core.accounts.models import AccountLink, AccountMail
from core.audit import service as audit
from core.audit.erasure import erase_user_events, spans
from core.auth import sessions
from core.auth.models import ApiToken, RecoveryCode, User, UserSession
from core.db import db
from tenants.models import Membership, RegionMembership, utcnow


class StillBelongs(ValueError):
    """The account still has a role somewhere: remove the roles first."""


def deactivate(user: User, active: bool = False) -> None:
    """Deactivate (or reactivate) an account; deactivating ends its sessions and tokens."""
    user.active = active
    if not active:
        sessions.end_all(user)
        db.session.execute(update(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(
            revoked_at=utcnow()))
    audit.record("auth.reactivated" if active else "auth.deactivated", object_type="user",
                 object_id=user.id, actor=(None, "command line"))
    db.session.commit()


def delete_accounts(user_ids: list) -> tuple[int, list[int]]:
    """Delete accounts with their codes, links and tokens, and erase their platform events,
    in the caller's transaction; return (accounts deleted, erased seqs)."""
    for model in (RecoveryCode, AccountLink, ApiToken, UserSession):
        db.session.execute(delete(model).where(model.user_id.in_(user_ids)))
    emails = select(User.email).where(User.id.in_(user_ids))
    db.session.execute(delete(AccountMail).where(AccountMail.recipient.in_(emails)))
    count = db.session.execute(delete(User).where(User.id.in_(user_ids))).rowcount
    erased: list[int] = []
    for user_id in user_ids:
        erased += erase_user_events(user_id)
    return count, erased


def delete_account(user: User) -> int:
    """Delete one account that belongs nowhere any more; return the events erased."""
    if db.session.scalar(select(Membership.id).where(Membership.user_id == user.id).limit(1)) \
            or db.session.scalar(select(RegionMembership.id).where(
                RegionMembership.user_id == user.id).limit(1)):
        raise StillBelongs(user.email)
    user_id = user.id
    _count, erased = delete_accounts([user_id])
    audit.record("account.deleted", actor=(None, "command line"),
                 details={"user": str(user_id), "audit_erased": spans(sorted(erased))})
    db.session.commit()
    return len(erased)
