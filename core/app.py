"""The application factory."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import jinja2
from flask import Flask, g, request
from flask_babel import get_locale
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import SQLAlchemyError

from core import errors, i18n, labels, security
from core.auth.passwords import use_profile
from core.auth.roles import allows
from core.config import ConfigError, from_environment
from core.db import db
from core.web import forms
from core.web import nav as navigation

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = None
# Flask-Login's "strong" protection reads a client's X-Forwarded-For whatever the proxy
# setting: core/auth/sessions.py binds each session to request.remote_addr instead.
login_manager.session_protection = None


class DhrApi(Api):
    """flask-smorest, minus its app-wide HTTPException handler: core/errors.py answers
    problem details for the API and plain pages for people."""

    def _register_error_handlers(self):
        pass


@login_manager.user_loader
def _load_user(user_id: str):
    from core.auth.models import User

    try:
        user = db.session.get(User, uuid.UUID(user_id))
    except (ValueError, SQLAlchemyError):
        db.session.rollback()
        return None
    return user if user is not None and user.is_active else None


def create_app(config: dict | None = None) -> Flask:
    instance = os.environ.get("DHR_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance or None)
    app.config.update(from_environment(app.instance_path))
    app.config.update(config or {})
    _check_production(app)
    use_profile(app.config["DHR_PASSWORD_HASH"])
    if app.config.get("DHR_PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["DHR_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from core.web.head import HeadIsGet

    app.wsgi_app = HeadIsGet(app.wsgi_app)

    import core.models  # noqa: F401  (the whole schema, for Alembic and the walls)
    import tenants.scoping  # noqa: F401  (installs the isolation listeners)

    _templates(app)
    from core.hooks.manager import PluginHost

    app.extensions["dhr_plugins"] = PluginHost(app.config.get("DHR_EXTRA_PLUGINS"),
                                               discover=app.config.get("DHR_DISCOVER_PLUGINS",
                                                                       True))
    db.init_app(app)
    Migrate(app, db, directory=str(MIGRATIONS))
    i18n.init_app(app)
    from core.web import banners, inputs

    banners.init_app(app)  # success banners after a form is done (one table)

    inputs.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    from core.auth import limits, sessions

    limits.init_app(app)
    sessions.init_app(app)
    _blueprints(app)
    errors.init_app(app)
    security.init_app(app)
    _request_hooks(app)

    from core.cli import dhr

    app.cli.add_command(dhr)
    return app


def _check_production(app: Flask) -> None:
    if app.config["DHR_ENV"] != "production":
        return
    if app.config["DHR_PASSWORD_HASH"] != "strong":
        raise ConfigError("production must hash passwords with the strong argon2id profile")
    if app.config.get("TESTING"):
        raise ConfigError("TESTING must not be set in production")
    if app.config.get("DHR_CLOCK_SHIFT_SECONDS"):
        raise ConfigError("the clock shift is for tests only")
    if not app.config.get("DHR_SMTP_URL"):
        raise ConfigError("production needs DHR_SMTP_URL: without it reminders go nowhere")
    if not app.config.get("DHR_CLAMD_URL") and app.config.get("DHR_UPLOAD_SCAN") != "off":
        raise ConfigError("production needs DHR_CLAMD_URL, a ClamAV daemon to scan uploads "
                          "(or DHR_UPLOAD_SCAN=off to run without one, knowingly)")
    if not app.config["DHR_BASE_URL"].startswith("https://"):
        raise ConfigError("production needs DHR_BASE_URL, the https:// address people use: "
                          "links in invitation and reset emails start with it")
    if not app.config.get("DHR_REDIS_URL"):
        raise ConfigError("production needs DHR_REDIS_URL: sign-in attempts must be counted "
                          "in one place that every instance shares")


def _templates(app: Flask) -> None:
    # govuk-frontend-jinja's macros call components with partial params (STACK.md snag 1).
    app.jinja_env.undefined = jinja2.ChainableUndefined
    app.jinja_loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(Path(__file__).parent / "web" / "templates")),
        jinja2.PrefixLoader({
            "govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": jinja2.PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.filters["role_label"] = labels.role_label
    app.jinja_env.filters["stage_label"] = labels.stage_label
    app.jinja_env.filters["code_label"] = labels.code_label
    app.jinja_env.filters["optional"] = lambda f: dict(f, required=False)
    from core.reviews.timeline import describe as describe_event

    app.jinja_env.filters["in_words"] = describe_event  # a timeline entry in words

    @app.context_processor
    def _globals():
        return {
            "current_locale": str(get_locale() or "en"),
            "can": lambda permission: allows(getattr(g, "roles", frozenset()), permission),
            "errors_list": forms.errors_list,
            "form_fields": forms.render_fields,
            "service_navigation": navigation.items,  # core/web/nav.py: one table
        }


def _blueprints(app: Flask) -> None:
    from core.accounts.views import bp as accounts_bp
    from core.admin.api import blp as admin_api
    from core.admin.views import bp as admin_bp
    from core.audit.views import bp as audit_bp
    from core.auth.views import bp as auth_bp
    from core.auth.views import tenant_bp as tokens_bp
    from core.documents.api import blp as documents_api
    from core.documents.views import bp as documents_bp
    from core.exports.views import bp as exports_bp
    from core.health import bp as health_bp
    from core.joint.api import blp as joint_api
    from core.joint.views import bp as joint_bp
    from core.members.views import admin_bp as role_requests_bp
    from core.members.views import bp as members_bp
    from core.names.views import bp as names_bp
    from core.policies.api import blp as policies_api
    from core.policies.views import bp as policies_bp
    from core.public.api import blp as public_api
    from core.public.manage import bp as public_manage_bp
    from core.public.views import bp as public_bp
    from core.records.api import blp as records_api
    from core.records.tracker import blp as tracker_api
    from core.records.tracker import bp as tracker_bp
    from core.records.views import bp as records_bp
    from core.reviews.api import blp as reviews_api
    from core.reviews.views import bp as reviews_bp
    from core.sar.views import bp as sar_bp
    from core.targets.api import blp as targets_api
    from core.targets.views import bp as targets_bp
    from core.web.views import bp as web_bp

    for bp in (health_bp, web_bp, auth_bp, tokens_bp, reviews_bp, records_bp, documents_bp,
               admin_bp, policies_bp, joint_bp, public_bp, members_bp, audit_bp, names_bp,
               sar_bp, accounts_bp, role_requests_bp, targets_bp, public_manage_bp, tracker_bp,
               exports_bp):
        app.register_blueprint(bp)
    app.config.update(
        API_TITLE="DHR Hub API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = DhrApi(app, spec_kwargs={"security": [{"bearerAuth": []}]})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "A personal API token, tied to one partnership."}
    )
    # The API authenticates with bearer tokens, never cookies, so CSRF cannot apply.
    for blueprint in (reviews_api, records_api, documents_api, admin_api, policies_api,
                      joint_api, targets_api, public_api, tracker_api):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    _problem_responses(api)
    _long_request_lines(api)


PROBLEM = {  # RFC 9457 problem details, as core/errors.py writes them
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string", "nullable": True}, "code": {"type": "string"},
            "message": {"type": "string"}}}},
    },
}


def _problem_responses(api) -> None:
    """Every documented error is a problem detail in application/problem+json."""
    components = api.spec.to_dict()["components"]
    api.spec.components.schema("Problem", PROBLEM)
    for name in components.get("responses", {}):
        response = api.spec.components.responses[name]
        response["content"] = {errors.PROBLEM_TYPE: {
            "schema": {"$ref": "#/components/schemas/Problem"}}}

def _long_request_lines(api) -> None:
    """A list filtered by words in its query string can be asked for with a request line
    longer than the HTTP server reads (gunicorn: 4,094 bytes, its ``limit_request_line``).
    The server, not the service, then answers 414 with a page of its own, before any view
    runs: say so on every operation that takes query parameters (found by the API fuzzing,
    issue 14). The search boxes hold at most 80 characters (core/reviews/listing.py), so a
    request the service's own pages make always fits."""
    for operations in api.spec._paths.values():
        for operation in operations.values():
            if not isinstance(operation, dict) or not any(
                    p.get("in") == "query" for p in operation.get("parameters", ())):
                continue
            operation.setdefault("responses", {})["414"] = {
                "description": "The request line is longer than the server reads; the "
                               "answer is the HTTP server's own page.",
                "content": {"text/html": {"schema": {"type": "string"}}}}
    # the schemas' components hold no operation: nothing more to do


def _request_hooks(app: Flask) -> None:
    from core.auth.guards import release_tenant

    app.teardown_request(release_tenant)

    @app.after_request
    def _no_store(response):
        # Case data must never sit in a shared or browser cache: every answer of the API
        # (the admin API's too, which has no tenant) and every signed-in or tenant page.
        if getattr(g, "tenant", None) is not None or current_user.is_authenticated \
                or request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
