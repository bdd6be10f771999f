"""Migration 0022 gives the panel members recorded before it the agency category their
agency's name makes obvious, or "other" (SEED-AUDIT.md S5), and never fails. Runs on its
own SQLite file, whatever the suite's target."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import text

from tests.migration_at import add_tenant, database_at, upgrade_to

AGENCIES = {"West Midlands Police": "police", "West Midlands Fire Service": "fire_and_rescue",
            "Safer Walsall Partnership": "csp", "Invented Charity": "other",
            "Black Country Healthcare (mental health)": "mental_health", "": "other"}


def test_S5_members_recorded_before_categories_get_the_obvious_one(tmp_path):
    app, engine = database_at(tmp_path, "0021_lifecycle_fixes")
    review = uuid.uuid4()
    now = datetime(2026, 1, 5, 9, 0, 0)
    with engine.begin() as conn:
        tenant = add_tenant(conn, now)
        columns = {row[1]: row for row in conn.execute(text("PRAGMA table_info(reviews)"))}
        values = {"id": review.hex, "tenant_id": tenant.hex, "reference": "T-1",
                  "pseudonym": "Adult (invented)", "date_of_death": date(2026, 1, 1),
                  "notification_date": date(2026, 1, 2), "notifying_agency": "Police",
                  "stage": "setup", "guidance_profile": "england-2016", "created_at": now,
                  "version": 1}
        for name, row in columns.items():  # every other NOT NULL column gets a plain value
            if name not in values and row[3] and row[4] is None:
                values[name] = 0 if "INT" in row[2].upper() or "BOOL" in row[2].upper() \
                    else "{}" if "JSON" in row[2].upper() else "x"
        conn.execute(text(f"INSERT INTO reviews ({', '.join(values)}) VALUES "
                          f"({', '.join(':' + n for n in values)})"), values)
        for agency in AGENCIES:
            conn.execute(text(
                "INSERT INTO panel_members (id, review_id, agency, name, created_at, version, "
                "tenant_id) VALUES (:id, :r, :a, 'Invented', :c, 1, :t)"),
                {"id": uuid.uuid4().hex, "r": review.hex, "a": agency, "c": now,
                 "t": tenant.hex})
    upgrade_to(app, "0022_local_practice")
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT agency, category FROM panel_members")).all())
    engine.dispose()
    assert found == AGENCIES
