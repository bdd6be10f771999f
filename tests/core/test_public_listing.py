"""Public pages against the seed pages (SEED-AUDIT.md W10, M6, G3, G6, P2, P3, W12, W3, M8):
nothing leaves the page unless the area's policy says so; a decision not to publish can be
announced; a joint review is listed by its partners too; each review is titled by month
and year with the year of the death, its documents' kind, format and size, and its own
terms; a learning pack published after the review is listed with it."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.db import db
from core.lifecycle import profiles
from core.policies import service as policies
from core.records.models import PublicationRecord
from core.reviews.models import Review
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.document_samples import pdf
from tests.plugins.test_joint import joint  # noqa: F401 - the fixture
from tests.plugins.walk import review_at

WARRINGTON = ("warrington", {"min_quotes": 3})
PRESTON = {"months_online": 6, "request_contact": "reviews@alpha.example"}


def _published(world, client, slug="alpha", days_ago=0, profile=None,
               policy=None) -> tuple[str, object]:
    """A review published today, then moved ``days_ago`` into the past as if it had been
    published then (the plan, kept on its publication record, moves with it). ``policy``:
    (name, settings) enabled once the review is ready to publish."""
    rid = review_at(world, slug, "ready_to_publish")
    if policy:
        policies.enable(world.tenants[slug], *policy)
    api = Api(client, world, slug)
    if profile:
        with tenant_scope(world.tenants[slug].id):
            db.session.get(Review, rid).guidance_profile = profile
            db.session.commit()
    reference = api.step(rid, "published", {"published_on": date.today().isoformat()},
                         role="csp_chair")["reference"]
    if days_ago:
        _age(world, slug, rid, days_ago)
    return reference, rid


def _age(world, slug, rid, days):
    back = timedelta(days=days)
    with tenant_scope(world.tenants[slug].id):
        record = db.session.scalar(select(PublicationRecord).where(
            PublicationRecord.review_id == rid))
        record.published_on -= back
        record.decided_on -= back
        if record.online_until is not None:
            record.online_until -= back
        db.session.get(Review, rid).published_on -= back
        db.session.commit()


def _page(client, slug="alpha", lang="en") -> str:
    return client.get(f"/t/{slug}/published?lang={lang}").get_data(as_text=True)


# --- publication windows --------------------------------------------------------------------

def test_W10_warrington_reports_stay_listed_after_a_year(app, world, client):
    reference, _rid = _published(world, client, days_ago=400, policy=WARRINGTON)
    page = _page(client)
    assert reference in page
    for kind in ("overview_report", "executive_summary", "action_plan", "home_office_letter"):
        assert client.get(f"/t/alpha/published/{reference}/{kind}").status_code == 200, kind


def test_W10_warrington_lists_reviews_published_years_ago(app, world, client):
    first, second = (review_at(world, "alpha", "ready_to_publish") for _n in range(2))
    policies.enable(world.tenants["alpha"], *WARRINGTON)
    api, today = Api(client, world), {"published_on": date.today().isoformat()}
    old = api.step(first, "published", today, role="csp_chair")["reference"]
    newer = api.step(second, "published", today, role="csp_chair")["reference"]
    _age(world, "alpha", first, 365 * 10)  # like its 2014 review, listed in 2024
    _age(world, "alpha", second, 365 * 7)
    page = _page(client)
    assert old in page and newer in page
    assert page.index(newer) < page.index(old)  # newest first


def test_M6_core_default_keeps_reports_online(app, world, client):
    """Manchester (no publication plan of its own) publishes on its website; the core
    default must not remove anything after 12 months (an invented default)."""
    policies.enable(world.tenants["alpha"], "manchester", {"learning_pack_days": 60})
    reference, rid = _published(world, client, days_ago=400)
    assert reference in _page(client)
    assert client.get(f"/t/alpha/published/{reference}/overview_report").status_code == 200
    record = Api(client, world).get(f"/reviews/{rid}/publication-records").json[0]
    assert record["online_until"] is None
    # No national minimum or maximum period online was found (SEED-AUDIT "Not confirmed").
    assert all(p.publication_months is None for p in profiles.PROFILES.values())


def test_M6_no_publication_window_deadline_is_invented(app, world, client):
    reference, rid = _published(world, client)
    body = Api(client, world).get(f"/reviews/{rid}").json
    assert "publication_window" not in {d["key"] for d in body.get("deadlines", [])}


def test_G3_wigan_executive_summary_stays_online(app, world, client):
    policies.enable(world.tenants["alpha"], "wigan", {})
    reference, _rid = _published(world, client, days_ago=800)
    assert reference in _page(client)
    assert client.get(f"/t/alpha/published/{reference}/executive_summary").status_code == 200
    assert client.get(f"/t/alpha/published/{reference}/overview_report").status_code == 404


def test_P3_preston_online_for_its_months_then_on_request(app, world, client):
    """Preston's set months decide, not a national minimum of 12 the code invented."""
    policies.enable(world.tenants["alpha"], "preston", PRESTON)
    recent, _ = _published(world, client, days_ago=30)
    older, _ = _published(world, client, days_ago=200)  # past 6 months, not yet 12
    page = _page(client)
    assert client.get(f"/t/alpha/published/{recent}/overview_report").status_code == 200
    assert client.get(f"/t/alpha/published/{older}/overview_report").status_code == 404
    assert older in page and "available on request" in page
    assert f"/t/alpha/published/{older}/request" in page
    assert f"/t/alpha/published/{recent}/request" not in page
    assert client.get(f"/t/alpha/published/{older}/request").status_code == 200


def test_a_policy_that_says_removed_still_removes(app, world, client):
    """Removal stays possible, but only where the area's policy says so."""
    reference, rid = _published(world, client, days_ago=400)
    with tenant_scope(world.tenants["alpha"].id):
        record = db.session.scalar(select(PublicationRecord).where(
            PublicationRecord.review_id == rid))
        record.online_until, record.after = date.today() - timedelta(days=30), "removed"
        db.session.commit()
    assert reference not in _page(client)
    assert client.get(f"/t/alpha/published/{reference}/request").status_code == 404
    assert client.get(f"/t/alpha/published/{reference}/overview_report").status_code == 404


# --- a decision not to publish --------------------------------------------------------------

def test_G6_wigan_tells_the_public_a_review_was_not_published(app, world, client):
    policies.enable(world.tenants["alpha"], "wigan", {})
    api = Api(client, world)
    rid = review_at(world, "alpha", "ready_to_publish")
    client.put(f"/api/v1/t/alpha/reviews/{rid}/local/wigan",
               json={"fields": {"guidance_section": "Section 8 of the 2016 guidance"}},
               headers=api._h("review_coordinator"))
    reasons = "Invented private reason the family gave."
    body = api.step(rid, "not_published", {"decided_on": "2026-05-04", "reasons": reasons},
                    role="csp_chair")
    page = _page(client)
    assert body["reference"] in page
    assert "was not published" in page and "Section 8 of the 2016 guidance" in page
    assert "2026" in page
    assert reasons not in page and "Test Adult" not in page
    assert client.get(f"/t/alpha/published/{body['reference']}/executive_summary"
                      ).status_code == 404
    welsh = _page(client, lang="cy")
    assert body["reference"] in welsh and "Section 8 of the 2016 guidance" in welsh


def test_G6_the_public_notice_takes_only_a_guidance_reference(app, world, client):
    """What Wigan's notice shows the public is a guidance reference, never free text that
    could carry a reason or a name."""
    policies.enable(world.tenants["alpha"], "wigan", {})
    api = Api(client, world)
    rid = review_at(world, "alpha", "ready_to_publish")
    local = f"/api/v1/t/alpha/reviews/{rid}/local/wigan"
    refused = client.put(local, json={"fields": {
        "guidance_section": "Section 8: the family (Invented Name) objected"}},
        headers=api._h("review_coordinator"))
    assert refused.status_code == 422
    assert "public page" in refused.get_json()["errors"][0]["message"]
    for reference in ("Section 8", "paragraph 9.2", "Section 8 of the 2016 guidance"):
        assert client.put(local, json={"fields": {"guidance_section": reference}},
                          headers=api._h("review_coordinator")).status_code == 200, reference


def test_G6_without_a_local_notice_a_review_not_published_stays_off_the_page(app, world,
                                                                              client):
    api = Api(client, world)
    rid = review_at(world, "alpha", "ready_to_publish")
    body = api.step(rid, "not_published", {"decided_on": "2026-05-04", "reasons": "Private."},
                    role="csp_chair")
    assert body["reference"] not in _page(client)


# --- joint reviews -------------------------------------------------------------------------

def test_P2_the_partners_public_page_lists_the_joint_review(app, world, client, joint):  # noqa: F811
    shared = joint
    rid, lead = shared["rid"], shared["lead"]
    shared["partner"].post(f"/reviews/{rid}/partners/signoff", {}, role="csp_chair")
    for step, data in (("home_office_qa", {"signed_off_on": "2025-06-01",
                                           "submitted_on": "2025-06-02"}),):
        lead.step(rid, step, data, role="csp_chair")
    lead.upload(rid, "home_office_letter", "Home Office letter")
    lead.step(rid, "ready_to_publish", {"outcome": "approved",
                                        "outcome_on": date.today().isoformat()})
    reference = lead.step(rid, "published", {"published_on": date.today().isoformat()},
                          role="csp_chair")["reference"]
    assert reference in _page(client, "alpha")
    partner_page = _page(client, "beta")
    assert reference in partner_page and "Test Adult" not in partner_page
    assert client.get(f"/t/beta/published/{reference}/overview_report").status_code == 200
    assert reference not in _page(client, "gamma")
    assert client.get(f"/t/gamma/published/{reference}/overview_report").status_code == 404
    # the partner lists nothing else of the lead's
    for other in world.reviews["alpha"]:
        assert other.reference not in partner_page


# --- what each entry says ------------------------------------------------------------------

def test_W12_each_review_is_titled_by_month_and_year_with_the_year_of_the_death(app, world,
                                                                                 client):
    reference, rid = _published(world, client)
    today = date.today()
    page = _page(client)
    assert f"{today:%B %Y}" in page  # the title: month and year of publication
    assert "Year of the death" in page and re.search(r">\s*2025\s*<", page)
    assert "5 January 2025" not in page  # the year only, never the date of the death
    # each document: its kind, its format and its size
    entry = _entry(page, reference)
    assert "Overview report" in entry and "Executive summary" in entry
    assert "Plain text" in entry and "bytes" in entry  # the demo documents are text files
    welsh = _page(client, lang="cy")
    assert reference in welsh and "2025" in welsh


def _entry(page: str, reference: str) -> str:
    """The part of the page about one review (from its heading to the next)."""
    return next(part for part in page.split("<h2") if reference in part)


def test_W3_terms_follow_the_review_not_the_partnership(app, world, client):
    dhr, _ = _published(world, client)
    dardr, _ = _published(world, client, profile="dardr-2024")
    page = _page(client)
    assert "Domestic Abuse Related Death Review" in _entry(page, dardr)
    assert "DARDR " + dardr in _entry(page, dardr)
    assert "Domestic Homicide Review" in _entry(page, dhr)
    assert "Domestic Abuse Related Death Review" not in _entry(page, dhr)
    from tests.factories import sign_in

    sign_in(client, "review_coordinator@alpha.test")  # the review's own page too
    with tenant_scope(world.tenants["alpha"].id):
        ids = {r.reference: r.id for r in db.session.scalars(select(Review))}
        db.session.commit()
    assert "Domestic Abuse Related Death Review" in client.get(
        f"/t/alpha/reviews/{ids[dardr]}").get_data(as_text=True)
    assert "Domestic Abuse Related Death Review" not in client.get(
        f"/t/alpha/reviews/{ids[dhr]}").get_data(as_text=True)


def test_W3_warrington_keeps_the_name_its_older_reviews_had(app, world, client):
    old, _ = _published(world, client, policy=(  # notified 2025-01-10, before the change
        "warrington", {"min_quotes": 3, "dardr_from": "2026-01-01"}))
    page = _page(client)
    assert "Domestic Homicide Review" in _entry(page, old)
    assert "Domestic Abuse Related Death Review" not in _entry(page, old)
    assert "Domestic Abuse Related Death Review (previously DHR)" in page  # its own words
    policies.enable(world.tenants["alpha"], "warrington",
                    {"min_quotes": 3, "dardr_from": "2024-02-05"})
    assert "Domestic Abuse Related Death Review" in _entry(_page(client), old)


def test_W3_mail_subjects_use_the_reviews_terms(app, world, client):
    from core.notifications.models import OutboxMessage

    api = Api(client, world)
    rid = review_at(world, "alpha", "evidence")
    with tenant_scope(world.tenants["alpha"].id):
        db.session.get(Review, rid).guidance_profile = "dardr-2024"
        db.session.commit()
    added = api.post(f"/reviews/{rid}/agency-reports", {
        "agency": "Invented Probation", "report_type": "chronology",
        "requested_on": "2025-06-01", "due_on": "2025-07-01",
        "contact_email": "imr@probation.example"})
    assert added.status_code == 201
    with tenant_scope(world.tenants["alpha"].id):
        subjects = [m.subject for m in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == "imr@probation.example"))]
        db.session.commit()
    assert subjects and all(s.startswith("DARDR ") for s in subjects)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["dhr", "send-reminders"]).exit_code == 0
    with tenant_scope(world.tenants["alpha"].id):
        reminders = [m.subject for m in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.review_id == rid, OutboxMessage.kind.like("deadline_%")))]
        db.session.commit()
    assert reminders and all(s.startswith("DARDR ") for s in reminders)


# --- Manchester's learning pack -------------------------------------------------------------

def test_M8_learning_pack_appears_on_the_public_page_once_published(app, world, client):
    policies.enable(world.tenants["alpha"], "manchester", {"learning_pack_days": 60})
    reference, rid = _published(world, client)
    api = Api(client, world)
    url = f"/t/alpha/published/{reference}/learning_product"
    assert client.get(url).status_code == 404
    chair = "csp_chair"
    refused = api.post(f"/reviews/{rid}/public-documents", {"kind": "learning_product"}, chair)
    assert refused.status_code == 409  # nothing uploaded yet: an actionable refusal
    assert "Upload" in refused.json["errors"][0]["message"]
    api.upload(rid, "learning_product", "Learning pack", pdf("Invented learning pack"))
    assert client.get(url).status_code == 404  # uploading alone publishes nothing
    assert "Learning product" not in _page(client)
    coordinator = api.post(f"/reviews/{rid}/public-documents", {"kind": "learning_product"})
    assert coordinator.status_code == 403  # publishing is the CSP chair's, as the step is
    done = api.post(f"/reviews/{rid}/public-documents", {"kind": "learning_product"}, chair)
    assert done.status_code == 200, done.json
    assert client.get(url).status_code == 200 and b"learning pack" in client.get(url).data
    assert "Learning product" in _page(client)
    # only a kind the plan names, and only for a published review
    other = api.post(f"/reviews/{rid}/public-documents", {"kind": "terms_of_reference"},
                     chair)
    assert other.status_code == 409
    listed = api.get(f"/reviews/{rid}/public-documents").json
    assert listed == [{"kind": "learning_product", "uploaded": True, "published": True,
                       "later": True}]


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_public_page_reads_in_both_languages(app, world, client, lang):
    reference, _rid = _published(world, client)
    page = _page(client, lang=lang)
    assert reference in page
    assert ("Published reviews" in page) == (lang == "en")


def test_M8_the_chair_publishes_the_pack_from_the_review_pages(app, world, client):
    from tests.factories import sign_in

    policies.enable(world.tenants["alpha"], "manchester", {"learning_pack_days": 60})
    reference, rid = _published(world, client)
    sign_in(client, "csp_chair@alpha.test")
    assert "/public-documents" in client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    page = client.get(f"/t/alpha/reviews/{rid}/public-documents").get_data(as_text=True)
    assert "Learning product" in page
    refused = client.post(f"/t/alpha/reviews/{rid}/public-documents/learning_product")
    assert refused.status_code == 409
    assert "Upload the learning product" in refused.get_data(as_text=True)
    Api(client, world).upload(rid, "learning_product", "Learning pack",
                              pdf("Invented learning pack"))
    done = client.post(f"/t/alpha/reviews/{rid}/public-documents/learning_product")
    assert done.status_code == 302
    assert client.get(f"/t/alpha/published/{reference}/learning_product").status_code == 200


def test_a_reference_shared_by_a_joint_review_and_an_own_review_finds_the_own(monkeypatch):
    """Reference prefixes need not differ between partnerships: on a partner's page a joint
    review may carry the reference of one of the partner's own. The download and request
    links then reach the partner's own review, never whichever was published later."""
    from datetime import date as _date

    from core.public import service

    def item(own: bool, published_on: _date):
        return service.Published(uuid.uuid4(), "DHR-2024-001", published_on, None, (), None,
                                 {}, own=own)

    shared, own = item(False, _date(2025, 6, 1)), item(True, _date(2024, 6, 1))
    monkeypatch.setattr(service, "published", lambda _tenant: [shared, own])
    assert service.find(None, "DHR-2024-001") is own
    monkeypatch.setattr(service, "published", lambda _tenant: [shared])
    assert service.find(None, "DHR-2024-001") is shared
    assert service.find(None, "DHR-2024-002") is None


def _statements(client, path: str) -> int:
    from sqlalchemy import event

    seen = []

    def hit(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", hit)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", hit)
    return len(seen)


def test_the_public_page_costs_the_same_few_statements_however_many_reviews(app, world,
                                                                          client):
    """Issue 12's budget holds on the public page too: its statements do not grow with the
    reviews listed, and a review's name (DHR or DARDR) is worked out from what the clock
    reads (one statement), never from every guard's facts on every view."""
    _published(world, client, days_ago=400)
    anonymous = app.test_client()
    _statements(anonymous, "/t/alpha/published")  # warm
    few = _statements(anonymous, "/t/alpha/published")
    for days in (10, 200, 800):
        _published(world, client, days_ago=days)
    many = _statements(anonymous, "/t/alpha/published")
    assert few == many, (few, many)
    assert many <= 10, many
    print(f"public page: {many} statements")
