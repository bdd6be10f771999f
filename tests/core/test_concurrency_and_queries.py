"""Two steps at once, and a fixed query budget for the busiest pages."""
from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import event, func, select

from core.db import db
from core.reviews import transitions
from core.reviews.models import TimelineEvent
from tenants.context import tenant_scope
from tests.factories import RECORD_SAMPLES, make_review, sign_in


def test_two_steps_at_once_one_wins_the_other_gets_409(app, world, monkeypatch):
    rid = world.reviews["alpha"][1].id
    token = world.tokens[("alpha", "review_coordinator")]
    barrier = threading.Barrier(2, timeout=10)
    real = transitions._local_objections

    def check_then_wait(*args):
        problems = real(*args)
        barrier.wait()  # both requests have read and checked the review at one version
        return problems

    monkeypatch.setattr(transitions, "_local_objections", check_then_wait)
    results = []

    def attempt():
        response = app.test_client().post(
            f"/api/v1/t/alpha/reviews/{rid}/transitions", json={"to": "scoping"},
            headers={"Authorization": f"Bearer {token}"})
        results.append((response.status_code, response.json))

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(code for code, _ in results) == [200, 409], results
    loser = next(body for code, body in results if code == 409)
    assert loser["errors"][0]["code"] == "stale"
    with tenant_scope(world.tenants["alpha"].id):
        steps = db.session.scalar(select(func.count()).select_from(TimelineEvent).where(
            TimelineEvent.review_id == rid, TimelineEvent.kind == "transition"))
    assert steps == 1


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, *args, **kwargs):
        self.count += 1


def _grow(world, reviews: int) -> None:
    """More reviews, each with holds, agency reports, actions and documents."""
    from core.documents import service as documents
    from core.records import service as records
    from core.records.kinds import BY_SLUG
    from core.reviews.service import find_review

    tenant = world.tenants["alpha"]
    for n in range(reviews):
        ref = make_review(tenant, pseudonym=f"Budget Adult {n} (invented)",
                          notification_date=date.today() - timedelta(days=20 + n))
        with tenant_scope(tenant.id):
            review = find_review(ref.id)
            for key in ("agency_reports", "recommendations", "panel_meetings"):
                records.add_record(review, BY_SLUG[key.replace("_", "-")],
                                   dict(RECORD_SAMPLES[key]))
            documents.upload(review, f"invented text {n}".encode(), "t.txt", kind="other",
                             title=f"Doc {n}")


def _count(app, client, url) -> int:
    with QueryCounter(db.engine) as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_dashboard_and_review_page_cost_a_fixed_number_of_queries(app, world):
    client = app.test_client()
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    token = {"Authorization": f"Bearer {world.tokens[('alpha', 'review_coordinator')]}"}
    pages = ["/t/alpha/", f"/t/alpha/reviews/{rid}", f"/t/alpha/reviews/{rid}/documents"]
    small = [_count(app, client, url) for url in pages]
    with QueryCounter(db.engine) as api_small:
        client.get(f"/api/v1/t/alpha/reviews/{rid}", headers=token)
    _grow(world, 12)
    large = [_count(app, client, url) for url in pages]
    with QueryCounter(db.engine) as api_large:
        client.get(f"/api/v1/t/alpha/reviews/{rid}", headers=token)
    print(f"queries: dashboard {small[0]}->{large[0]}, review page {small[1]}->{large[1]}, "
          f"documents {small[2]}->{large[2]}, API review {api_small.count}->{api_large.count}")
    assert small == large
    assert api_small.count == api_large.count
