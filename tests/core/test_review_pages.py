"""The review's pages: overview, steps, records, documents, timeline, dashboard."""
from __future__ import annotations

import io
from datetime import date, timedelta

from tests.factories import make_review, sign_in


def _date(prefix: str, value: date) -> dict:
    return {f"{prefix}-day": value.day, f"{prefix}-month": value.month,
            f"{prefix}-year": value.year}


def test_overview_shows_deadlines_tasks_and_next_steps(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    html = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Decision whether to review" in html and "govuk-task-list" in html
    assert f"/t/alpha/reviews/{rid}/steps/scoping" in html
    # the decision is the chair's: the coordinator is not offered it
    assert f"/t/alpha/reviews/{rid}/steps/setup" not in html
    chair = client.application.test_client()
    sign_in(chair, "csp_chair@alpha.test")
    assert "/steps/setup" in chair.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)


def test_the_chair_decides_through_the_form(client, world):
    sign_in(client, "csp_chair@alpha.test")
    rid = world.reviews["alpha"][0].id
    url = f"/t/alpha/reviews/{rid}/steps/setup"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={**_date("decision_date", date(2026, 1, 1)),
                                 **_date("home_office_told_on", date(2026, 2, 10)),
                                 "reasons": "Criteria met"})
    assert bad.status_code == 422
    assert "cannot be before the notification" in bad.get_data(as_text=True)
    answers = {**_date("decision_date", date(2026, 2, 10)),
               **_date("home_office_told_on", date(2026, 2, 11)), "reasons": "Criteria met"}
    # the decision cannot be undone: the chair checks the answers first, and nothing changes
    check = client.post(url, data=answers)
    assert check.status_code == 200
    html = check.get_data(as_text=True)
    assert "Check your answers" in html and "10 February 2026" in html
    assert 'name="confirmed" value="yes"' in html and 'name="reasons" value="Criteria met"' in html
    assert "/steps/setup" in client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    # changing the answers brings the form back, filled in
    change = client.post(url, data={**answers, "change": "yes"}).get_data(as_text=True)
    assert 'name="decision_date-day"' in change and 'value="Criteria met"' not in change
    assert "Criteria met</textarea>" in change
    good = client.post(url, data={**answers, "confirmed": "yes"})
    assert good.status_code == 302
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Set-up" in page and "10 February 2026" in page


def test_a_blocked_step_lists_every_reason(client, world):
    sign_in(client, "csp_chair@alpha.test")
    rid = world.reviews["alpha"][1].id
    client.post(f"/t/alpha/reviews/{rid}/steps/setup", data={
        **_date("decision_date", date(2026, 2, 10)), **_date("home_office_told_on",
                                                             date(2026, 2, 11)),
        "reasons": "Criteria met", "confirmed": "yes"})
    page = client.get(f"/t/alpha/reviews/{rid}/steps/evidence").get_data(as_text=True)
    for reason in ("Appoint an independent chair.", "Add at least one panel member.",
                   "Upload the terms of reference.", "Record contact with the family"):
        assert reason in page
    refused = client.post(f"/t/alpha/reviews/{rid}/steps/evidence", data={})
    assert refused.status_code == 409


def test_records_are_added_and_changed_through_forms(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    base = f"/t/alpha/reviews/{rid}"
    missing = client.post(f"{base}/panel-members", data={"agency": "Police"})
    assert missing.status_code == 400 and 'href="#name"' in missing.get_data(as_text=True)
    assert client.post(f"{base}/panel-members", data={"agency": "Police",
                                                      "name": "Invented Officer"}
                       ).status_code == 302
    assert "Invented Officer" in client.get(f"{base}/panel-members").get_data(as_text=True)
    client.post(f"{base}/recommendations", data={"text": "Train staff", "scope": "multi_agency",
                                                 "addressed_to": "Invented Board",
                                                 "level": "local"})
    page = client.get(f"{base}/actions").get_data(as_text=True)
    recommendation = page.split('<option value="')[2].split('"')[0]
    no_owner = client.post(f"{base}/actions", data={
        "recommendation_id": recommendation, "description": "Deliver training",
        **_date("due_on", date(2026, 12, 1))})
    assert no_owner.status_code == 400 and 'href="#owner"' in no_owner.get_data(as_text=True)
    client.post(f"{base}/actions", data={
        "recommendation_id": recommendation, "description": "Deliver training",
        "owner": "Invented Board", **_date("due_on", date(2026, 12, 1))})
    listing = client.get(f"{base}/actions").get_data(as_text=True)
    edit = listing.split(f'{base}/actions/')[1].split('"')[0]
    closed = client.post(f"{base}/actions/{edit}", data={"status": "closed"})
    assert closed.status_code == 400 and "why it closed" in closed.get_data(as_text=True)
    done = client.post(f"{base}/actions/{edit}", data={
        "status": "complete", **_date("completed_on", date(2026, 6, 1))})
    assert done.status_code == 302
    assert "Complete" in client.get(f"{base}/actions").get_data(as_text=True)


def test_documents_upload_and_download_through_the_page(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    base = f"/t/alpha/reviews/{rid}/documents"
    no_file = client.post(base, data={"kind": "other", "title": "x"})
    assert no_file.status_code == 400
    refused = client.post(base, data={"kind": "other", "title": "x",
                                      "file": (io.BytesIO(b"\x7fELF\x00\x01"), "a.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 415 and "must be a PDF" in refused.get_data(as_text=True)
    ok = client.post(base, data={"kind": "chronology", "title": "Chronology",
                                 "file": (io.BytesIO(b"invented chronology"), "c.txt")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    page = client.get(base).get_data(as_text=True)
    link = page.split(f'{base}/')[1].split('"')[0]
    download = client.get(f"{base}/{link}")
    assert download.data == b"invented chronology"


def test_timeline_lists_steps_and_records(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    client.post(f"/t/alpha/reviews/{rid}/steps/scoping", data={})
    html = client.get(f"/t/alpha/reviews/{rid}/timeline").get_data(as_text=True)
    assert "Scoping" in html and "Document uploaded: Terms of reference, version 1" in html
    assert "Scoping return added" in html and "Record changed" not in html  # in words


def test_dashboard_lists_overdue_first(client, world):
    old = date.today() - timedelta(days=60)
    make_review(world.tenants["alpha"], date_of_death=old - timedelta(days=1),
                notification_date=old)
    sign_in(client, "review_coordinator@alpha.test")
    html = client.get("/t/alpha/").get_data(as_text=True)
    urgent = html.split('id="urgent"')[1].split("</table>")[0]
    assert "Overdue" in urgent and "ALP-" in urgent
    assert urgent.index("Overdue") < urgent.index("Due soon") if "Due soon" in urgent else True


def test_viewers_see_records_but_cannot_add(client, world):
    sign_in(client, "viewer@alpha.test")
    rid = world.reviews["alpha"][0].id
    page = client.get(f"/t/alpha/reviews/{rid}/panel-members").get_data(as_text=True)
    assert "Invented Officer" in page and "<form method=\"post\" novalidate>" not in page
    assert client.post(f"/t/alpha/reviews/{rid}/panel-members",
                       data={"agency": "x", "name": "y"}).status_code == 403


def test_empty_text_boxes_start_empty_and_stay_empty(client, world):
    """A blank optional text box must not come back (or be saved) as the word 'None'."""
    sign_in(client, "review_coordinator@alpha.test")
    base = f"/t/alpha/reviews/{world.reviews['alpha'][1].id}"
    html = client.get(f"{base}/panel-meetings").get_data(as_text=True)
    assert 'name="summary"' in html and ">None</textarea>" not in html
    assert client.post(f"{base}/panel-meetings",
                       data=_date("held_on", date(2026, 2, 12))).status_code == 302
    assert ">None<" not in client.get(f"{base}/panel-meetings").get_data(as_text=True)
