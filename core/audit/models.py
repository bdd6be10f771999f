"""Audit events and the heads of their hash chains.

There is one chain per partnership (``chain`` is its id) and one for the platform's own
events (``platform``: sign-ins, cross-tenant attempts, platform commands), so no partnership
ever waits for another's to write an event: an append takes only its own chain's head row
(``audit_chains``), which stays locked until the caller's transaction ends. Each event holds
its place in its chain (``chain_seq``) and links to the event before it in the same chain.
``seq`` numbers every event once across all chains (a sequence on PostgreSQL: it takes no
lock), for ordering and for referring to an event.

Events written before migration 0020 form one sealed chain, ``legacy``, whose head stays
in ``audit_chain_head``; every newer chain starts from that head's hash.

Each event's hash covers its predecessor's hash, its chain, place and seq, and a digest of
its body (``body_hash``), not the body itself. When a partnership leaves, its events' bodies
are erased (who, what, where from) while ``body_hash`` and ``hash`` stay, so the chain still
verifies end to end and shows exactly which events were erased. Events written before
migration 0013 have no ``body_hash``.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model

GENESIS_HASH = "0" * 64
LEGACY, PLATFORM = "legacy", "platform"


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("chain", "chain_seq"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor: Mapped[str] = mapped_column(String(254))
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    source_ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    erased: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    chain: Mapped[str] = mapped_column(String(36))
    chain_seq: Mapped[int]


class AuditChain(Model):
    """The head of one chain: its last place and hash (and the hash before it, which the
    last event links to). Created at the chain's first event."""

    __tablename__ = "audit_chains"
    chain: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_seq: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Model):
    """The sealed head of the ``legacy`` chain (every event before migration 0020): the
    application role may read it, no longer move it."""

    __tablename__ = "audit_chain_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditErasure(Model):
    """One row per erased event, written by the erasing function itself (the application
    role may only read this table on PostgreSQL): verify trusts this, not an event's claim."""

    __tablename__ = "audit_erasures"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    erased_at: Mapped[datetime]
