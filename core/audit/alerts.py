"""Cross-tenant attempts: each is audited, and repeated attempts by one person raise a
``security.alert`` event (and a warning in the log) for the platform team."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import func, select

from core.audit import service as audit
from core.audit.models import AuditEvent
from core.db import db
from tenants.models import utcnow

log = logging.getLogger(__name__)
ATTEMPT, ALERT = "access.cross_tenant", "security.alert"


def cross_tenant(user_id, label: str, slug: str) -> None:
    """Record an attempt on a partnership the person does not belong to (platform-level:
    no tenant is tagged, so no partnership's export shows another's people)."""
    db.session.rollback()
    audit.record(ATTEMPT, actor=(user_id, label),
                 details={"slug": slug[:64], "path": request.path[:200]})
    window = utcnow() - timedelta(minutes=current_app.config.get("DHR_ALERT_MINUTES", 10))
    attempts = _count(ATTEMPT, label, window)
    if attempts >= current_app.config.get("DHR_ALERT_ATTEMPTS", 5) and not _count(
            ALERT, label, window):
        audit.record(ALERT, actor=(user_id, label), details={
            "reason": "repeated cross-tenant attempts", "attempts": attempts})
        log.warning("security alert: %s made %s cross-tenant attempts", label, attempts)
    db.session.commit()


def _count(action: str, label: str, since) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.actor == label,
        AuditEvent.occurred_at >= since)) or 0
