"""Recording audit events and verifying the chains (see core/audit/models.py).

``record`` adds the event to the caller's transaction: the write and its audit line are
committed together or not at all. It locks only its own chain's head: one partnership's
transactions never wait for another's.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, Uuid, bindparam, event, insert, select, text, tuple_
from sqlalchemy.orm import Session

from core.audit.models import (
    GENESIS_HASH,
    LEGACY,
    PLATFORM,
    AuditChain,
    AuditChainHead,
    AuditErasure,
    AuditEvent,
)
from core.db import db
from tenants import context
from tenants.models import Tenant, utcnow
from tenants.rls import is_postgresql

HEAD_ID = 1  # the legacy chain's head row in audit_chain_head


class AuditTampering(RuntimeError):
    """An audit event was changed or removed after it was written."""


def _canonical(event_: AuditEvent, *, with_prev: bool) -> bytes:
    body = {
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
    if event_.chain in (None, LEGACY):  # one chain: the body held the seq
        body["seq"] = event_.seq
    if with_prev:  # the first scheme hashed the body and the link together
        body["prev_hash"] = event_.prev_hash
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def body_hash(event_: AuditEvent) -> str:
    """The digest of what an event says (on the legacy chain, its seq too)."""
    return hashlib.sha256(_canonical(event_, with_prev=False)).hexdigest()


def link_hash(prev_hash: str, body_digest: str) -> str:
    """The legacy chain's link: the previous hash and the body digest."""
    return hashlib.sha256(f"{prev_hash}:{body_digest}".encode()).hexdigest()


def chain_link_hash(chain: str, chain_seq: int, seq: int, prev_hash: str,
                    body_digest: str) -> str:
    """A chain's link: its chain, place and seq too, so an event cannot be moved or
    renumbered, erased or not. ``_RECORD_PG`` computes the same in SQL."""
    return hashlib.sha256(
        f"{chain}:{chain_seq}:{seq}:{prev_hash}:{body_digest}".encode()).hexdigest()


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


def chain_of(tenant_id: uuid.UUID | None) -> str:
    """The chain an event of this partnership (None: the platform) goes on."""
    return str(tenant_id) if tenant_id else PLATFORM


def record(
    action: str,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    details: dict | None = None,
    tenant_id: uuid.UUID | None = None,
    actor: tuple[uuid.UUID | None, str] | None = None,
) -> AuditEvent:
    """Chain a new event onto its partnership's chain (or the platform's), inside the
    caller's transaction. Only that chain's head is locked, until the transaction ends."""
    session = db.session
    ctx = context.current()
    actor_id, actor_label = actor or who()
    tenant = tenant_id or _owner() or (ctx.tenant_id if ctx else None)
    entry = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor_id,
        actor=actor_label,
        tenant_id=tenant,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        source_ip=request.remote_addr if has_request_context() else None,
        details=details or {},
        chain=chain_of(tenant),
        erased=False,
    )
    entry.body_hash = body_hash(entry)
    if is_postgresql(session.get_bind()):
        _record_postgresql(session, entry)
    else:
        _write(session, [entry])
    return entry


# PostgreSQL: one statement takes the chain's next place (locking its head row until the
# transaction ends), a seq from the sequence (no lock), links and inserts the event.
_RECORD_PG = text("""
WITH next AS (SELECT nextval('audit_event_seq') AS seq),
head AS (
  UPDATE audit_chains SET last_seq = last_seq + 1, prev_hash = last_hash,
    last_hash = encode(sha256(convert_to(chain || ':' || (last_seq + 1) || ':' || next.seq
                                         || ':' || last_hash || ':' || CAST(:body_hash AS text),
                                         'UTF8')), 'hex')
  FROM next WHERE chain = :chain
  RETURNING next.seq, last_seq, prev_hash, last_hash)
INSERT INTO audit_events (seq, occurred_at, actor_id, actor, tenant_id, action, object_type,
  object_id, source_ip, details, prev_hash, hash, body_hash, erased, chain, chain_seq)
SELECT seq, :occurred_at, :actor_id, :actor, :tenant_id, :action, :object_type, :object_id,
  :source_ip, :details, prev_hash, last_hash, :body_hash, false, :chain, last_seq FROM head
RETURNING seq, chain_seq, prev_hash, hash
""").bindparams(bindparam("details", type_=JSON), bindparam("actor_id", type_=Uuid),
                bindparam("tenant_id", type_=Uuid))
_BODY = ("occurred_at", "actor_id", "actor", "tenant_id", "action", "object_type",
         "object_id", "source_ip", "details", "body_hash", "chain")


def _record_postgresql(session, entry: AuditEvent) -> None:
    values = {name: getattr(entry, name) for name in _BODY}
    row = session.execute(_RECORD_PG, values).first()
    if row is None:  # the chain's first event: make its head
        _create_head(session, entry.chain)
        row = session.execute(_RECORD_PG, values).one()
    entry.seq, entry.chain_seq, entry.prev_hash, entry.hash = row


def append(events: list[dict], tenant_id: uuid.UUID | None) -> list[AuditEvent]:
    """Append many events to one chain at once (bulk loads): each hashed and linked exactly
    as ``record`` would one by one. Each dict holds ``actor_id``, ``actor``, ``action``,
    ``object_type``, ``object_id`` and ``details``; they are inserted in one statement."""
    now = utcnow()
    entries = [AuditEvent(occurred_at=now, tenant_id=tenant_id, source_ip=None, erased=False,
                          chain=chain_of(tenant_id), **values) for values in events]
    for entry in entries:
        entry.body_hash = body_hash(entry)
    if entries:
        _write(db.session, entries)
    return entries


_ADVANCE = text("UPDATE audit_chains SET last_seq = last_seq + :n WHERE chain = :c "
                "RETURNING last_seq, last_hash")
_MOVE_HEAD = text("UPDATE audit_chains SET last_hash = :h, prev_hash = :p WHERE chain = :c")
_SEQS_PG = text("SELECT nextval('audit_event_seq') FROM generate_series(1, :n)")
_TOP_SEQ = text("SELECT COALESCE(max(seq), 0) FROM audit_events")


def _write(session, entries: list[AuditEvent]) -> None:
    """Take places at the end of the entries' chain (one chain), link and insert them."""
    chain, count = entries[0].chain, len(entries)
    row = session.execute(_ADVANCE, {"c": chain, "n": count}).first()
    if row is None:
        _create_head(session, chain)
        row = session.execute(_ADVANCE, {"c": chain, "n": count}).one()
    place, prev = row[0] - count + 1, row[1]
    if is_postgresql(session.get_bind()):  # a sequence: no lock
        seqs = list(session.scalars(_SEQS_PG, {"n": count}))
    else:  # SQLite has one writer at a time, and since the UPDATE it is this transaction
        top = session.scalar(_TOP_SEQ)
        seqs = list(range(top + 1, top + 1 + count))
    for entry, seq in zip(entries, seqs, strict=True):
        entry.seq, entry.chain_seq, entry.prev_hash = seq, place, prev
        entry.hash = chain_link_hash(chain, place, seq, prev, entry.body_hash)
        prev, place = entry.hash, place + 1
    session.execute(insert(AuditEvent.__table__), [
        {c.key: getattr(e, c.key) for c in AuditEvent.__table__.columns} for e in entries])
    session.execute(_MOVE_HEAD, {"c": chain, "h": prev, "p": entries[-1].prev_hash})


# A chain's head is made at its first event, starting from the legacy chain's last hash.
_CREATE = text("INSERT INTO audit_chains (chain, last_seq, last_hash) "
               "SELECT :c, 0, COALESCE((SELECT last_hash FROM audit_chain_head WHERE id = :h), "
               ":g) WHERE true ON CONFLICT (chain) DO NOTHING")


def _create_head(session, chain: str) -> None:
    session.execute(_CREATE, {"c": chain, "h": HEAD_ID, "g": GENESIS_HASH})


def hold(chain: str) -> None:
    """Lock a chain's head until the transaction ends: nothing can be appended to it."""
    session = db.session
    _create_head(session, chain)
    session.execute(text("UPDATE audit_chains SET last_seq = last_seq WHERE chain = :c"),
                    {"c": chain})


def read(what: str, review_id, **details) -> None:
    """Audit a read of case records (a review's records, documents, timeline) and commit,
    so every look at case data is accounted for."""
    record(f"{what}.read", object_type="review", object_id=review_id, details=details)
    db.session.commit()


def ensure_chain_head() -> None:
    """Create the legacy chain's (empty) head if this database has none."""
    if db.session.get(AuditChainHead, HEAD_ID) is None:
        db.session.add(AuditChainHead(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH))
        db.session.commit()


def heads(session=None) -> dict[str, tuple[int, str]]:
    """Every chain's head, the legacy chain's included: {chain: (last place, last hash)}."""
    session = session or db.session
    found = {chain: (last, hashed) for chain, last, hashed in session.execute(
        select(AuditChain.chain, AuditChain.last_seq, AuditChain.last_hash))}
    legacy = session.get(AuditChainHead, HEAD_ID)
    found[LEGACY] = (legacy.last_seq, legacy.last_hash) if legacy else (0, GENESIS_HASH)
    return found


def label(chain: str | None) -> str:
    """A chain as people know it: "partnership alpha", "the platform chain"..."""
    if chain is None:
        return "the chains"
    if chain == PLATFORM:
        return "the platform chain"
    if chain == LEGACY:
        return "the legacy chain (events before migration 0020)"
    try:
        slug = db.session.scalar(select(Tenant.slug).where(Tenant.id == uuid.UUID(chain)))
    except ValueError:
        slug = None
    return f"partnership {slug}'s chain" if slug else f"the chain {chain} (no partnership)"


@dataclass
class Problem:
    seq: int | None          # the event (None: it is gone, or a whole chain is)
    reason: str
    chain: str | None = None
    place: int | None = None  # its place in its chain

    def describe(self) -> str:
        where = f"place {self.place} of {label(self.chain)}" if self.place else label(
            self.chain)
        if self.seq is None:
            return f"{where} {self.reason}"
        return f"event {self.seq} ({where}) {self.reason}"


def verify(batch: int = 1000) -> tuple[int, Problem | None]:
    """Walk every chain in order; return (events checked, first problem or None).

    Within a chain, places run 1, 2, 3... with no gap, each event links to the one before
    it (the first to the legacy chain's last hash; the legacy chain's first to the genesis
    hash) and the last matches the chain's head. An erased event is checked by its link and
    stored body digest (its body is gone), must be wholly blank, and must be recorded in
    ``audit_erasures`` by the function that erased it: nothing is hidden unaccounted, and
    nothing can be written into an erased event. It reads what is committed; on PostgreSQL
    one snapshot, so events committed meanwhile are neither half seen nor mistaken for
    tampering."""
    with _snapshot() as session:
        return _verify(session, batch)


@contextmanager
def _snapshot():
    """A session of its own (the caller's objects stay as they are), reading one snapshot
    on PostgreSQL."""
    with db.engine.connect() as conn:
        if is_postgresql(db.engine):
            conn.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=conn) as session:
            yield session


def _verify(session, batch: int) -> tuple[int, Problem | None]:
    tops = heads(session)
    root = tops[LEGACY][1]
    checked, erased, walked = 0, {}, set()
    chain, place, prev = None, 0, None
    for entry in _events(session, batch):
        if entry.chain != chain:
            if chain is not None and (problem := _ends(chain, place, prev, tops)):
                return checked, problem
            chain, place, prev = entry.chain, 0, GENESIS_HASH if entry.chain == LEGACY else root
            walked.add(chain)
            if chain not in tops:
                return checked, Problem(entry.seq, "is on a chain that has no head", chain,
                                        entry.chain_seq)
        if entry.chain_seq != place + 1:
            return checked, Problem(entry.seq, f"comes after a gap: place {place + 1} is "
                                    "missing (an event was removed)", chain, entry.chain_seq)
        if entry.chain_seq > tops[chain][0]:
            return checked, Problem(entry.seq, "lies beyond its chain's head", chain,
                                    entry.chain_seq)
        if entry.prev_hash != prev:
            return checked, Problem(entry.seq, "does not follow the event before it", chain,
                                    entry.chain_seq)
        if not _intact(entry):
            return checked, Problem(entry.seq, "was altered after it was written", chain,
                                    entry.chain_seq)
        if entry.erased:
            erased[entry.seq] = (chain, entry.chain_seq)
        place, prev, checked = entry.chain_seq, entry.hash, checked + 1
    if chain is not None and (problem := _ends(chain, place, prev, tops)):
        return checked, problem
    for gone in sorted(set(tops) - walked):
        if tops[gone] != (0, GENESIS_HASH if gone == LEGACY else root):
            return checked, Problem(None, f"has lost every event up to place "
                                    f"{tops[gone][0]}: they were removed", gone)
    unrecorded = set(erased) - set(session.scalars(select(AuditErasure.seq)))
    if unrecorded:
        first = min(unrecorded)
        return checked, Problem(first, "was erased without an offboarding or account "
                                "deletion that recorded it", *erased[first])
    return checked, None


def _ends(chain: str, place: int, prev: str, tops) -> Problem | None:
    """The chain's last event is where its head says."""
    last, hashed = tops[chain]
    if (place, prev) == (last, hashed):
        return None
    if place < last:
        return Problem(None, f"is missing: the chain ends at place {place} but its head is "
                       f"at {last} (the events after it were removed)", chain, place + 1)
    return Problem(None, "does not match its head: the head was changed", chain, None)


def _intact(entry: AuditEvent) -> bool:
    if entry.chain == LEGACY and entry.seq != entry.chain_seq:
        return False  # a legacy event's place is its seq: it cannot move
    if entry.erased:  # its body is gone: it must be wholly blank, and still linked
        return _blank(entry) and (entry.body_hash is None or
                                  _link(entry) == entry.hash)
    if entry.body_hash is None:  # the first scheme hashed the body and the link together
        return entry.chain == LEGACY and legacy_hash(entry) == entry.hash
    return _link(entry) == entry.hash and body_hash(entry) == entry.body_hash


def _link(entry: AuditEvent) -> str:
    if entry.chain == LEGACY:  # one chain for everything: the link and the body digest
        return link_hash(entry.prev_hash, entry.body_hash)
    return chain_link_hash(entry.chain, entry.chain_seq, entry.seq, entry.prev_hash,
                           entry.body_hash)


def _blank(entry: AuditEvent) -> bool:
    """An erased event says nothing: a body written into it afterwards is a forgery."""
    return (entry.actor_id, entry.actor, entry.tenant_id, entry.action, entry.object_type,
            entry.object_id, entry.source_ip, entry.details or {}) == (
        None, "erased", None, "erased", None, None, None, {})


def _events(session, batch: int) -> Iterator[AuditEvent]:
    """Every event, chain by chain, each chain in order (the (chain, chain_seq) index)."""
    order = tuple_(AuditEvent.chain, AuditEvent.chain_seq)
    last = None
    while True:
        query = select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.chain_seq)
        if last is not None:
            query = query.where(order > tuple_(*last))
        rows = session.scalars(query.limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = (rows[-1].chain, rows[-1].chain_seq)
        session.expunge_all()


@event.listens_for(Session, "before_flush")
def _append_only(session, _flush_context, _instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTampering("audit events are append-only")
