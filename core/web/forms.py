"""Forms: Flask-WTF forms drawn with govuk-frontend-wtf's GOV.UK widgets, built from the
same marshmallow schemas the API uses, so a rule is written once (marshmallow validates;
WTForms parses the boxes and draws them). Dates come as three boxes (day, month, year)."""
from __future__ import annotations

from datetime import date

from flask import g, request
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


def _digits(part: str) -> bool:
    """ASCII digits only: str.isdigit() also says yes to "²", which int() refuses."""
    return part.isascii() and part.isdigit()


def date_from(source, name: str, label=None) -> tuple[str | None, str | None]:
    """An ISO date from the three boxes of ``name`` in ``source``, or a message saying how
    to write it (a real calendar date is also checked). With the field's ``label`` the
    message names the date, as the GOV.UK date input asks
    (https://design-system.service.gov.uk/components/date-input/#error-messages)."""
    parts = [str(source.get(f"{name}-{p}", "")).strip() for p in PARTS]
    if not any(parts):
        return None, None
    if label is None:
        if not all(_digits(p) for p in parts) or len(parts[2]) != 4:
            return None, _("Enter the date as day, month and year, for example 27 3 2026")
    else:
        missing = [p for p, value in zip(PARTS, parts, strict=True) if not value]
        if missing:
            return None, _date_missing(str(label), missing)
        if not all(_digits(p) for p in parts):
            return None, _("%(label)s must be a real date", label=label)
        if len(parts[2]) != 4:
            return None, _("%(label)s must include a year with 4 numbers", label=label)
    try:  # a day of 30 digits is no date either (OverflowError), nor one of 5,000 (ValueError)
        day, month, year = (int(p) for p in parts)
        return date(year, month, day).isoformat(), None
    except (ValueError, OverflowError):
        if label is not None:
            return None, _("%(label)s must be a real date", label=label)
        return None, _("Enter a real date, for example 27 3 2026")


def _date_missing(label: str, missing: list[str]) -> str:
    if missing == ["day"]:
        return _("%(label)s must include a day", label=label)
    if missing == ["month"]:
        return _("%(label)s must include a month", label=label)
    if missing == ["year"]:
        return _("%(label)s must include a year", label=label)
    if missing == ["day", "month"]:
        return _("%(label)s must include a day and month", label=label)
    if missing == ["day", "year"]:
        return _("%(label)s must include a day and year", label=label)
    return _("%(label)s must include a month and year", label=label)


def read(schema: type[Schema] | Schema) -> tuple[dict, dict[str, str]]:
    """Validated data and {field: first error} from the submitted form. The API shows
    marshmallow's own messages; a page shows each error in words for people
    (``people_message``)."""
    schema = schema() if isinstance(schema, type) else schema
    raw, errors = {}, {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        if isinstance(field, fields.Date):
            g.setdefault("date_fields", set()).add(name)
            value, error = date_from(request.form, name, label_of(name, field))
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
            field = schema.fields.get(name)
            errors.setdefault(name, _(message) if field is None
                              else people_message(name, field, raw, message))
        data = {}
    return data, errors


# -- Error messages for people (GOV.UK error message patterns:
# https://design-system.service.gov.uk/components/error-message/). One place turns what
# marshmallow refused (required, null, invalid, a validator) and the field's label into a
# sentence. A field may carry its own: metadata={"messages": {"required": _l("...")}},
# keyed by the codes below ("required", "null", "invalid", "choice", "length", "range",
# "past").

_CHOOSE_WIDGETS = frozenset({"choice", "recommendation", "parallel_process", "checkboxes",
                             "checkbox"})
# Labels that start with one of these take no "the": "Enter their relationship..."
_DETERMINERS = ("the ", "their ", "a ", "an ", "your ", "who ", "what ", "when ", "which ",
                "how ", "why ", "whether ", "if ", "y ", "yr ", "eu ", "ei ", "eich ",
                "pwy ", "beth ", "pryd ", "pa ", "sut ", "a oes ", "os ")


def label_of(name: str, field) -> str:
    """The question a page asks for ``field`` (its metadata), or its name in words."""
    label = field.metadata.get("label")
    return str(label) if label else name.replace("_", " ").capitalize()


def _lower(label: str) -> str:
    """'Date of death' -> 'date of death', but 'CSP reference' stays as it is."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _enter(label: str) -> str:
    if label.rstrip().endswith("?"):  # a question: better its own message in metadata
        return _("Enter your answer to: %(label)s", label=label)
    words = _lower(label)
    if words.lower().startswith(_DETERMINERS):
        return _("Enter %(label)s", label=words)
    return _("Enter the %(label)s", label=words)


def _select(label: str) -> str:
    if label.rstrip().endswith("?"):
        return _("Select your answer to: %(label)s", label=label)
    words = _lower(label)
    if words.lower().startswith(_DETERMINERS):
        return _("Select %(label)s", label=words)
    return _("Select the %(label)s", label=words)


def _class_defaults(field) -> dict:
    defaults: dict = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


def _custom(field, key: str) -> str | None:
    """The field's own message for ``key``, if the project wrote one (not the library's)."""
    message = field.error_messages.get(key)
    if message is None or message is _class_defaults(field).get(key):
        return None
    return str(message)


def _failure(name: str, field, raw: dict):
    """Why marshmallow refused the field: (code, the validator that failed or None)."""
    if name not in raw:  # not sent: required, unless a schema-wide rule named the field
        return ("required", None) if field.required else (None, None)
    value = raw[name]
    if value is None:
        return ("null", None)
    try:
        typed = field._deserialize(value, name, raw)
    except ValidationError:
        return ("invalid", None)
    except Exception:  # noqa: BLE001 - a field that cannot even try: still the input's fault
        return ("invalid", None)
    for check in field.validators:
        try:
            if check(typed) is False:
                return ("validator", check)
        except ValidationError:
            return ("validator", check)
    return (None, None)  # refused by the schema as a whole: its own message stands


def people_message(name: str, field, raw: dict, message: str) -> str:
    """The page's sentence for marshmallow's ``message`` about ``field``."""
    from marshmallow import validate

    code, check = _failure(name, field, raw)
    if code == "validator":
        if isinstance(check, validate.OneOf):
            code = "choice"
        elif isinstance(check, validate.Length):
            code = "length"
        elif isinstance(check, validate.Range):
            code = "range"
        elif isinstance(check, validate.Email):
            code = "email"
        elif getattr(check, "__name__", "") == "_not_future":
            code = "past"
        elif getattr(check, "__name__", "") == "_no_blank":
            code = "required"
    own = field.metadata.get("messages") or {}
    if code in own:
        return str(own[code])
    label = label_of(name, field)
    widget = field.metadata.get("widget", "text")
    choose = widget in _CHOOSE_WIDGETS or isinstance(field, fields.UUID | fields.List |
                                                     fields.Boolean)
    if code in ("required", "null", "choice"):
        if code != "choice" and isinstance(field, fields.Date):
            return _enter(label)
        return _select(label) if choose or code == "choice" else _enter(label)
    if code == "invalid":
        custom = _custom(field, "invalid")
        if custom:
            return custom
        if isinstance(field, fields.Date):
            return _("%(label)s must be a real date", label=label)
        if isinstance(field, fields.Integer):
            return _("%(label)s must be a whole number", label=label)
        if isinstance(field, fields.Number):
            return _("%(label)s must be a number", label=label)
        if isinstance(field, fields.Email):
            return _("Enter an email address in the correct format, like name@example.com")
        return _select(label) if choose else _enter(label)
    if code == "length":
        value = raw.get(name)
        if check.min and (value is None or len(str(value)) < check.min):
            if check.min <= 1:
                return _enter(label)
            return _("%(label)s must be %(min)d characters or more", label=label,
                     min=check.min)
        return _("%(label)s must be %(max)d characters or fewer", label=label, max=check.max)
    if code == "range":
        if check.min is not None and check.max is not None:
            return _("%(label)s must be between %(min)s and %(max)s", label=label,
                     min=check.min, max=check.max)
        if check.min is not None:
            return _("%(label)s must be %(min)s or more", label=label, min=check.min)
        return _("%(label)s must be %(max)s or less", label=label, max=check.max)
    if code == "email":
        return _("Enter an email address in the correct format, like name@example.com")
    if code == "past":
        return _("%(label)s must be today or in the past", label=label)
    return _(message)


def errors_list(errors: dict[str, str]) -> list[dict]:
    """The error summary: each message linked to its field, a date to its day box (GOV.UK:
    https://design-system.service.gov.uk/components/date-input/#error-messages)."""
    dates = g.get("date_fields", set())

    def anchor(name: str) -> str:
        return f"#{name}-day" if name in dates or f"{name}-day" in request.form else f"#{name}"

    # a message put right on another page carries its address (core/policies/location.py)
    return [{"text": text, "href": getattr(text, "href", None) or anchor(name)}
            for name, text in errors.items()]


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
