"""Errors that a person can act on: RFC 9457 problem details for the API, plain pages for
people. Neither ever shows a stack trace, SQL or whether another tenant's record exists."""
from __future__ import annotations

import logging

from flask import Response, json, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, default_exceptions

from core.db import db

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be read"),
        401: _("Sign-in needed"),
        403: _("You cannot do this"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("This cannot be done now"),
        413: _("The request is too large"),
        415: _("Unsupported content type"),
        422: _("Check the data you sent"),
        429: _("Too many requests"),
        500: _("Sorry, there is a problem with the service"),
        503: _("Sorry, the service is unavailable"),
    }


def _details() -> dict[int, str]:
    return {
        400: _("Check that the request body is well-formed JSON and try again."),
        401: _("Send a valid personal API token as 'Authorization: Bearer <token>'."),
        403: _("Your role in this partnership does not allow this. Ask your CSP admin."),
        404: _("There is nothing at this address, or you do not have access to it."),
        405: _("This address does not accept that method."),
        413: _("Send less data in one request."),
        415: _("Send the body as application/json."),
        409: _("See 'errors' for what must happen first."),
        422: _("Correct the fields listed in 'errors' and try again."),
        429: _("There have been too many attempts. Wait 15 minutes, then try again. If you "
               "have lost your password or your authenticator app, ask your CSP admin."),
        500: _("Try again later. The problem has been logged."),
        503: _("Try again in a minute."),
    }


def N_(message: str) -> str:
    """Marks a library's message for extraction; it is translated when shown."""
    return message


# Messages that webargs and marshmallow produce in English; listed so the Welsh catalogue
# carries them (``_field_errors`` translates every message it passes on).
LIBRARY_MESSAGES = (
    N_("Invalid JSON body."),
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Not a valid date."),
    N_("Not a valid string."),
    N_("Not a valid UUID."),
    N_("Invalid input type."),
    N_("Field may not be null."),
)


def _field_errors(messages, prefix: str = "") -> list[dict]:
    """Flatten webargs/marshmallow messages into [{field, message}]."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = key if key not in ("json", "form", "query", "_schema") else ""
            path = ".".join(p for p in (prefix, str(name)) if p)
            out.extend(_field_errors(value, path))
    elif isinstance(messages, (list, tuple)):
        for value in messages:
            out.extend(_field_errors(value, prefix))
    else:
        out.append({"field": prefix or None, "message": _(str(messages))})
    return out


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str | None = None, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": _titles().get(status, str(status)),
        "status": status,
        "detail": detail or _details().get(status, ""),
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for key, value in (headers or {}).items():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def _page(status: int, headers=None, detail: str | None = None):
    template = f"errors/{status}.html" if status in (403, 404, 500, 503) else "errors/error.html"
    title = _titles().get(status, str(status))
    response = Response(
        render_template(template, status=status, title=title,
                        detail=detail or _details().get(status, "")),
        status=status,
    )
    for key, value in (headers or {}).items():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def handle_http(error: HTTPException):
    status = error.code or 500
    headers = dict(error.get_headers())
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    if not is_api_request():
        return _page(status, headers, data.get("detail"))
    errors = _field_errors(data["messages"]) if "messages" in data else data.get("problems")
    detail = data.get("detail")
    if status == 400 and errors and all(e["field"] is None for e in errors):
        detail, errors = " ".join(e["message"] for e in errors), None
    return problem(status, detail, errors, headers)


def fail(status: int, problems: list[dict], detail: str | None = None):
    """Stop the request with a problem detail listing ``problems`` ({field, code, message})."""
    error = default_exceptions[status]()
    error.data = {"problems": problems, "detail": detail}
    raise error


def handle_database_down(error: OperationalError):
    log.error("database unavailable: %s", type(error).__name__)
    db.session.rollback()
    headers = {"Retry-After": "30"}
    return problem(503, headers=headers) if is_api_request() else _page(503, headers)


def handle_unexpected(error: Exception):
    log.exception("unhandled error")
    db.session.rollback()
    return problem(500) if is_api_request() else _page(500)


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)
