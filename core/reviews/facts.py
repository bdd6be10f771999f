"""Building the lifecycle's read-only ``ReviewFacts`` from the database.

``clock_facts`` serves many reviews at once with a fixed number of queries (the dashboard
must not cost more queries as a tenant's reviews grow); ``full_facts`` adds what the
guards of one review need.
"""
from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import func, select

from core.db import db
from core.documents.models import Document, DocumentVersion
from core.lifecycle import DatedItem, HoldPeriod, ReviewFacts
from core.records.models import (
    Action,
    AgencyReportRequest,
    ChairAppointment,
    FamilyContact,
    HomeOfficeSubmission,
    LearningTask,
    PanelMeeting,
    PanelMember,
)
from core.reviews.models import Hold, Review


def _grouped(statement, key) -> dict[uuid.UUID, list]:
    grouped: dict[uuid.UUID, list] = defaultdict(list)
    for row in db.session.scalars(statement):
        grouped[getattr(row, key)].append(row)
    return grouped


def _where_reviews(statement, model, review_ids):
    # One review: filter by it; many: the tenant wall already limits rows to this tenant.
    return statement.where(model.review_id.in_(review_ids)) if len(review_ids) == 1 \
        else statement


def clock_facts(reviews: list[Review]) -> dict[uuid.UUID, ReviewFacts]:
    """Facts for the statutory clock of each review: five queries, however many reviews."""
    ids = [r.id for r in reviews]
    holds = _grouped(_where_reviews(select(Hold), Hold, ids), "review_id")
    reports = _grouped(_where_reviews(select(AgencyReportRequest), AgencyReportRequest, ids),
                       "review_id")
    actions = _grouped(_where_reviews(select(Action), Action, ids), "review_id")
    learning = _grouped(_where_reviews(select(LearningTask), LearningTask, ids), "review_id")
    first_meeting = dict(db.session.execute(_where_reviews(
        select(PanelMeeting.review_id, func.min(PanelMeeting.held_on)), PanelMeeting, ids)
        .group_by(PanelMeeting.review_id)).all())
    return {r.id: _facts(r, holds[r.id], reports[r.id], actions[r.id], first_meeting.get(r.id),
                         local_deadlines=tuple(
                             DatedItem(f"learning:{t.id}", t.title, r.published_on or t.due_on,
                                       t.due_on, t.done_on) for t in learning[r.id]))
            for r in reviews}


def _facts(review, holds, reports, actions, first_meeting, **extra) -> ReviewFacts:
    return ReviewFacts(
        stage=review.stage, profile=review.guidance_profile,
        notification_date=review.notification_date, decision_date=review.decision_date,
        first_panel_meeting=first_meeting, submitted_on=review.submitted_on,
        published_on=review.published_on,
        holds=tuple(HoldPeriod(h.reason, h.started_on, h.resumed_on, h.stage)
                    for h in sorted(holds, key=lambda h: h.started_on)),
        agency_reports=tuple(DatedItem(str(r.id), r.agency, r.requested_on, r.due_on,
                                       r.returned_on or r.waived_on) for r in reports),
        actions=tuple(DatedItem(str(a.id), a.description[:60], a.created_at.date(), a.due_on,
                                a.completed_on if a.status != "open" else None)
                      for a in actions),
        **extra,
    )


def with_policies(reviews: list[Review], facts: dict, strict: bool = False) -> dict:
    """Add what the tenant's enabled local policies say (agencies, local deadlines). A
    policy that fails adds nothing and is audited; with ``strict`` it raises
    ``PluginFailed`` (the reminder run refuses a partnership's work whole)."""
    from core.policies.service import current_tenant, local_facts

    if not reviews:
        return facts
    tenant = current_tenant()
    return {r.id: local_facts(tenant, r, facts[r.id], strict=strict) for r in reviews}


def full_facts(review: Review) -> ReviewFacts:
    """Everything the guards of one review read."""
    base = clock_facts([review])[review.id]
    rid = review.id
    family = db.session.scalars(select(FamilyContact).where(FamilyContact.review_id == rid)).all()
    latest_submission = db.session.scalar(
        select(func.max(HomeOfficeSubmission.created_at))
        .where(HomeOfficeSubmission.review_id == rid))
    letter = None
    if latest_submission is not None:
        letter = db.session.scalar(
            select(DocumentVersion.id).join(Document, Document.id == DocumentVersion.document_id)
            .where(Document.review_id == rid, Document.kind == "home_office_letter",
                   DocumentVersion.uploaded_at >= latest_submission).limit(1))
    full = ReviewFacts(**{
        **base.__dict__,
        "chair_appointed": db.session.scalar(
            select(func.count()).where(ChairAppointment.review_id == rid)) > 0,
        "panel_agencies": frozenset(a.strip().lower() for a in db.session.scalars(
            select(PanelMember.agency).where(PanelMember.review_id == rid))),
        "document_kinds": frozenset(db.session.scalars(
            select(Document.kind).where(Document.review_id == rid,
                                        Document.latest_version > 0))),
        "family_contacted": bool(family),
        "family_contribution_settled": any(f.contribution in ("given", "declined")
                                           for f in family),
        "family_saw_draft": any(f.saw_draft or f.draft_note for f in family),
        "letter_since_submission": letter is not None,
    })
    return with_policies([review], {review.id: full})[review.id]
