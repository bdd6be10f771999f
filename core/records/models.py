"""The records a review holds. Every one is tenant-owned and belongs to one review; it is
only ever loaded through that review (never by its own id alone)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class ReviewRecord(TenantScoped):
    """Columns every record shares."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):  # optimistic locking: a lost race is a 409, never a lost edit
        return {"version_id_col": cls.__table__.c.version}


def _review_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("reviews.id"), index=True)


class ScopingReturn(ReviewRecord, Model):
    __tablename__ = "scoping_returns"
    review_id: Mapped[uuid.UUID] = _review_fk()
    agency: Mapped[str] = mapped_column(String(200))
    asked_on: Mapped[date]
    answered_on: Mapped[date | None]
    knew_victim: Mapped[bool | None]
    knew_perpetrator: Mapped[bool | None]
    summary: Mapped[str | None] = mapped_column(Text)


class ChairAppointment(ReviewRecord, Model):
    __tablename__ = "chair_appointments"
    review_id: Mapped[uuid.UUID] = _review_fk()
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    appointed_on: Mapped[date]
    independence_statement: Mapped[str] = mapped_column(Text)


class PanelMember(ReviewRecord, Model):
    __tablename__ = "panel_members"
    review_id: Mapped[uuid.UUID] = _review_fk()
    agency: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    role_title: Mapped[str | None] = mapped_column(String(200))


class PanelMeeting(ReviewRecord, Model):
    __tablename__ = "panel_meetings"
    review_id: Mapped[uuid.UUID] = _review_fk()
    held_on: Mapped[date]
    summary: Mapped[str | None] = mapped_column(Text)


class AgencyReportRequest(ReviewRecord, Model):
    """A request for an agency's report (IMR or chronology) and what came back."""

    __tablename__ = "agency_report_requests"
    review_id: Mapped[uuid.UUID] = _review_fk()
    agency: Mapped[str] = mapped_column(String(200))
    report_type: Mapped[str] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    requested_on: Mapped[date]
    due_on: Mapped[date]
    returned_on: Mapped[date | None]
    waived_reason: Mapped[str | None] = mapped_column(Text)
    waived_on: Mapped[date | None]


class FamilyContact(ReviewRecord, Model):
    """One contact (or attempt) with family and friends; people by relationship only."""

    __tablename__ = "family_contacts"
    review_id: Mapped[uuid.UUID] = _review_fk()
    contacted_on: Mapped[date]
    relationship: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str | None] = mapped_column(Text)
    leaflet_given: Mapped[bool] = mapped_column(default=False)
    advocate: Mapped[str | None] = mapped_column(String(200))
    contribution: Mapped[str] = mapped_column(String(16), default="none")
    saw_draft: Mapped[bool] = mapped_column(default=False)
    draft_note: Mapped[str | None] = mapped_column(Text)


class Recommendation(ReviewRecord, Model):
    __tablename__ = "recommendations"
    review_id: Mapped[uuid.UUID] = _review_fk()
    text: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(16))
    addressed_to: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))


class Action(ReviewRecord, Model):
    __tablename__ = "actions"
    review_id: Mapped[uuid.UUID] = _review_fk()
    recommendation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recommendations.id"),
                                                         index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="open")
    evidence: Mapped[str | None] = mapped_column(Text)
    completed_on: Mapped[date | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)


class HomeOfficeSubmission(ReviewRecord, Model):
    """Written by the submit / approve / resubmit steps, never edited by hand."""

    __tablename__ = "home_office_submissions"
    review_id: Mapped[uuid.UUID] = _review_fk()
    signed_off_on: Mapped[date]
    submitted_on: Mapped[date]
    copies_sent_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_on: Mapped[date | None]


class PublicationRecord(ReviewRecord, Model):
    """Written by the publish / not publish steps."""

    __tablename__ = "publication_records"
    review_id: Mapped[uuid.UUID] = _review_fk()
    decision: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[date]
    published_on: Mapped[date | None]
    online_until: Mapped[date | None]
    reasons: Mapped[str | None] = mapped_column(Text)
    documents: Mapped[list] = mapped_column(JSON, default=list)  # kinds published
    # kind -> ids of the document versions published (pinned: later uploads stay private)
    versions: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[str | None] = mapped_column(String(16))  # on_request | removed


class LearningTask(ReviewRecord, Model):
    """Learning that follows publication (a practitioners' pack, an event), from the
    tenant's local policy."""

    __tablename__ = "learning_tasks"
    review_id: Mapped[uuid.UUID] = _review_fk()
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    done_on: Mapped[date | None]
