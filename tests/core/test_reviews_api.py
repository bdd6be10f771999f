"""The reviews JSON API: create, list, read, and bad input as problem details."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

GOOD = {"pseudonym": "API Adult (invented)", "date_of_death": "2026-03-01",
        "notification_date": "2026-03-04", "notifying_agency": "Test Police"}


def _auth(world, slug="alpha", role="review_coordinator"):
    return {"Authorization": f"Bearer {world.tokens[(slug, role)]}"}


def test_create_list_and_read(client, world):
    created = client.post("/api/v1/t/alpha/reviews", json=GOOD, headers=_auth(world))
    assert created.status_code == 201, created.json
    body = created.json
    assert body["reference"] == "ALP-2026-003"  # two demo reviews exist already
    assert body["stage"] == "notified" and body["guidance_profile"] == "england-2016"
    listed = client.get("/api/v1/t/alpha/reviews", headers=_auth(world, role="viewer"))
    assert listed.status_code == 200
    assert [r["reference"] for r in listed.json] == ["ALP-2026-003", "ALP-2026-002",
                                                     "ALP-2026-001"]
    read = client.get(f"/api/v1/t/alpha/reviews/{body['id']}", headers=_auth(world))
    assert read.status_code == 200 and read.json["pseudonym"] == GOOD["pseudonym"]


def test_references_are_per_tenant_and_per_year(client, world):
    beta = client.post("/api/v1/t/beta/reviews", json=GOOD, headers=_auth(world, "beta"))
    assert beta.json["reference"] == "BET-2026-002"
    older = dict(GOOD, date_of_death="2025-12-01", notification_date="2025-12-02")
    assert client.post("/api/v1/t/alpha/reviews", json=older,
                       headers=_auth(world)).json["reference"] == "ALP-2025-001"


def _problem(response, status):
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status and response.json["title"]
    assert b"Traceback" not in response.data and b"SELECT" not in response.data
    return response.json


def _fields(problem):
    return {e["field"] for e in problem.get("errors", [])}


def test_malformed_json_is_a_400_problem(client, world):
    response = client.post("/api/v1/t/alpha/reviews", data="{not json",
                           content_type="application/json", headers=_auth(world))
    assert "JSON" in _problem(response, 400)["detail"]


@pytest.mark.parametrize("change, field", [
    ({"date_of_death": 20260301}, "date_of_death"),
    ({"pseudonym": ["a", "list"]}, "pseudonym"),
    ({"date_of_death": "01/03/2026"}, "date_of_death"),
    ({"surname": "Real Name"}, "surname"),
    ({"pseudonym": "x" * 101}, "pseudonym"),
    ({"notifying_agency": "y" * 201}, "notifying_agency"),
    ({"pseudonym": "   "}, "pseudonym"),
    ({"date_of_death": (date.today() + timedelta(days=1)).isoformat()}, "date_of_death"),
    ({"notification_date": "2026-02-01"}, "notification_date"),  # before the death
])
def test_invalid_fields_are_422_naming_the_field(client, world, change, field):
    response = client.post("/api/v1/t/alpha/reviews", json={**GOOD, **change},
                           headers=_auth(world))
    problem = _problem(response, 422)
    assert field in _fields(problem)
    assert all(e["message"] for e in problem["errors"])


def test_missing_fields_are_named(client, world):
    problem = _problem(client.post("/api/v1/t/alpha/reviews", json={}, headers=_auth(world)),
                       422)
    assert _fields(problem) == {"pseudonym", "date_of_death", "notification_date",
                                "notifying_agency"}


def test_a_json_list_instead_of_an_object_is_refused(client, world):
    _problem(client.post("/api/v1/t/alpha/reviews", json=[GOOD], headers=_auth(world)), 422)


def test_nothing_is_written_on_bad_input(client, world):
    client.post("/api/v1/t/alpha/reviews", json={**GOOD, "pseudonym": ""}, headers=_auth(world))
    assert len(client.get("/api/v1/t/alpha/reviews", headers=_auth(world)).json) == 2


def test_unknown_tenant_unknown_review_and_other_tenants_review_look_the_same(client, world):
    beta_review = world.reviews["beta"][0].id
    answers = [
        client.get("/api/v1/t/no-such-csp/reviews", headers=_auth(world)),
        client.get("/api/v1/t/alpha/reviews/00000000-0000-4000-8000-000000000000",
                   headers=_auth(world)),
        client.get(f"/api/v1/t/alpha/reviews/{beta_review}", headers=_auth(world)),
        client.get(f"/api/v1/t/beta/reviews/{beta_review}", headers=_auth(world)),
    ]
    bodies = {r.data for r in answers}
    assert [r.status_code for r in answers] == [404] * 4 and len(bodies) == 1


def test_missing_wrong_or_revoked_token_is_401(client, world, app):
    assert _problem(client.get("/api/v1/t/alpha/reviews"), 401)
    wrong = {"Authorization": "Bearer dhr_not-a-real-token"}
    response = client.get("/api/v1/t/alpha/reviews", headers=wrong)
    assert _problem(response, 401) and "Bearer" in response.headers["WWW-Authenticate"]
    assert client.get("/api/v1/t/alpha/reviews",
                      headers={"Authorization": "Basic abc"}).status_code == 401
    from core.auth import service as auth
    from core.auth.models import User
    from core.db import db

    coordinator = db.session.get(User, world.users[("alpha", "review_coordinator")].id)
    row = world.token_rows[("alpha", "review_coordinator")]
    assert auth.revoke_token(coordinator, world.tenants["alpha"], row.id)
    _problem(client.get("/api/v1/t/alpha/reviews", headers=_auth(world)), 401)


def test_a_role_that_may_not_act_gets_403_in_its_own_tenant(client, world):
    problem = _problem(client.post("/api/v1/t/alpha/reviews", json=GOOD,
                                   headers=_auth(world, role="viewer")), 403)
    assert problem["detail"]
    for role in ("csp_admin", "panel_member", "independent_chair"):
        _problem(client.get("/api/v1/t/alpha/reviews", headers=_auth(world, role=role)), 403)


def test_the_openapi_spec_documents_the_api(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"] == "DHR Hub API"
    paths = spec["paths"]
    assert "/api/v1/t/{slug}/reviews" in paths
    assert "/api/v1/t/{slug}/reviews/{review_id}" in paths
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_method_not_allowed_keeps_allow_header(client, world):
    response = client.delete("/api/v1/t/alpha/reviews", headers=_auth(world))
    assert _problem(response, 405) and "GET" in response.headers["Allow"]


def test_api_responses_are_not_cached(client, world):
    response = client.get("/api/v1/t/alpha/reviews", headers=_auth(world))
    assert response.headers["Cache-Control"] == "no-store"
