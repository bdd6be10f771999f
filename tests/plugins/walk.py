"""Walk a new invented review to a stage through the services (as the demo does)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.demo_journeys import advance
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews.service import find_review
from plugins.walsall.plugin import SEED_PANEL
from tenants.context import tenant_scope
from tests.factories import make_review


def review_at(world, slug: str, stage: str, quotes: bool = False, walsall: bool = False):
    tenant = world.tenants[slug]
    ref = make_review(tenant, notification_date=date(2025, 1, 10),
                      date_of_death=date(2025, 1, 5))
    with tenant_scope(tenant.id):
        review = find_review(ref.id)
        if quotes:  # the three quotes Warrington needs before a chair is appointed
            for supplier in ("Invented Chair A", "Invented Chair B", "Invented Chair C"):
                records.add_record(review, BY_SLUG["quotes"], {
                    "supplier": supplier, "covers": "chair", "amount": Decimal("6000"),
                    "received_on": date(2025, 1, 20), "chosen": supplier.endswith("A")})
        if walsall:  # the panel Walsall requires, recorded the same way in every tenant
            for category in SEED_PANEL:
                records.add_record(review, BY_SLUG["panel-members"], {
                    "agency": f"Invented {category}", "category": category,
                    "name": f"Invented {category} member"})
        advance(review, stage)
    return ref.id
