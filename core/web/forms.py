"""Forms: Flask-WTF forms drawn with govuk-frontend-wtf's GOV.UK widgets, built from the
same marshmallow schemas the API uses, so a rule is written once (marshmallow validates;
WTForms parses the boxes and draws them). Dates come as three boxes (day, month, year)."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from marshmallow import Schema, ValidationError, fields
from wtforms import (
    BooleanField,
    Field,
    FileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.utils import unset_value

from core.labels import code_label

EMPTY = ("", None)
PARTS = ("day", "month", "year")


def describe(schema: type[Schema], columns: bool = False) -> list[dict]:
    """The fields of ``schema`` as a page shows them, in declaration order: those a person
    enters, and with ``columns`` (a list's table) also the output-only ones that carry a
    label (written by the steps)."""
    out = []
    for name, field in schema._declared_fields.items():
        if field.dump_only and not (columns and "label" in field.metadata):
            continue
        meta = field.metadata
        out.append({"name": name, "label": meta.get("label", name),
                    "widget": meta.get("widget", "text"), "choices": meta.get("choices", ()),
                    "required": field.required})
        if out[-1]["widget"] == "checkboxes":  # ticked until the person says otherwise
            default = field.load_default
            out[-1]["default"] = list(default() if callable(default) else default or ())
    return out


class CheckboxesField(SelectMultipleField):
    """Several choices ticked in one group (GOV.UK checkboxes). A form not yet submitted
    shows the field's default ticked (an unticked box cannot be told from no form)."""

    widget = GovCheckboxesInput()

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata if formdata else None, data, extra_filters)


class DayMonthYearInput(GovDateInput):
    """GOV.UK date input whose boxes are named ``<name>-day`` and so on, labelled in the
    page's language (the upstream widget names all three alike and labels them in English).
    """

    def map_gov_params(self, field, **kwargs):
        params = GovFormBase.map_gov_params(self, field, **kwargs)
        params.pop("label", None)
        params["fieldset"] = {"legend": {"text": field.label.text,
                                         "classes": "govuk-fieldset__legend--s"}}
        widths = {"day": 2, "month": 2, "year": 4}
        labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
        params["items"] = [{
            "id": f"{field.name}-{part}", "name": f"{field.name}-{part}", "label": labels[part],
            "classes": f"govuk-input--width-{widths[part]}"
                       + (" govuk-input--error" if field.errors else ""),
            "value": field.parts.get(part, "")} for part in PARTS]
        return params


class DayMonthYearField(Field):
    """Three boxes, kept as typed: marshmallow decides whether they make a date."""

    widget = DayMonthYearInput()

    def process(self, formdata, data=None, extra_filters=None):
        self.errors, self.raw_data, self.data = [], None, None
        source = formdata if formdata is not None else {}
        self.parts = {p: str(source.get(f"{self.name}-{p}", "") or "").strip() for p in PARTS}

    def _value(self) -> str:
        return " ".join(self.parts.values()).strip()


def _field(f: dict, options) -> Field:
    label = f["label"] if f["required"] else f"{f['label']} {_('(optional)')}"
    if f["widget"] == "date":
        return DayMonthYearField(label, description=_("For example, 27 3 2026"))
    if f["widget"] == "textarea":
        return TextAreaField(label, widget=GovTextArea())
    if f["widget"] == "checkbox":
        return BooleanField(f["label"], widget=GovCheckboxInput())
    if isinstance(options, dict):  # options per field: {name: [(value, label)]}
        options = options.get(f["name"])
    if f["widget"] in ("choice", "recommendation", "parallel_process"):
        pairs = [("", _("Choose")), *(options or [])]
        if f["widget"] == "choice":
            pairs += [(c, code_label(c)) for c in f["choices"]]
        choices = [SelectChoice(value, label) for value, label in pairs]
        return SelectField(label, choices=choices, widget=GovSelect(), validate_choice=False)
    if f["widget"] == "checkboxes":
        return CheckboxesField(f["label"], choices=[SelectChoice(c, code_label(c))
                                                    for c in f["choices"]],
                               default=f.get("default", []), validate_choice=False)
    if f["widget"] == "file":
        return FileField(label, widget=GovFileInput())
    if f["widget"] == "code":  # one-time codes: digits on phones, no autofill of old ones
        return StringField(label, widget=GovTextInput(), render_kw={
            "autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"})
    if f["widget"] == "email":
        return StringField(label, widget=GovTextInput(), description=f.get("hint", ""),
                           render_kw={
            "type": "email", "autocomplete": "email", "spellcheck": "false"})
    return StringField(label, widget=GovTextInput())


def build(described: list[dict], values=None, errors: dict | None = None,
          options=None) -> FlaskForm:
    """A Flask-WTF form for the described fields, filled from ``values`` (the submitted
    form, or nothing) and showing ``errors`` ({field: message}) beside each field."""

    class Form(FlaskForm):
        class Meta:
            csrf = False  # CSRFProtect checks every POST app-wide; pages carry the token

    for f in described:
        setattr(Form, f["name"], _field(f, options))
    form = Form(formdata=_multidict(values))
    for name, message in (errors or {}).items():
        if name in form._fields:
            form[name].errors = [message]
    return form


def _multidict(values):
    from werkzeug.datastructures import MultiDict

    if values is None or hasattr(values, "getlist"):
        return values if values else MultiDict()
    return MultiDict(values)


def _date(name: str) -> tuple[str | None, str | None]:
    return date_from(request.form, name)


def date_from(source, name: str) -> tuple[str | None, str | None]:
    """An ISO date from the three boxes of ``name`` in ``source``, or a message saying how
    to write it (a real calendar date is also checked)."""
    parts = [str(source.get(f"{name}-{p}", "")).strip() for p in PARTS]
    if not any(parts):
        return None, None
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, _("Enter the date as day, month and year, for example 27 3 2026")
    day, month, year = (int(p) for p in parts)
    try:
        return date(year, month, day).isoformat(), None
    except ValueError:
        return None, _("Enter a real date, for example 27 3 2026")


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
        elif isinstance(field, fields.List):  # checkboxes: every box ticked, maybe none
            raw[name] = request.form.getlist(name)
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


def render_fields(described: list[dict], values=None, errors: dict | None = None,
                  options=None):
    """Template global: every field of the form, drawn by its GOV.UK widget."""
    from markupsafe import Markup

    form = build(described, values, errors, options)
    return Markup("\n").join(
        field(params={"errorMessage": {"text": field.errors[0],
                                       "visuallyHiddenText": _("Error")}}
              if field.errors else {})
        for field in form)
