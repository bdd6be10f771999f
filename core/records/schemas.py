"""Marshmallow schemas for each kind of record: what may come in, what goes out.

``metadata["label"]`` is the question a page asks; ``metadata["widget"]`` picks the form
control (text, textarea, date, checkbox, choice).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from core.agencies import CATEGORY_CODES
from core.lifecycle import scope
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


def _pounds(value) -> None:
    # A function, not validate.Range: apispec would write a Decimal's bounds into the
    # OpenAPI document as strings, which is not a valid "maximum".
    if not 0 <= value <= 1_000_000:
        raise ValidationError(str(_l(
            "Enter an amount in pounds from {min} to {max}, for example 6500.00")).format(
                min=0, max=1_000_000))


def choice(label, choices, required=True):
    return fields.String(required=required, allow_none=not required,
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
    # What local policies match the panel by (issue 13, SEED-AUDIT S5); left out, the
    # category the agency's name makes obvious, or "other" (core/records/models.py).
    category = fields.String(
        validate=validate.OneOf(CATEGORY_CODES, error=_l(
            "Choose the agency's category from the list: {choices}.")),
        metadata={"label": _l("Agency category"), "widget": "choice",
                  "choices": CATEGORY_CODES})
    name = line(_l("Name"))
    role_title = line(_l("Job title"), required=False)


def _held_not_future(value: date) -> None:
    if value > date.today():
        raise ValidationError(_("The date the meeting was held must be today or in the past. "
                                "For a meeting still to come, enter the date it is planned "
                                "for."))


class PanelMeetingIn(Schema):
    """A panel meeting, recorded ahead with the day it is planned for and marked held with
    the day it took place (issue 14). Only held meetings count for the clock."""

    planned_on = day(_l("Date the meeting is planned for"), required=False, past=False)
    held_on = fields.Date(allow_none=True, validate=_held_not_future, metadata={
        "label": _l("Date the meeting was held"), "widget": "date"})
    summary = long_text(_l("Summary"))

    @validates_schema
    def _a_date(self, data, **_kwargs):
        """A meeting has the day it was held, or the day it is planned for (a change that
        clears one sends the other with it)."""
        dates = ("held_on", "planned_on")
        clearing = any(name in data and data[name] is None for name in dates)
        if (clearing or not self.partial) and not any(data.get(name) for name in dates):
            raise ValidationError(_("Enter the date the meeting was held or, for a meeting "
                                    "still to come, the date it is planned for."), "held_on")


REPORT_TYPES = ("imr", "chronology", "summary_report")


class AgencyReportRequestIn(Schema):
    agency = line(_l("Agency"))
    report_type = choice(_l("Report type"), REPORT_TYPES)
    contact_email = fields.Email(required=False, allow_none=True, metadata={
        "label": _l("Agency contact email (for the request and reminders)"), "widget": "text"})
    requested_on = day(_l("Date requested"))
    due_on = day(_l("Date due"), past=False)


AUTHOR_INDEPENDENCE = ("independent", "involved")


class AgencyReportUpdate(AgencyReportRequestIn):
    """Every field entered when the report was requested can be corrected (issue 14: the
    agency, its contact and the due date could not), and what happened to it since."""

    returned_on = day(_l("Date the report came back"), required=False)
    waived_reason = long_text(_l("Reason the report is not needed (waived)"))
    waived_on = day(_l("Date waived"), required=False)
    # Source: seed 000, Warrington ("professionals who have not been involved in the case
    # must review"; https://warrington-lb.councilplatform.com/community-safety-partnership)
    author_independence = fields.String(
        allow_none=True, validate=validate.OneOf(AUTHOR_INDEPENDENCE, error=_l(
            "Choose one of: {choices}.")),
        metadata={"label": _l("Was the report's author involved in the case?"),
                  "widget": "choice", "choices": AUTHOR_INDEPENDENCE,
                  # the page's words (core/web/forms.py people_message)
                  "messages": {"choice": _l("Select whether the report's author was "
                                            "involved in the case")}})


CONTRIBUTIONS = ("none", "given", "declined")
METHODS = ("letter", "phone", "meeting", "email", "advocate", "attempt")


class FamilyContactIn(Schema):
    contacted_on = day(_l("Date of contact or attempt"))
    relationship = line(_l("Relationship to the person who died (never a name)"), 100)
    method = choice(_l("How"), METHODS)
    summary = long_text(_l("Summary"))
    # Source: S-PRES (https://www.preston.gov.uk/article/1153/Domestic-homicide-reviews,
    # audit P6): the Home Office leaflets for family, friends and employers.
    leaflet = fields.String(validate=validate.OneOf(
        (*scope.LEAFLETS, scope.LEAFLET_NOT_RECORDED), error=_l("Choose one of: {choices}.")),
        allow_none=True,
        metadata={"label": _l("Home Office leaflet given"), "widget": "choice",
                  "choices": scope.LEAFLETS})  # "not_recorded": the old yes/no only
    # Source: FAMG (https://fly1.wordsworth.site/government/publications/guidance-for-domestic-homicide-review-chairs-on-support-for-families/guidance-for-domestic-homicide-review-chairs-support-for-families):
    # specialist advocacy is offered (signposted at the first meeting) and through whom.
    advocacy_offered = flag(_l("Specialist advocacy was offered"))
    advocacy_by = choice(_l("Advocacy offered through"), scope.ADVOCACY_BY, required=False)
    advocate = line(_l("Advocate (organisation)"), required=False)
    update_schedule = line(_l("Agreed schedule of updates to the family"), required=False)
    # Source: AAFDA (https://slideserve.com/samuelh/the-problem-of-status-and-domestic-homicide-powerpoint-ppt-presentation):
    # the family has a say, and reviews the draft report.
    pseudonym_say = choice(_l("The family's say on the pseudonym"), scope.PSEUDONYM_SAY,
                           required=False)
    preferred_language = line(_l("The family's preferred language"), 100, required=False)
    contribution = choice(_l("Contribution to the review"), CONTRIBUTIONS)
    saw_draft = flag(_l("The family saw the draft report"))
    draft_response = choice(_l("The family's say on the draft"), scope.DRAFT_RESPONSES,
                            required=False)
    draft_note = long_text(_l("If the family did not see the draft, why not"))

    @pre_load
    def _old_leaflet_flag(self, data, **_kwargs):
        """The yes/no ``leaflet_given`` that clients sent before the leaflet was named:
        still taken, as "a leaflet, which one not recorded"."""
        if isinstance(data, dict) and "leaflet_given" in data:
            data = dict(data)
            if data.pop("leaflet_given") is True and not data.get("leaflet"):
                data["leaflet"] = scope.LEAFLET_NOT_RECORDED
        return data


class FamilyContactOut(Out, FamilyContactIn):
    leaflet_given = fields.Boolean(dump_only=True)  # the old yes/no, still answered


class ParallelProcessIn(Schema):
    """A process beside the review, with its own dates (core/lifecycle/scope.py)."""

    process_type = choice(_l("Kind of process"), scope.PROCESS_TYPES)
    description = line(_l("Description (court, coroner, board: never a name)"),
                       required=False)
    started_on = day(_l("Date it started"), required=False)
    expected_on = day(_l("Date it is expected to conclude"), required=False, past=False)
    concluded_on = day(_l("Date it concluded"), required=False)
    note = long_text(_l("Note"))


QUOTE_COVERS = ("chair", "author", "chair_and_author")


class QuoteIn(Schema):
    """A quote for commissioning the review. Source: WINS, Warrington: at least three
    quotes, chair plus author (https://www.winsfordguardian.co.uk/news/17714502.concerns-
    over-future-funding-for-domestic-homicide-reviews/)."""

    supplier = line(_l("Who quoted (a person or an organisation)"))
    covers = choice(_l("What the quote is for"), QUOTE_COVERS)
    amount = fields.Decimal(
        required=True, places=2, as_string=True,
        validate=_pounds,
        error_messages={"invalid": _l("Enter an amount in pounds, for example 6500.00")},
        # answered as a string ("6500.00"), so the OpenAPI type says so (apispec would say
        # number for a Decimal)
        metadata={"label": _l("Amount (£)"), "widget": "text", "type": "string",
                  "format": "decimal", "example": "6500.00"})
    received_on = day(_l("Date of the quote"))
    chosen = flag(_l("This quote was chosen"))


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


class ActionUpdate(ActionIn):
    """Every field entered with the action can be corrected (issue 14: its owner and due
    date could not), and its progress recorded."""

    status = choice(_l("Status"), ACTION_STATUSES, required=False)
    evidence = long_text(_l("Evidence of completion"))
    completed_on = day(_l("Date completed or closed"), required=False)
    closed_reason = long_text(_l("Reason for closing without completing"))


def output_schema(name: str, *schemas: type[Schema]) -> type[Schema]:
    """A kind's output: the fields it takes in (and updates), plus the common ones."""
    return type(name, (Out, *schemas), {})


def shown(field, label, widget="text"):
    """An output-only field the kind's page lists as a column (the steps write it)."""
    field.metadata.update(label=label, widget=widget)
    return field


MEETING_STATUSES = ("upcoming", "not_recorded_held", "held")


class PanelMeetingOut(Out, PanelMeetingIn):
    # upcoming | not_recorded_held (planned for a day gone by) | held: core/records/models.py
    status = shown(fields.String(dump_only=True), _l("Status"), "choice")


class HomeOfficeSubmissionOut(Out):
    # Written by the steps (submit, approve, resubmit): the page lists them (issue 14:
    # the table was empty, as output-only fields had no column).
    signed_off_on = shown(fields.Date(dump_only=True, allow_none=True),
                          _l("Date signed off"), "date")
    submitted_on = shown(fields.Date(dump_only=True, allow_none=True),
                         _l("Date submitted"), "date")
    copies_sent_on = shown(fields.Date(dump_only=True, allow_none=True),
                           _l("Date copies were sent"), "date")
    outcome = shown(fields.String(dump_only=True, allow_none=True), _l("Outcome"), "choice")
    outcome_on = shown(fields.Date(dump_only=True, allow_none=True),
                       _l("Date of the outcome"), "date")
    panel_on = shown(fields.Date(dump_only=True, allow_none=True),
                     _l("Date of the quality assurance panel"), "date")


class HomeOfficeSubmissionUpdate(Schema):
    """Copies to the Secretary of State and the Domestic Abuse Commissioner may be recorded
    after submission: "as soon as reasonably practicable after the report is completed"
    (Source: VPA19 s19(4)-(5), https://legislation.gov.uk/ukpga/2024/21/section/19)."""

    copies_sent_on = day(_l("Date copies were sent to the Secretary of State and the "
                            "Domestic Abuse Commissioner"), required=False)


class DoneBy(Schema):
    """Who marked a record done: set by the service from the person signed in, never sent."""

    done_by = line(_l("Marked done by"), 254, required=False)


class HomeOfficeChangeIn(Schema):
    change = long_text(_l("Change the Home Office asked for"), required=True)
    asked_on = day(_l("Date of the Home Office letter that asked for it"))


class HomeOfficeChangeUpdate(HomeOfficeChangeIn):
    done_on = day(_l("Date the change was made"), required=False)
    evidence = long_text(_l("What was changed, and where in the report"))


class LearningTaskOut(Schema):
    title = line(_l("Learning task"))
    due_on = day(_l("Date due"), past=False)
    recipients = fields.List(fields.String(), metadata={"label": _l("Shared with"),
                                                          "widget": "list"})


class LearningTaskUpdate(Schema):
    done_on = day(_l("Date it was done"), required=False)
    evidence = long_text(_l("Evidence it was done (what was shared, where, with whom)"))


class LearningReceiptOut(Schema):
    recipient = line(_l("Recipient"))
    task_title = line(_l("Learning task"))
    recorded_by = line(_l("Recorded by"), 254, required=False)


class LearningReceiptUpdate(Schema):
    sent_on = day(_l("Date the learning was sent"), required=False)
    received_on = day(_l("Date the recipient confirmed they received it"), required=False)
    note = long_text(_l("Note (for example, the meeting that considered it)"))


class EarlyLearningIn(Schema):
    noted_on = day(_l("Date the learning was noted"))
    learning = long_text(_l("Early learning from scoping"), required=True)
    action = long_text(_l("What is being done about it"), required=True)
    owner = line(_l("Owner (the body or post responsible)"))
    due_on = day(_l("Date due"), required=False, past=False)


class EarlyLearningUpdate(EarlyLearningIn):
    done_on = day(_l("Date the action was done"), required=False)


class PublicationRecordOut(Out):
    decision = shown(fields.String(dump_only=True, allow_none=True), _l("Decision"), "choice")
    decided_on = shown(fields.Date(dump_only=True, allow_none=True),
                       _l("Date of the decision"), "date")
    published_on = shown(fields.Date(dump_only=True, allow_none=True), _l("Date published"),
                         "date")
    online_until = shown(fields.Date(dump_only=True, allow_none=True), _l("Online until"),
                         "date")
    reasons = shown(fields.String(dump_only=True, allow_none=True), _l("Reasons"))
    documents = shown(fields.List(fields.String(), dump_only=True), _l("Documents"), "list")
    after = fields.String(dump_only=True, allow_none=True)
    notice = shown(fields.String(dump_only=True, allow_none=True),
                   _l("Notice on the public page"))
