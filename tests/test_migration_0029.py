"""Migration 0029 lets a panel meeting be recorded before it is held (issue 14): meetings
recorded before keep their day held; going back removes only the meetings never held (the
old column needs a day held). Runs on its own SQLite file, whatever the suite's target."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from flask_migrate import downgrade
from sqlalchemy import text

from core.db import db
from tests.migration_at import add_tenant, database_at, upgrade_to


def _review(conn, tenant, now) -> uuid.UUID:
    review = uuid.uuid4()
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
    return review


def _meeting(conn, tenant, review, now, **dates) -> str:
    meeting = uuid.uuid4().hex
    names = ", ".join(dates)
    conn.execute(text(
        f"INSERT INTO panel_meetings (id, review_id, {names}, created_at, version, tenant_id) "
        f"VALUES (:id, :r, {', '.join(':' + n for n in dates)}, :c, 1, :t)"),
        {"id": meeting, "r": review.hex, "c": now, "t": tenant.hex, **dates})
    return meeting


def test_meetings_held_stay_and_only_planned_ones_go_on_the_way_back(tmp_path):
    app, engine = database_at(tmp_path, "0028_documents")
    now = datetime(2026, 1, 5, 9, 0, 0)
    with engine.begin() as conn:
        tenant = add_tenant(conn, now)
        review = _review(conn, tenant, now)
        held = _meeting(conn, tenant, review, now, held_on=date(2026, 2, 1))
    upgrade_to(app, "0029_meetings")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT held_on, planned_on FROM panel_meetings")).all() \
            == [("2026-02-01", None)]
        _meeting(conn, tenant, review, now, planned_on=date(2026, 12, 1))
    with app.app_context():
        downgrade(revision="0028_documents")
        db.engine.dispose()
    with engine.begin() as conn:
        assert [r[0] for r in conn.execute(text("SELECT id FROM panel_meetings"))] == [held]
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(panel_meetings)"))}
        assert "planned_on" not in columns
