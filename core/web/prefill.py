"""Change forms (issue 14): a form to correct a record opens with what the record holds,
and what it sends back is read as a correction: a field left as it was changes nothing,
an optional field emptied is cleared, a required one emptied is refused with its own
message. Shared by the record pages (core/records/views.py) and the review's own details
(core/reviews/views.py)."""
from __future__ import annotations

from datetime import date

from flask import request
from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict

from core.web import forms

PRESENT = "_present"  # a hidden input per field the form shows (an unticked box sends nothing)


def form_values(obj, described: list[dict]) -> MultiDict:
    """What the form's boxes show for ``obj``: dates in their three boxes, choices
    selected, boxes ticked, and the names of the fields the form carries."""
    values = MultiDict()
    for field in described:
        name = field["name"]
        value = getattr(obj, name, None)
        values.add(PRESENT, name)
        if field["widget"] == "date":
            if isinstance(value, date):
                values.update({f"{name}-day": str(value.day), f"{name}-month": str(value.month),
                               f"{name}-year": str(value.year)})
        elif field["widget"] == "checkbox":
            if value:
                values[name] = "y"
        elif field["widget"] == "checkboxes":
            for item in value or ():
                values.add(name, str(item))
        elif value is not None:
            values[name] = str(value)
    return values


def present_names(schema: Schema) -> set[str]:
    """The fields the submitted form carried: those it names in ``_present`` (the change
    pages), else those it sent a box for (a client posting only what it changes)."""
    named = set(request.form.getlist(PRESENT))
    if named:
        return named & set(schema.fields)
    sent = set(request.form)
    return {name for name, field in schema.fields.items()
            if name in sent or (isinstance(field, fields.Date)
                                and any(f"{name}-{p}" in sent for p in forms.PARTS))}


def read_correction(schema_class: type[Schema], obj=None) -> tuple[dict, dict[str, str]]:
    """The change the submitted form asks for: {field: new value} for each field it
    carried (None: cleared), and {field: message} for what cannot be taken (a required
    field emptied is refused with the schema's own message, as when the record was added).
    A field that cannot be empty and is not required (a record's category) is left as it
    was when emptied, and so is a yes/no that ``obj`` holds as not known (None) when its
    box is left unticked (a box cannot say "not known")."""
    schema = schema_class(partial=True)
    present = present_names(schema)
    data, errors = forms.read(schema)
    data = {name: value for name, value in data.items() if name in present}
    emptied = [name for name in sorted(present)
               if not schema.fields[name].dump_only and _empty(name, schema.fields[name])]
    required = [name for name in emptied if schema.fields[name].required]
    if required:
        _none, missing = forms.read(schema_class(only=required))
        for name in required:
            if name in missing:
                errors.setdefault(name, missing[name])
    cleared = False
    for name in emptied:
        field = schema.fields[name]
        if isinstance(field, fields.Boolean):
            data[name] = False
        elif not field.required and field.allow_none:
            data[name], cleared = None, True
    if cleared and not errors:  # the schema's own rules see what is cleared too
        errors.update(_schema_errors(schema_class, data))
    for name, field in schema.fields.items():
        if isinstance(field, fields.Boolean) and data.get(name) is False \
                and obj is not None and getattr(obj, name, False) is None:
            del data[name]  # not known, and still not ticked
    return data, errors


def _empty(name: str, field) -> bool:
    """Whether the form sent nothing for ``name`` (an unticked box is an answer: no)."""
    if isinstance(field, fields.Boolean):
        return False
    if isinstance(field, fields.Date):
        return not any(str(request.form.get(f"{name}-{p}", "")).strip() for p in forms.PARTS)
    if isinstance(field, fields.List):
        return not request.form.getlist(name)
    return not request.form.get(name, "").strip()


def _schema_errors(schema_class: type[Schema], data: dict) -> dict[str, str]:
    """What the schema as a whole says of ``data`` (a rule across fields, such as "a
    meeting has a date, held or planned"), in the page's words."""
    from marshmallow import ValidationError

    schema = schema_class(partial=True)
    raw = schema.dump(data)
    try:
        schema.load(raw)
    except ValidationError as invalid:
        found = {}
        for name, messages in invalid.messages.items():
            message = messages[0] if isinstance(messages, list) else str(messages)
            field = schema.fields.get(name)
            words = getattr(forms, "people_message", None)
            found[name] = words(name, field, raw, message) if words and field else message
        return found
    return {}
