"""Anchors: every chain's head (its last place and hash) written somewhere the database's
owner cannot reach, such as write-once storage or a mailbox, at intervals the operator
chooses.

The chains alone show an event altered or removed, but someone who can rewrite the whole
table as its owner could recompute every hash of a chain after a change. An anchor taken
before the change no longer matches the rewritten chain, so ``verify --anchors`` finds it
and names the chain. An anchor line also holds ``root``, one SHA-256 over all the heads, to
publish or mail where a whole line is too long. Erasing a departed partnership's events
keeps every hash, so anchors still match after offboarding.

Lines written before migration 0020 (one chain: ``{"seq", "hash"}``) are checked as they
were: those events are the legacy chain, and keep their seq and hash.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, tuple_

from core.audit.models import AuditEvent
from core.audit.service import heads, label
from core.db import db
from tenants.models import utcnow


def root(chains: dict[str, list]) -> str:
    """One hash over every chain's head, in the order of the chains' names."""
    lines = "\n".join(f"{chain}:{last}:{hashed}" for chain, (last, hashed) in
                      sorted(chains.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def take() -> dict:
    """The heads as an anchor line: {"taken_at", "root", "chains": {chain: [place, hash]}}."""
    chains = {chain: [last, hashed] for chain, (last, hashed) in sorted(heads().items())}
    return {"taken_at": utcnow().isoformat(timespec="seconds"), "root": root(chains),
            "chains": chains}


@dataclass
class Mismatch:
    seq: int | None
    taken_at: str
    reason: str
    chain: str | None = None
    place: int | None = None

    def describe(self) -> str:
        if self.chain is not None:
            where = f"place {self.place} of {label(self.chain)}"
        elif self.seq is not None:
            where = f"event {self.seq}"
        else:
            where = "an anchor line"
        return f"{where} {self.reason} (anchor taken at {self.taken_at})"


def check(lines: list[str]) -> tuple[int, Mismatch | None]:
    """Check each anchor line against the chains; return (anchors checked, first mismatch)."""
    checked = 0
    for line in lines:
        if not line.strip():
            continue
        anchor = json.loads(line)
        mismatch = _check_chains(anchor) if "chains" in anchor else _check_one(anchor)
        if mismatch is not None:
            return checked, mismatch
        checked += 1
    return checked, None


def _check_one(anchor: dict) -> Mismatch | None:
    """A line from before migration 0020: the one chain's head, now the legacy chain's."""
    if anchor["seq"] == 0:
        return None
    found = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == anchor["seq"]))
    if found is None:
        return Mismatch(anchor["seq"], anchor["taken_at"], "is missing")
    if found != anchor["hash"]:
        return Mismatch(anchor["seq"], anchor["taken_at"],
                        "does not match: the chain was rewritten after the anchor")
    return None


def _check_chains(anchor: dict) -> Mismatch | None:
    chains, taken_at = anchor["chains"], anchor["taken_at"]
    if root(chains) != anchor["root"]:
        return Mismatch(None, taken_at, "does not match its own root: it was changed")
    wanted = {(chain, last): hashed for chain, (last, hashed) in chains.items() if last}
    found: dict[tuple[str, int], str] = {}
    keys = sorted(wanted)
    for start in range(0, len(keys), 500):
        found.update(((chain, place), hashed) for chain, place, hashed in db.session.execute(
            select(AuditEvent.chain, AuditEvent.chain_seq, AuditEvent.hash).where(
                tuple_(AuditEvent.chain, AuditEvent.chain_seq).in_(keys[start:start + 500]))))
    for (chain, place), hashed in sorted(wanted.items()):
        if (chain, place) not in found:
            return Mismatch(None, taken_at, "is missing", chain, place)
        if found[(chain, place)] != hashed:
            return Mismatch(None, taken_at, "does not match: the chain was rewritten after "
                            "the anchor", chain, place)
    return None
