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
from types import SimpleNamespace

from sqlalchemy import (
    Date,
    DateTime,
    String,
    Text,
    Uuid,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from core.db import db
from core.documents.models import Document, DocumentVersion
from core.lifecycle import DatedItem, HoldPeriod, ReviewFacts
from core.records.models import (
    Action,
    AgencyReportRequest,
    ChairAppointment,
    FamilyContact,
    HomeOfficeChange,
    HomeOfficeSubmission,
    LearningTask,
    PanelMeeting,
    PanelMember,
    ParallelProcess,
    Recommendation,
    ScopingReturn,
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
    """Facts of each review from its rows alone (no local policy): one query for the
    clock, at most eleven with ``full``, however many reviews."""
    if not reviews:
        return {}
    ids = [r.id for r in reviews]

    def where(statement, model):
        return _where_reviews(statement, model, ids)

    holds, reports, actions, learning, first_meeting = _clock_inputs(where)
    guards = _guard_inputs(where) if full else None
    return {r.id: _facts(r, holds[r.id], reports[r.id], actions[r.id], first_meeting.get(r.id),
                         learning[r.id], guards) for r in reviews}


# The clock's inputs, one statement: each kind of row projected onto the same columns.
_KINDS = ("hold", "report", "action", "learning", "meeting")


def _clock_inputs(where) -> tuple[dict, dict, dict, dict, dict]:
    """The rows the clock reads (holds, agency reports, actions, learning tasks, the first
    panel meeting) for every review at once, in one UNION ALL statement (a record write
    refreshes the clock: one round trip, not five). Each row comes back as an object with
    the attributes ``_facts`` reads, named as on the models."""
    def typed(value, type_):
        return cast(null(), type_) if value is None else value

    def row(kind, model, ident=None, label=None, d1=None, d2=None, d3=None, at=None, s=None,
            ref=None):
        return where(select(
            literal(kind, String).label("kind"), model.review_id.label("review_id"),
            typed(ident, Uuid), typed(label, Text), typed(d1, Date), typed(d2, Date),
            typed(d3, Date), typed(at, DateTime), typed(s, String), typed(ref, Uuid)), model)

    statement = union_all(
        row("hold", Hold, Hold.id, Hold.reason, Hold.started_on, Hold.resumed_on,
            s=Hold.stage),
        row("report", AgencyReportRequest, AgencyReportRequest.id, AgencyReportRequest.agency,
            AgencyReportRequest.requested_on, AgencyReportRequest.due_on,
            func.coalesce(AgencyReportRequest.returned_on, AgencyReportRequest.waived_on)),
        row("action", Action, Action.id, Action.description, None, Action.due_on,
            Action.completed_on, Action.created_at, Action.status, Action.recommendation_id),
        row("learning", LearningTask, LearningTask.id, LearningTask.title, None,
            LearningTask.due_on, LearningTask.done_on),
        # only a meeting held counts: one planned, not yet held, is no panel meeting yet
        row("meeting", PanelMeeting, d1=func.min(PanelMeeting.held_on))
        .where(PanelMeeting.held_on.is_not(None)).group_by(PanelMeeting.review_id))
    found: dict[str, dict] = {kind: defaultdict(list) for kind in _KINDS}
    for kind, review_id, *values in db.session.execute(statement):
        found[kind][review_id].append(_ROW[kind](*values))
    first_meeting = {rid: rows[0] for rid, rows in found["meeting"].items()}
    return found["hold"], found["report"], found["action"], found["learning"], first_meeting


_ROW = {
    "hold": lambda i, label, d1, d2, _d3, _at, s, _ref: SimpleNamespace(
        id=i, reason=label, started_on=d1, resumed_on=d2, stage=s),
    "report": lambda i, label, d1, d2, d3, _at, _s, _ref: SimpleNamespace(
        id=i, agency=label, requested_on=d1, due_on=d2, returned_on=d3, waived_on=None),
    "action": lambda i, label, _d1, d2, d3, at, s, ref: SimpleNamespace(
        id=i, description=label, due_on=d2, completed_on=d3, created_at=at, status=s,
        recommendation_id=ref),
    "learning": lambda i, label, _d1, d2, d3, _at, _s, _ref: SimpleNamespace(
        id=i, title=label, due_on=d2, done_on=d3),
    "meeting": lambda _i, _label, d1, *_rest: d1,
}


def _guard_inputs(where) -> dict:
    """What the guards read (and plugins see), for every review at once: ten queries."""
    chairs = set(db.session.scalars(where(
        select(ChairAppointment.review_id).distinct(), ChairAppointment)))
    panel: dict[uuid.UUID, list] = defaultdict(list)  # (agency, category) of each member
    for review_id, *member in db.session.execute(where(select(
            PanelMember.review_id, PanelMember.agency, PanelMember.category), PanelMember)):
        panel[review_id].append(member)
    kinds = _pairs(where(select(Document.review_id, Document.kind)
                         .where(Document.latest_version > 0), Document))
    family: dict[uuid.UUID, list] = defaultdict(list)
    for review_id, *contact in db.session.execute(where(select(
            FamilyContact.review_id, FamilyContact.contribution, FamilyContact.saw_draft,
            FamilyContact.draft_note), FamilyContact)):
        family[review_id].append(contact)
    latest: dict[uuid.UUID, tuple] = {}  # the latest submission: (created_at, …)
    for review_id, *row in db.session.execute(where(select(
            HomeOfficeSubmission.review_id, HomeOfficeSubmission.created_at,
            HomeOfficeSubmission.outcome_on, HomeOfficeSubmission.copies_sent_on),
            HomeOfficeSubmission)):
        if review_id not in latest or row[0] >= latest[review_id][0]:
            latest[review_id] = tuple(row)
    submitted = {rid: row[0] for rid, row in latest.items()}
    changes = _pairs(where(select(HomeOfficeChange.review_id, HomeOfficeChange.change)
                           .where(HomeOfficeChange.done_on.is_(None)), HomeOfficeChange))
    recommendations: dict[uuid.UUID, list] = defaultdict(list)
    for review_id, *rec in db.session.execute(where(select(
            Recommendation.review_id, Recommendation.id, Recommendation.text),
            Recommendation)):
        recommendations[review_id].append(rec)
    scoped = _pairs(where(select(ScopingReturn.review_id, ScopingReturn.agency), ScopingReturn))
    processes = _pairs(where(select(ParallelProcess.review_id, ParallelProcess.id),
                             ParallelProcess))
    letters = {}
    if submitted:
        letters = dict(db.session.execute(where(
            select(Document.review_id, func.max(DocumentVersion.uploaded_at))
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(Document.kind == "home_office_letter"), Document)
            .group_by(Document.review_id)).all())
    return {"chairs": chairs, "panel": panel, "kinds": kinds, "family": family,
            "submitted": submitted, "letters": letters, "latest": latest, "changes": changes,
            "recommendations": recommendations, "scoped": scoped, "processes": processes}


def _facts(review, holds, reports, actions, first_meeting, learning, guards) -> ReviewFacts:
    extra = {}
    if guards is not None:
        rid, family = review.id, guards["family"].get(review.id, [])
        submitted, letter = guards["submitted"].get(rid), guards["letters"].get(rid)
        extra = {
            "chair_appointed": rid in guards["chairs"],
            "panel_agencies": frozenset(a.strip().lower()
                                        for a, _c in guards["panel"].get(rid, ())),
            "panel_categories": frozenset(c for _a, c in guards["panel"].get(rid, ())),
            "document_kinds": frozenset(guards["kinds"].get(rid, ())),
            "family_contacted": bool(family),
            "family_contribution_settled": any(c in ("given", "declined")
                                               for c, _saw, _note in family),
            "family_saw_draft": any(saw or note for _c, saw, note in family),
            "letter_since_submission": submitted is not None and letter is not None
            and letter >= submitted,
            "guidance_recorded": guidance_recorded(review),
            "parallel_processes": frozenset(str(p) for p in guards["processes"].get(rid, ())),
            **_loops(review, actions, guards),
        }
    return ReviewFacts(
        targets=own_targets(review),
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
        directed_on=review.directed_on,
        learning=tuple(DatedItem(str(t.id), t.title, review.published_on or t.due_on,
                                 t.due_on, t.done_on) for t in learning),
        **extra,
    )


def _loops(review, actions, guards) -> dict:
    """What the Home Office loop and closing read (issue 13): the latest letter's date, the
    copies, the changes asked for and not made, recommendations with no action, and the
    agencies contacted in scoping."""
    rid = review.id
    _created, letter_on, copies_on = guards["latest"].get(rid, (None, None, None))
    with_action = {a.recommendation_id for a in actions}
    return {
        "home_office_letter_on": letter_on, "copies_sent_on": copies_on,
        "open_home_office_changes": tuple(guards["changes"].get(rid, ())),
        "recommendations_without_actions": tuple(
            text[:60] for rec_id, text in guards["recommendations"].get(rid, ())
            if rec_id not in with_action),
        "scoping_agencies": frozenset(a.strip().lower()
                                      for a in guards["scoped"].get(rid, ())),
    }


def own_targets(review) -> tuple[tuple[str, int], ...]:
    """The review's owner's own months for its profile's local-practice targets (a joint
    review's are its lead's, whoever looks): the clock reads them (core/targets.py)."""
    from core.targets import targets_of

    return tuple(sorted(targets_of(review.tenant_id).get(review.guidance_profile, {}).items()))


def guidance_recorded(review) -> frozenset[str]:
    """The fields of the review's record of its guidance (wales-susr: its SUSR dates, kept
    in ``local_fields`` under the profile's name) that hold a value."""
    record = (review.local_fields or {}).get(review.guidance_profile) or {}
    return frozenset(name for name, value in record.items() if value not in (None, ""))


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
