"""A member of the public asking for a report that is no longer online."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class DocumentRequest(TenantScoped, Model):
    __tablename__ = "document_requests"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
