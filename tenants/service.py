"""Looking up tenants and who belongs to them (platform tables, no tenant context needed)."""
from __future__ import annotations

import uuid

from sqlalchemy import and_, select

from core.db import db
from tenants.models import Membership, Region, RegionMembership, Tenant
from tenants.roles import TenantRole


def tenant_by_slug(slug: str) -> Tenant | None:
    if len(slug) > 64:
        return None
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def tenant_and_roles(slug: str, user_id: uuid.UUID) -> tuple[Tenant | None,
                                                            frozenset[TenantRole]]:
    """The tenant at ``slug`` and the user's roles there, in one statement (every tenant
    request asks this first)."""
    if len(slug) > 64:
        return None, frozenset()
    rows = db.session.execute(
        select(Tenant, Membership.role)
        .outerjoin(Membership, and_(Membership.tenant_id == Tenant.id,
                                    Membership.user_id == user_id))
        .where(Tenant.slug == slug)).all()
    if not rows:
        return None, frozenset()
    return rows[0][0], frozenset(role for _tenant, role in rows if role is not None)


def roles_in(user_id: uuid.UUID, tenant_id: uuid.UUID) -> frozenset[TenantRole]:
    rows = db.session.scalars(
        select(Membership.role).where(
            Membership.user_id == user_id, Membership.tenant_id == tenant_id
        )
    )
    return frozenset(rows)


def tenants_of(user_id: uuid.UUID) -> list[tuple[Tenant, list[TenantRole]]]:
    """The user's tenants with their roles there, by tenant name (for the home page)."""
    rows = db.session.execute(
        select(Tenant, Membership.role)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user_id)
        .order_by(Tenant.name, Membership.role)
    )
    grouped: dict[uuid.UUID, tuple[Tenant, list[TenantRole]]] = {}
    for tenant, role in rows:
        grouped.setdefault(tenant.id, (tenant, []))[1].append(role)
    return list(grouped.values())


def regions_of(user_id: uuid.UUID) -> list[Region]:
    return list(
        db.session.scalars(
            select(Region)
            .join(RegionMembership, RegionMembership.region_id == Region.id)
            .where(RegionMembership.user_id == user_id)
            .order_by(Region.name)
        )
    )


def administered_by(user) -> list[Tenant]:
    """The tenants ``user`` administers, by name, in one statement: every tenant for a
    platform admin, those of the user's regions for a regional admin, none for anyone
    else. The set form of ``core.auth.guards.administrable`` (keep the two in step)."""
    if user is None:
        return []
    query = select(Tenant).order_by(Tenant.name)
    if not user.is_platform_admin:
        query = query.where(Tenant.region_id.in_(
            select(RegionMembership.region_id).where(RegionMembership.user_id == user.id)))
    return list(db.session.scalars(query))


def logo_of(tenant: Tenant) -> bytes | None:
    if not tenant.logo_version:
        return None
    return db.session.scalar(select(Tenant.logo_png).where(Tenant.id == tenant.id))
