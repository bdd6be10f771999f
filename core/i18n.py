"""English and Welsh. The choice comes from ``?lang=``, then the person's remembered
choice, then the browser's languages, then the tenant's language."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import g, has_request_context, request, session
from flask_babel import Babel, format_date

from core.web.urls import path_link

LANGUAGES = ("en", "cy")
TRANSLATIONS = Path(__file__).parent / "translations"

babel = Babel()


def select_locale() -> str:
    if not has_request_context():  # CLI commands and the reminder sender write English
        return "en"
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    browser = request.accept_languages.best_match(LANGUAGES)
    if browser:
        return browser
    tenant = getattr(g, "tenant", None)
    if tenant is not None and tenant.locale in LANGUAGES:
        return tenant.locale
    return "en"


def uk_date(value) -> str:
    """Dates as people in the UK write them: 3 March 2026 / 3 Mawrth 2026."""
    return format_date(value, "d MMMM yyyy") if value else ""


def language_url(lang: str) -> str:
    """The page the person is on, in another language (its other query values kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{path_link(request.path)}?{urlencode([*args, ('lang', lang)])}"


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.globals["language_url"] = language_url
