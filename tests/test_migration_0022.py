"""Migration 0022 gives the panel members recorded before it the agency category their
agency's name makes obvious, or "other" (SEED-AUDIT.md S5), and never fails. Runs on its
own SQLite file, whatever the suite's target."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from core.app import create_app
from core.db import db

AGENCIES = {"West Midlands Police": "police", "West Midlands Fire Service": "fire_and_rescue",
            "Safer Walsall Partnership": "csp", "Invented Charity": "other",
            "Black Country Healthcare (mental health)": "mental_health", "": "other"}


def test_S5_members_recorded_before_categories_get_the_obvious_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(revision="0021_lifecycle_fixes")
        db.engine.dispose()
    region, tenant, review = (uuid.uuid4() for _ in range(3))
    now = datetime(2026, 1, 5, 9, 0, 0)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO regions (id, slug, name) VALUES (:id, 'r', 'R')"),
                     {"id": region.hex})
        conn.execute(text(
            "INSERT INTO tenants (id, slug, name, reference_prefix, police_force, locale, "
            "brand_colour, logo_version, region_id, created_at) VALUES "
            "(:id, 't', 'T', 'T', 'P', 'en', 'blue', 0, :r, :c)"),
            {"id": tenant.hex, "r": region.hex, "c": now})
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
    with app.app_context():
        upgrade(revision="0022_local_practice")
        db.engine.dispose()
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT agency, category FROM panel_members")).all())
    engine.dispose()
    assert found == AGENCIES
