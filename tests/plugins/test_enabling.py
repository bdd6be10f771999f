"""Regional admins switch local policies on per CSP; members see what applies."""
from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from core.policies import service as policies
from tests.factories import sign_in


def _admin(world, region):
    return {"Authorization": f"Bearer {world.admin_tokens[region]}"}


def test_a_regional_admin_enables_and_configures_through_the_api(client, world):
    base = "/api/v1/admin/tenants/alpha/policies"
    listing = client.get(base, headers=_admin(world, "north"))
    assert listing.status_code == 200
    assert {p["name"] for p in listing.json} >= {"warrington", "preston", "manchester",
                                                 "wigan", "walsall"}
    bad = client.put(f"{base}/warrington", json={"settings": {"min_quotes": 99}},
                     headers=_admin(world, "north"))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "settings.min_quotes"
    unknown = client.put(f"{base}/warrington", json={"settings": {"colour": "red"}},
                         headers=_admin(world, "north"))
    assert unknown.status_code == 422
    assert client.put(f"{base}/nonesuch", json={}, headers=_admin(world, "north")
                      ).status_code == 404
    assert policies.enabled(world.tenants["alpha"].id) == {}
    good = client.put(f"{base}/warrington", json={"settings": {"min_quotes": 2}},
                      headers=_admin(world, "north"))
    # what was sent, and the setting's default for what was not
    assert good.status_code == 200
    assert good.json["settings"] == {"min_quotes": 2, "dardr_from": "2024-02-05"}
    assert "policy.enable" in {e.action for e in db.session.scalars(select(AuditEvent))}
    assert client.delete(f"{base}/warrington", headers=_admin(world, "north")
                         ).status_code == 204
    assert client.delete(f"{base}/warrington", headers=_admin(world, "north")
                         ).status_code == 404


def test_an_admin_outside_the_region_gets_404_and_changes_nothing(client, world):
    base = "/api/v1/admin/tenants/alpha/policies"
    assert client.get(base, headers=_admin(world, "south")).status_code == 404
    assert client.put(f"{base}/wigan", json={}, headers=_admin(world, "south")
                      ).status_code == 404
    sign_in(client, "regional@south.test")
    assert client.post("/admin/tenants/alpha/policies/wigan", data={}).status_code == 404
    assert policies.enabled(world.tenants["alpha"].id) == {}
    # a tenant token is not an admin token
    member = {"Authorization": f"Bearer {world.tokens[('alpha', 'csp_admin')]}"}
    assert client.get(base, headers=member).status_code == 401


def test_the_admin_pages(client, world):
    sign_in(client, "regional@north.test")
    assert "Alpha CSP (test)" in client.get("/admin/").get_data(as_text=True)
    assert "Beta CSP (test)" not in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/tenants/alpha/policies").get_data(as_text=True)
    assert "Preston local policy" in page
    refused = client.post("/admin/tenants/alpha/policies/preston", data={"months_online": "12"})
    assert refused.status_code == 400
    assert "Enter how to ask for a report after that" in refused.get_data(as_text=True)
    assert client.post("/admin/tenants/alpha/policies/preston", data={
        "months_online": "12", "request_contact": "reviews@alpha.example"}).status_code == 302
    assert set(policies.enabled(world.tenants["alpha"].id)) == {"preston"}
    assert client.post("/admin/tenants/alpha/policies/preston/disable").status_code == 302
    assert policies.enabled(world.tenants["alpha"].id) == {}
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/admin/").status_code == 404


def test_members_see_which_policies_apply(client, world):
    policies.enable(world.tenants["alpha"], "manchester", {"learning_pack_days": 45})
    sign_in(client, "viewer@alpha.test")
    page = client.get("/t/alpha/policies").get_data(as_text=True)
    assert "Manchester local policy" in page and "45" in page
    token = {"Authorization": f"Bearer {world.tokens[('alpha', 'viewer')]}"}
    assert client.get("/api/v1/t/alpha/policies", headers=token).json == [{
        "name": "manchester", "title": "Manchester local policy",
        "description": policies.host().info("manchester")["description"],
        "settings": {"learning_pack_days": 45}}]
    beta = {"Authorization": f"Bearer {world.tokens[('beta', 'viewer')]}"}
    assert client.get("/api/v1/t/beta/policies", headers=beta).json == []
