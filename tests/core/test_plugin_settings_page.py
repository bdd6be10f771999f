"""A local policy's settings show after saving (issue 14): the regional admin's page holds
each policy's saved settings in its boxes (a text box, a date, checkboxes), the partnership's
own page lists them in words, and a review's local information form holds what was saved."""
from __future__ import annotations

import re

from core.policies import service as policies
from tests.factories import sign_in

PAGE = "/admin/tenants/alpha/policies"
# Warrington's "called DARDRs from" date, in its three boxes: 1 March 2024
MARCH = {"dardr_from-day": "1", "dardr_from-month": "3", "dardr_from-year": "2024"}


def _section(page: str, name: str) -> str:
    """The part of the admin page about one policy."""
    found = re.search(rf'<section[^>]*id="policy-{name}".*?</section>', page, re.S)
    assert found, name
    return found.group(0)


def test_saved_settings_show_in_their_boxes_after_saving(app, world, client):
    sign_in(client, "regional@north.test")
    saved = client.post(f"{PAGE}/warrington", data={"min_quotes": "5", **MARCH})
    assert saved.status_code == 302
    assert policies.enabled(world.tenants["alpha"].id)["warrington"] == {
        "min_quotes": 5, "dardr_from": "2024-03-01"}
    warrington = _section(client.get(PAGE).get_data(as_text=True), "warrington")
    assert re.search(r'name="min_quotes"[^>]*value="5"', warrington)
    assert re.search(r'name="dardr_from-day"[^>]*value="1"', warrington)
    assert re.search(r'name="dardr_from-month"[^>]*value="3"', warrington)
    assert re.search(r'name="dardr_from-year"[^>]*value="2024"', warrington)
    # changed again: the new value shows, not the first
    assert client.post(f"{PAGE}/warrington",
                       data={"min_quotes": "4", **MARCH}).status_code == 302
    warrington = _section(client.get(PAGE).get_data(as_text=True), "warrington")
    assert re.search(r'name="min_quotes"[^>]*value="4"', warrington)


def test_a_refused_setting_keeps_what_was_typed_and_other_policies_keep_theirs(app, world,
                                                                             client):
    sign_in(client, "regional@north.test")
    client.post(f"{PAGE}/warrington", data={"min_quotes": "5", **MARCH})
    refused = client.post(f"{PAGE}/walsall", data={"required_categories": ["wizards"]})
    assert refused.status_code in (400, 422)
    page = refused.get_data(as_text=True)
    # the Warrington boxes hold its saved settings, not Walsall's form
    assert re.search(r'name="min_quotes"[^>]*value="5"', _section(page, "warrington"))


def test_the_partnership_reads_its_settings_in_words(app, world, client):
    policies.enable(world.tenants["alpha"], "walsall", {"required_categories": ["police",
                                                                                "health"]})
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 4})
    from core.db import db
    db.session.commit()
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get("/t/alpha/policies").get_data(as_text=True)
    assert "Quotes needed before appointing a chair" in page and "min_quotes" not in page
    assert "Police, Health" in page and "['police'" not in page


def test_a_reviews_local_information_form_holds_what_was_saved(app, world, client):
    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    from core.db import db
    db.session.commit()
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    url = f"/t/alpha/reviews/{rid}/local/warrington"
    assert client.post(url, data={"review_cost": "1500.50"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'name="review_cost"[^>]*value="1500.50"', page)
