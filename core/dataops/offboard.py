"""Offboarding: a partnership leaves and nothing of it stays behind — no row in any table
it owned, no membership, token, plugin or branding, no document file, no rate-limit key,
no account of anyone who belonged to it alone (with their sign-in events), and no audit
event that names it or says what was done (the bodies are erased; the chain's links stay so
it still verifies). Take the export first: it holds the audit trail. What
stays is one platform audit event saying it happened and which events it erased."""
from __future__ import annotations

import shutil
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select

from core.accounts.leavers import delete_accounts
from core.accounts.models import AccountLink, AccountMail
from core.audit import service as audit
from core.audit.erasure import erase_tenant_events, spans
from core.audit.models import AuditEvent
from core.auth.models import ApiToken, User
from core.dataops.tables import delete_partners_rows, tenant_tables
from core.db import db
from core.reviews.models import Review
from tenants.context import tenant_scope
from tenants.models import Membership, RegionMembership, Tenant, TenantPlugin
from tenants.sharing import ReviewPartner

# Platform rows that carry the tenant: memberships, tokens, local policies, invitations.
PLATFORM_ROWS = (Membership, ApiToken, TenantPlugin, AccountLink, AccountMail)


def offboard(tenant: Tenant) -> dict[str, int]:
    """Remove the tenant and everything it owns, in one transaction; return the counts."""
    removed: dict[str, int] = {}
    tenant_id, slug = tenant.id, tenant.slug
    with tenant_scope(tenant_id):
        leads = set(db.session.scalars(select(ReviewPartner.tenant_id).where(
            ReviewPartner.partner_tenant_id == tenant_id)))
    removed["shares_as_partner"] = 0
    for lead in leads:  # its shares in others' joint reviews: rows the leads own
        with tenant_scope(lead):
            removed["shares_as_partner"] += db.session.execute(delete(ReviewPartner).where(
                ReviewPartner.tenant_id == lead,
                ReviewPartner.partner_tenant_id == tenant_id)).rowcount
    with tenant_scope(tenant_id):
        delete_partners_rows(list(db.session.scalars(select(Review.id).where(
            Review.tenant_id == tenant_id))))
        for table in reversed(tenant_tables()):
            removed[table.name] = db.session.execute(
                delete(table).where(table.c.tenant_id == tenant_id)).rowcount
    people = set(db.session.scalars(select(Membership.user_id).where(
        Membership.tenant_id == tenant_id)))
    for model in PLATFORM_ROWS:
        removed[model.__tablename__] = db.session.execute(
            delete(model).where(model.tenant_id == tenant_id)).rowcount
    removed["tenants"] = db.session.execute(delete(Tenant).where(Tenant.id == tenant_id)
                                            ).rowcount
    leavers = _only_here(people)
    removed["users"], erased = delete_accounts(leavers)
    rows = sum(removed.values())
    erased += erase_tenant_events(tenant_id)
    removed["audit_events_erased"] = len(erased)
    audit.record("tenant.offboarded", actor=(None, "command line"),
                 details={"slug": slug, "tenant": str(tenant_id), "rows": rows,
                          "audit_erased": spans(sorted(set(erased)))})
    db.session.commit()
    folder = Path(current_app.config["DHR_BLOB_DIR"]) / str(tenant_id)
    removed["files"] = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
    shutil.rmtree(folder, ignore_errors=True)
    return removed


def _only_here(people: set) -> list:
    """Of the partnership's people, those with nothing left on the service: no other
    partnership, no region, not on the platform team. Call after memberships are gone."""
    stay = set(db.session.scalars(select(Membership.user_id).where(
        Membership.user_id.in_(people))))
    stay |= set(db.session.scalars(select(RegionMembership.user_id).where(
        RegionMembership.user_id.in_(people))))
    stay |= set(db.session.scalars(select(User.id).where(
        User.id.in_(people), User.is_platform_admin.is_(True))))
    return sorted(people - stay)


def residue(tenant_id) -> dict[str, int]:
    """What is left of a tenant anywhere (all zeros after offboarding)."""
    left: dict[str, int] = {}
    with tenant_scope(tenant_id):
        for table in tenant_tables():
            left[table.name] = len(db.session.execute(
                select(table.c.tenant_id).where(table.c.tenant_id == tenant_id)).all())
    for model in PLATFORM_ROWS:
        left[model.__tablename__] = len(db.session.scalars(
            select(model.id).where(model.tenant_id == tenant_id)).all())
    left["tenants"] = 0 if db.session.get(Tenant, tenant_id) is None else 1
    left["audit_events"] = len(db.session.scalars(
        select(AuditEvent.seq).where(AuditEvent.tenant_id == tenant_id)).all())
    folder = Path(current_app.config["DHR_BLOB_DIR"]) / str(tenant_id)
    left["files"] = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
    return left
