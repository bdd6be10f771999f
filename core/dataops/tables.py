"""Which tables hold a tenant's rows, in an order that deletes children before parents."""
from __future__ import annotations

from sqlalchemy import delete, select

from core.db import db
from tenants.context import tenant_scope
from tenants.scoping import scoped_models
from tenants.sharing import ReviewPartner


def tenant_tables() -> list:
    """Tenant-owned tables, parents first (metadata order follows foreign keys)."""
    owned = {model.__table__.name for model in scoped_models(db.Model)}
    return [t for t in db.metadata.sorted_tables if t.name in owned]


def by_review(table) -> bool:
    return "review_id" in table.c


def delete_review_rows(review_ids, owner) -> None:
    """Delete ``owner``'s rows that belong to these reviews (not the reviews themselves)."""
    for table in reversed(tenant_tables()):
        if table.name != "reviews" and by_review(table):
            db.session.execute(delete(table).where(table.c.review_id.in_(review_ids),
                                                   table.c.tenant_id == owner))


def delete_partners_rows(review_ids) -> None:
    """A joint review's partners hold rows of their own about it (their reminder mail, say),
    out of the lead's sight: remove those, each in its partner's scope. Call it in the
    lead's scope, before the lead's own rows go."""
    partners = set(db.session.scalars(select(ReviewPartner.partner_tenant_id).where(
        ReviewPartner.review_id.in_(review_ids))))
    for partner in partners:
        with tenant_scope(partner):
            delete_review_rows(review_ids, partner)
