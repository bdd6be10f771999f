"""Need to know inside a partnership: real names, family contacts and agency reports are
read only by the roles that run the review. One cell per field × role × channel."""
from __future__ import annotations

import pytest

from tenants.roles import TenantRole
from tests.factories import sign_in

ALLOWED = {TenantRole.CSP_CHAIR, TenantRole.REVIEW_COORDINATOR}
FIELDS = {  # what, page path, API path (None: no API)
    "protected names": ("names", None),
    "family contacts": ("family-contacts", "family-contacts"),
    "agency reports": ("agency-reports", "agency-reports"),
}


@pytest.mark.parametrize("role", list(TenantRole), ids=lambda r: r.value)
@pytest.mark.parametrize("field", list(FIELDS))
def test_each_field_for_each_role(client, world, field, role):
    page, api = FIELDS[field]
    review = world.reviews["alpha"][0].id
    sign_in(client, f"{role.value}@alpha.test")
    response = client.get(f"/t/alpha/reviews/{review}/{page}")
    body = response.get_data(as_text=True)
    if role in ALLOWED:
        assert response.status_code == 200, (field, role)
    else:
        assert response.status_code == 403, (field, role)
        assert "Invented alpha Person" not in body and "brother" not in body
    if api:
        token = world.tokens[("alpha", role.value)]
        answer = client.get(f"/api/v1/t/alpha/reviews/{review}/{api}",
                            headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == (200 if role in ALLOWED else 403), (field, role, "api")


def test_the_overview_offers_only_what_the_role_may_open(client, world):
    review = world.reviews["alpha"][0].id
    sign_in(client, "viewer@alpha.test")
    html = client.get(f"/t/alpha/reviews/{review}").get_data(as_text=True)
    assert "/family-contacts" not in html and "/names" not in html
    assert "/agency-reports" not in html and "/panel-members" in html


@pytest.mark.parametrize("role", list(TenantRole), ids=lambda r: r.value)
def test_agency_reports_uploaded_as_documents_follow_the_same_rule(client, world, role):
    from core.documents import service as documents
    from core.reviews.service import find_review
    from tenants.context import tenant_scope

    with tenant_scope(world.tenants["alpha"].id):
        review = find_review(world.reviews["alpha"][0].id)
        version = documents.upload(review, b"Invented IMR text.", "imr.txt",
                                   kind="imr", title="Invented health IMR")
    sign_in(client, f"{role.value}@alpha.test")
    base = f"/t/alpha/reviews/{review.id}/documents"
    page = client.get(base)
    download = client.get(f"{base}/{version.document_id}/versions/1")
    token = {"Authorization": f"Bearer {world.tokens[('alpha', role.value)]}"}
    listed = client.get(f"/api/v1{base}", headers=token)
    if role in ALLOWED:
        assert "Invented health IMR" in page.get_data(as_text=True)
        assert download.status_code == 200
        assert any(d["title"] == "Invented health IMR" for d in listed.get_json())
    elif page.status_code == 200:  # a viewer sees the other documents, not the IMR
        assert "Invented health IMR" not in page.get_data(as_text=True)
        assert download.status_code == 404
        assert not any(d["title"] == "Invented health IMR" for d in listed.get_json())
    else:
        assert page.status_code == 403 and download.status_code == 403
