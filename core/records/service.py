"""Adding, listing and updating a review's records. Children are always reached through
their review (and the tenant wall): never by their own id alone."""
from __future__ import annotations

import uuid
from types import MappingProxyType

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm.exc import StaleDataError

from core.audit import service as audit
from core.db import db
from core.i18n import uk_date
from core.notifications import service as outbox
from core.records.kinds import Kind
from core.records.models import (
    Action,
    AgencyReportRequest,
    EarlyLearning,
    FamilyContact,
    HomeOfficeChange,
    HomeOfficeSubmission,
    LearningReceipt,
    LearningTask,
    ParallelProcess,
    Recommendation,
)
from core.reviews import timeline
from core.reviews.models import Hold, Review


class RecordInvalid(Exception):
    """Data that passed the schema but not the review's rules: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class RecordConflict(Exception):
    """The record or review changed, or is closed; the message says what."""

    def __str__(self) -> str:  # the message itself: a local policy's may carry a link
        return self.args[0] if self.args and isinstance(self.args[0], str) else \
            super().__str__()


def list_records(review: Review, kind: Kind) -> list:
    model = kind.model
    return list(db.session.scalars(
        select(model).where(model.review_id == review.id)
        .order_by(getattr(model, kind.order_by), model.created_at)))


def get_record(review: Review, kind: Kind, item_id: uuid.UUID):
    model = kind.model
    return db.session.scalar(select(model).where(model.id == item_id,
                                                 model.review_id == review.id))


def _writable(review: Review) -> None:
    if review.stage == "closed":
        raise RecordConflict(_("The review is closed; its records can no longer change."))
    if review.withdrawn_on is not None:
        raise RecordConflict(_("This notification was withdrawn (entered in error); its "
                               "records can no longer change."))


def _check_new(review: Review, kind: Kind, data: dict) -> None:
    if kind.model is Action:
        recommendation = db.session.scalar(select(Recommendation.id).where(
            Recommendation.id == data["recommendation_id"],
            Recommendation.review_id == review.id))
        if recommendation is None:
            raise RecordInvalid({"recommendation_id":
                                 _("Choose a recommendation of this review.")})
    if kind.model is AgencyReportRequest and data["due_on"] < data["requested_on"]:
        raise RecordInvalid({"due_on": _("The due date cannot be before the request.")})
    errors = _case_rules(kind.model, data, {})
    if errors:
        raise RecordInvalid(errors)


def _case_rules(model, data: dict, now: dict) -> dict[str, str]:
    """A parallel process's dates in order; advocacy offered says through whom. ``now``:
    the record's current values (a change sends only what changes)."""
    def value(name):
        return data[name] if name in data else now.get(name)

    errors: dict[str, str] = {}
    if model is ParallelProcess and value("started_on"):
        for name in ("expected_on", "concluded_on"):
            if value(name) and value(name) < value("started_on"):
                errors[name] = _("This date cannot be before the process started (%(date)s).",
                                 date=uk_date(value("started_on")))
    if model is FamilyContact and value("advocacy_offered") and not value("advocacy_by"):
        errors["advocacy_by"] = _("Say through whom advocacy was offered: a specialist "
                                  "advocate, the National Homicide Service or another.")
    return errors


def _local_objections(review: Review, kind: Kind, change: str, data: dict, roles) -> None:
    """What the tenant's local policies say about this change (409 when they object)."""
    from core.hooks.manager import PluginFailed
    from core.policies import service as policies
    from core.reviews.facts import full_facts

    tenant = policies.current_tenant()
    if not policies.implemented(tenant, "check_record"):
        return  # no enabled policy has a say: the review's facts are not even needed
    try:
        view = policies.review_view(review, full_facts(review), with_partners=True)
        found = policies.collect(tenant, "check_record", review=view,
                                 kind=kind.key, change=change, actor=policies.actor(roles),
                                 data=MappingProxyType(dict(data)))
    except PluginFailed as failed:
        raise RecordConflict(_("The local policy '%(plugin)s' failed, so nothing was saved. "
                               "Tell your regional admin.", plugin=failed.plugin)) from None
    if any(problems for _name, problems in found):
        from core.policies import location  # linked to where it is put right (issue 14)

        raise RecordConflict(location.objection(review, found))


def add_record(review: Review, kind: Kind, data: dict, roles=()):
    _writable(review)
    _check_new(review, kind, data)
    _local_objections(review, kind, "add", data, roles)
    record = kind.model(review_id=review.id, **data)
    db.session.add(record)
    db.session.flush()
    summary = str(getattr(record, kind.summary_field))[:80]
    timeline.add(review, "record", f"{kind.key}.added", {"id": str(record.id),
                                                         "summary": summary})
    audit.record(f"{kind.key}.add", object_type=kind.key, object_id=record.id,
                 details={"review": str(review.id)})
    if isinstance(record, AgencyReportRequest) and record.contact_email:
        outbox.agency_report_requested(review, record)
    try:
        db.session.commit()
    except IntegrityError:  # what it refers to was removed meanwhile
        db.session.rollback()
        raise RecordConflict(_("Something this record refers to was removed while you were "
                               "adding it. Reload the page and try again.")) from None
    return record


def _check_update(review: Review, record, data: dict) -> None:
    """The record's rules on what it will hold after the change (a field not sent keeps
    its value: a correction may send one field only)."""
    def value(name):
        return data[name] if name in data else getattr(record, name)

    errors: dict[str, str] = {}
    if isinstance(record, Action):
        status = value("status")
        if status in ("complete", "closed") and not value("completed_on"):
            errors["completed_on"] = _("Enter the date it was completed or closed.")
        if status == "closed" and not value("closed_reason"):
            errors["closed_reason"] = _("Enter why it closed without completing.")
        if "recommendation_id" in data and db.session.scalar(select(Recommendation.id).where(
                Recommendation.id == data["recommendation_id"],
                Recommendation.review_id == review.id)) is None:
            errors["recommendation_id"] = _("Choose a recommendation of this review.")
    if isinstance(record, AgencyReportRequest):
        if value("waived_reason") and not value("waived_on"):
            errors["waived_on"] = _("Enter the date it was waived.")
        for name in ("returned_on", "waived_on"):
            if value(name) and value(name) < value("requested_on"):
                errors[name] = _("This date cannot be before the request.")
        if value("due_on") < value("requested_on"):
            errors["due_on"] = _("The due date cannot be before the request.")
    if isinstance(record, ParallelProcess | FamilyContact):
        now = {name: getattr(record, name) for name in (
            "started_on", "expected_on", "concluded_on", "advocacy_offered", "advocacy_by")
            if hasattr(record, name)}
        errors.update(_case_rules(type(record), data, now))
    errors.update(_loop_errors(record, data))
    if errors:
        raise RecordInvalid(errors)


def _loop_errors(record, data: dict) -> dict[str, str]:
    """Issue 13: a learning task is done on a date, with evidence of what was done; nothing
    is done before it was asked for; receipts and copies come after what they follow."""
    def value(name):
        return data[name] if name in data else getattr(record, name)

    errors: dict[str, str] = {}
    if isinstance(record, LearningTask) and value("done_on") and not value("evidence"):
        errors["evidence"] = _("Enter the evidence that it was done: what was shared, "
                               "where and with whom.")
    if isinstance(record, HomeOfficeChange | EarlyLearning):
        floor = value("asked_on") if isinstance(record, HomeOfficeChange) \
            else value("noted_on")
        if value("done_on") and floor and value("done_on") < floor:
            errors["done_on"] = _("It cannot be done before it was asked for (%(date)s).",
                                  date=uk_date(floor))
    if isinstance(record, LearningReceipt) and value("received_on") and value("sent_on") \
            and value("received_on") < value("sent_on"):
        errors["received_on"] = _("It cannot be received before it was sent.")
    if isinstance(record, HomeOfficeSubmission) and value("copies_sent_on") \
            and value("copies_sent_on") < record.signed_off_on:
        errors["copies_sent_on"] = _(
            "Copies cannot go before the report is signed off (%(date)s).",
            date=uk_date(record.signed_off_on))
    return errors


def _stamp(record, data: dict) -> None:
    """Who marked it done (or recorded the receipt): the person signed in, never typed."""
    for when, by in (("done_on", "done_by"), ("received_on", "recorded_by")):
        if when in data and hasattr(record, by):
            setattr(record, by, audit.who()[1] if data[when] else None)


def update_record(review: Review, kind: Kind, record, data: dict,
                  expected_version: int | None = None, roles=()):
    _writable(review)
    if expected_version is not None and expected_version != record.version:
        raise _conflict(kind, record, data)
    # only what really changes: the timeline and the audit trail name those fields (a
    # page's form sends every field, most as they were)
    data = {name: value for name, value in data.items() if getattr(record, name) != value}
    if not data:
        return record
    _check_update(review, record, data)
    _local_objections(review, kind, "update", data, roles)
    try:  # the version check runs at the first flush, which may come before the commit
        for name, value in data.items():
            setattr(record, name, value)
        _stamp(record, data)
        timeline.add(review, "record", f"{kind.key}.updated", {
            "id": str(record.id), "changed": sorted(data),
            "summary": str(getattr(record, kind.summary_field))[:80]})  # which one, in words
        audit.record(f"{kind.key}.update", object_type=kind.key, object_id=record.id,
                     details={"fields": sorted(data)})
        db.session.commit()
    except StaleDataError:  # lost a race with another edit: theirs stands, ours is refused
        db.session.rollback()
        try:
            db.session.refresh(record)
        except InvalidRequestError:  # not another edit: the record was removed
            raise RecordConflict(_("Someone removed this record while you were changing "
                                   "it.")) from None
        raise _conflict(kind, record, data) from None
    return record


def _conflict(kind: Kind, record, data: dict) -> RecordConflict:
    """What the person needs to redo their edit, in words (issue 14: never a version
    number): what the fields they tried to change hold now, by their labels."""
    from datetime import date as _date

    from core.labels import code_label
    from core.web.forms import describe

    labels = {f["name"]: str(f["label"]) for f in describe(kind.output, columns=True)}

    def said(value) -> str:
        if value is None or value == "" or value == []:
            return _("nothing")
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, _date):
            return uk_date(value)
        if isinstance(value, list | tuple):
            return ", ".join(code_label(v) for v in value)
        return code_label(value) if isinstance(value, str) else str(value)

    now = "; ".join(f"{labels.get(name, name)}: {said(getattr(record, name))}"
                    for name in sorted(data) if hasattr(record, name))
    if not now:
        return RecordConflict(_(
            "Someone changed this record while you were working on it. Reload the page, "
            "check their change, then make yours again."))
    return RecordConflict(_(
        "Someone changed this record while you were working on it. It now holds: %(now)s. "
        "Reload the page, check their change, then make yours again.", now=now))




def remove_record(review: Review, kind: Kind, record, expected_version: int | None = None,
                  roles=()) -> None:
    """Remove a record entered in error (a family contact on the wrong review, say); the
    timeline and the audit trail say what went and who removed it."""
    _writable(review)
    if expected_version is not None and expected_version != record.version:
        raise _conflict(kind, record, {})
    if isinstance(record, Recommendation) and db.session.scalar(
            select(Action.id).where(Action.recommendation_id == record.id).limit(1)):
        raise RecordConflict(_("This recommendation has actions in the action plan. Remove "
                               "them first."))
    if isinstance(record, ParallelProcess) and db.session.scalar(
            select(Hold.id).where(Hold.parallel_process_id == record.id).limit(1)):
        raise RecordConflict(_("A hold of this review waits for this process, so it stays on "
                               "the record. Record the date it concluded instead."))
    _local_objections(review, kind, "remove", {}, roles)
    try:  # a concurrent edit, or an action added to the recommendation meanwhile
        timeline.add(review, "record", f"{kind.key}.removed", {
            "id": str(record.id), "summary": str(getattr(record, kind.summary_field))[:80]})
        audit.record(f"{kind.key}.remove", object_type=kind.key, object_id=record.id)
        db.session.delete(record)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise RecordConflict(_("Someone changed this record while you were removing it. "
                               "Reload it and check before you try again.")) from None
