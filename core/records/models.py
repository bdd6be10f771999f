"""The records a review holds. Every one is tenant-owned and belongs to one review; it is
only ever loaded through that review (never by its own id alone)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Uuid, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, validates

from core.agencies import guess_category
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


def _obvious_category(context) -> str:
    return guess_category(context.get_current_parameters().get("agency"))


class PanelMember(ReviewRecord, Model):
    __tablename__ = "panel_members"
    review_id: Mapped[uuid.UUID] = _review_fk()
    agency: Mapped[str] = mapped_column(String(200))
    # core/agencies.py: what local policies match the panel by (issue 13, SEED-AUDIT S5);
    # left out, the category the agency's name makes obvious, or "other"
    category: Mapped[str] = mapped_column(String(32), default=_obvious_category,
                                          server_default="other")
    name: Mapped[str] = mapped_column(String(200))
    role_title: Mapped[str | None] = mapped_column(String(200))


class PanelMeeting(ReviewRecord, Model):
    """A panel meeting, recorded ahead (``planned_on``) and marked held (``held_on``, never
    in the future) when it has taken place (issue 14). Only held meetings count: the clock,
    the first panel meeting's target and every guard read ``held_on`` alone."""

    __tablename__ = "panel_meetings"
    review_id: Mapped[uuid.UUID] = _review_fk()
    planned_on: Mapped[date | None]
    held_on: Mapped[date | None]
    summary: Mapped[str | None] = mapped_column(Text)

    @hybrid_property
    def meeting_on(self) -> date | None:
        """The day it was held, or else the day it is planned for (what a list sorts by)."""
        return self.held_on or self.planned_on

    @meeting_on.inplace.expression
    @classmethod
    def _meeting_on(cls):
        return func.coalesce(cls.held_on, cls.planned_on)

    @property
    def status(self) -> str:
        """held; upcoming (planned for today or later); not_recorded_held (planned for a
        day gone by, not yet marked held)."""
        if self.held_on is not None:
            return "held"
        if self.planned_on is not None and self.planned_on >= date.today():
            return "upcoming"
        return "not_recorded_held"


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
    # independent | involved: whether the author was involved in the case (SEED-AUDIT W13)
    author_independence: Mapped[str | None] = mapped_column(String(16))


class FamilyContact(ReviewRecord, Model):
    """One contact (or attempt) with family and friends; people by relationship only."""

    __tablename__ = "family_contacts"
    review_id: Mapped[uuid.UUID] = _review_fk()
    contacted_on: Mapped[date]
    relationship: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str | None] = mapped_column(Text)
    leaflet_given: Mapped[bool] = mapped_column(default=False)  # kept: follows ``leaflet``
    leaflet: Mapped[str | None] = mapped_column(String(32))  # which one (scope.LEAFLETS)
    advocate: Mapped[str | None] = mapped_column(String(200))
    advocacy_offered: Mapped[bool] = mapped_column(default=False)
    advocacy_by: Mapped[str | None] = mapped_column(String(32))
    update_schedule: Mapped[str | None] = mapped_column(String(200))
    pseudonym_say: Mapped[str | None] = mapped_column(String(32))
    contribution: Mapped[str] = mapped_column(String(16), default="none")
    saw_draft: Mapped[bool] = mapped_column(default=False)
    draft_note: Mapped[str | None] = mapped_column(Text)
    draft_response: Mapped[str | None] = mapped_column(String(32))
    preferred_language: Mapped[str | None] = mapped_column(String(100))

    @validates("leaflet")
    def _leaflet_given(self, _key, value):
        """The old yes/no stays true to the leaflet named (readers of either agree)."""
        self.leaflet_given = value is not None
        return value


class ParallelProcess(ReviewRecord, Model):
    """A process beside the review (a criminal trial, an inquest, another statutory review,
    an IOPC investigation) with its own dates; a hold can name the one it waits for."""

    __tablename__ = "parallel_processes"
    review_id: Mapped[uuid.UUID] = _review_fk()
    process_type: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(String(200))
    started_on: Mapped[date | None]
    expected_on: Mapped[date | None]
    concluded_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)


class Quote(ReviewRecord, Model):
    """A quote for the independent chair, the overview report's author, or both: who
    quoted, for what, how much, when, and whether it was chosen (issue 13, SEED-AUDIT
    W11). The amount is kept in pence (no floating point anywhere); ``amount`` is pounds.
    """

    __tablename__ = "quotes"
    review_id: Mapped[uuid.UUID] = _review_fk()
    supplier: Mapped[str] = mapped_column(String(200))
    covers: Mapped[str] = mapped_column(String(16))  # chair | author | chair_and_author
    amount_pence: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date]
    chosen: Mapped[bool] = mapped_column(default=False)

    @property
    def amount(self) -> Decimal:
        return (Decimal(self.amount_pence) / 100).quantize(Decimal("0.01"))

    @amount.setter
    def amount(self, value) -> None:
        self.amount_pence = int((Decimal(value) * 100).to_integral_value(ROUND_HALF_UP))


class Recommendation(ReviewRecord, Model):
    __tablename__ = "recommendations"
    review_id: Mapped[uuid.UUID] = _review_fk()
    text: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(16))
    addressed_to: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))


class Action(ReviewRecord, Model):
    __tablename__ = "actions"
    # the action tracker's default sort (issue 14, migration 0027_listing)
    __table_args__ = (Index("ix_actions_tenant_due", "tenant_id", "due_on"),)
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
    panel_on: Mapped[date | None]  # the Home Office quality assurance panel's meeting


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
    # A decision not to publish that the area's policy announces: what the public page
    # cites (the guidance section the decision rests on); None: not announced (G6).
    notice: Mapped[str | None] = mapped_column(Text)


class LearningTask(ReviewRecord, Model):
    """Learning that follows the decision to publish or not (a practitioners' pack, an
    event), from the tenant's local policy; marked done with its evidence."""

    __tablename__ = "learning_tasks"
    review_id: Mapped[uuid.UUID] = _review_fk()
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    done_on: Mapped[date | None]
    evidence: Mapped[str | None] = mapped_column(Text)
    done_by: Mapped[str | None] = mapped_column(String(254))  # who marked it done


class LearningReceipt(ReviewRecord, Model):
    """One recipient of a learning task (a board) and when it was sent and received."""

    __tablename__ = "learning_receipts"
    review_id: Mapped[uuid.UUID] = _review_fk()
    learning_task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learning_tasks.id"),
                                                        index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date | None]
    received_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(254))
    task: Mapped[LearningTask] = relationship(LearningTask, lazy="joined", innerjoin=True)

    @property
    def task_title(self) -> str:
        return self.task.title


class HomeOfficeChange(ReviewRecord, Model):
    """A change the Home Office asked for when it approved subject to changes: publication
    waits until every one is marked done (with who and when)."""

    __tablename__ = "home_office_changes"
    review_id: Mapped[uuid.UUID] = _review_fk()
    submission_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("home_office_submissions.id"), index=True)
    change: Mapped[str] = mapped_column(Text)
    asked_on: Mapped[date]  # the date of the letter that asked for it
    done_on: Mapped[date | None]
    evidence: Mapped[str | None] = mapped_column(Text)
    done_by: Mapped[str | None] = mapped_column(String(254))


class EarlyLearning(ReviewRecord, Model):
    """Learning noted during scoping, and what is being done about it (dardr-2024's
    Scoping Review)."""

    __tablename__ = "early_learning"
    review_id: Mapped[uuid.UUID] = _review_fk()
    noted_on: Mapped[date]
    learning: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]
