"""Migration 0023 keeps old family contacts readable: a contact whose old yes/no said a
Home Office leaflet was given now reads "a leaflet, which one was not recorded"; one that
said no names no leaflet. Reviews notified before it have no case facts (nothing is
guessed). Runs on its own SQLite file, whatever the suite's target."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import text

from tests.migration_at import add_tenant, database_at, upgrade_to


def test_P6_old_leaflet_answers_stay_readable(tmp_path):
    app, engine = database_at(tmp_path, "0022_local_practice")
    review = uuid.uuid4()
    given, not_given = uuid.uuid4(), uuid.uuid4()
    now = datetime(2026, 3, 1, 9, 0, 0)
    with engine.begin() as conn:
        tenant = add_tenant(conn, now)
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
    upgrade_to(app, "0023_case_facts")
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
