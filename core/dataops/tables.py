"""Which tables hold a tenant's rows, in an order that deletes children before parents."""
from __future__ import annotations

from core.db import db
from tenants.scoping import scoped_models


def tenant_tables() -> list:
    """Tenant-owned tables, parents first (metadata order follows foreign keys)."""
    owned = {model.__table__.name for model in scoped_models(db.Model)}
    return [t for t in db.metadata.sorted_tables if t.name in owned]


def by_review(table) -> bool:
    return "review_id" in table.c
