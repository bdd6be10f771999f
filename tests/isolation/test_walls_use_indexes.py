"""Both walls use their indexes (DESIGN.md §2, §6): with many partnerships in the database,
no query of the dashboard, the review list (API; the dashboard is the list page) or a review
page reads every partnership's rows.

Every SELECT those requests send is EXPLAINed again as the application role, with the same
parameters, with row-level security live (``dhr.tenant_id`` set) and sequential scans
priced out: a plan that still scans a tenant-owned table whole has no index it could use.
Each wall is then checked alone: raw SQL through the policies only, and the ORM criteria as
written (under RLS the policy's indexes would hide criteria that can use none).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, event, text
from sqlalchemy.types import JSON, String, Text, Uuid

from core.db import db
from tenants.scoping import scoped_models
from tests.conftest import TARGET
from tests.factories import sign_in

pytestmark = pytest.mark.skipif(TARGET != "postgresql",
                                reason="plans under row-level security exist only on PostgreSQL")

TENANTS = 120          # partnerships besides the two of the test world
REVIEWS = 12           # reviews per partnership
PER_REVIEW = 3         # rows of each kind per review
SMALL = 50             # a table this small may be scanned whole: it is no cost

# What the lifecycle reads must make sense; every other column gets a plain value.
VALUES = {
    "reviews": {"reference": "'BULK-' || g", "stage": "'notified'",
                "guidance_profile": "'england-2016'", "notification_date":
                "current_date - (g % 300)", "date_of_death": "current_date - 400"},
    "holds": {"reason": "'criminal_trial'", "stage": "'scoping'", "resumed_on": "current_date"},
    "actions": {"status": "'open'", "recommendation_id":
                "(SELECT x.id FROM recommendations x WHERE x.review_id = r.id LIMIT 1)"},
    "document_versions": {"number": "100 + g", "document_id":
                          "(SELECT x.id FROM documents x WHERE x.review_id = r.id LIMIT 1)"},
    "documents": {"kind": "'other'", "latest_version": "3"},
    "learning_tasks": {"recipients": "'[]'"},
    "learning_receipts": {"learning_task_id":
                          "(SELECT x.id FROM learning_tasks x WHERE x.review_id = r.id LIMIT 1)"},
    "publication_records": {"decision": "'publish'", "documents": "'[]'"},
    "agency_report_requests": {"report_type": "'imr'"},
    "family_contacts": {"contribution": "'none'", "method": "'letter'"},
    "outbox_messages": {"dedupe_key": "gen_random_uuid()::text", "sent_at": "now()"},
}
# Children of a review, filled in the order their foreign keys need.
CHILDREN = ("holds", "timeline_events", "scoping_returns", "chair_appointments",
            "panel_members", "panel_meetings", "agency_report_requests", "family_contacts",
            "parallel_processes",
            "recommendations", "actions", "home_office_submissions", "publication_records",
            "documents", "document_versions", "learning_tasks", "learning_receipts",
            "home_office_changes", "early_learning", "outbox_messages",
            "document_requests", "protected_names")


def _value(column) -> str:
    kind = column.type
    if isinstance(kind, Uuid):
        return "gen_random_uuid()"
    if isinstance(kind, Boolean):
        return "false"
    if isinstance(kind, Integer):
        return "1"
    if isinstance(kind, DateTime):
        return "now()"
    if isinstance(kind, Date):
        return "current_date - (g % 90)"
    if isinstance(kind, JSON):
        return "'{}'"
    if isinstance(kind, String | Text):
        return "'bulk'"
    raise AssertionError(f"no bulk value for {column}")


def _insert(table: str, source: str) -> str:
    """INSERT … SELECT one row per row of ``source`` (which names ``g``, and ``r`` a
    review) for the tenant set in ``dhr.tenant_id``."""
    columns, values = [], []
    for column in db.metadata.tables[table].c:
        if column.name == "tenant_id":
            value = "NULLIF(current_setting('dhr.tenant_id', true), '')::uuid"
        elif column.name == "review_id":
            value = "r.id"
        elif column.name in VALUES.get(table, {}):
            value = VALUES[table][column.name]
        elif column.nullable:
            continue
        else:
            value = _value(column)
        columns.append(column.name)
        values.append(value)
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"


def _bulk(admin_engine, world) -> list:
    """Many partnerships, each with reviews and rows of every kind, plus joint reviews;
    the test world's partnerships get the same. Written by the owner role, one tenant at
    a time (FORCE binds the owner too)."""
    region = world.regions["north"].id
    tenant_ids = [t.id for t in world.tenants.values()]
    with admin_engine.begin() as conn:
        for n in range(TENANTS):
            tenant_ids.append(conn.execute(text(
                "INSERT INTO tenants (id, slug, name, reference_prefix, police_force, locale, "
                "brand_colour, logo_version, region_id, created_at) VALUES (gen_random_uuid(),"
                " :slug, :slug, 'BLK', 'Bulk Police', 'en', 'blue', 0, :region, now()) "
                "RETURNING id"), {"slug": f"bulk-{n}", "region": region}).scalar())
        reviews = _insert("reviews", f"FROM generate_series(1, {REVIEWS}) AS g, "
                                     "(SELECT NULL::uuid AS id) AS r")
        children = {table: _insert(table, f"FROM reviews AS r, generate_series(1, "
                                          f"{PER_REVIEW}) AS g WHERE r.tenant_id = "
                                          "NULLIF(current_setting('dhr.tenant_id', true), "
                                          "'')::uuid")
                    for table in CHILDREN}
        for tid in tenant_ids:
            conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"), {"t": str(tid)})
            conn.execute(text(reviews))
            for table in CHILDREN:
                conn.execute(text(children[table]))
        # each partnership leads one joint review shared with the next (accepted)
        for lead, partner in zip(tenant_ids, tenant_ids[1:] + tenant_ids[:1], strict=True):
            conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"), {"t": str(lead)})
            conn.execute(text(
                "INSERT INTO review_partners (id, review_id, partner_tenant_id, invited_at, "
                "accepted_at, tenant_id) SELECT gen_random_uuid(), r.id, :p, now(), now(), "
                ":t FROM reviews r WHERE r.tenant_id = :t ORDER BY r.reference LIMIT 1"),
                {"p": partner, "t": lead})
    with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    return tenant_ids


class Statements:
    """Every statement sent through ``engine``, with its parameters."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, _conn, _cursor, statement, parameters, _context, executemany):
        if not executemany:
            self.seen.append((statement, parameters))


def _scans(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _scans(child)


def _full_scans(engine, tenant_id, statements, sizes) -> tuple[int, list[str]]:
    """EXPLAIN each SELECT as the application role under RLS; the scans that read a
    sizeable tenant-owned table whole (a Seq Scan, or an index walked with no condition)."""
    found, checked = [], 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT") or "set_config" in statement:
                continue
            checked += 1
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SELECT set_config('dhr.tenant_id', %(t)s, true)",
                           {"t": str(tenant_id)})
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            for node in _scans(plan):
                table = node.get("Relation Name")
                if sizes.get(table, 0) <= SMALL:
                    continue
                whole = node["Node Type"] == "Seq Scan" or (
                    node["Node Type"] in ("Index Scan", "Index Only Scan")
                    and "Index Cond" not in node)
                if whole:
                    found.append(f"{node['Node Type']} on {table} "
                                 f"(filter: {node.get('Filter', '-')}) in: {statement[:300]}")
            raw.rollback()
    finally:
        raw.rollback()
        raw.close()
    return checked, found


def test_dashboard_list_and_review_page_scan_no_partnership_whole(app, world, admin_engine):
    _bulk(admin_engine, world)
    scoped = {m.__tablename__ for m in scoped_models(db.Model)}
    with admin_engine.connect() as conn:
        sizes = {name: rows for name, rows in conn.execute(text(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace")) if name in scoped}
    assert sizes["actions"] > 3000 and sizes["reviews"] > 1000, sizes

    client = app.test_client()
    assert sign_in(client, "review_coordinator@alpha.test").status_code == 302
    rid = world.reviews["alpha"][0].id
    token = {"Authorization": f"Bearer {world.tokens[('alpha', 'review_coordinator')]}"}
    requests = [("/t/alpha/", {}), ("/api/v1/t/alpha/reviews", token),
                ("/api/v1/t/alpha/dashboard", token), (f"/t/alpha/reviews/{rid}", {}),
                (f"/api/v1/t/alpha/reviews/{rid}", token),
                # the lists' filters, sorts and pages, and the action tracker (issue 14)
                ("/t/alpha/?q=bulk&stage=notified&year=2026&overdue=yes&sort=due&page=2", {}),
                ("/t/alpha/?on_hold=yes&closed=yes&withdrawn=yes&sort=reference&order=desc",
                 {}),
                ("/api/v1/t/alpha/reviews?guidance_profile=england-2016&sort=notified"
                 "&order=asc&page=3&page_size=5", token),
                ("/t/alpha/actions", {}),
                ("/t/alpha/actions?q=bulk&owner=bulk&agency=bulk&status=open&overdue=yes"
                 "&sort=owner&order=desc&page=2", {}),
                ("/api/v1/t/alpha/actions?sort=reference&page=2&page_size=5", token)]
    with Statements(db.engine) as sent:
        for url, headers in requests:
            assert client.get(url, headers=headers).status_code == 200, url
    tenant = world.tenants["alpha"].id
    checked, found = _full_scans(db.engine, tenant, sent.seen, sizes)
    print(f"{checked} SELECTs explained, {len(found)} whole-table scans")
    assert checked > 20
    assert found == [], "\n".join(found)
    # Wall 2 alone: raw SQL that names no tenant reaches its rows through the policy's
    # indexes (the ORM criteria above could otherwise hide an unindexable policy).
    raw = [(f"SELECT * FROM {table}", None) for table in sorted(sizes) if sizes[table] > SMALL]
    checked, found = _full_scans(db.engine, tenant, raw, sizes)
    assert checked >= len(CHILDREN)
    assert found == [], "\n".join(found)
    # Wall 1 alone: under RLS the policy's indexes would serve a query whose own criteria
    # cannot use any, so the ORM's shape is checked as written.
    written = [statement for statement, _ in sent.seen]
    assert not [s for s in written if "IN (SELECT review_partners.review_id" in s]
    assert [s for s in written if "= ANY (ARRAY(SELECT review_partners.review_id" in s]
