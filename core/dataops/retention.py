"""Retention: each partnership keeps each class of record for as long as its rules say,
and `flask dhr retention apply` removes what is older, recording what it removed.

Classes and what their age is measured from:
  closed_reviews   a closed review with everything it holds and its files: the closing step
  sent_mail        reminder mails already sent: when they were sent
  public_requests  requests from the public for reports: when they arrived
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import delete, select

from core import lifecycle
from core.audit import service as audit
from core.dataops.models import RetentionRule
from core.dataops.tables import delete_partners_rows, delete_review_rows
from core.db import db
from core.documents.models import DocumentVersion
from core.documents.service import store
from core.notifications.models import OutboxMessage
from core.public.models import DocumentRequest
from core.reviews.models import Review
from tenants.context import tenant_scope
from tenants.models import Tenant

CLASSES = ("closed_reviews", "sent_mail", "public_requests")


class RuleInvalid(ValueError):
    pass


def set_rule(tenant: Tenant, record_class: str, months: int) -> None:
    if record_class not in CLASSES:
        raise RuleInvalid(f"record class must be one of {', '.join(CLASSES)}")
    if not 1 <= months <= 1200:
        raise RuleInvalid("months must be between 1 and 1200")
    with tenant_scope(tenant.id):
        rule = db.session.scalar(select(RetentionRule).where(
            RetentionRule.record_class == record_class))
        if rule is None:
            db.session.add(RetentionRule(record_class=record_class, keep_months=months))
        else:
            rule.keep_months = months
        audit.record("retention.rule_set", actor=(None, "command line"),
                     details={"class": record_class, "months": months})
        db.session.commit()


def _cutoff(today: date, months: int) -> datetime:
    return datetime.combine(lifecycle.add_months(today, -months), time.min)


def apply(tenant: Tenant, today: date) -> dict[str, list[str]]:
    """Remove what the tenant's rules say is past keeping; return what went, by class."""
    removed: dict[str, list[str]] = {}
    with tenant_scope(tenant.id):
        rules = {r.record_class: r.keep_months for r in db.session.scalars(
            select(RetentionRule))}
        if "closed_reviews" in rules:
            removed["closed_reviews"] = _closed_reviews(
                tenant, _cutoff(today, rules["closed_reviews"]))
        if "sent_mail" in rules:
            removed["sent_mail"] = _rows(OutboxMessage, OutboxMessage.sent_at.is_not(None)
                                         & (OutboxMessage.sent_at < _cutoff(
                                             today, rules["sent_mail"])))
        if "public_requests" in rules:
            removed["public_requests"] = _rows(DocumentRequest, DocumentRequest.received_at
                                               < _cutoff(today, rules["public_requests"]))
        if rules:
            audit.record("retention.applied", actor=(None, "command line"), details={
                "on": today.isoformat(), **{k: v for k, v in removed.items()}})
        db.session.commit()
    _drop_unreferenced_files(tenant)
    return removed


def _rows(model, condition) -> list[str]:
    ids = [str(i) for i in db.session.scalars(select(model.id).where(condition))]
    db.session.execute(delete(model).where(condition))
    return ids


def _closed_reviews(tenant: Tenant, before: datetime) -> list[str]:
    reviews = db.session.execute(select(Review.id, Review.reference).where(
        Review.tenant_id == tenant.id, Review.stage == "closed",
        Review.last_step_at < before)).all()
    ids = [r.id for r in reviews]
    if ids:
        delete_partners_rows(ids)
        delete_review_rows(ids, tenant.id)
        db.session.execute(delete(Review).where(Review.id.in_(ids)))
    return [r.reference for r in reviews]


def _drop_unreferenced_files(tenant: Tenant) -> None:
    blobs = store(tenant.id)
    with tenant_scope(tenant.id):
        kept = set(db.session.scalars(select(DocumentVersion.sha256)))
    for path in list(blobs.root.rglob("*")) if blobs.root.exists() else []:
        # only stored files (named by digest); an upload still being written is left alone
        if path.is_file() and len(path.name) == 64 and path.name not in kept:
            path.unlink()
