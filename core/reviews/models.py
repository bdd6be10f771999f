"""The review record. It never holds a real name: the person who died is known by a
pseudonym; real names arrive later as protected names, used only to check documents."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class Review(TenantScoped, Model):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("tenant_id", "reference"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(32))
    pseudonym: Mapped[str] = mapped_column(String(100))
    date_of_death: Mapped[date]
    notification_date: Mapped[date]
    notifying_agency: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(32), default="notified")
    guidance_profile: Mapped[str] = mapped_column(String(32), default="england-2016")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ReferenceCounter(TenantScoped, Model):
    """The last review number a tenant issued in a year: WAR-2026-003 is number 3."""

    __tablename__ = "reference_counters"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)
