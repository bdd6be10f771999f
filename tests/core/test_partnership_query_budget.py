"""Issue 12, part 6: the pages that list partnerships cost a fixed number of SQL statements,
whatever the number of partnerships on the platform (about 330 in production)."""
from __future__ import annotations

import uuid

from sqlalchemy import insert

from core.auth import service as auth
from core.db import db
from tenants.models import Membership, RegionMembership, Tenant
from tenants.roles import RegionRole, TenantRole
from tests.core.test_concurrency_and_queries import QueryCounter
from tests.factories import add_member, make_region, make_tenant, make_user, sign_in


def _tenant_rows(regions, start: int, stop: int) -> list[dict]:
    """Tenants ``start``..``stop - 1``, alternately in each region (plain rows for a bulk
    insert)."""
    return [{"id": uuid.uuid4(), "slug": f"csp-{n:03d}", "name": f"Csp {n:03d} CSP (test)",
             "reference_prefix": f"C{n:03d}", "police_force": "Test Police", "locale": "en",
             "region_id": regions[n % len(regions)].id} for n in range(start, stop)]


def _build(small: int):
    north, south = make_region("north"), make_region("south")
    tenants = [make_tenant(r["slug"], north if r["region_id"] == north.id else south,
                           r["reference_prefix"]) for r in _tenant_rows([north, south], 0, small)]
    regional = make_user("regional@north.test")
    db.session.add(RegionMembership(user_id=regional.id, region_id=north.id,
                                    role=RegionRole.REGIONAL_ADMIN))
    make_user("platform@hub.test", is_platform_admin=True)
    member = make_user("member@several.test")
    for tenant in tenants[:4]:
        add_member(member, tenant, TenantRole.VIEWER)
    add_member(member, tenants[0], TenantRole.REVIEW_COORDINATOR)
    db.session.commit()
    token = auth.create_admin_token(regional, "budget")[1]
    return (north, south), member, token


def _grow(regions, member, start: int, stop: int) -> None:
    """Bulk insert: the platform grows to ``stop`` partnerships, the member joins a third."""
    rows = _tenant_rows(regions, start, stop)
    db.session.execute(insert(Tenant), rows)
    db.session.execute(insert(Membership), [
        {"id": uuid.uuid4(), "user_id": member.id, "tenant_id": r["id"], "role": TenantRole.VIEWER}
        for r in rows[::3]])
    db.session.commit()


def _measure(app, clients, token) -> dict[str, int]:
    counts = {}
    for label, client, url, headers, status in [
        ("/admin/ regional", clients["regional"], "/admin/", {}, 200),
        ("/admin/ platform", clients["platform"], "/admin/", {}, 200),
        ("/ member", clients["member"], "/", {}, 200),
        # a regional admin with no partnership lands on the admin home (issue 14)
        ("/ regional", clients["regional"], "/", {}, 302),
        ("/admin/tenants/csp-000/policies", clients["regional"],
         "/admin/tenants/csp-000/policies", {}, 200),
        ("API policies", clients["api"], "/api/v1/admin/tenants/csp-000/policies",
         {"Authorization": f"Bearer {token}"}, 200),
    ]:
        with QueryCounter(db.engine) as counter:
            response = client.get(url, headers=headers)
        assert response.status_code == status, (label, response.status_code)
        counts[label] = counter.count
    return counts


def _listed(client, url: str) -> set[str]:
    page = client.get(url).get_data(as_text=True)
    return {f"csp-{n:03d}" for n in range(300) if f"/t/csp-{n:03d}/" in page
            or f"/admin/tenants/csp-{n:03d}/" in page}


def test_partnership_lists_cost_the_same_for_10_and_200_partnerships(app):
    regions, member, token = _build(10)
    clients = {name: app.test_client() for name in ("regional", "platform", "member", "api")}
    sign_in(clients["regional"], "regional@north.test")
    sign_in(clients["platform"], "platform@hub.test")
    sign_in(clients["member"], "member@several.test")
    small = _measure(app, clients, token)

    _grow(regions, member, 10, 200)
    large = _measure(app, clients, token)
    print("statements (10 -> 200 partnerships): "
          + ", ".join(f"{k} {small[k]}->{large[k]}" for k in small))
    assert small == large

    # ... and the same people see the same partnerships as before.
    every = {f"csp-{n:03d}" for n in range(200)}
    assert _listed(clients["regional"], "/admin/") == {s for s in every if int(s[4:]) % 2 == 0}
    assert _listed(clients["platform"], "/admin/") == every
    assert _listed(clients["member"], "/") == (
        {f"csp-{n:03d}" for n in range(4)} | {f"csp-{n:03d}" for n in range(10, 200, 3)})
    assert clients["member"].get("/admin/").status_code == 404
    assert clients["regional"].get("/admin/tenants/csp-001/policies").status_code == 404
