"""What no request may carry, checked once before any view reads it.

- NUL characters, anywhere a view could read text from (the path, the query, form fields,
  file names, JSON strings and keys): PostgreSQL refuses them in text, so letting one
  through would fail deep inside a write.
- JSON the parser cannot read safely: nesting deeper than ``MAX_DEPTH``, or an integer
  literal longer than Python will convert (4,300 digits); both used to end in a 500.

Each is a 400 with words a person can act on (core/errors.py renders it).
"""
from __future__ import annotations

import json

from flask import request
from flask_babel import gettext as _

from core import errors

MAX_DEPTH = 64


def _nul_message() -> str:
    return _("Remove the NUL character (\\u0000) from what you sent. Text cannot contain it.")


def _depth_ok(body: bytes) -> bool:
    """Nesting depth counted without parsing (brackets inside strings are skipped)."""
    if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:  # the usual case, at C speed
        return True
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _refuse(detail: str):
    errors.fail(400, [{"field": None, "code": "unreadable", "message": detail}], detail)


def check_request() -> None:
    if "\x00" in request.path or any("\x00" in k or "\x00" in v
                                    for k, v in request.args.items(multi=True)):
        _refuse(_nul_message())
    if request.is_json:
        body = request.get_data(cache=True)
        if not _depth_ok(body):
            _refuse(_("The JSON body is nested too deeply. Send at most %(depth)d levels "
                      "of objects and lists.", depth=MAX_DEPTH))
        try:
            value = json.loads(body) if body.strip() else None
        except RecursionError:
            _refuse(_("The JSON body is nested too deeply. Send at most %(depth)d levels "
                      "of objects and lists.", depth=MAX_DEPTH))
        except ValueError:
            # malformed JSON is for the API's own parser to report; a number too long to
            # convert is not malformed, so say what is wrong with it here
            try:
                json.loads(body, parse_int=lambda text: 0)
            except ValueError:
                return
            _refuse(_("A number in the JSON body is too long. Send numbers of at most "
                      "4,300 digits."))
        else:
            if _holds_nul(value):
                _refuse(_nul_message())
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields = request.form.items(multi=True)
        if any("\x00" in k or "\x00" in v for k, v in fields) or any(
                "\x00" in (f.filename or "") for f in request.files.values()):
            _refuse(_nul_message())


def init_app(app) -> None:
    app.before_request(check_request)
