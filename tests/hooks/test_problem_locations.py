"""Where a local policy's objection is put right (issue 14): a problem whose ``field`` is on
another page links there from the error summary (core/policies/location.py), never to a
place on no page; the page's link is named after the policy, never its code."""
from __future__ import annotations

import pytest

from core.hooks import Problem
from core.policies import service as policies
from tests.factories import sign_in


@pytest.fixture
def enabled(app, world):
    policies.enable(world.tenants["alpha"], "sample", {"level": 2})
    return world


def _summary_links(page: str) -> list[str]:
    import re

    summary = re.search(r'govuk-error-summary.*?</ul>', page, re.S)
    assert summary, "no error summary"
    return re.findall(r'href="([^"]+)"', summary.group(0))


def test_a_steps_objection_about_a_local_field_links_to_that_field(enabled, client, sample):
    sample.replies["check_transition"] = [
        Problem("sample_colour", "Set the sample colour to blue first.", field="colour")]
    rid = enabled.reviews["alpha"][0].id
    sign_in(client, "review_coordinator@alpha.test")
    refused = client.post(f"/t/alpha/reviews/{rid}/steps/scoping", data={})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert _summary_links(page) == [f"/t/alpha/reviews/{rid}/local/sample#colour"]
    assert "Set the sample colour to blue first." in page
    local = client.get(f"/t/alpha/reviews/{rid}/local/sample").get_data(as_text=True)
    assert 'id="colour"' in local and "Local information (Sample policy)" in local


def test_a_records_objection_about_another_kind_links_to_its_page(enabled, client, sample):
    sample.replies["check_record"] = [
        Problem("sample_agency", "Record the sample quotes first.", field="quotes")]
    rid = enabled.reviews["alpha"][0].id
    sign_in(client, "review_coordinator@alpha.test")
    refused = client.post(f"/t/alpha/reviews/{rid}/panel-members",
                          data={"agency": "Police", "name": "Invented Officer"})
    assert refused.status_code == 409
    assert _summary_links(refused.get_data(as_text=True)) == [
        f"/t/alpha/reviews/{rid}/quotes"]


def test_an_objection_about_nothing_elsewhere_links_to_the_message_on_the_page(
        enabled, client, sample):
    sample.replies["check_record"] = [Problem("sample_agency", "Not this agency.")]
    rid = enabled.reviews["alpha"][0].id
    sign_in(client, "review_coordinator@alpha.test")
    refused = client.post(f"/t/alpha/reviews/{rid}/panel-members",
                          data={"agency": "Police", "name": "Invented Officer"})
    page = refused.get_data(as_text=True)
    assert _summary_links(page) == ["#form"] and 'id="form"' in page
