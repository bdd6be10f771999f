"""Building the lifecycle's read-only ``ReviewFacts`` from the database.

``base_facts`` serves one review or many with a fixed number of queries (lists must not
cost more queries as a tenant's reviews grow): with ``full=False`` only what the statutory
clock reads (five queries), otherwise also what the guards and local policies read.
``full_facts`` is one review as its guards see it, with what the tenant's local policies
require. The clock's own inputs (the owner's local deadline rules) are added by
``core/reviews/clock.py`` when it computes what it keeps.
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

# Up to this many reviews, queries name them; beyond, the tenant wall alone limits the rows
# (a list of every review of a tenant is better served by its tenant_id index).
NAMED = 20


def _grouped(statement, key) -> dict[uuid.UUID, list]:
    grouped: dict[uuid.UUID, list] = defaultdict(list)
    for row in db.session.scalars(statement):
        grouped[getattr(row, key)].append(row)
    return grouped


def _pairs(statement) -> dict[uuid.UUID, list]:
    grouped: dict[uuid.UUID, list] = defaultdict(list)
    for review_id, value in db.session.execute(statement):
        grouped[review_id].append(value)
    return grouped


def _where_reviews(statement, model, review_ids):
    return statement.where(model.review_id.in_(review_ids)) if len(review_ids) <= NAMED \
        else statement


def base_facts(reviews: list[Review], full: bool = True) -> dict[uuid.UUID, ReviewFacts]:
    """Facts of each review from its rows alone (no local policy): five queries for the
    clock, at most eleven with ``full``, however many reviews."""
    if not reviews:
        return {}
    ids = [r.id for r in reviews]

    def where(statement, model):
        return _where_reviews(statement, model, ids)

    holds = _grouped(where(select(Hold), Hold), "review_id")
    reports = _grouped(where(select(AgencyReportRequest), AgencyReportRequest), "review_id")
    actions = _grouped(where(select(Action), Action), "review_id")
    learning = _grouped(where(select(LearningTask), LearningTask), "review_id")
    first_meeting = dict(db.session.execute(where(
        select(PanelMeeting.review_id, func.min(PanelMeeting.held_on)), PanelMeeting)
        .group_by(PanelMeeting.review_id)).all())
    guards = _guard_inputs(where) if full else None
    return {r.id: _facts(r, holds[r.id], reports[r.id], actions[r.id], first_meeting.get(r.id),
                         learning[r.id], guards) for r in reviews}


def _guard_inputs(where) -> dict:
    """What the guards read (and plugins see), for every review at once: six queries."""
    chairs = set(db.session.scalars(where(
        select(ChairAppointment.review_id).distinct(), ChairAppointment)))
    panel = _pairs(where(select(PanelMember.review_id, PanelMember.agency), PanelMember))
    kinds = _pairs(where(select(Document.review_id, Document.kind)
                         .where(Document.latest_version > 0), Document))
    family: dict[uuid.UUID, list] = defaultdict(list)
    for review_id, *contact in db.session.execute(where(select(
            FamilyContact.review_id, FamilyContact.contribution, FamilyContact.saw_draft,
            FamilyContact.draft_note), FamilyContact)):
        family[review_id].append(contact)
    submitted = dict(db.session.execute(where(
        select(HomeOfficeSubmission.review_id, func.max(HomeOfficeSubmission.created_at)),
        HomeOfficeSubmission).group_by(HomeOfficeSubmission.review_id)).all())
    letters = {}
    if submitted:
        letters = dict(db.session.execute(where(
            select(Document.review_id, func.max(DocumentVersion.uploaded_at))
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(Document.kind == "home_office_letter"), Document)
            .group_by(Document.review_id)).all())
    return {"chairs": chairs, "panel": panel, "kinds": kinds, "family": family,
            "submitted": submitted, "letters": letters}


def _facts(review, holds, reports, actions, first_meeting, learning, guards) -> ReviewFacts:
    extra = {}
    if guards is not None:
        rid, family = review.id, guards["family"].get(review.id, [])
        submitted, letter = guards["submitted"].get(rid), guards["letters"].get(rid)
        extra = {
            "chair_appointed": rid in guards["chairs"],
            "panel_agencies": frozenset(a.strip().lower() for a in guards["panel"].get(rid, ())),
            "document_kinds": frozenset(guards["kinds"].get(rid, ())),
            "family_contacted": bool(family),
            "family_contribution_settled": any(c in ("given", "declined")
                                               for c, _saw, _note in family),
            "family_saw_draft": any(saw or note for _c, saw, note in family),
            "letter_since_submission": submitted is not None and letter is not None
            and letter >= submitted,
        }
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
        local_deadlines=tuple(
            DatedItem(f"learning:{t.id}", t.title, review.published_on or t.due_on, t.due_on,
                      t.done_on) for t in learning),
        **extra,
    )


def with_policies(reviews: list[Review], facts: dict, strict: bool = False, *,
                  agencies: bool = True, deadlines: bool = True, on_skip=None) -> dict:
    """Add what the local policies say: the agencies the current tenant's policies require
    (guards) and the deadlines the review's owner's policies add (the clock: a joint
    review's deadlines are its lead's, whoever looks). A policy that fails adds nothing, is
    audited and told to ``on_skip``; with ``strict`` it raises ``PluginFailed`` (the
    reminder run refuses a partnership's work whole)."""
    from core.policies.service import current_tenant, local_facts

    if not reviews:
        return facts
    tenant = current_tenant()
    found = {}
    for review in reviews:
        owner = tenant if review.tenant_id == tenant.id else _tenant(review.tenant_id)
        if owner is tenant or not (agencies and deadlines):
            found[review.id] = local_facts(
                tenant if agencies else owner, review, facts[review.id], strict=strict,
                agencies=agencies, deadlines=deadlines, on_skip=on_skip)
        else:  # a partner looks at a joint review: its agencies, the lead's deadlines
            found[review.id] = local_facts(
                owner, review, local_facts(tenant, review, facts[review.id], strict=strict,
                                           deadlines=False), strict=strict, agencies=False,
                on_skip=on_skip)
    return found


def _tenant(tenant_id):
    from tenants.models import Tenant

    return db.session.get(Tenant, tenant_id)


def full_facts(review: Review) -> ReviewFacts:
    """Everything the guards of one review read: its rows and the agencies the tenant's
    local policies require (its deadlines are kept: ``core.reviews.clock.kept``)."""
    base = base_facts([review])[review.id]
    return with_policies([review], {review.id: base}, deadlines=False)[review.id]
