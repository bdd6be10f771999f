"""Writing the timeline: one entry per event, in the same transaction as the event."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.service import who
from core.db import db
from core.reviews import clock
from core.reviews.models import Review, TimelineEvent


def add(review: Review, kind: str, name: str, data: dict | None = None,
        from_stage: str | None = None, to_stage: str | None = None) -> TimelineEvent:
    event = TimelineEvent(review_id=review.id, actor=who()[1], kind=kind, name=name,
                          from_stage=from_stage, to_stage=to_stage, data=data or {})
    db.session.add(event)
    clock.changed(review, name)  # every change is on the timeline: the clock follows it
    return event


def of(review: Review, roles) -> list:
    """The review's events, newest first, as ``roles`` may see them: an event about a
    record or document the reader may not read (family contacts, agency reports for a
    viewer) keeps its date, actor and kind but none of its details. Page and API share
    this, so neither can show more than the records themselves would."""
    events = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.review_id == review.id)
        .order_by(TimelineEvent.occurred_at.desc()))
    return [event if _may_read(event, roles) else _withheld(event) for event in events]


def _needs(event: TimelineEvent) -> str | None:
    """The permission an event's details need beyond reading the review, if any."""
    from core.documents.service import RESTRICTED
    from core.records.kinds import KINDS

    if event.kind == "record":
        key = event.name.split(".", 1)[0]
        kind = next((k for k in KINDS if k.key == key), None)
        return kind.read_permission if kind is not None else None
    if event.kind == "document":
        return RESTRICTED.get((event.data or {}).get("kind"))
    return None


def _may_read(event: TimelineEvent, roles) -> bool:
    from core.auth.roles import allows

    needed = _needs(event)
    return needed is None or allows(roles, needed)


@dataclass(frozen=True)
class Withheld:
    """A timeline entry without its details (never the ORM row: nothing can flush it)."""

    id: object
    occurred_at: object
    actor: str
    kind: str
    name: str
    from_stage: str | None
    to_stage: str | None
    data: dict


def _withheld(event: TimelineEvent) -> Withheld:
    return Withheld(event.id, event.occurred_at, event.actor, event.kind, event.name,
                    event.from_stage, event.to_stage, {})


# -- What each entry says, in words (issue 14): built when the timeline is read, from what
# the entry stored, so entries written before this read as well and in either language.

# A record of each kind, in the singular (the kinds' titles are the lists' headings).
RECORD_NOUNS = {
    "scoping_returns": _l("Scoping return"),
    "quotes": _l("Quote"),
    "chair_appointments": _l("Independent chair appointment"),
    "panel_members": _l("Panel member"),
    "panel_meetings": _l("Panel meeting"),
    "agency_reports": _l("Agency report"),
    "family_contacts": _l("Contact with family or friends"),
    "parallel_processes": _l("Parallel process"),
    "recommendations": _l("Recommendation"),
    "actions": _l("Action"),
    "home_office_submissions": _l("Home Office submission"),
    "home_office_changes": _l("Change the Home Office asked for"),
    "publication_records": _l("Publication record"),
    "learning_tasks": _l("Learning task"),
    "learning_receipts": _l("Learning receipt"),
    "early_learning": _l("Early learning"),
    "case_facts": _l("Case facts"),
    "review_details": _l("Review details"),
    "local_fields": _l("Local details"),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def record_noun(key: str) -> str:
    """'panel_meetings' -> 'Panel meeting'; a kind added later without a noun reads as its
    list's title."""
    if key in RECORD_NOUNS:
        return str(RECORD_NOUNS[key])
    from core.records.kinds import KINDS

    kind = next((k for k in KINDS if k.key == key), None)
    return str(kind.title) if kind is not None else _("Record")


def _words(value) -> str:
    """A stored summary as a person reads it: dates as '4 November 2025', codes in words."""
    from core.i18n import uk_date
    from core.labels import code_label

    text = "" if value in (None, "None") else str(value)
    if _ISO_DATE.match(text):
        return uk_date(date.fromisoformat(text))
    return code_label(text) if text else ""


def _field_labels(key: str, names) -> str:
    """The changed fields' labels, as a page asks for them, joined: 'summary, due date'."""
    from core.records.kinds import KINDS
    from core.reviews import schemas
    from core.web.forms import label_of

    kind = next((k for k in KINDS if k.key == key), None)
    own = {"case_facts": "CaseFactsSchema", "review_details": "ReviewDetailsSchema"}
    schema = getattr(schemas, own[key], None) if key in own else (
        (kind.update or kind.output) if kind is not None else None)
    declared = schema._declared_fields if schema is not None else {}
    words = []
    for name in names or ():
        label = label_of(name, declared[name]) if name in declared else name.replace("_", " ")
        words.append(label[:1].lower() + label[1:] if label[1:2].islower() else label)
    return ", ".join(words)


def describe(event) -> dict:
    """An entry in words: {"heading": what happened, "detail": which record or None}.
    'Panel meeting on 4 November 2025 changed: summary', 'Agency report changed: due
    date' with 'Police' beneath."""
    from core.labels import code_label, stage_label

    data = event.data or {}
    if event.kind == "transition":
        if event.name in ("hold", "resume"):
            return {"heading": code_label(event.name), "detail": None}
        return {"heading": stage_label(event.to_stage), "detail": None}
    if event.kind == "document" and event.name == "document.removed":
        # entered in error, removed with a reason (core/documents/service.py remove)
        kind = code_label(data.get("kind", "")) or _("Document")
        if data.get("whole"):
            heading = _("Document removed: %(kind)s", kind=kind)
        else:
            heading = _("Document version removed: %(kind)s, version %(versions)s",
                        kind=kind, versions=", ".join(str(n) for n in data.get("versions", ())))
        return {"heading": heading, "detail": None}
    if event.kind == "document":
        heading = _("Document uploaded")
        if data.get("kind"):
            heading = _("Document uploaded: %(kind)s, version %(version)s",
                        kind=code_label(data["kind"]), version=data.get("version", 1))
        return {"heading": heading, "detail": None}
    key, _dot, change = event.name.partition(".")
    if key == "joint":
        if change == "signed_off":
            on = _words(data.get("on"))
            return {"heading": _("A partner partnership signed off the review on %(date)s",
                                 date=on) if on else _("A partner partnership signed off "
                                                         "the review"), "detail": None}
        if change == "partner_removed":
            return {"heading": _("A partner partnership was removed from the review"),
                    "detail": None}
    if event.name == "review.withdrawn":
        return {"heading": _("Notification withdrawn: it was entered in error"),
                "detail": None}
    if event.name == "publication_records.document_published":
        return {"heading": _("Published with the report: %(kind)s, version %(version)s",
                             kind=code_label(data.get("kind", "")),
                             version=data.get("version", 1)), "detail": None}
    noun = record_noun(key)
    summary = _words(data.get("summary"))
    dated = bool(_ISO_DATE.match(str(data.get("summary") or "")))
    if dated:  # "Panel meeting on 4 November 2025"
        noun, summary = _("%(thing)s on %(date)s", thing=noun, date=summary), ""
    if change in ("added", "add"):
        heading = _("%(thing)s added", thing=noun)
    elif change in ("removed", "remove"):
        heading = _("%(thing)s removed", thing=noun)
    elif data.get("changed"):
        heading = _("%(thing)s changed: %(fields)s", thing=noun,
                    fields=_field_labels(key, data["changed"]))
    else:
        heading = _("%(thing)s changed", thing=noun)
    return {"heading": heading, "detail": summary or None}
