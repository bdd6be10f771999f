"""Migration 0023 keeps old family contacts readable: a contact whose old yes/no said a
Home Office leaflet was given now reads "a leaflet, which one was not recorded"; one that
said no names no leaflet. Reviews notified before it have no case facts (nothing is
guessed). Runs on its own SQLite file, whatever the suite's target."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from core.app import create_app
from core.db import db


def test_P6_old_leaflet_answers_stay_readable(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(revision="0022_local_practice")
        db.engine.dispose()
    region, tenant, review = (uuid.uuid4() for _ in range(3))
    given, not_given = uuid.uuid4(), uuid.uuid4()
    now = datetime(2026, 3, 1, 9, 0, 0)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO regions (id, slug, name) VALUES (:id, 'r', 'R')"),
                     {"id": region.hex})
        conn.execute(text(
            "INSERT INTO tenants (id, slug, name, reference_prefix, police_force, locale, "
            "brand_colour, logo_version, region_id, created_at) VALUES "
            "(:id, 't', 'T', 'T', 'P', 'en', 'blue', 0, :r, :c)"),
            {"id": tenant.hex, "r": region.hex, "c": now})
        conn.execute(text(
            "INSERT INTO reviews (id, reference, pseudonym, date_of_death, notification_date, "
            "notifying_agency, stage, guidance_profile, created_at, local_fields, version, "
            "tenant_id) VALUES (:id, 'T-2026-001', 'Adult (invented)', :d, :d, 'P', "
            "'evidence', 'england-2016', :c, '{}', 1, :t)"),
            {"id": review.hex, "d": date(2026, 2, 1), "c": now, "t": tenant.hex})
        for contact, leaflet in ((given, 1), (not_given, 0)):
            conn.execute(text(
                "INSERT INTO family_contacts (id, review_id, contacted_on, relationship, "
                "method, leaflet_given, contribution, saw_draft, created_at, version, "
                "tenant_id) VALUES (:id, :r, :d, 'sister', 'letter', :l, 'none', 0, :c, 1, "
                ":t)"),
                {"id": contact.hex, "r": review.hex, "d": date(2026, 2, 5), "l": leaflet,
                 "c": now, "t": tenant.hex})
    with app.app_context():
        upgrade(revision="0023_case_facts")
        db.engine.dispose()
    with engine.connect() as conn:
        leaflets = dict(conn.execute(text("SELECT id, leaflet FROM family_contacts")).all())
        offered = set(conn.execute(text(
            "SELECT advocacy_offered FROM family_contacts")).scalars())
        facts = conn.execute(text(
            "SELECT victim_age, relationship_to_suspect, death_type, police_force, "
            "decision_scope_reasons FROM reviews")).one()
    engine.dispose()
    assert leaflets == {given.hex: "not_recorded", not_given.hex: None}
    assert offered == {0}
    assert tuple(facts) == (None, None, None, None, None)
