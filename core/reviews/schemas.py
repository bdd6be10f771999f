"""What a review looks like on the way in and out. The HTML form and the JSON API both
validate through ``ReviewCreateSchema``, so the rules live in one place."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.lifecycle.profiles import DEFAULT_PROFILE, PROFILES
from core.lifecycle.stages import HOLD_REASONS
from core.timestamps import UtcDateTime


def _today() -> date:
    return date.today()


def _not_future(value: date) -> None:
    if value > _today():
        raise ValidationError(_("The date cannot be in the future."))


def _no_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(_("Enter a value, not only spaces."))


class ReviewCreateSchema(Schema):
    pseudonym = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=100, error=_l("Enter 1 to 100 characters.")),
                  _no_blank],
        metadata={"description": "Pseudonym for the person who died. Never a real name."},
    )
    date_of_death = fields.Date(required=True, validate=_not_future)
    notification_date = fields.Date(required=True, validate=_not_future)
    notifying_agency = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200, error=_l("Enter 1 to 200 characters.")),
                  _no_blank],
    )
    guidance_profile = fields.String(
        load_default=DEFAULT_PROFILE,
        validate=validate.OneOf(sorted(PROFILES), error=_l("Choose one of: {choices}.")),
        metadata={"description": "The guidance the review runs under, fixed for its life."},
    )

    @validates_schema
    def _notified_after_death(self, data, **_kwargs):
        died, told = data.get("date_of_death"), data.get("notification_date")
        if died and told and told < died:
            raise ValidationError(
                _("The notification date cannot be before the date of death."),
                field_name="notification_date",
            )


class ReviewSchema(Schema):
    id = fields.UUID(dump_only=True)
    reference = fields.String(dump_only=True)
    pseudonym = fields.String(dump_only=True)
    date_of_death = fields.Date(dump_only=True)
    notification_date = fields.Date(dump_only=True)
    notifying_agency = fields.String(dump_only=True)
    stage = fields.String(dump_only=True)
    guidance_profile = fields.String(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class DeadlineSchema(Schema):
    key = fields.String()
    kind = fields.String()
    label = fields.String()
    statutory_due = fields.Date()
    adjusted_due = fields.Date()
    met_on = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": ["due", "due_soon", "overdue", "met", "met_late"]})


class ReviewDetailSchema(ReviewSchema):
    decision = fields.String(dump_only=True, allow_none=True)
    decision_date = fields.Date(dump_only=True, allow_none=True)
    decision_reasons = fields.String(dump_only=True, allow_none=True)
    home_office_told_on = fields.Date(dump_only=True, allow_none=True)
    submitted_on = fields.Date(dump_only=True, allow_none=True)
    published_on = fields.Date(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True)
    on_hold = fields.Boolean(dump_only=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema), dump_only=True)
    next_steps = fields.List(fields.String(), dump_only=True, metadata={
        "description": "Values of 'to' that may follow from this stage."})


class TransitionSchema(Schema):
    to = fields.String(required=True, metadata={
        "description": "The target stage, or 'hold' / 'resume'."})
    data = fields.Dict(load_default=dict, metadata={
        "description": "The step's data (dates as YYYY-MM-DD): see the lifecycle docs."})
    version = fields.Integer(load_default=None, metadata={
        "description": "The version you last saw; a different current version answers 409."})


def _day(label) -> fields.Date:
    return fields.Date(validate=_not_future, metadata={"label": label, "widget": "date"})


def _pick(label, choices) -> fields.String:
    return fields.String(validate=validate.Length(max=32),
                         metadata={"label": label, "widget": "choice", "choices": choices})


# Each step's fields, with the label and control its form shows.
_STEP_FIELDS = {
    "decision_date": lambda: _day(_l("Date of the decision")),
    "home_office_told_on": lambda: _day(_l("Date the Home Office was told")),
    "decided_on": lambda: _day(_l("Date of the decision")),
    "signed_off_on": lambda: _day(_l("Date the CSP signed the report off")),
    "submitted_on": lambda: _day(_l("Date submitted to the Home Office")),
    "copies_sent_on": lambda: fields.Date(validate=_not_future, allow_none=True, metadata={
        "label": _l("Date copies were sent"), "widget": "date"}),
    "outcome": lambda: _pick(_l("The Home Office panel's outcome"),
                             ("approved", "approved_subject_to_changes")),
    "outcome_on": lambda: _day(_l("Date of the Home Office letter")),
    "published_on": lambda: _day(_l("Date published")),
    "started_on": lambda: _day(_l("Date the hold began")),
    "resumed_on": lambda: _day(_l("Date the review resumed")),
    "reason": lambda: _pick(_l("Reason for the hold"), HOLD_REASONS),
    "reasons": lambda: fields.String(validate=[validate.Length(
        min=1, max=10000, error=_l("Enter 1 to 10000 characters.")), _no_blank],
        metadata={"label": _l("Reasons"), "widget": "textarea"}),
    "note": lambda: fields.String(validate=validate.Length(max=10000), allow_none=True,
                                  metadata={"label": _l("Note"), "widget": "textarea"}),
}
STEP_OPTIONAL = {"submit": ("copies_sent_on",), "hold": ("note",)}


def step_data_schema(transition) -> Schema:
    """The schema of one step's data: its required fields, and the optional ones it takes."""
    names = (*transition.required, *STEP_OPTIONAL.get(transition.name, ()))
    attrs = {}
    for name in names:
        field = _STEP_FIELDS[name]()
        field.required = name in transition.required
        attrs[name] = field
    return Schema.from_dict(attrs, name=f"{transition.name}Data")()
