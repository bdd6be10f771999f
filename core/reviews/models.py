"""The review record. It never holds a real name: the person who died is known by a
pseudonym; real names arrive later as protected names, used only to check documents."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class Review(TenantScoped, Model):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        # the reviews list's default sort, its year filter, its stage filter and counts
        # (issue 14, migration 0027_listing)
        Index("ix_reviews_tenant_notified", "tenant_id", "notification_date"),
        Index("ix_reviews_tenant_stage", "tenant_id", "stage"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(32))
    pseudonym: Mapped[str] = mapped_column(String(100))
    date_of_death: Mapped[date]
    notification_date: Mapped[date]
    notifying_agency: Mapped[str] = mapped_column(String(200))
    # Case facts at notification (core/lifecycle/scope.py): what the decision reads.
    victim_age: Mapped[int | None] = mapped_column(Integer)
    relationship_to_suspect: Mapped[str | None] = mapped_column(String(32))
    death_type: Mapped[str | None] = mapped_column(String(32))
    police_force: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(32), default="notified")
    guidance_profile: Mapped[str] = mapped_column(String(32), default="england-2016")
    # Facts the statutory clock reads; each is set by the step that establishes it.
    decision: Mapped[str | None] = mapped_column(String(32))
    decision_date: Mapped[date | None]
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    decision_scope_reasons: Mapped[list | None] = mapped_column(JSON)  # a "not_commission"'s
    home_office_told_on: Mapped[date | None]
    directed_on: Mapped[date | None]  # the Secretary of State directed a review (a new clock)
    submitted_on: Mapped[date | None]  # first submission to the Home Office
    published_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Local fields that enabled plugins declare, by plugin name (review_fields_schema).
    local_fields: Mapped[dict] = mapped_column(JSON, default=dict)
    # Every step writes it, so even a hold bumps the version and loses a race cleanly.
    last_step_at: Mapped[datetime | None]
    # A notification entered in error (a death in 1850), withdrawn by the coordinator with a
    # reason before any decision (core/reviews/service.py withdraw): readable, but off the
    # dashboard, the clocks and the reminders.
    withdrawn_on: Mapped[date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class ReferenceCounter(TenantScoped, Model):
    """The last review number a tenant issued in a year: WAR-2026-003 is number 3."""

    __tablename__ = "reference_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)


class Hold(TenantScoped, Model):
    """Time a review spent waiting (a trial, an inquest): an event, never an edited date."""

    __tablename__ = "holds"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    # The parallel process it waits for (one of the review's), if any.
    parallel_process_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("parallel_processes.id"), index=True)
    started_on: Mapped[date]
    resumed_on: Mapped[date | None]


class TimelineEvent(TenantScoped, Model):
    __tablename__ = "timeline_events"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))  # transition, record, document
    name: Mapped[str] = mapped_column(String(64))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class ReviewClock(TenantScoped, Model):
    """A review's statutory clock as last computed (core/reviews/clock.py): its deadlines
    and statuses, kept so that lists read them instead of recomputing every review. Written
    in the transaction of every change that can move a deadline; what it says holds until
    ``fresh_until`` for the ``basis`` it was computed under (after that, or when ``degraded``
    because a local policy failed, the next read computes it again)."""

    __tablename__ = "review_clocks"
    __table_args__ = (  # the lists' freshness check and due-date sort (0027_listing)
        Index("ix_review_clocks_tenant_fresh", "tenant_id", "fresh_until"),
        Index("ix_review_clocks_tenant_next_due", "tenant_id", "next_due_on"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id"), unique=True)
    computed_on: Mapped[date]
    fresh_until: Mapped[date]
    # The rules it was computed under: the clock's version, the guidance profiles, and the
    # owner's enabled policies that add deadlines (with their settings), as a digest.
    basis: Mapped[str] = mapped_column(String(32))
    degraded: Mapped[bool] = mapped_column(default=False)
    on_hold: Mapped[bool] = mapped_column(default=False)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    due_soon: Mapped[int] = mapped_column(Integer, default=0)
    next_due_on: Mapped[date | None]
    # Most urgent first: key, kind, label (untranslated) and params, statutory_due,
    # adjusted_due, met_on (ISO dates), status.
    deadlines: Mapped[list] = mapped_column(JSON, default=list)
