"""The outbox: a message is written in the same transaction as the event that causes it
and sent later by ``flask dhr send-reminders``; a failed send stays to be retried."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class Letter:
    """What every queued email holds, and how its sending went (see sender.send_each)."""

    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


class OutboxMessage(Letter, TenantScoped, Model):
    __tablename__ = "outbox_messages"
    # One message per reason: running the reminder scan twice adds nothing twice.
    __table_args__ = (UniqueConstraint("tenant_id", "dedupe_key"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200))
