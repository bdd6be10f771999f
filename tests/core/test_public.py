"""Public pages show only what was published, for as long as the policy says."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.db import db
from core.notifications.models import OutboxMessage
from core.policies import service as policies
from core.public.models import DocumentRequest
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.plugins.walk import review_at


def _publish(world, client, on: date) -> str:
    rid = review_at(world, "alpha", "ready_to_publish")
    api = Api(client, world)
    return api.step(rid, "published", {"published_on": on.isoformat()},
                    role="csp_chair")["reference"], rid


def test_only_published_reviews_and_their_planned_documents_show(app, world, client):
    reference, rid = _publish(world, client, date.today() - timedelta(days=10))
    page = client.get("/t/alpha/published").get_data(as_text=True)
    assert reference in page
    for other in world.reviews["alpha"]:
        assert other.reference not in page  # not published
    assert "Test Adult" not in page and "invented" not in page  # no pseudonym at all
    doc = client.get(f"/t/alpha/published/{reference}/overview_report")
    assert doc.status_code == 200 and b"Invented demo document" in doc.data
    assert client.get(f"/t/alpha/published/{reference}/action_plan").status_code == 404
    assert client.get(f"/t/alpha/published/{reference}/terms_of_reference").status_code == 404
    assert client.get(f"/t/beta/published/{reference}/overview_report").status_code == 404
    assert client.get("/t/nowhere/published").status_code == 404
    assert reference not in client.get("/t/beta/published").get_data(as_text=True)


def test_after_the_window_preston_reports_are_on_request(app, world, client):
    policies.enable(world.tenants["alpha"], "preston",
                    {"months_online": 12, "request_contact": "reviews@alpha.example"})
    reference, rid = _publish(world, client, date.today() - timedelta(days=400))
    page = client.get("/t/alpha/published").get_data(as_text=True)
    assert "available on request" in page and "reviews@alpha.example" in page
    assert client.get(f"/t/alpha/published/{reference}/overview_report").status_code == 404
    bad = client.post(f"/t/alpha/published/{reference}/request", data={"email": "nope"})
    assert bad.status_code == 400 and "Enter an email address" in bad.get_data(as_text=True)
    sent = client.post(f"/t/alpha/published/{reference}/request",
                       data={"email": "reader@example.org", "message": "For research."})
    assert sent.status_code == 302
    with tenant_scope(world.tenants["alpha"].id):
        requests = db.session.scalars(select(DocumentRequest)).all()
        assert [(r.email, r.review_id) for r in requests] == [("reader@example.org", rid)]
        notices = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "document_request")).all()
        assert [n.recipient for n in notices] == ["review_coordinator@alpha.test"]
        db.session.commit()


def test_a_later_upload_never_reaches_the_public(app, world, client):
    import io

    reference, rid = _publish(world, client, date.today() - timedelta(days=10))
    api = Api(client, world)
    docs = api.get(f"/reviews/{rid}/documents").json
    overview = next(d for d in docs if d["kind"] == "overview_report")
    client.post(f"/api/v1/t/alpha/reviews/{rid}/documents/{overview['id']}/versions",
                headers=api._h("review_coordinator"),
                data={"file": (io.BytesIO(b"unredacted draft with real names"), "o.txt")},
                content_type="multipart/form-data")
    public = client.get(f"/t/alpha/published/{reference}/overview_report")
    assert public.status_code == 200 and b"unredacted" not in public.data
    assert b"Invented demo document" in public.data


def test_public_pages_offer_exit_this_page_in_both_languages(app, world, client):
    english = client.get("/t/alpha/published").get_data(as_text=True)
    assert "govuk-exit-this-page" in english and "Exit this page" in english
    assert 'href="https://www.bbc.co.uk/weather"' in english
    welsh = client.get("/t/alpha/published?lang=cy").get_data(as_text=True)
    assert "govuk-exit-this-page" in welsh and "Exit this page" not in welsh
    # the hidden word is markup, never shown as text (issue 14: "<span …>Emergency</span>"
    # appeared on the button in every area, both languages)
    for page in (english, welsh):
        assert "&lt;span" not in page
    assert '<span class="govuk-visually-hidden">Emergency</span> Exit this page' in english
    assert '<span class="govuk-visually-hidden">' in welsh.split("govuk-exit-this-page__button")[1]
    signed_in_page = client.get("/sign-in?lang=en").get_data(as_text=True)
    assert "govuk-exit-this-page" not in signed_in_page


def test_requests_from_one_address_are_limited(app, world, client):
    policies.enable(world.tenants["alpha"], "preston",
                    {"months_online": 12, "request_contact": "reviews@alpha.example"})
    reference, _rid = _publish(world, client, date.today() - timedelta(days=400))
    url = f"/t/alpha/published/{reference}/request"
    codes = [client.post(url, data={"email": f"reader{n}@example.org"}).status_code
             for n in range(6)]
    assert codes == [302] * 5 + [429]
    with tenant_scope(world.tenants["alpha"].id):
        assert len(db.session.scalars(select(DocumentRequest)).all()) == 5
        db.session.commit()
