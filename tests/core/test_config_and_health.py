"""Settings from the environment, production refusals and the health check."""
from __future__ import annotations

import pytest

from core.app import create_app
from core.config import ConfigError, from_environment

SECRET = "s" * 40


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(ConfigError, match="DHR_SECRET_KEY"):
        from_environment(str(tmp_path), {"DHR_ENV": "production"})
    with pytest.raises(ConfigError, match="DHR_SECRET_KEY"):
        from_environment(str(tmp_path), {"DHR_ENV": "production", "DHR_SECRET_KEY": "short"})


def test_create_app_refuses_production_without_a_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("DHR_ENV", "production")
    monkeypatch.delenv("DHR_SECRET_KEY", raising=False)
    monkeypatch.setenv("DHR_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_production_settings(tmp_path):
    config = from_environment(str(tmp_path), {"DHR_ENV": "production", "DHR_SECRET_KEY": SECRET,
                                              "DHR_DATABASE_URL": "postgresql://x/y"})
    assert config["SECRET_KEY"] == SECRET
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["DHR_DEMO_ALLOWED"] is False
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql://x/y"


def test_development_defaults_to_sqlite_under_instance_with_a_kept_secret(tmp_path):
    first = from_environment(str(tmp_path), {})
    second = from_environment(str(tmp_path), {})
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'dhr.sqlite3'}"
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first["SESSION_COOKIE_SECURE"] is False


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="DHR_ENV"):
        from_environment(str(tmp_path), {"DHR_ENV": "staging-ish"})


def test_production_refuses_demo_data(monkeypatch, database, admin_engine):
    from tests.conftest import _clear

    _clear(admin_engine)
    monkeypatch.setenv("DHR_ENV", "production")
    monkeypatch.setenv("DHR_SECRET_KEY", SECRET)
    monkeypatch.setenv("DHR_SMTP_URL", "smtp://127.0.0.1:1025")
    monkeypatch.setenv("DHR_BASE_URL", "https://dhr.example")
    monkeypatch.setenv("DHR_CLAMD_URL", "unix:///run/clamav/clamd.ctl")
    monkeypatch.setenv("DHR_REDIS_URL", "redis://127.0.0.1:6379/15")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database.url})
    result = app.test_cli_runner().invoke(args=["dhr", "demo", "load"])
    assert result.exit_code != 0 and "never loaded in production" in result.output
    with app.app_context():
        from sqlalchemy import func, select

        from core.db import db
        from tenants.models import Tenant

        assert db.session.scalar(select(func.count()).select_from(Tenant)) == 0
        db.engine.dispose()


def test_production_refuses_weak_password_hashing(monkeypatch):
    monkeypatch.setenv("DHR_ENV", "production")
    monkeypatch.setenv("DHR_SECRET_KEY", SECRET)
    with pytest.raises(ConfigError, match="argon2id"):
        create_app({"DHR_PASSWORD_HASH": "fast", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
                      "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable" and response.headers["Retry-After"]


def test_a_database_outage_gives_503_not_500_on_pages(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
                      "TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    api = client.get("/api/v1/t/alpha/reviews", headers={"Authorization": "Bearer dhr_missing"})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    page = client.post("/sign-in", data={"email": "a@b.test", "password": "x"})
    assert page.status_code == 503 and b"Traceback" not in page.data


def test_the_stylesheet_is_served_without_the_gov_uk_brand(client):
    from pathlib import Path

    page = client.get("/sign-in").get_data(as_text=True)
    assert '/static/app.min.css' in page
    css = client.get("/static/app.min.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    assert ".govuk-button" in text and "system-ui" in text
    assert "GDS Transport" not in text
    static = Path(__file__).resolve().parents[2] / "core" / "static"
    assert not list(static.rglob("*crest*")) and not list(static.rglob("*.woff*"))
    assert "govuk-header__logotype" not in page  # no crown in our header


def test_production_needs_mail_and_logs_no_sql_values(database, tmp_path, monkeypatch):
    from core.app import create_app
    from core.config import ConfigError

    monkeypatch.setenv("DHR_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="DHR_SMTP_URL"):
        create_app({"DHR_ENV": "production", "SECRET_KEY": "k" * 40,
                    "SQLALCHEMY_DATABASE_URI": database.url})
    app = create_app({"SQLALCHEMY_DATABASE_URI": database.url})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
