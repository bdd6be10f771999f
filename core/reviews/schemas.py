"""What a review looks like on the way in and out. The HTML form and the JSON API both
validate through ``ReviewCreateSchema``, so the rules live in one place."""
from __future__ import annotations

from datetime import date
from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.lifecycle import scope
from core.lifecycle.profiles import DEFAULT_PROFILE, PROFILES, RULE_CLASSES, profile_for
from core.lifecycle.stages import HOLD_REASONS
from core.lifecycle.transitions import guidance_record_fields
from core.timestamps import UtcDateTime


def _today() -> date:
    return date.today()


def _not_future(value: date) -> None:
    if value > _today():
        raise ValidationError(_("The date cannot be in the future."))


def _no_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(_("Enter a value, not only spaces."))


class ManyOf(fields.List):
    """Several of a fixed set of codes (check boxes on a page, a list over the API): one
    message for the whole field, whatever is wrong in it."""

    def __init__(self, choices: tuple[str, ...], **kwargs):
        super().__init__(fields.String(), **kwargs)
        self.choices = choices

    def _deserialize(self, value, attr, data, **kwargs):
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple) or any(v not in self.choices for v in values):
            raise ValidationError(_("Choose from: %(choices)s.",
                                    choices=", ".join(self.choices)))
        return list(dict.fromkeys(values))

    def _serialize(self, value, attr, obj, **kwargs):
        return list(value) if value is not None else None


def _optional_choice(label, choices) -> fields.String:
    return fields.String(allow_none=True, validate=validate.OneOf(
        choices, error=_l("Choose one of: {choices}.")),
        metadata={"label": label, "widget": "choice", "choices": choices})


class CaseFactsSchema(Schema):
    """The case facts at notification (core/lifecycle/scope.py): each may be unknown yet,
    and the coordinator corrects them later. Age 16 or over is in scope; under 16 is
    accepted and flagged (scope.scope_flags)."""

    victim_age = fields.Integer(
        allow_none=True, strict=False,
        validate=validate.Range(min=0, max=130, error=_l("Enter an age from 0 to 130.")),
        error_messages={"invalid": _l("Enter the age as a whole number, for example 34.")},
        metadata={"label": _l("Age of the person who died"), "widget": "text"})
    relationship_to_suspect = _optional_choice(
        _l("Their relationship to the suspect"), scope.RELATIONSHIPS)
    death_type = _optional_choice(_l("Kind of death"), scope.DEATH_TYPES)
    police_force = fields.String(
        allow_none=True, validate=validate.Length(max=200, error=_l(
            "Enter at most {max} characters.")),
        metadata={"label": _l("Police force"), "widget": "text"})


class CaseFactsUpdateSchema(CaseFactsSchema):
    version = fields.Integer(load_default=None, metadata={
        "description": "The version you last saw; a different current version answers 409."})


class ReviewCreateSchema(CaseFactsSchema):
    pseudonym = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=100, error=_l("Enter 1 to 100 characters.")),
                  _no_blank],
        metadata={"description": "Pseudonym for the person who died. Never a real name.",
                  "label": _l("Pseudonym for the person who died")},
    )
    date_of_death = fields.Date(required=True, validate=_not_future,
                                metadata={"label": _l("Date of death")})
    notification_date = fields.Date(required=True, validate=_not_future,
                                    metadata={"label": _l("Date the CSP was notified")})
    notifying_agency = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200, error=_l("Enter 1 to 200 characters.")),
                  _no_blank],
        metadata={"label": _l("Notifying agency")},
    )
    guidance_profile = fields.String(
        load_default=DEFAULT_PROFILE,
        validate=validate.OneOf(sorted(PROFILES), error=_l("Choose one of: {choices}.")),
        metadata={"description": "The guidance the review runs under, fixed for its life.",
                  "label": _l("Guidance the review runs under")},
    )

    @validates_schema
    def _notified_after_death(self, data, **_kwargs):
        died, told = data.get("date_of_death"), data.get("notification_date")
        if died and told and told < died:
            raise ValidationError(
                _("The notification date cannot be before the date of death."),
                field_name="notification_date",
            )


class ReviewDetailsSchema(Schema):
    """The review's own details as entered with the notification, corrected later (issue
    14): the same rules as ``ReviewCreateSchema``; the page and the API share it. The
    notification date against the date of death is checked by the service, on what the
    review will hold (a correction may send one date only)."""

    pseudonym = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=100, error=_l("Enter 1 to 100 characters.")),
                  _no_blank],
        metadata={"label": _l("Pseudonym for the person who died"), "widget": "text",
                  "description": "Pseudonym for the person who died. Never a real name."})
    date_of_death = fields.Date(required=True, validate=_not_future, metadata={
        "label": _l("Date of death"), "widget": "date"})
    notification_date = fields.Date(required=True, validate=_not_future, metadata={
        "label": _l("Date the CSP was notified"), "widget": "date"})
    notifying_agency = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200, error=_l("Enter 1 to 200 characters.")),
                  _no_blank],
        metadata={"label": _l("Notifying agency"), "widget": "text"})


class ReviewDetailsUpdateSchema(ReviewDetailsSchema):
    version = fields.Integer(load_default=None, metadata={
        "description": "The version you last saw; a different current version answers 409."})


class WithdrawSchema(Schema):
    """Withdrawing a notification entered in error: the coordinator says why."""

    reason = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=2000, error=_l(
            "The reason must be 2000 characters or fewer")), _no_blank],
        metadata={"label": _l("Why is this notification withdrawn?"), "widget": "textarea",
                  "description": "Why the notification was entered in error.",
                  # the page's words (core/web/forms.py people_message)
                  "messages": {"required": _l("Enter why the notification is withdrawn"),
                               "length": _l("The reason must be 2000 characters or fewer")}})
    version = fields.Integer(load_default=None, metadata={
        "description": "The version you last saw; a different current version answers 409."})


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
    due = fields.Date(metadata={
        "description": "The date the rule sets, before holds."})
    statutory_due = fields.Date(metadata={
        "description": "Deprecated name of 'due'. Not every deadline is statutory: see "
                       "'rule_class'.", "deprecated": True})
    adjusted_due = fields.Date()
    met_on = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": ["due", "due_soon", "overdue", "met", "met_late"]})
    # Issue 13: where the deadline comes from (core/lifecycle/profiles.py); "" for a date
    # people set themselves (an agency report, an action).
    rule_class = fields.String(metadata={
        "enum": [*RULE_CLASSES, ""],
        "description": "local_practice: a target no source confirms, not a statutory "
                       "deadline."})


class ScopeFlagSchema(Schema):
    code = fields.String()
    message = fields.String()


class NextStepSchema(Schema):
    """A step that may follow, as the review page names it (issue 14)."""

    to = fields.String(metadata={"description": "The value of 'to' that takes it."})
    action = fields.String(metadata={
        "description": "The step named as what a person does, in the request's language."})
    roles = fields.List(fields.String(), metadata={
        "description": "The roles that may take it (codes of core/auth/roles.py)."})


class ReviewDetailSchema(ReviewSchema):
    victim_age = fields.Integer(dump_only=True, allow_none=True)
    relationship_to_suspect = fields.String(dump_only=True, allow_none=True)
    death_type = fields.String(dump_only=True, allow_none=True)
    police_force = fields.String(dump_only=True, allow_none=True)
    scope_flags = fields.List(fields.Nested(ScopeFlagSchema), dump_only=True, metadata={
        "description": "What the case facts say against the definition (under 16, a "
                       "relationship it does not name): the chair decides."})
    decision = fields.String(dump_only=True, allow_none=True)
    decision_date = fields.Date(dump_only=True, allow_none=True)
    decision_reasons = fields.String(dump_only=True, allow_none=True)
    decision_scope_reasons = fields.List(fields.String(), dump_only=True, allow_none=True)
    home_office_told_on = fields.Date(dump_only=True, allow_none=True)
    submitted_on = fields.Date(dump_only=True, allow_none=True)
    published_on = fields.Date(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True)
    withdrawn_on = fields.Date(dump_only=True, allow_none=True, metadata={
        "description": "The day the notification was withdrawn (entered in error)."})
    withdrawn_reason = fields.String(dump_only=True, allow_none=True)
    on_hold = fields.Boolean(dump_only=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema), dump_only=True)
    next_steps = fields.List(fields.String(), dump_only=True, metadata={
        "description": "Values of 'to' that may follow from this stage."})
    steps = fields.List(fields.Nested(NextStepSchema), dump_only=True, metadata={
        "description": "The same steps, each named as an action with the roles that may "
                       "take it (whether one is blocked now shows when it is taken: 409)."})
    guidance = fields.Method("_guidance", dump_only=True, metadata={
        "description": "The guidance profile: whether it is in force (a draft is not), and "
                       "why, with its sources."})

    def _guidance(self, review) -> dict:
        from core.targets import guidance

        name = review["guidance_profile"] if isinstance(review, dict) else \
            review.guidance_profile
        return guidance(name)


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
    "qa_panel_on": lambda: fields.Date(validate=_not_future, allow_none=True, metadata={
        "label": _l("Date of the Home Office quality assurance panel"), "widget": "date"}),
    "changes": lambda: fields.String(validate=validate.Length(max=10000), allow_none=True,
                                     metadata={"label": _l(
                                         "If approved subject to changes: each change the "
                                         "Home Office asked for, one per line"),
                                         "widget": "textarea"}),
    "published_on": lambda: _day(_l("Date published")),
    "started_on": lambda: _day(_l("Date the hold began")),
    "resumed_on": lambda: _day(_l("Date the review resumed")),
    "reason": lambda: _pick(_l("Reason for the hold"), HOLD_REASONS),
    "reasons": lambda: fields.String(validate=[validate.Length(
        min=1, max=10000, error=_l("Enter 1 to 10000 characters.")), _no_blank],
        metadata={"label": _l("Reasons"), "widget": "textarea"}),
    "note": lambda: fields.String(validate=validate.Length(max=10000), allow_none=True,
                                  metadata={"label": _l("Note"), "widget": "textarea"}),
    "parallel_process_id": lambda: fields.UUID(allow_none=True, metadata={
        "label": _l("The parallel process the hold waits for"),
        "widget": "parallel_process"}),
    "scope_reasons": lambda: ManyOf(scope.SCOPE_REASONS, allow_none=True, metadata={
        "label": _l("Scope facts the decision cites"), "widget": "checkboxes",
        "choices": scope.SCOPE_REASONS}),
    # What the Single Unified Safeguarding Review adds (wales-susr; transitions.Needs).
    "case_review_group_on": lambda: _day(_l(
        "Date the Regional Safeguarding Board's case review group met")),
    "welsh_government_notified_on": lambda: _day(_l("Date Welsh Government was notified")),
    "reviewers_confirmed_on": lambda: _day(_l(
        "Date the chair and reviewers were confirmed from the Welsh Government list")),
    "learning_event_on": lambda: _day(_l("Date of the practitioner learning event")),
    "action_plan_signed_off_on": lambda: _day(_l(
        "Date the case review group signed off the action plan")),
}
STEP_OPTIONAL = {"submit": ("copies_sent_on",), "hold": ("note", "parallel_process_id"),
                 "not_commission": ("scope_reasons",),
                 "approve": ("qa_panel_on", "changes")}


def step_data_schema(transition, profile: str | None = None) -> Schema:
    """The schema of one step's data: its required fields (with those the review's guidance
    ``profile`` adds), and the optional ones it takes."""
    needs = transition.needs_of(profile_for(profile)) if profile else ()
    required = (*transition.required, *(n.field for n in needs if n.in_step))
    attrs = {}
    for name in (*required, *STEP_OPTIONAL.get(transition.name, ())):
        field = _STEP_FIELDS[name]()
        field.required = name in required
        attrs[name] = field
    for need in needs:  # say what to do, not only that it is missing
        if need.field in attrs:
            attrs[need.field].error_messages = {**attrs[need.field].error_messages,
                                                "required": need.message}
    return Schema.from_dict(attrs, name=f"{transition.name}Data")()


@cache
def guidance_record_schema(profile: str) -> type[Schema] | None:
    """What a review's guidance asks to record besides its steps' data (the Single Unified
    Safeguarding Review's dates), each field optional: None when it asks for nothing."""
    names = guidance_record_fields(profile_for(profile))
    if not names:
        return None
    return Schema.from_dict({name: _STEP_FIELDS[name]() for name in names},
                            name=f"GuidanceRecord_{profile.replace('-', '_')}")
