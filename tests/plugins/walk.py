"""Walk a new invented review to a stage through the services (as the demo does)."""
from __future__ import annotations

from datetime import date

from core.demo_journeys import advance
from core.policies import local
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews.service import find_review
from plugins.walsall.plugin import PANEL
from plugins.warrington.plugin import LocalFields as WarringtonFields
from tenants.context import tenant_scope
from tests.factories import make_review


def review_at(world, slug: str, stage: str, quotes: bool = False, walsall: bool = False):
    tenant = world.tenants[slug]
    ref = make_review(tenant, notification_date=date(2025, 1, 10),
                      date_of_death=date(2025, 1, 5))
    with tenant_scope(tenant.id):
        review = find_review(ref.id)
        if quotes:
            local.save(review, "warrington", WarringtonFields, {"chair_quotes": 3})
        if walsall:  # the panel Walsall requires, recorded the same way in every tenant
            for agency in PANEL:
                records.add_record(review, BY_SLUG["panel-members"],
                                   {"agency": agency, "name": f"Invented {agency}"})
        advance(review, stage)
    return ref.id
