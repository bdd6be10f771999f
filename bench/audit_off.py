"""The benchmark's audit-off server (bench/wsgi.py, ``DHR_BENCH_AUDIT_OFF=1``): every call
of ``core.audit.service.record`` still builds its event (the same Python work up to the
write) but writes nothing and locks no chain head. Every caller reaches it through the
module (``audit.record``), so replacing the module's attribute reaches them all."""
from __future__ import annotations

from core.audit import service
from core.audit.models import AuditEvent
from tenants.models import utcnow


def _unwritten(action: str, *, object_type=None, object_id=None, details=None,
               tenant_id=None, actor=None) -> AuditEvent:
    actor_id, actor_label = actor or service.who()
    entry = AuditEvent(occurred_at=utcnow(), actor_id=actor_id, actor=actor_label,
                       tenant_id=tenant_id, action=action, object_type=object_type,
                       object_id=str(object_id) if object_id is not None else None,
                       details=details or {}, chain=service.chain_of(tenant_id), erased=False)
    entry.body_hash = service.body_hash(entry)
    return entry


def install() -> None:
    service.record = _unwritten
