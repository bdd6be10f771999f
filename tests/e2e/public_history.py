"""Fifteen years of published reviews for every demo partnership, walked through the real
lifecycle (invented cases only). Run in the served instance's environment:
``python -m tests.e2e.public_history`` prints, as JSON, each partnership's references with
the year of the death and of publication, and the Wigan review announced as not published.

Each review is walked to "ready to publish" under the national rules (the area's own
policy switched off meanwhile, as the demo walks its reviews before enabling it), then
published, or not, under the area's policy: its publication plan decides what the public
page shows."""
from __future__ import annotations

import json
import sys
from datetime import date

from sqlalchemy import select

from core.db import db
from core.demo import TENANTS
from core.demo_journeys import ROLES, _prepare, _upload, advance
from core.policies import local
from core.policies import service as policies
from core.public import service as public
from core.reviews import service as reviews
from core.reviews import transitions
from core.reviews.models import Review
from tenants.context import tenant_scope
from tenants.models import Tenant

FIRST, YEARS = 2011, 15
MARK = "(invented public history)"


def _walk(tenant: Tenant, year: int) -> Review:
    notified = date(year, 1, 15)
    review = reviews.create_review(tenant, {
        "pseudonym": f"Adult {year} {MARK}", "date_of_death": date(year, 1, 10),
        "notification_date": notified, "notifying_agency": "Police (demo)"}, actor_id=None)
    advance(review, "ready_to_publish")
    return review


def _history(tenant: Tenant) -> dict:
    out = {"published": [], "not_published": []}
    with tenant_scope(tenant.id):
        done = db.session.scalar(select(Review.id).where(Review.pseudonym.like(f"%{MARK}")))
        if done is not None:
            raise SystemExit(f"{tenant.slug}: the history is already loaded")
        own = {name: dict(settings) for name, settings in policies.enabled(tenant.id).items()
               if name == tenant.slug}
        for name in own:
            policies.disable(tenant, name)
        walked = [_walk(tenant, year) for year in range(FIRST, FIRST + YEARS)]
        for name, settings in own.items():
            policies.enable(tenant, name, settings)
        for review in walked:
            year = review.notification_date.year
            if tenant.slug == "wigan" and year == 2020:  # the May 2020 review, not published
                from plugins.wigan.plugin import LocalFields

                local.save(review, "wigan", LocalFields,
                           {"guidance_section": "Section 8 of the 2016 guidance"})
                transitions.take(review, "not_published", {
                    "decided_on": date(2020, 11, 2),
                    "reasons": f"Invented private reason {MARK}."}, ROLES)
                out["not_published"].append({"reference": review.reference, "year": 2020})
                continue
            data = _prepare(review, "published")
            transitions.take(review, "published", data, ROLES)
            out["published"].append({"reference": review.reference, "death_year": year,
                                     "published": data["published_on"].isoformat()})
        if tenant.slug == "manchester":  # the newest review's learning pack, published
            newest = walked[-1]
            _upload(newest, "learning_product", "Learning pack")
            public.publish_later(newest, "learning_product", tenant.id)
            out["learning_pack"] = newest.reference
    return out


def main() -> None:
    from wsgi import app

    found = {}
    with app.app_context():
        for slug, *_rest in TENANTS:
            tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
            found[slug] = _history(tenant)
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main()
