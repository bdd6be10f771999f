"""Cases the fuzzer found, kept as plain tests: timestamps carry their offset, a version
number beyond any integer column is a 404 (not a 500), error bodies are problem details
documented as such."""
from __future__ import annotations

from tests.factories import sign_in


def _auth(world):
    return {"Authorization": f"Bearer {world.tokens[('alpha', 'review_coordinator')]}"}


def test_timestamps_are_rfc3339_with_an_offset(client, world):
    reviews = client.get("/api/v1/t/alpha/reviews", headers=_auth(world)).get_json()
    assert reviews and all(r["created_at"].endswith("+00:00") for r in reviews)


def test_a_huge_version_number_is_not_found(client, world):
    rid, doc = world.reviews["alpha"][0].id, world.documents["alpha"]
    path = f"/t/alpha/reviews/{rid}/documents/{doc}/versions/10000000000000000000"
    assert client.get(f"/api/v1{path}", headers=_auth(world)).status_code == 404
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get(path).status_code == 404


def test_errors_are_documented_as_problem_details(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for response in spec["components"]["responses"].values():
        assert list(response["content"]) == ["application/problem+json"]
    assert spec["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status"]
