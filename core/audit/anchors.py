"""Anchors: the chain's head (seq and hash) written somewhere the database's owner cannot
reach, such as write-once storage or a mailbox, at intervals the operator chooses.

The chain alone shows an event altered or removed, but someone who can rewrite the whole
table as its owner could recompute every hash after a change. An anchor taken before the
change no longer matches the rewritten chain, so ``verify --anchors`` finds it. Erasing a
departed partnership's events keeps every hash, so anchors still match after offboarding.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from core.audit.models import AuditChainHead, AuditEvent
from core.audit.service import HEAD_ID
from core.db import db
from tenants.models import utcnow


def take() -> dict:
    """The head as an anchor line: {"seq", "hash", "taken_at"}."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    return {"seq": head.last_seq, "hash": head.last_hash,
            "taken_at": utcnow().isoformat(timespec="seconds")}


@dataclass
class Mismatch:
    seq: int
    taken_at: str
    reason: str


def check(lines: list[str]) -> tuple[int, Mismatch | None]:
    """Check each anchor line against the chain; return (anchors checked, first mismatch)."""
    checked = 0
    for line in lines:
        if not line.strip():
            continue
        anchor = json.loads(line)
        if anchor["seq"] == 0:
            checked += 1
            continue
        found = db.session.scalar(select(AuditEvent.hash).where(
            AuditEvent.seq == anchor["seq"]))
        if found is None:
            return checked, Mismatch(anchor["seq"], anchor["taken_at"], "is missing")
        if found != anchor["hash"]:
            return checked, Mismatch(anchor["seq"], anchor["taken_at"],
                                     "does not match: the chain was rewritten after the anchor")
        checked += 1
    return checked, None
