"""Subject access requests (UK GDPR Art. 15): who asked, what to search for, and the
one-month clock from the day the request arrived."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class SubjectAccessRequest(TenantScoped, Model):
    __tablename__ = "subject_access_requests"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    requester: Mapped[str] = mapped_column(String(200))
    terms: Mapped[str] = mapped_column(Text)          # names and details, one per line
    received_on: Mapped[date]
    due_on: Mapped[date]
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
