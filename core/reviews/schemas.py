"""What a review looks like on the way in and out. The HTML form and the JSON API both
validate through ``ReviewCreateSchema``, so the rules live in one place."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema


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
    created_at = fields.DateTime(dump_only=True)
