"""A migration's own test starts from an SQLite file at the revision before it, with a
partnership in it (rows written as the old schema had them), whatever the suite's target."""
from __future__ import annotations

import uuid
from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from core.app import create_app
from core.db import db


def database_at(tmp_path, revision: str):
    """(app, engine) of a fresh SQLite file migrated up to ``revision``."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    upgrade_to(app, revision)
    return app, create_engine(url)


def upgrade_to(app, revision: str) -> None:
    with app.app_context():
        upgrade(revision=revision)
        db.engine.dispose()


def add_tenant(conn, created: datetime) -> uuid.UUID:
    """A region and a partnership in it, created at ``created``: the partnership's id."""
    region, tenant = uuid.uuid4(), uuid.uuid4()
    conn.execute(text("INSERT INTO regions (id, slug, name) VALUES (:id, 'r', 'R')"),
                 {"id": region.hex})
    conn.execute(text(
        "INSERT INTO tenants (id, slug, name, reference_prefix, police_force, locale, "
        "brand_colour, logo_version, region_id, created_at) VALUES "
        "(:id, 't', 'T', 'T', 'P', 'en', 'blue', 0, :r, :c)"),
        {"id": tenant.hex, "r": region.hex, "c": created})
    return tenant
