"""A partnership's retention rules: how long each class of record is kept."""
from __future__ import annotations

import uuid

from sqlalchemy import Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.scoping import TenantScoped


class RetentionRule(TenantScoped, Model):
    __tablename__ = "retention_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "record_class"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    record_class: Mapped[str] = mapped_column(String(32))
    keep_months: Mapped[int] = mapped_column(Integer)
