"""Operations on a joint review's partners; every one audited, each in one transaction."""
from __future__ import annotations

import uuid
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import service as audit
from core.db import db
from core.reviews import timeline
from tenants.context import current_tenant_id
from tenants.models import Tenant, utcnow
from tenants.service import tenant_by_slug
from tenants.sharing import ReviewPartner


class ShareProblem(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def sync(review, slugs: set[str]) -> None:
    """Invite the partners the local policy names; remove those it no longer names."""
    wanted = {t.id: t for s in slugs if (t := tenant_by_slug(s)) and t.id != review.tenant_id}
    current = {p.partner_tenant_id: p for p in db.session.scalars(
        select(ReviewPartner).where(ReviewPartner.review_id == review.id))}
    for tenant_id, tenant in wanted.items():
        share = current.get(tenant_id)
        if share is None:
            db.session.add(ReviewPartner(review_id=review.id, partner_tenant_id=tenant_id,
                                         tenant_id=review.tenant_id))
            audit.record("joint.invite", object_type="review", object_id=review.id,
                         details={"partner": tenant.slug})
        elif share.removed_at is not None:
            share.removed_at, share.accepted_at = None, None
    for tenant_id, share in current.items():
        if tenant_id not in wanted and share.removed_at is None:
            _remove(review, share)


def _remove(review, share: ReviewPartner) -> None:
    share.removed_at = utcnow()
    timeline.add(review, "record", "joint.partner_removed",
                 {"partner": str(share.partner_tenant_id)})
    audit.record("joint.remove", object_type="review", object_id=review.id,
                 details={"partner": str(share.partner_tenant_id)})


def invitations() -> list[tuple[ReviewPartner, Tenant]]:
    """Shares offered to the current tenant (as partner), with the lead."""
    tid = current_tenant_id()
    rows = db.session.execute(select(ReviewPartner, Tenant).join(
        Tenant, Tenant.id == ReviewPartner.tenant_id).where(
        ReviewPartner.partner_tenant_id == tid, ReviewPartner.removed_at.is_(None))
        .order_by(ReviewPartner.invited_at))
    return [(share, lead) for share, lead in rows]


def _own_share(share_id: uuid.UUID) -> ReviewPartner:
    share = db.session.scalar(select(ReviewPartner).where(
        ReviewPartner.id == share_id, ReviewPartner.partner_tenant_id == current_tenant_id(),
        ReviewPartner.removed_at.is_(None)))
    if share is None:
        raise ShareProblem(404, _("There is no such invitation."))
    return share


def accept(share_id: uuid.UUID) -> ReviewPartner:
    share = _own_share(share_id)
    if share.accepted_at is None:
        share.accepted_at = utcnow()
        audit.record("joint.accept", object_type="review", object_id=share.review_id)
        db.session.commit()
    return share


def sign_off(review, on: date) -> ReviewPartner:
    """The current tenant, as partner, signs off the joint review."""
    share = db.session.scalar(select(ReviewPartner).where(
        ReviewPartner.review_id == review.id,
        ReviewPartner.partner_tenant_id == current_tenant_id(),
        ReviewPartner.accepted_at.is_not(None), ReviewPartner.removed_at.is_(None)))
    if share is None:
        raise ShareProblem(409, _("Only a partner partnership signs off a joint review here."))
    share.signed_off_on = on
    timeline.add(review, "record", "joint.signed_off", {"on": on.isoformat()})
    audit.record("joint.sign_off", object_type="review", object_id=review.id)
    db.session.commit()
    return share


def remove(review, share_id: uuid.UUID) -> None:
    """The lead removes a partner: its access ends at once."""
    if review.tenant_id != current_tenant_id():
        raise ShareProblem(403, _("Only the lead partnership removes a partner."))
    share = db.session.scalar(select(ReviewPartner).where(
        ReviewPartner.id == share_id, ReviewPartner.review_id == review.id,
        ReviewPartner.removed_at.is_(None)))
    if share is None:
        raise ShareProblem(404, _("There is no such partner."))
    _remove(review, share)
    db.session.commit()
