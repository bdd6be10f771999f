"""Erasing a departed partnership's audit events without breaking the chain.

The application role may not update audit events. On PostgreSQL the only way to erase one is
the function ``dhr_erase_tenant_audit`` (migration 0013), which the owner role runs for it:
it refuses while the partnership still exists and erases only that partnership's events.
The bodies go (who, what, from where); each event's seq, body digest and hash stay, so the
chain still verifies and shows where erased events sit.
"""
from __future__ import annotations

import uuid

from sqlalchemy import select, text, update

from core.audit.models import AuditChainHead, AuditEvent
from core.db import db
from tenants.models import Tenant
from tenants.rls import is_postgresql

ERASED = dict(actor_id=None, actor="erased", tenant_id=None, action="erased",
              object_type=None, object_id=None, source_ip=None, details={}, erased=True)


class TenantStillExists(RuntimeError):
    """Audit events are erased only once the partnership itself has been removed."""


def erase_tenant_events(tenant_id: uuid.UUID) -> list[list[int]]:
    """Erase the tenant's events in the caller's transaction; return the seqs as ranges."""
    # Hold the chain's head so no event for this tenant can be appended until we commit.
    db.session.execute(update(AuditChainHead).values(last_seq=AuditChainHead.last_seq))
    if is_postgresql(db.session.get_bind()):
        seqs = db.session.scalars(text("SELECT dhr_erase_tenant_audit(CAST(:t AS uuid))"),
                                  {"t": str(tenant_id)}).all()
    else:
        if db.session.get(Tenant, tenant_id) is not None:
            raise TenantStillExists(str(tenant_id))
        seqs = db.session.scalars(select(AuditEvent.seq).where(
            AuditEvent.tenant_id == tenant_id)).all()
        db.session.execute(update(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
                           .values(**ERASED).execution_options(synchronize_session=False))
    return spans(sorted(seqs))


def spans(seqs: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] -> [[1, 3], [7, 8]]: compact enough to keep in one event."""
    out: list[list[int]] = []
    for seq in seqs:
        if out and seq == out[-1][1] + 1:
            out[-1][1] = seq
        else:
            out.append([seq, seq])
    return out
