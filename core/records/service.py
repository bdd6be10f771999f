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
                                 date=value("started_on").isoformat())
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
    messages = [p.message for _name, problems in found for p in problems]
    if messages:
        raise RecordConflict(" ".join(messages))


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


def _check_update(record, data: dict) -> None:
    errors: dict[str, str] = {}
    if isinstance(record, Action):
        status = data.get("status", record.status)
        if status in ("complete", "closed") and not (data.get("completed_on")
                                                     or record.completed_on):
            errors["completed_on"] = _("Enter the date it was completed or closed.")
        if status == "closed" and not (data.get("closed_reason") or record.closed_reason):
            errors["closed_reason"] = _("Enter why it closed without completing.")
    if isinstance(record, AgencyReportRequest):
        if data.get("waived_reason") and not data.get("waived_on"):
            errors["waived_on"] = _("Enter the date it was waived.")
        for name in ("returned_on", "waived_on"):
            if data.get(name) and data[name] < record.requested_on:
                errors[name] = _("This date cannot be before the request.")
    if isinstance(record, ParallelProcess | FamilyContact):
        now = {name: getattr(record, name) for name in (
            "started_on", "advocacy_offered", "advocacy_by") if hasattr(record, name)}
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
                                  date=floor.isoformat())
    if isinstance(record, LearningReceipt) and value("received_on") and value("sent_on") \
            and value("received_on") < value("sent_on"):
        errors["received_on"] = _("It cannot be received before it was sent.")
    if isinstance(record, HomeOfficeSubmission) and value("copies_sent_on") \
            and value("copies_sent_on") < record.signed_off_on:
        errors["copies_sent_on"] = _(
            "Copies cannot go before the report is signed off (%(date)s).",
            date=record.signed_off_on.isoformat())
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
        raise _conflict(record, data)
    _check_update(record, data)
    _local_objections(review, kind, "update", data, roles)
    try:  # the version check runs at the first flush, which may come before the commit
        for name, value in data.items():
            setattr(record, name, value)
        _stamp(record, data)
        timeline.add(review, "record", f"{kind.key}.updated", {
            "id": str(record.id), "changed": sorted(data)})
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
        raise _conflict(record, data) from None
    return record


def _conflict(record, data: dict) -> RecordConflict:
    """What the person needs to redo their edit: the version now, and the current values
    of the fields they tried to change."""
    values = {name: getattr(record, name) for name in sorted(data) if hasattr(record, name)}
    now = "; ".join(f"{name}: {'-' if value is None else value}"
                    for name, value in values.items())
    return RecordConflict(_(
        "Someone changed this record since you opened it. It is now at version "
        "%(version)s (%(now)s). Reload it, check their change, then make yours again.",
        version=record.version, now=now or "-"))




def remove_record(review: Review, kind: Kind, record, expected_version: int | None = None,
                  roles=()) -> None:
    """Remove a record entered in error (a family contact on the wrong review, say); the
    timeline and the audit trail say what went and who removed it."""
    _writable(review)
    if expected_version is not None and expected_version != record.version:
        raise _conflict(record, {})
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
        timeline.add(review, "record", f"{kind.key}.removed", {"id": str(record.id)})
        audit.record(f"{kind.key}.remove", object_type=kind.key, object_id=record.id)
        db.session.delete(record)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise RecordConflict(_("Someone changed this record while you were removing it. "
                               "Reload it and check before you try again.")) from None
