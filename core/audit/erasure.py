"""Erasing a departed partnership's audit events without breaking the chain.

The application role may not update audit events. On PostgreSQL the only ways to erase one
are the functions ``dhr_erase_tenant_audit`` (migration 0013) and ``dhr_erase_user_audit``
(0015), which run as the owner role: each refuses while the partnership (or the account)
still exists and erases only the events that are its.
The bodies go (who, what, from where); each event's seq, chain, place, body digest and hash
stay, so its chain still verifies and shows where erased events sit. Each erased event is
recorded in ``audit_erasures`` by the function itself (the application role may only read
that table), and ``verify`` accepts an erased event only if it is recorded there and wholly
blank.
"""
from __future__ import annotations

import uuid

from sqlalchemy import select, text, update

from core.audit.models import AuditErasure, AuditEvent
from core.audit.service import chain_of, hold
from core.db import db
from tenants.models import Tenant, utcnow
from tenants.rls import is_postgresql

ERASED = dict(actor_id=None, actor="erased", tenant_id=None, action="erased",
              object_type=None, object_id=None, source_ip=None, details={}, erased=True)


class TenantStillExists(RuntimeError):
    """Audit events are erased only once the partnership itself has been removed."""


class AccountStillExists(RuntimeError):
    """An account's platform events are erased only once the account has been deleted."""


def erase_tenant_events(tenant_id: uuid.UUID) -> list[int]:
    """Erase the tenant's events in the caller's transaction; return their seqs. Its chain's
    head is held until commit, so no event can be appended to it meanwhile; other
    partnerships' chains are not held."""
    hold(chain_of(tenant_id))
    if is_postgresql(db.session.get_bind()):
        seqs = db.session.scalars(text("SELECT dhr_erase_tenant_audit(CAST(:t AS uuid))"),
                                  {"t": str(tenant_id)}).all()
    else:
        if db.session.get(Tenant, tenant_id) is not None:
            raise TenantStillExists(str(tenant_id))
        seqs = _blank(AuditEvent.tenant_id == tenant_id)
    return list(seqs)


def erase_user_events(user_id: uuid.UUID) -> list[int]:
    """Erase the platform events of a deleted account (its sign-ins, resets): those with no
    tenant that it did or that were about it. Returns the seqs."""
    if is_postgresql(db.session.get_bind()):
        return list(db.session.scalars(text("SELECT dhr_erase_user_audit(CAST(:u AS uuid))"),
                                       {"u": str(user_id)}))
    from core.auth.models import User

    if db.session.get(User, user_id) is not None:
        raise AccountStillExists(str(user_id))
    return _blank(AuditEvent.tenant_id.is_(None) & AuditEvent.erased.is_(False) & (
        (AuditEvent.actor_id == user_id) |
        ((AuditEvent.object_type == "user") & (AuditEvent.object_id == str(user_id)))))


def _blank(which) -> list[int]:
    """What the PostgreSQL functions do, for SQLite: blank the events, record each."""
    seqs = list(db.session.scalars(select(AuditEvent.seq).where(which)))
    db.session.execute(update(AuditEvent).where(which).values(**ERASED)
                       .execution_options(synchronize_session=False))
    now = utcnow()
    db.session.add_all(AuditErasure(seq=seq, erased_at=now) for seq in seqs)
    return seqs


def spans(seqs: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] -> [[1, 3], [7, 8]]: compact enough to keep in one event."""
    out: list[list[int]] = []
    for seq in seqs:
        if out and seq == out[-1][1] + 1:
            out[-1][1] = seq
        else:
            out.append([seq, seq])
    return out
