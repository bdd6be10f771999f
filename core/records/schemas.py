"""Marshmallow schemas for each kind of record: what may come in, what goes out.

``metadata["label"]`` is the question a page asks; ``metadata["widget"]`` picks the form
control (text, textarea, date, checkbox, choice).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from core.timestamps import UtcDateTime


def _not_future(value: date) -> None:
    if value > date.today():
        raise ValidationError(_("The date cannot be in the future."))


def line(label, max_len=200, required=True, widget="text"):
    return fields.String(
        required=required, allow_none=not required,
        validate=validate.Length(min=1 if required else 0, max=max_len,
                                 error=_l("Enter at most {max} characters.")),
        metadata={"label": label, "widget": widget},
    )


def long_text(label, required=False):
    return line(label, 10000, required, "textarea")


def day(label, required=True, past=True):
    return fields.Date(required=required, allow_none=not required,
                       validate=_not_future if past else None,
                       metadata={"label": label, "widget": "date"})


def choice(label, choices, required=True):
    return fields.String(required=required,
                         validate=validate.OneOf(choices, error=_l("Choose one of: {choices}.")),
                         metadata={"label": label, "widget": "choice", "choices": choices})


def flag(label):
    return fields.Boolean(load_default=False, metadata={"label": label, "widget": "checkbox"})


class Out(Schema):
    """Common output fields."""

    id = fields.UUID(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    version = fields.Integer(dump_only=True)


class ScopingReturnIn(Schema):
    agency = line(_l("Agency"))
    asked_on = day(_l("Date the agency was asked"))
    answered_on = day(_l("Date the agency answered"), required=False)
    knew_victim = fields.Boolean(allow_none=True, metadata={
        "label": _l("The agency knew the person who died"), "widget": "checkbox"})
    knew_perpetrator = fields.Boolean(allow_none=True, metadata={
        "label": _l("The agency knew the perpetrator"), "widget": "checkbox"})
    summary = long_text(_l("Summary of contact"))


class ChairAppointmentIn(Schema):
    name = line(_l("Independent chair's name"))
    organisation = line(_l("Organisation"), required=False)
    appointed_on = day(_l("Date appointed"))
    independence_statement = long_text(_l("Statement of independence"), required=True)


class PanelMemberIn(Schema):
    agency = line(_l("Agency"))
    name = line(_l("Name"))
    role_title = line(_l("Job title"), required=False)


class PanelMeetingIn(Schema):
    held_on = day(_l("Date of the meeting"))
    summary = long_text(_l("Summary"))


REPORT_TYPES = ("imr", "chronology", "summary_report")


class AgencyReportRequestIn(Schema):
    agency = line(_l("Agency"))
    report_type = choice(_l("Report type"), REPORT_TYPES)
    contact_email = fields.Email(required=False, allow_none=True, metadata={
        "label": _l("Agency contact email (for the request and reminders)"), "widget": "text"})
    requested_on = day(_l("Date requested"))
    due_on = day(_l("Date due"), past=False)


class AgencyReportUpdate(Schema):
    returned_on = day(_l("Date the report came back"), required=False)
    waived_reason = long_text(_l("Reason the report is not needed (waived)"))
    waived_on = day(_l("Date waived"), required=False)


CONTRIBUTIONS = ("none", "given", "declined")
METHODS = ("letter", "phone", "meeting", "email", "advocate", "attempt")


class FamilyContactIn(Schema):
    contacted_on = day(_l("Date of contact or attempt"))
    relationship = line(_l("Relationship to the person who died (never a name)"), 100)
    method = choice(_l("How"), METHODS)
    summary = long_text(_l("Summary"))
    leaflet_given = flag(_l("Home Office leaflet given"))
    advocate = line(_l("Advocate (organisation)"), required=False)
    contribution = choice(_l("Contribution to the review"), CONTRIBUTIONS)
    saw_draft = flag(_l("The family saw the draft report"))
    draft_note = long_text(_l("If the family did not see the draft, why not"))


SCOPES = ("single_agency", "multi_agency")
LEVELS = ("local", "national")


class RecommendationIn(Schema):
    text = long_text(_l("Recommendation"), required=True)
    scope = choice(_l("Scope"), SCOPES)
    addressed_to = line(_l("Addressed to (a named body)"))
    level = choice(_l("Level"), LEVELS)


ACTION_STATUSES = ("open", "complete", "closed")


class ActionIn(Schema):
    recommendation_id = fields.UUID(required=True, metadata={
        "label": _l("Recommendation"), "widget": "recommendation"})
    description = long_text(_l("Action"), required=True)
    owner = line(_l("Owner (the body or post responsible)"))
    due_on = day(_l("Date due"), past=False)


class ActionUpdate(Schema):
    status = choice(_l("Status"), ACTION_STATUSES, required=False)
    evidence = long_text(_l("Evidence of completion"))
    completed_on = day(_l("Date completed or closed"), required=False)
    closed_reason = long_text(_l("Reason for closing without completing"))


def output_schema(name: str, *schemas: type[Schema]) -> type[Schema]:
    """A kind's output: the fields it takes in (and updates), plus the common ones."""
    return type(name, (Out, *schemas), {})


class HomeOfficeSubmissionOut(Out):
    signed_off_on = fields.Date(dump_only=True, allow_none=True)
    submitted_on = fields.Date(dump_only=True, allow_none=True)
    copies_sent_on = fields.Date(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True, allow_none=True)
    outcome_on = fields.Date(dump_only=True, allow_none=True)


class PublicationRecordOut(Out):
    decision = fields.String(dump_only=True, allow_none=True)
    decided_on = fields.Date(dump_only=True, allow_none=True)
    published_on = fields.Date(dump_only=True, allow_none=True)
    online_until = fields.Date(dump_only=True, allow_none=True)
    reasons = fields.String(dump_only=True, allow_none=True)
    documents = fields.List(fields.String(), dump_only=True)
    after = fields.String(dump_only=True, allow_none=True)
