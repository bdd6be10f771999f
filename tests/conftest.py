"""Test fixtures. SQLite always; PostgreSQL when DHR_TEST_TARGET=postgresql.

On PostgreSQL the application connects as the non-owner role of DHR_TEST_DATABASE_URL,
so row-level security is live in every test; the owner role of
DHR_TEST_ADMIN_DATABASE_URL runs the migrations and clears the tables between tests.
"""
from __future__ import annotations

import contextvars
import os
import tempfile
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from core.app import create_app
from core.db import db

TARGET = os.environ.get("DHR_TEST_TARGET", "sqlite")


@dataclass
class TestDatabase:
    url: str
    admin_url: str
    app_role: str | None

    @property
    def is_postgresql(self) -> bool:
        return self.url.startswith("postgresql")


def _postgresql() -> TestDatabase:
    url = os.environ.get("DHR_TEST_DATABASE_URL")
    admin = os.environ.get("DHR_TEST_ADMIN_DATABASE_URL")
    if not url or not admin:
        pytest.exit("DHR_TEST_TARGET=postgresql needs DHR_TEST_DATABASE_URL (the application "
                    "role) and DHR_TEST_ADMIN_DATABASE_URL (the owner role)", returncode=2)
    app_role = make_url(url).username
    engine = create_engine(admin)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{app_role}"'))
    engine.dispose()
    return TestDatabase(url, admin, app_role)


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> TestDatabase:
    if TARGET == "postgresql":
        target = _postgresql()
    else:
        path = tmp_path_factory.mktemp("db") / "dhr.sqlite3"
        target = TestDatabase(f"sqlite:///{path}", f"sqlite:///{path}", None)
    migrator = create_app({"SQLALCHEMY_DATABASE_URI": target.admin_url, "TESTING": True,
                           "DHR_DB_APP_ROLE": target.app_role})
    with migrator.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return target


@pytest.fixture(scope="session")
def admin_engine(database):
    engine = create_engine(database.admin_url)
    yield engine
    engine.dispose()


def _clear(engine) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
        conn.execute(text("INSERT INTO audit_chain_head (id, last_seq, last_hash) "
                          "VALUES (1, 0, :g)"), {"g": "0" * 64})


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as under gunicorn: no app context, ``g``,
    session or tenant context leaks in from the test or from the request before."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database, **overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": database.url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "DHR_PASSWORD_HASH": "fast",
        "DHR_BLOB_DIR": tempfile.mkdtemp(prefix="dhr-blobs-"),
        # each test app counts sign-in attempts in a file of its own
        "RATELIMIT_STORAGE_URI": "dhr-sqlite://" + os.path.join(
            tempfile.mkdtemp(prefix="dhr-limits-"), "limits.sqlite3"),
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture
def app(database, admin_engine):
    _clear(admin_engine)
    application = make_test_app(database)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app):
    """Two partnerships in two regions with people in every role, reviews and tokens."""
    from tests.factories import build_world

    return build_world()
