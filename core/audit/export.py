"""A partnership's own audit trail for a date range, as CSV: only events tagged with that
tenant (platform events and other partnerships' events are never included)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db

COLUMNS = ("seq", "occurred_at", "actor", "action", "object_type", "object_id",
           "source_ip", "details", "hash")
MAX_DAYS = 366


def events(tenant_id, start: date, end: date):
    """The tenant's events from the start of ``start`` to the end of ``end`` (UTC)."""
    return db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.tenant_id == tenant_id,
            AuditEvent.occurred_at >= datetime.combine(start, time.min),
            AuditEvent.occurred_at < datetime.combine(end + timedelta(days=1), time.min))
        .order_by(AuditEvent.seq)).all()


def _cell(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in rows:
        writer.writerow([_cell(v) for v in (
            e.seq, e.occurred_at.isoformat(timespec="seconds"), e.actor, e.action,
            e.object_type, e.object_id, e.source_ip,
            json.dumps(e.details, sort_keys=True, ensure_ascii=False), e.hash)])
    return out.getvalue()
