def test_world_builds(world, client):
    from tests.factories import sign_in

    r = sign_in(client, "review_coordinator@alpha.test")
    assert r.status_code == 302
    r = client.get("/t/alpha/")
    assert r.status_code == 200
    assert b"ALP-2026-001" in r.data and b"ALP-2026-002" in r.data
