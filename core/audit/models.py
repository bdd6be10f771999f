"""Audit events and the head of their hash chain.

The chain is one sequence for the whole platform: every append takes the head row's lock
(an UPDATE first), so two writers can never chain onto the same predecessor.

Each event's hash covers its predecessor's hash and a digest of its body (``body_hash``), not
the body itself. When a partnership leaves, its events' bodies are erased (who, what, where
from) while ``body_hash`` and ``hash`` stay, so the chain still verifies end to end and shows
exactly which events were erased. Events written before this scheme have no ``body_hash``.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model

GENESIS_HASH = "0" * 64


class AuditEvent(Model):
    __tablename__ = "audit_events"
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


class AuditChainHead(Model):
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
