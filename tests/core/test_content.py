"""Content in GOV.UK style (issue 14, item 6): errors in words for people, field by field
(https://design-system.service.gov.uk/components/error-message/), a success banner after
every action, dates as '4 November 2025', and a timeline that says what happened."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from marshmallow import Schema, fields, validate

from tests.factories import sign_in

FORM = {"pseudonym": "Content Adult (invented)", "date_of_death-day": "5",
        "date_of_death-month": "3", "date_of_death-year": "2026",
        "notification_date-day": "9", "notification_date-month": "3",
        "notification_date-year": "2026", "notifying_agency": "Test Police"}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(html: str) -> str:
    """What a person reads: no tags (so no input values or links), no scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _api(world, role="review_coordinator"):
    return {"Authorization": f"Bearer {world.tokens[('alpha', role)]}"}


# -- error messages ------------------------------------------------------------------------

def test_an_empty_notification_says_what_to_enter_in_each_field(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    response = client.post("/t/alpha/reviews/new", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Enter the pseudonym for the person who died", "Enter the date of death",
                    "Enter the date the CSP was notified", "Enter the notifying agency"):
        assert message in html
    assert "Missing data for required field" not in html and "Not a valid" not in html
    # the summary links each message to its field; a date to its day box
    assert 'href="#pseudonym"' in html and 'href="#date_of_death-day"' in html


@pytest.mark.parametrize(("boxes", "message"), [
    ({"date_of_death-month": ""}, "Date of death must include a month"),
    ({"date_of_death-day": "", "date_of_death-month": ""},
     "Date of death must include a day and month"),
    ({"date_of_death-day": "31", "date_of_death-month": "2"},
     "Date of death must be a real date"),
    ({"date_of_death-month": "March"}, "Date of death must be a real date"),
    ({"date_of_death-year": "26"}, "Date of death must include a year with 4 numbers"),
])
def test_date_errors_follow_the_date_input_pattern(client, world, boxes, message):
    sign_in(client, "review_coordinator@alpha.test")
    html = client.post("/t/alpha/reviews/new", data=dict(FORM, **boxes)).get_data(
        as_text=True)
    assert message in html and 'href="#date_of_death-day"' in html


def test_a_date_in_the_future_is_named(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    later = date.today() + timedelta(days=40)
    html = client.post("/t/alpha/reviews/new", data=dict(FORM, **{
        "date_of_death-day": str(later.day), "date_of_death-month": str(later.month),
        "date_of_death-year": str(later.year)})).get_data(as_text=True)
    assert "Date of death must be today or in the past" in html
    assert "The date cannot be in the future." not in html


def test_case_facts_errors_name_their_field(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    html = client.post("/t/alpha/reviews/new", data=dict(
        FORM, victim_age="200", death_type="made_up")).get_data(as_text=True)
    assert "Age of the person who died must be between 0 and 130" in html
    assert "Select the kind of death" in html
    assert "Choose one of:" not in html


def test_each_kind_of_field_has_a_sentence(app):
    from core.web.forms import people_message

    class Sample(Schema):
        count = fields.Integer(required=True, metadata={"label": "Number of agencies"})
        amount = fields.Decimal(metadata={"label": "Amount"})
        email = fields.Email(metadata={"label": "Contact email"})
        name = fields.String(validate=validate.Length(max=5), metadata={"label": "Name"})
        kind = fields.String(required=True, validate=validate.OneOf(["a"]),
                             metadata={"label": "Kind", "widget": "choice"})
        their = fields.String(required=True,
                              metadata={"label": "Their relationship to the suspect"})
        own = fields.String(required=True, metadata={
            "label": "Reason", "messages": {"required": "Enter why the review stopped"}})

    def say(name, raw):
        schema = Sample()
        errors = schema.validate(raw)
        return people_message(name, schema.fields[name], raw, errors[name][0])

    with app.test_request_context():
        assert say("count", {}) == "Enter the number of agencies"
        assert say("count", {"count": "many"}) == "Number of agencies must be a whole number"
        assert say("amount", {"amount": "lots"}) == "Amount must be a number"
        assert say("email", {"email": "nobody"}) == (
            "Enter an email address in the correct format, like name@example.com")
        assert say("name", {"name": "much too long"}) == "Name must be 5 characters or fewer"
        assert say("kind", {}) == "Select the kind"
        assert say("kind", {"kind": "b"}) == "Select the kind"
        assert say("their", {}) == "Enter their relationship to the suspect"
        assert say("own", {}) == "Enter why the review stopped"


def test_the_api_keeps_marshmallows_messages(client, world):
    response = client.post("/api/v1/t/alpha/reviews", json={}, headers=_api(world))
    assert response.status_code == 422
    assert "Missing data for required field." in response.get_data(as_text=True)


# -- success banners -----------------------------------------------------------------------

def test_every_page_form_has_a_banner_or_a_reason_for_none(app):
    from core.web import banners

    missing = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                     if "POST" in rule.methods and not rule.rule.startswith("/api/")
                     and not banners.covered(rule.endpoint))
    assert missing == [], ("Add a success message for these endpoints to "
                           "core/web/banners.py MESSAGES (or a reason to QUIET)")


def _banner(html: str) -> str | None:
    found = re.search(r'govuk-notification-banner--success.*?'
                      r'govuk-notification-banner__heading">(.*?)</h3>', html, re.S)
    return found.group(1).strip() if found else None


def test_a_new_review_is_announced_by_its_reference(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    response = client.post("/t/alpha/reviews/new", data=FORM)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.fullmatch(r"Notification recorded\. Review ALP-\d{4}-\d{3} is created",
                        _banner(page) or "")
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _banner(again) is None  # said once


def test_record_step_and_document_actions_show_a_banner(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    base = f"/t/alpha/reviews/{rid}"
    added = client.post(f"{base}/scoping-returns", data={
        "agency": "Invented Agency", "asked_on-day": "5", "asked_on-month": "2",
        "asked_on-year": "2026"})
    assert added.status_code == 302, added.get_data(as_text=True)
    assert _banner(client.get(added.headers["Location"]).get_data(as_text=True)) == (
        "Scoping return added")
    step = client.post(f"{base}/steps/scoping", data={})
    assert step.status_code == 302
    assert _banner(client.get(step.headers["Location"]).get_data(as_text=True)) == (
        "Step taken: Scoping")


def test_a_refused_form_shows_no_banner(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    html = client.post("/t/alpha/reviews/new", data={}).get_data(as_text=True)
    assert _banner(html) is None
    assert _banner(client.get("/t/alpha/").get_data(as_text=True)) is None


def test_a_view_that_says_it_itself_gets_one_banner(client, world):
    sign_in(client, "csp_admin@alpha.test")
    response = client.post("/t/alpha/members", data={"email": "new.person@alpha.test",
                                                     "role": "viewer"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html.count("govuk-notification-banner--success") == 1
    assert "We have emailed an invitation to new.person@alpha.test" in html


# -- dates and the timeline ----------------------------------------------------------------

def test_pages_show_dates_in_words_never_iso(client, world):
    from core.records.kinds import KINDS

    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    pages = [f"/t/alpha/reviews/{rid}", f"/t/alpha/reviews/{rid}/timeline",
             f"/t/alpha/reviews/{rid}/documents", "/t/alpha/"]
    pages += [f"/t/alpha/reviews/{rid}/{kind.slug}" for kind in KINDS]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert ISO.findall(_text(response.get_data(as_text=True))) == [], url


def test_lifecycle_messages_show_dates_in_words(app):
    from core.reviews.clock import say

    with app.test_request_context():
        assert say("The panel cannot meet after its letter (%(date)s).",
                   {"date": "2026-03-01"}) == "The panel cannot meet after its letter " \
                                             "(1 March 2026)."


def test_the_timeline_says_what_changed_in_words(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    item = world.items[("alpha", "agency_reports")]
    changed = client.post(f"/t/alpha/reviews/{rid}/agency-reports/{item}", data={
        "agency": "Health", "report_type": "imr", "requested_on-day": "1",
        "requested_on-month": "3", "requested_on-year": "2026", "due_on-day": "15",
        "due_on-month": "4", "due_on-year": "2026"})
    assert changed.status_code == 302, changed.get_data(as_text=True)
    assert _banner(client.get(changed.headers["Location"]).get_data(as_text=True)) == (
        "Agency report changed")
    html = client.get(f"/t/alpha/reviews/{rid}/timeline").get_data(as_text=True)
    assert "Agency report changed: date due" in html
    assert "Record changed" not in html
    text = _text(html)
    assert "Health" in text and ISO.findall(text) == []


def test_an_entry_about_a_dated_record_names_the_day(app):
    from types import SimpleNamespace

    from core.reviews.timeline import describe

    event = SimpleNamespace(kind="record", name="panel_meetings.updated", to_stage=None,
                            data={"id": "x", "changed": ["summary"],
                                  "summary": "2025-11-04"})
    with app.test_request_context():
        words = describe(event)
    assert words["heading"] == "Panel meeting on 4 November 2025 changed: summary"
    assert words["detail"] is None
