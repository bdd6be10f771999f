"""Who belongs to a partnership and in which roles. Memberships are platform rows (read
before a tenant is chosen), so every query here names the tenant itself."""
from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.accounts import service as accounts
from core.audit import service as audit
from core.auth.models import User
from core.db import db
from tenants.models import Membership, Tenant
from tenants.roles import TenantRole


class MemberProblem(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


def members(tenant: Tenant) -> list[dict]:
    """Each member with their roles there, by name."""
    rows = db.session.execute(
        select(User, Membership).join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id).order_by(User.display_name, Membership.role))
    grouped: dict[uuid.UUID, dict] = {}
    for user, membership in rows:
        grouped.setdefault(user.id, {"user": user, "roles": []})["roles"].append(membership)
    return list(grouped.values())


def add_role(tenant: Tenant, email: str, role: str) -> tuple[Membership, object]:
    """Give the role; someone with no account yet is invited (an account with no password
    and an emailed link). Returns the membership and the invitation's mail, if any."""
    if role not in set(TenantRole):
        raise MemberProblem(422, "role", _("Choose a role."))
    email = email.strip().lower()
    if not accounts.EMAIL.match(email) or len(email) > 254:
        raise MemberProblem(422, "email", _(
            "Enter an email address in the correct format, like name@example.org"))
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    invitation = None
    if user is None:
        user, invitation = accounts.invite(tenant, email)
    exists = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.tenant_id == tenant.id,
        Membership.role == role))
    if exists is not None:
        raise MemberProblem(409, "role", _("This person already has that role here."))
    membership = Membership(user_id=user.id, tenant_id=tenant.id, role=TenantRole(role))
    db.session.add(membership)
    db.session.flush()
    audit.record("member.role_added", object_type="user", object_id=user.id,
                 tenant_id=tenant.id, details={"role": role})
    db.session.commit()
    return membership, invitation


def remove_role(tenant: Tenant, membership_id: uuid.UUID) -> bool:
    """Remove one role; False when there is no such role in this tenant. The last CSP
    admin cannot be removed, or nobody could manage the partnership's members again."""
    membership = db.session.scalar(select(Membership).where(
        Membership.id == membership_id, Membership.tenant_id == tenant.id))
    if membership is None:
        return False
    if membership.role == TenantRole.CSP_ADMIN and db.session.scalar(
            select(func.count()).select_from(Membership).where(
                Membership.tenant_id == tenant.id,
                Membership.role == TenantRole.CSP_ADMIN)) == 1:
        raise MemberProblem(409, "members", _(
            "This is the partnership's only CSP admin. Add another CSP admin first."))
    db.session.delete(membership)
    audit.record("member.role_removed", object_type="user", object_id=membership.user_id,
                 tenant_id=tenant.id, details={"role": membership.role.value})
    db.session.commit()
    return True
