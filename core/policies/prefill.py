"""Saved values as a form's boxes hold them, so a page shows what was saved (issue 14: a
policy's settings and a review's local information came back as empty boxes after saving),
and as words for a page that only lists them."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from core.labels import code_label


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def form_values(described: list[dict], values: dict) -> MultiDict:
    """``values`` (saved: JSON, so dates as ISO text) as the submitted form of the fields
    ``described`` (core/web/forms.describe) would hold them: a date as day, month and year,
    a ticked box as "y", a list as one entry per ticked choice."""
    form = MultiDict()
    for f in described:
        name, value = f["name"], values.get(f["name"])
        if value is None:
            continue
        if f["widget"] == "date" and _day(value) is not None:
            day = _day(value)
            form.update({f"{name}-day": str(day.day), f"{name}-month": str(day.month),
                         f"{name}-year": str(day.year)})
        elif f["widget"] == "checkbox":
            if value:
                form[name] = "y"
        elif isinstance(value, list | tuple):
            for item in value:
                form.add(name, str(item))
        else:
            form[name] = value.isoformat() if isinstance(value, date) else str(value)
    return form


def in_words(described: list[dict], values: dict) -> list[dict]:
    """Saved values for a summary list: each field's label and its value in words (choices
    by their labels); a saved value the schema no longer names is listed under its key."""
    labels = {f["name"]: f for f in described}
    rows = []
    for name, value in values.items():
        f = labels.get(name, {"label": name, "widget": "text"})
        if isinstance(value, list | tuple):
            text = ", ".join(code_label(v) for v in value) or _("None")
        elif isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif f["widget"] in ("choice", "checkboxes"):
            text = code_label(value)
        else:
            text = str(value)
        rows.append({"key": {"text": str(f["label"])}, "value": {"text": text}})
    return rows
