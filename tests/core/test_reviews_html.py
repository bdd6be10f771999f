"""Review pages for people: list, record a notification, read one."""
from __future__ import annotations

from tests.factories import sign_in

FORM = {"pseudonym": "Form Adult (invented)", "date_of_death-day": "5",
        "date_of_death-month": "3", "date_of_death-year": "2026",
        "notification_date-day": "9", "notification_date-month": "3",
        "notification_date-year": "2026", "notifying_agency": "Test Police"}


def test_coordinator_records_a_notification_and_reads_it(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/t/alpha/reviews/new").status_code == 200
    response = client.post("/t/alpha/reviews/new", data=FORM)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "ALP-2026-003" in html and "Form Adult (invented)" in html
    assert "5 March 2026" in html and "9 March 2026" in html  # UK dates
    assert page.headers["Cache-Control"] == "no-store"
    assert "ALP-2026-003" in client.get("/t/alpha/").get_data(as_text=True)


def test_form_errors_are_listed_and_nothing_is_saved(client, world):
    sign_in(client, "csp_chair@alpha.test")
    bad = dict(FORM, pseudonym="", **{"date_of_death-month": "x",
                                      "notification_date-year": "2025"})
    response = client.post("/t/alpha/reviews/new", data=bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert 'href="#pseudonym"' in html and 'href="#date_of_death-day"' in html
    assert "Date of death must be a real date" in html  # GOV.UK error message patterns
    assert "Enter the pseudonym for the person who died" in html
    assert "Form Adult" not in client.get("/t/alpha/").get_data(as_text=True)


def test_impossible_dates_and_order_are_refused(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    html = client.post("/t/alpha/reviews/new",
                       data=dict(FORM, **{"date_of_death-day": "31",
                                          "date_of_death-month": "2"})).get_data(as_text=True)
    assert "Date of death must be a real date" in html
    response = client.post("/t/alpha/reviews/new",
                           data=dict(FORM, **{"notification_date-month": "1"}))
    assert "cannot be before the date of death" in response.get_data(as_text=True)


def test_viewer_may_read_but_not_record(client, world):
    sign_in(client, "viewer@alpha.test")
    assert client.get("/t/alpha/").status_code == 200
    assert "Record a notification" not in client.get("/t/alpha/").get_data(as_text=True)
    assert client.get("/t/alpha/reviews/new").status_code == 403
    assert client.post("/t/alpha/reviews/new", data=FORM).status_code == 403


def test_csp_admin_sees_no_case_data(client, world):
    sign_in(client, "csp_admin@alpha.test")
    response = client.get("/t/alpha/")
    assert response.status_code == 403
    assert "Test Adult" not in response.get_data(as_text=True)


def test_unknown_review_and_tenant_pages_are_plain_404s(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    for url in ("/t/alpha/reviews/00000000-0000-4000-8000-000000000000", "/t/nowhere/",
                f"/t/beta/reviews/{world.reviews['beta'][0].id}", "/t/alpha/reviews/not-a-uuid"):
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.get_data(as_text=True)
        assert "Page not found" in html and "Traceback" not in html


def test_home_lists_only_the_users_partnerships(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    html = client.get("/").get_data(as_text=True)
    assert "Alpha CSP (test)" in html and "Beta CSP (test)" not in html
