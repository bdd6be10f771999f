"""What the steps write shows on its page (issue 14): Home Office submissions and
publication records were saved but their pages showed an empty table."""
from __future__ import annotations

from tests.core.test_review_journey_api import Api
from tests.factories import sign_in
from tests.plugins.walk import review_at


def test_home_office_submissions_and_publication_records_list_what_the_steps_wrote(
        app, world, client):
    api = Api(client, world)
    rid = review_at(world, "alpha", "ready_to_publish")
    api.step(rid, "published", {"published_on": "2026-07-20"}, role="csp_chair")
    page = app.test_client()
    sign_in(page, "review_coordinator@alpha.test")
    submissions = page.get(f"/t/alpha/reviews/{rid}/home-office-submissions")
    body = submissions.get_data(as_text=True)
    assert submissions.status_code == 200 and "Date submitted" in body
    submitted = api.get(f"/reviews/{rid}/home-office-submissions").json[-1]["submitted_on"]
    year, month, day = (int(x) for x in submitted.split("-"))
    assert f"{day} " in body and str(year) in body and "Outcome" in body
    records = page.get(f"/t/alpha/reviews/{rid}/publication-records").get_data(as_text=True)
    assert "Date published" in records and "20 July 2026" in records
    assert "Nothing recorded yet." not in records
    welsh = page.get(f"/t/alpha/reviews/{rid}/publication-records?lang=cy")
    assert "20 Gorffennaf 2026" in welsh.get_data(as_text=True)
