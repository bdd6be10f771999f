"""Keeping the real-name map. Every read and change is audited."""
from __future__ import annotations

from sqlalchemy import select

from core.audit import service as audit
from core.db import db
from core.names.models import ProtectedName
from core.reviews.models import Review


def names_of(review: Review) -> list[ProtectedName]:
    return list(db.session.scalars(select(ProtectedName).where(
        ProtectedName.review_id == review.id).order_by(ProtectedName.created_at)))


def add(review: Review, data: dict) -> ProtectedName:
    row = ProtectedName(review_id=review.id, **data)
    db.session.add(row)
    db.session.flush()
    # the audit names the entry, never the real name
    audit.record("protected_name.add", object_type="review", object_id=review.id,
                 details={"entry": str(row.id), "role": row.role})
    db.session.commit()
    return row


def remove(review: Review, name_id) -> bool:
    row = db.session.scalar(select(ProtectedName).where(
        ProtectedName.id == name_id, ProtectedName.review_id == review.id))
    if row is None:
        return False
    db.session.delete(row)
    audit.record("protected_name.remove", object_type="review", object_id=review.id,
                 details={"entry": str(name_id)})
    db.session.commit()
    return True
