"""Issue 13, the Walsall and Warrington findings of SEED-AUDIT.md: Walsall's panel is
matched by agency category (S5), Warrington's quotes are records (W11), how quickly a
review was notified (W1), and whether an IMR's author was independent (W13)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.agencies import CATEGORY_CODES, guess_category
from core.audit.models import AuditEvent
from core.db import db
from core.demo_journeys import _prepare
from core.policies import service as policies
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in
from tests.plugins.walk import review_at

# Walsall's panel as the seed names it, with the names real agencies go by.
# Source: seed 004 (S-WAL, https://saferwalsallpartnership.com/domestic-homicide-review)
REAL_PANEL = (
    ("Safer Walsall Partnership", "csp"),
    ("West Midlands Police", "police"),
    ("Black Country Women's Aid (invented contact)", "domestic_abuse_specialist"),
    ("Walsall Healthcare NHS Trust", "health"),
    ("West Midlands Fire Service", "fire_and_rescue"),
    ("Black Country Healthcare NHS Foundation Trust", "mental_health"),
)


def _walsall_at_setup(world, settings=None):
    """A review at set-up with everything but Walsall's panel (the demo's three-agency
    panel is recorded with names only, so its categories are guessed)."""
    rid = review_at(world, "alpha", "setup")
    with tenant_scope(world.tenants["alpha"].id):
        _prepare(find_review(rid), "evidence")  # chair, terms, family, three agencies
    policies.enable(world.tenants["alpha"], "walsall", settings or {})
    return rid


def _panel(api, rid, members):
    for agency, category in members:
        added = api.post(f"/reviews/{rid}/panel-members",
                         {"agency": agency, "category": category, "name": "Invented"})
        assert added.status_code == 201, added.json


def test_S5_real_agency_names_satisfy_walsalls_panel(app, world, client):
    rid = _walsall_at_setup(world)
    api = Api(client, world)
    _panel(api, rid, REAL_PANEL)
    assert api.step(rid, "evidence")["stage"] == "evidence"
    members = api.get(f"/reviews/{rid}/panel-members").json
    assert {"West Midlands Police": "police"}.items() <= {
        m["agency"]: m["category"] for m in members}.items()


def test_S5_missing_categories_are_named_in_words(app, world, client):
    rid = _walsall_at_setup(world)
    api = Api(client, world)
    _panel(api, rid, [m for m in REAL_PANEL if m[1] not in ("fire_and_rescue", "csp")])
    refused = api.step(rid, "evidence", expect=409)
    assert [e["code"] for e in refused["errors"]] == ["panel_incomplete"]
    message = refused["errors"][0]["message"]
    assert "Community Safety Partnership" in message and "Fire and rescue" in message
    assert "fire_and_rescue" not in message and "Police" not in message


def test_S5_drug_and_alcohol_optional(app, world, client):
    rid = _walsall_at_setup(world)
    api = Api(client, world)
    _panel(api, rid, REAL_PANEL)  # no drug and alcohol service on the panel
    assert not any(m["category"] == "substance_misuse"
                   for m in api.get(f"/reviews/{rid}/panel-members").json)
    assert api.step(rid, "evidence")["stage"] == "evidence"


def test_S5_required_set_is_a_setting(app, world, client):
    from plugins.walsall.plugin import SEED_PANEL, Settings

    assert Settings().load({})["required_categories"] == list(SEED_PANEL)
    assert set(SEED_PANEL) == {"csp", "police", "domestic_abuse_specialist", "health",
                               "fire_and_rescue", "mental_health"}
    with pytest.raises(policies.PolicyInvalid) as refused:
        policies.enable(world.tenants["alpha"], "walsall",
                        {"required_categories": ["police", "wizards"]})
    assert refused.value.status == 422
    assert "settings.required_categories" in refused.value.errors
    rid = _walsall_at_setup(world, {"required_categories": ["police", "housing",
                                                            "substance_misuse"]})
    api = Api(client, world)
    refused = api.step(rid, "evidence", expect=409)
    message = refused["errors"][0]["message"]
    assert "Housing" in message and "Substance misuse" in message and "Fire" not in message
    _panel(api, rid, [("Walsall Housing Group", "housing"),
                      ("Walsall drug and alcohol service", "substance_misuse")])
    assert api.step(rid, "evidence")["stage"] == "evidence"


def test_S5_the_setting_is_chosen_with_checkboxes_on_the_admin_page(app, world, client):
    sign_in(client, "regional@north.test")
    page = client.get("/admin/tenants/alpha/policies").get_data(as_text=True)
    # not yet enabled: the seed's set is ticked, drug and alcohol services are not
    assert 'value="fire_and_rescue" checked' in page
    assert 'value="substance_misuse">' in page and "Fire and rescue" in page
    saved = client.post("/admin/tenants/alpha/policies/walsall", data={
        "required_categories": ["police", "health"]})
    assert saved.status_code == 302
    assert policies.enabled(world.tenants["alpha"].id)["walsall"] == {
        "required_categories": ["police", "health"]}
    page = client.get("/admin/tenants/alpha/policies").get_data(as_text=True)
    assert 'value="police" checked' in page and 'value="fire_and_rescue">' in page


def test_S5_a_panel_members_category_is_validated(app, world, client):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    bad = api.post(f"/reviews/{rid}/panel-members",
                   {"agency": "West Midlands Police", "category": "wizards", "name": "Inv"})
    assert bad.status_code == 422
    error = bad.json["errors"][0]
    assert error["field"] == "category" and "police" in error["message"]
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}/panel-members").get_data(as_text=True)
    assert 'name="category"' in page and "Fire and rescue" in page
    added = client.post(f"/t/alpha/reviews/{rid}/panel-members", data={
        "agency": "West Midlands Fire Service", "category": "fire_and_rescue",
        "name": "Invented Officer"})
    assert added.status_code == 302
    assert "Fire and rescue" in client.get(
        f"/t/alpha/reviews/{rid}/panel-members").get_data(as_text=True)


def test_S5_a_member_recorded_without_a_category_gets_the_obvious_one(app, world, client):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    added = api.post(f"/reviews/{rid}/panel-members",
                     {"agency": "Cheshire Constabulary", "name": "Inv"}).json
    assert added["category"] == "police"
    assert [guess_category(n) for n in (
        "West Midlands Fire Service", "Black Country Healthcare NHS Foundation Trust "
        "(mental health)", "Walsall Healthcare NHS Trust", "Safer Walsall Partnership",
        "Police and Crime Commissioner", "Invented Charity", "Drug and alcohol services",
        "Domestic abuse service")] == [
        "fire_and_rescue", "mental_health", "health", "csp", "other", "other",
        "substance_misuse", "domestic_abuse_specialist"]
    assert set(CATEGORY_CODES) >= {"probation", "childrens_services", "adult_social_care",
                                   "education", "housing"}


# --- Warrington: quotes are records (W11). Source: WINS
# (https://www.winsfordguardian.co.uk/news/17714502.concerns-over-future-funding-for-domestic-homicide-reviews/)

CHAIR = {"name": "Invented Chair", "appointed_on": "2025-02-01",
         "independence_statement": "None."}


def _quote(api, rid, supplier, covers, amount, chosen=False):
    added = api.post(f"/reviews/{rid}/quotes", {
        "supplier": supplier, "covers": covers, "amount": amount,
        "received_on": "2025-01-20", "chosen": chosen})
    assert added.status_code == 201, added.json
    return added.json


def test_W11_quotes_are_records_and_the_three_needed_are_counted_from_them(app, world,
                                                                          client):
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    api = Api(client, world)
    rid = review_at(world, "alpha", "setup")
    # the old typed count no longer opens the way: the quotes themselves are needed
    client.put(f"/api/v1/t/alpha/reviews/{rid}/local/warrington",
               json={"fields": {"chair_quotes": 3}}, headers=api._h("review_coordinator"))
    refused = api.post(f"/reviews/{rid}/chair-appointments", CHAIR)
    assert refused.status_code == 409
    assert refused.json["errors"][0]["message"] == (
        "Record at least 3 quotes for the independent chair before appointing one "
        "(0 so far).")
    _quote(api, rid, "Invented Reviews Ltd", "chair", "6000.00")
    _quote(api, rid, "Invented Reviews Ltd", "chair", "5800.00")  # the same supplier again
    _quote(api, rid, "Invented Authors", "author", "5000.00")  # not for the chair
    refused = api.post(f"/reviews/{rid}/chair-appointments", CHAIR)
    assert "(1 so far)" in refused.json["errors"][0]["message"]
    _quote(api, rid, "Another Invented Chair", "chair_and_author", "11000.00")
    _quote(api, rid, "Third Invented Chair", "chair", "7000.00")
    assert api.post(f"/reviews/{rid}/chair-appointments", CHAIR).status_code == 201
    quotes = api.get(f"/reviews/{rid}/quotes").json
    assert {(q["supplier"], q["covers"], q["amount"]) for q in quotes} >= {
        ("Invented Authors", "author", "5000.00")}
    events = [e["name"] for e in api.get(f"/reviews/{rid}/timeline").json]
    assert events.count("quotes.added") == 5
    with tenant_scope(world.tenants["alpha"].id):
        assert db.session.scalar(select(AuditEvent.seq).where(
            AuditEvent.action == "quotes.add").limit(1)) is not None


def test_W11_cost_is_the_chosen_quotes_plus_recorded_costs(app, world, client):
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    api = Api(client, world)
    rid = review_at(world, "alpha", "setup")
    _quote(api, rid, "Invented Reviews Ltd", "chair", "6000.00", chosen=True)
    _quote(api, rid, "Invented Authors", "author", "5000.00", chosen=True)
    _quote(api, rid, "Dearer Invented Chair", "chair", "9000.00")
    client.put(f"/api/v1/t/alpha/reviews/{rid}/local/warrington",
               json={"fields": {"review_cost": "1500.00"}}, headers=api._h("review_coordinator"))
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Cost of the review: £12500.00" in page
    assert "chosen quotes £11000.00" in page and "other recorded costs £1500.00" in page


def test_W11_quotes_on_the_page_and_bad_quotes_refused(app, world, client):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    for bad, field in (({"amount": "-5"}, "amount"), ({"covers": "caterer"}, "covers"),
                       ({"amount": "lots"}, "amount")):
        body = {"supplier": "Invented", "covers": "chair", "amount": "100.00",
                "received_on": "2025-01-20", **bad}
        refused = api.post(f"/reviews/{rid}/quotes", body)
        assert refused.status_code == 422 and refused.json["errors"][0]["field"] == field
    sign_in(client, "review_coordinator@alpha.test")
    added = client.post(f"/t/alpha/reviews/{rid}/quotes", data={
        "supplier": "Invented Reviews Ltd", "covers": "chair_and_author", "amount": "12000",
        "received_on-day": "20", "received_on-month": "1", "received_on-year": "2025",
        "chosen": "y"})
    assert added.status_code == 302
    page = client.get(f"/t/alpha/reviews/{rid}/quotes").get_data(as_text=True)
    assert "Invented Reviews Ltd" in page and "Chair and author" in page
    assert "12000.00" in page
    assert Decimal(api.get(f"/reviews/{rid}/quotes").json[0]["amount"]) == Decimal("12000")


def test_W11_a_count_typed_before_quotes_were_records_stays_readable(app, world, client):
    from plugins.warrington.plugin import LEGACY_QUOTES

    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    rid = review_at(world, "alpha", "setup")
    with tenant_scope(world.tenants["alpha"].id):
        review = find_review(rid)
        review.local_fields = {"warrington": {LEGACY_QUOTES: 3}}  # as 0021 left it
        db.session.commit()
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "3 quotes were counted before each quote was recorded" in page


def test_W11_the_quotes_error_links_to_the_quotes_page(app, world, client):
    """Issue 14: refused for want of quotes, the error summary linked to "#form", a place
    on no page; it links to the page where quotes are recorded."""
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    rid = review_at(world, "alpha", "setup")
    sign_in(client, "review_coordinator@alpha.test")
    refused = client.post(f"/t/alpha/reviews/{rid}/chair-appointments", data={
        "name": "Invented Chair", "appointed_on-day": "1", "appointed_on-month": "2",
        "appointed_on-year": "2025", "independence_statement": "None."})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Record at least 3 quotes for the independent chair" in page
    assert f'href="/t/alpha/reviews/{rid}/quotes"' in page and 'href="#form"' not in page


def test_W11_local_information_is_named_after_the_policy_not_its_code(app, world, client):
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    rid = review_at(world, "alpha", "setup")
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Local information (Warrington local policy)" in page
    assert "Local information (warrington)" not in page
    local = client.get(f"/t/alpha/reviews/{rid}/local/warrington").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Local information (Warrington local policy)</h1>' \
        in local


def test_W1_any_police_force_is_accepted_with_a_warning_and_the_speed_shown(app, world,
                                                                           client):
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    api = Api(client, world)
    created = api.post("/reviews", {"pseudonym": "Speed Adult (invented)",
                                    "date_of_death": "2026-01-02",
                                    "notification_date": "2026-01-05",
                                    "notifying_agency": "Merseyside Police"})
    assert created.status_code == 201
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha/reviews/{created.json['id']}").get_data(as_text=True)
    assert "notified by Cheshire Police" in page
    assert "Days from the death to the notification: 3." in page


def test_W13_an_imr_authors_independence_is_recorded(app, world, client):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    report = api.get(f"/reviews/{rid}/agency-reports").json[0]
    assert report["author_independence"] is None
    changed = api.patch(f"/reviews/{rid}/agency-reports/{report['id']}",
                        {"returned_on": "2026-03-20", "author_independence": "independent"})
    assert changed.status_code == 200 and changed.json["author_independence"] == "independent"
    refused = api.patch(f"/reviews/{rid}/agency-reports/{report['id']}",
                        {"author_independence": "maybe"})
    assert refused.status_code == 422
