"""Recording audit events and verifying the chain.

``record`` adds the event to the caller's transaction: the write and its audit line are
committed together or not at all.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from core.audit.models import GENESIS_HASH, AuditChainHead, AuditErasure, AuditEvent
from core.db import db
from tenants import context
from tenants.models import utcnow

HEAD_ID = 1


class AuditTampering(RuntimeError):
    """An audit event was changed or removed after it was written."""


def _canonical(event_: AuditEvent, *, with_prev: bool) -> bytes:
    body = {
        "seq": event_.seq,
        "occurred_at": event_.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": str(event_.actor_id) if event_.actor_id else None,
        "actor": event_.actor,
        "tenant_id": str(event_.tenant_id) if event_.tenant_id else None,
        "action": event_.action,
        "object_type": event_.object_type,
        "object_id": event_.object_id,
        "source_ip": event_.source_ip,
        "details": event_.details or {},
    }
    if with_prev:  # the first scheme hashed the body and the link together
        body["prev_hash"] = event_.prev_hash
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def body_hash(event_: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event_, with_prev=False)).hexdigest()


def link_hash(prev_hash: str, body_digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}:{body_digest}".encode()).hexdigest()


def legacy_hash(event_: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event_, with_prev=True)).hexdigest()


def who() -> tuple[uuid.UUID | None, str]:
    """The person acting in this request (token or session), or the system."""
    user = getattr(g, "api_user", None) if has_request_context() else None
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    if user is None:
        return None, "system"
    return user.id, user.email


def about_review(review) -> None:
    """The request is about this review: its events belong to the review's partnership.
    In a joint review that is the lead, even when a partner acts, so the lead (whose data it
    is) has them in its trail, and they stay when the partner leaves."""
    if has_request_context():
        g.dhr_review_owner = review.tenant_id


def _owner() -> uuid.UUID | None:
    if has_request_context():
        return g.get("dhr_review_owner")
    return None


def record(
    action: str,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    details: dict | None = None,
    tenant_id: uuid.UUID | None = None,
    actor: tuple[uuid.UUID | None, str] | None = None,
) -> AuditEvent:
    """Chain a new event onto the head, inside the caller's transaction."""
    session = db.session
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq + 1)
    )
    seq, prev = session.execute(
        select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(
            AuditChainHead.id == HEAD_ID
        )
    ).one()
    ctx = context.current()
    actor_id, actor_label = actor or who()
    entry = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_id=actor_id,
        actor=actor_label,
        tenant_id=tenant_id or _owner() or (ctx.tenant_id if ctx else None),
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        source_ip=request.remote_addr if has_request_context() else None,
        details=details or {},
        prev_hash=prev,
    )
    entry.body_hash = body_hash(entry)
    entry.hash = link_hash(prev, entry.body_hash)
    session.add(entry)
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(last_hash=entry.hash)
    )
    return entry


def read(what: str, review_id, **details) -> None:
    """Audit a read of case records (a review's records, documents, timeline) and commit,
    so every look at case data is accounted for."""
    record(f"{what}.read", object_type="review", object_id=review_id, details=details)
    db.session.commit()


def ensure_chain_head() -> None:
    """Create the chain's head row if this database has none (fresh schema, tests)."""
    if db.session.get(AuditChainHead, HEAD_ID) is None:
        db.session.add(AuditChainHead(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH))
        db.session.commit()


@dataclass
class Problem:
    seq: int
    reason: str


def verify(batch: int = 1000) -> tuple[int, Problem | None]:
    """Walk the chain in order; return (events checked, first problem or None).

    An erased event is checked by its link and stored body digest (its body is gone), must
    be wholly blank, and must be recorded in ``audit_erasures`` by the function that erased
    it: nothing is hidden unaccounted, and nothing can be written into an erased event."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    erased: set[int] = set()
    for entry in _events(batch):
        if entry.seq != expected_seq:
            return checked, Problem(expected_seq, "missing: the chain skips from here")
        if entry.prev_hash != prev_hash:
            return checked, Problem(entry.seq, "does not follow the event before it")
        if not _intact(entry):
            return checked, Problem(entry.seq, "was altered after it was written")
        if entry.erased:
            erased.add(entry.seq)
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.last_seq, head.last_hash) != (checked, prev_hash):
        return checked, Problem(checked + 1, "missing: events after it were removed")
    unrecorded = erased - set(db.session.scalars(select(AuditErasure.seq)))
    if unrecorded:
        return checked, Problem(min(unrecorded), "was erased without an offboarding or "
                                "account deletion that recorded it")
    return checked, None


def _intact(entry: AuditEvent) -> bool:
    if entry.erased:  # its body is gone: it must be wholly blank, and still linked
        return _blank(entry) and (entry.body_hash is None or
                                  link_hash(entry.prev_hash, entry.body_hash) == entry.hash)
    if entry.body_hash is None:  # the first scheme hashed the body and the link together
        return legacy_hash(entry) == entry.hash
    return (link_hash(entry.prev_hash, entry.body_hash) == entry.hash
            and body_hash(entry) == entry.body_hash)


def _blank(entry: AuditEvent) -> bool:
    """An erased event says nothing: a body written into it afterwards is a forgery."""
    return (entry.actor_id, entry.actor, entry.tenant_id, entry.action, entry.object_type,
            entry.object_id, entry.source_ip, entry.details or {}) == (
        None, "erased", None, "erased", None, None, None, {})


def _events(batch: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        db.session.expunge_all()


@event.listens_for(Session, "before_flush")
def _append_only(session, _flush_context, _instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTampering("audit events are append-only")
