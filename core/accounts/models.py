"""Single-use account links (an invitation or a password reset) and the mail that carries
them. Both are platform rows: they are read before anyone is signed in."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from core.notifications.models import Letter
from tenants.models import utcnow


class AccountLink(Model):
    __tablename__ = "account_links"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # invitation | reset
    # sha256 of the token: 256-bit random, so a slow hash adds nothing
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the partnership that invited (None for a reset): removed when it is offboarded
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AccountMail(Letter, Model):
    """An account email waiting to go. Its body holds the link, so it is blanked once sent."""

    __tablename__ = "account_mail"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"), index=True)
