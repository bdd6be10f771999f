"""Forms are Flask-WTF forms drawn by govuk-frontend-wtf widgets from the marshmallow
schemas: labels in the page's language, values kept after an error, errors by each field."""
from __future__ import annotations

from tests.factories import sign_in


def test_date_boxes_are_labelled_in_welsh_and_named_per_part(client, world):
    sign_in(client, "csp_chair@alpha.test")
    rid = world.reviews["alpha"][0].id
    html = client.get(f"/t/alpha/reviews/{rid}/steps/setup?lang=cy").get_data(as_text=True)
    for part in ("day", "month", "year"):
        assert f'name="decision_date-{part}"' in html and f'id="decision_date-{part}"' in html
    assert "Diwrnod" in html and "Mis" in html and "Blwyddyn" in html
    assert ">Day<" not in html


def test_a_refused_form_keeps_what_was_typed_and_marks_each_field(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    base = f"/t/alpha/reviews/{world.reviews['alpha'][1].id}"
    response = client.post(f"{base}/family-contacts", data={
        "contacted_on-day": "31", "contacted_on-month": "2", "contacted_on-year": "2026",
        "relationship": "sibling", "method": "phone", "advocacy_offered": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="sibling"' in html and 'value="31"' in html
    assert '<option value="phone" selected>' in html
    assert 'name="advocacy_offered" type="checkbox" value="y" checked' in html
    assert "govuk-error-message" in html and 'href="#contacted_on-day"' in html
    assert 'href="#contribution"' in html  # the missing choice is named too
