"""Regions, tenants (one CSP each) and who belongs to them.

These tables describe the platform, not case data, so they are not tenant-scoped: sign-in
must read memberships before any tenant is chosen. Case data lives in models that mix in
``TenantScoped`` (tenants/scoping.py), as do the role requests waiting for a partnership's
second admin.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.db import Model
from tenants.roles import RegionRole, TenantRole
from tenants.scoping import TenantScoped


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _role_enum(enum_class) -> Enum:
    """Roles stored by their value as plain strings (no database enum type to migrate)."""
    return Enum(enum_class, native_enum=False, length=32,
                values_callable=lambda members: [m.value for m in members])


class Region(Model):
    __tablename__ = "regions"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tenants: Mapped[list[Tenant]] = relationship(back_populates="region")


class Tenant(Model):
    """One Community Safety Partnership."""

    __tablename__ = "tenants"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    reference_prefix: Mapped[str] = mapped_column(String(8))
    police_force: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    # The header: one of tenants/branding.PALETTE (each readable under white text) and a
    # small PNG logo, loaded only when served.
    brand_colour: Mapped[str] = mapped_column(String(16), default="blue", server_default="blue")
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    logo_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The partnership's own months for the guidance profiles' local-practice targets,
    # {profile: {deadline key: months}} (core/targets.py sets them, audited; issue 13).
    local_targets: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    region: Mapped[Region] = relationship(back_populates="tenants")


class Membership(Model):
    """A person's role in one CSP; several rows give several roles."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id", "role"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    role: Mapped[TenantRole] = mapped_column(_role_enum(TenantRole))
    # When the role was given: the partnership's audit export holds the person's account
    # events (sign-ins, codes) only from their earliest role still held there.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Given by an admin and not signed in since: the members list shows only the address
    # typed, so it tells nothing of whether the address already had an account.
    awaiting_sign_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    tenant: Mapped[Tenant] = relationship()


class RoleRequest(TenantScoped, Model):
    """A role someone asked for themselves (a CSP admin giving themselves case access): it
    is given only when another CSP admin of the partnership, or a platform admin, approves.
    Tenant-owned (both walls). ``requested_by`` and ``decided_by`` are user ids kept without
    a foreign key, as the audit's actors are; the request goes with the account it is for."""

    __tablename__ = "role_requests"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    role: Mapped[TenantRole] = mapped_column(_role_enum(TenantRole))
    requested_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # approved | refused


class RegionMembership(Model):
    """A regional admin's hold on a region: aggregates and plugin settings, never cases."""

    __tablename__ = "region_memberships"
    __table_args__ = (UniqueConstraint("user_id", "region_id", "role"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"), index=True)
    role: Mapped[RegionRole] = mapped_column(_role_enum(RegionRole))
    region: Mapped[Region] = relationship()


class TenantPlugin(Model):
    """A local-policy plugin a regional admin switched on for one CSP, with its settings.

    Configuration, not case data: regional admins manage it without seeing any case."""

    __tablename__ = "tenant_plugins"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    enabled_at: Mapped[datetime] = mapped_column(default=utcnow)
    enabled_by: Mapped[str] = mapped_column(String(254))
