"""Who belongs to a partnership and in which roles. Memberships are platform rows (read
before a tenant is chosen), so every query here names the tenant itself.

Adding someone answers the same whether or not the address already has an account (each is
emailed: an invitation, or a notice of the new role), so a CSP admin cannot use the form to
find out who has an account elsewhere. A role someone gives themselves is not given at once:
it waits as a ``RoleRequest`` until a second person (another CSP admin of the partnership,
or a platform admin) approves it, so no one widens their own access alone."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.accounts import service as accounts
from core.accounts.models import AccountMail
from core.audit import service as audit
from core.auth.models import User
from core.db import db
from tenants.context import tenant_scope
from tenants.models import Membership, RoleRequest, Tenant, utcnow
from tenants.roles import TenantRole
from tenants.service import roles_in

APPROVED, REFUSED = "approved", "refused"


class MemberProblem(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


@dataclass
class Added:
    """What adding a role did: the role given and the email to send (an invitation or a
    notice), or, for a role asked for oneself, the request that waits for approval."""

    membership: Membership | None = None
    mail: AccountMail | None = None
    request: RoleRequest | None = None


def members(tenant: Tenant) -> list[dict]:
    """Each member with their roles there, by name. Someone who has not signed in since
    they were given their first role here is ``invited``: the list shows only the address
    the admin typed, whether or not it already had an account elsewhere (its name would
    tell the admin that it had); core/auth/sessions.py clears the mark at sign-in."""
    rows = db.session.execute(
        select(User, Membership).join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id).order_by(User.display_name, Membership.role))
    grouped: dict[uuid.UUID, dict] = {}
    for user, membership in rows:
        entry = grouped.setdefault(user.id, {"user": user, "roles": []})
        entry["roles"].append(membership)
    for entry in grouped.values():
        entry["invited"] = not entry["user"].password_hash or any(
            m.awaiting_sign_in for m in entry["roles"])
    return list(grouped.values())


def pending(tenant: Tenant) -> list[tuple[RoleRequest, User]]:
    """The role requests still waiting, oldest first, each with the person asking."""
    with tenant_scope(tenant.id):
        return list(db.session.execute(
            select(RoleRequest, User).join(User, User.id == RoleRequest.user_id)
            .where(RoleRequest.tenant_id == tenant.id, RoleRequest.outcome.is_(None))
            .order_by(RoleRequest.requested_at)).all())


def add_role(tenant: Tenant, email: str, role: str, actor: User) -> Added:
    """Give the role; someone with no account yet is invited (an account with no password
    and an emailed link), someone with one is emailed a notice. A role for ``actor``
    themselves becomes a request for another admin to approve."""
    if role not in set(TenantRole):
        raise MemberProblem(422, "role", _("Choose a role."))
    email = email.strip().lower()
    if not accounts.EMAIL.match(email) or len(email) > 254:
        raise MemberProblem(422, "email", _(
            "Enter an email address in the correct format, like name@example.org"))
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is not None and user.id == actor.id:
        return Added(request=_ask(tenant, user, TenantRole(role)))
    invitation = None
    if user is None:
        user, invitation = accounts.invite(tenant, email)
    if _has_role(tenant, user.id, role):
        raise MemberProblem(409, "role", _("This person already has that role here."))
    membership = Membership(user_id=user.id, tenant_id=tenant.id, role=TenantRole(role),
                            awaiting_sign_in=True)
    db.session.add(membership)
    db.session.flush()
    audit.record("member.role_added", object_type="user", object_id=user.id,
                 tenant_id=tenant.id, details={"role": role})
    message = invitation or accounts.role_notice(tenant, user, TenantRole(role))
    db.session.commit()
    return Added(membership=membership, mail=message)


def _has_role(tenant: Tenant, user_id, role) -> bool:
    return db.session.scalar(select(Membership.id).where(
        Membership.user_id == user_id, Membership.tenant_id == tenant.id,
        Membership.role == role)) is not None


def _ask(tenant: Tenant, user: User, role: TenantRole) -> RoleRequest:
    if _has_role(tenant, user.id, role):
        raise MemberProblem(409, "role", _("This person already has that role here."))
    with tenant_scope(tenant.id):
        waiting = db.session.scalar(select(RoleRequest.id).where(
            RoleRequest.tenant_id == tenant.id, RoleRequest.user_id == user.id,
            RoleRequest.role == role, RoleRequest.outcome.is_(None)))
        if waiting is not None:
            raise MemberProblem(409, "role", _(
                "You have already asked for this role. Another CSP admin must approve it."))
        request = RoleRequest(tenant_id=tenant.id, user_id=user.id, role=role,
                              requested_by=user.id)
        db.session.add(request)
        db.session.flush()
        audit.record("member.role_requested", object_type="user", object_id=user.id,
                     tenant_id=tenant.id, details={"role": role.value,
                                                   "request": str(request.id)})
        db.session.commit()
    return request


def may_decide(tenant: Tenant, request: RoleRequest, person: User) -> bool:
    """A second person decides: a CSP admin of the partnership or a platform admin, never
    the person the role is for nor the one who asked."""
    if person.id in (request.user_id, request.requested_by):
        return False
    return bool(person.is_platform_admin or
                TenantRole.CSP_ADMIN in roles_in(person.id, tenant.id))


def decide(tenant: Tenant, request_id: uuid.UUID, person: User,
           approve: bool) -> RoleRequest | None:
    """Approve (the role is given) or refuse a waiting request; None when the partnership
    has no such request."""
    with tenant_scope(tenant.id):
        request = db.session.scalar(select(RoleRequest).where(
            RoleRequest.id == request_id, RoleRequest.tenant_id == tenant.id))
        if request is None:
            return None
        if request.outcome is not None:
            raise MemberProblem(409, "requests", _("This request has already been decided."))
        if not may_decide(tenant, request, person):
            raise MemberProblem(403, "requests", _(
                "You cannot approve your own request. Another CSP admin must approve it.")
                if person.id in (request.user_id, request.requested_by) else _(
                "Only another CSP admin of the partnership can decide this request."))
        request.outcome = APPROVED if approve else REFUSED
        request.decided_by, request.decided_at = person.id, utcnow()
        if approve and not _has_role(tenant, request.user_id, request.role):
            db.session.add(Membership(user_id=request.user_id, tenant_id=tenant.id,
                                      role=request.role))
        db.session.flush()
        audit.record(f"member.role_{request.outcome}", object_type="user",
                     object_id=request.user_id, tenant_id=tenant.id,
                     details={"role": request.role.value, "request": str(request.id)})
        db.session.commit()
    return request


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
