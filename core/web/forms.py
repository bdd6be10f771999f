"""Reading GOV.UK-style forms into the same marshmallow schemas the API uses, so a rule
is written once. Dates come as three boxes (day, month, year)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields

EMPTY = ("", None)


def describe(schema: type[Schema]) -> list[dict]:
    """The fields of ``schema`` as a page shows them, in declaration order."""
    out = []
    for name, field in schema._declared_fields.items():
        if field.dump_only:
            continue
        meta = field.metadata
        out.append({"name": name, "label": meta.get("label", name),
                    "widget": meta.get("widget", "text"), "choices": meta.get("choices", ()),
                    "required": field.required})
    return out


def _date(name: str) -> tuple[str | None, str | None]:
    parts = [request.form.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, None
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, _("Enter the date as day, month and year, for example 27 3 2026")
    day, month, year = (int(p) for p in parts)
    return f"{year:04d}-{month:02d}-{day:02d}", None


def read(schema: type[Schema] | Schema) -> tuple[dict, dict[str, str]]:
    """Validated data and {field: first error} from the submitted form."""
    schema = schema() if isinstance(schema, type) else schema
    raw, errors = {}, {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        if isinstance(field, fields.Date):
            value, error = _date(name)
            if error:
                errors[name] = error
            elif value:
                raw[name] = value
        elif isinstance(field, fields.Boolean):
            raw[name] = request.form.get(name) == "y"
        else:
            value = request.form.get(name, "").strip()
            if value not in EMPTY:
                raw[name] = value
    try:
        data = schema.load(raw)
    except ValidationError as invalid:
        for name, messages in invalid.messages.items():
            message = messages[0] if isinstance(messages, list) else str(messages)
            errors.setdefault(name, _(message))
        data = {}
    return data, errors
