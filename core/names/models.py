"""The real-name map: who a review's pseudonyms stand for. Readable only by the roles that
need it (names.read), kept by the lead partnership alone, and the list the redaction gate
searches published documents for."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class ProtectedName(TenantScoped, Model):
    __tablename__ = "protected_names"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))          # victim, perpetrator, family…
    pseudonym: Mapped[str] = mapped_column(String(100))   # what documents say instead
    real_name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[str | None] = mapped_column(Text)      # one per line
    date_of_birth: Mapped[date | None]
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
