"""Taking a step in a review's lifecycle: one transaction with its effects, its timeline
entry and its audit event, or nothing at all."""
from __future__ import annotations

from datetime import date, timedelta
from types import MappingProxyType
from uuid import UUID

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from core import lifecycle
from core.audit import service as audit
from core.db import db
from core.documents.models import Document, DocumentVersion
from core.hooks.manager import PluginFailed
from core.labels import role_label, stage_label
from core.lifecycle.transitions import HOLD, RESUME, may_take
from core.policies import location
from core.policies import service as policies
from core.records.models import (
    HomeOfficeChange,
    HomeOfficeSubmission,
    LearningReceipt,
    LearningTask,
    PublicationRecord,
)
from core.reviews import clock, timeline
from core.reviews.facts import base_facts, full_facts
from core.reviews.models import Hold, Review
from tenants.models import utcnow

TARGETS = frozenset(lifecycle.STAGES) | {HOLD, RESUME}


class StepProblem(Exception):
    """A step that cannot be taken. ``status`` is the HTTP answer: 403, 409 or 422."""

    def __init__(self, status: int, problems: list[lifecycle.Problem]):
        super().__init__([p.code for p in problems])
        self.status, self.problems = status, problems


def _problem(code: str, message: str, field: str | None = None) -> lifecycle.Problem:
    return lifecycle.Problem(code, message, {}, field)


def resolve(review: Review, to: str) -> lifecycle.Transition:
    if review.withdrawn_on is not None:  # entered in error (issue 14): no step follows
        raise StepProblem(409, [_problem("withdrawn", _(
            "This notification was withdrawn (entered in error), so no step can be taken."))])
    if to not in TARGETS:
        raise StepProblem(422, [_problem("unknown_stage", _("There is no stage called that."),
                                         "to")])
    transition = lifecycle.find_transition(review.stage, to)
    if transition is None:
        raise StepProblem(409, [_problem("wrong_stage",
                                         _("This step is not possible at this stage."))])
    return transition


def take(review: Review, to: str, data: dict | None, roles,
         expected_version: int | None = None, dry_run: bool = False) -> Review:
    """Move ``review`` to ``to`` with the step's ``data`` (already type-checked). With
    ``dry_run``, only check: raise the StepProblem the step would meet, change nothing.

    ``data=None`` (a dry run only) checks a step before its form is filled in: everything
    but the step's own data (its required fields and data rules), i.e. what ``blockers``
    returns. Local policies then see empty data, so an objection of theirs that does not
    depend on the data shows on the step's page before anything is submitted."""
    if data is None and not dry_run:
        raise ValueError("a step is only taken with its data")
    if expected_version is not None and expected_version != review.version:
        raise StepProblem(409, [stale(review)])
    transition = resolve(review, to)
    if review.tenant_id != policies.current_tenant().id:
        raise StepProblem(403, [_problem("not_lead", _(
            "Only the lead partnership moves a joint review from stage to stage."))])
    if not may_take(transition, roles):
        raise StepProblem(403, [_problem("role", _(
            "Your role cannot take this step. Who can take it: %(roles)s.",
            roles=who_can(transition)))])
    try:
        facts = full_facts(review)
        if data is not None:
            invalid = lifecycle.validate_data(facts, transition, data)
            if invalid:
                raise StepProblem(422, invalid)
        refused = blockers(review, transition, roles, facts, data)
        if refused:
            raise StepProblem(409, refused)
        if dry_run:
            return review
        after = _apply(review, transition, data, facts)
    except PluginFailed as failed:  # a local policy the step needs failed: not taken
        raise StepProblem(409, [_plugin_failed(failed)]) from None
    _tell_plugins(review, transition, roles, after)
    return review


def blockers(review: Review, transition: lifecycle.Transition, roles, facts=None,
             data: dict | None = None, scan_documents: bool = True
             ) -> list[lifecycle.Problem]:
    """What stops ``transition`` now, whoever takes it: the lifecycle's guards, the local
    policies' objections (``check_transition``, seeing ``data``, or nothing before the
    form) and the redaction gate before publication. ``take`` refuses a step on these
    (409); the review page lists them beside each next step, the step's page above its
    form. A local policy that fails is named, never a 500. Without ``scan_documents`` the
    redaction gate is left out: the review page, which anyone who may read the review
    opens, does not read every document to be published (nor tells a viewer how many
    protected names it holds); the publish step's own page and its POST run it."""
    facts = facts if facts is not None else full_facts(review)
    try:
        return (lifecycle.check(facts, transition)
                + _local_objections(review, facts, transition, data or {}, roles)
                + (_redaction_objections(review, transition, facts)
                   if scan_documents else []))
    except PluginFailed as failed:  # e.g. the publication plan the redaction gate reads
        return [_plugin_failed(failed)]


def who_can(transition: lifecycle.Transition) -> str:
    """The roles that may take ``transition``, in words (from the lifecycle's table)."""
    return ", ".join(sorted(role_label(r) for r in transition.roles))


def stale(review: Review) -> lifecycle.Problem:
    """The review changed since the person loaded it, said in words: its stage's label,
    never a version number (issue 14, item 1)."""
    return _problem("stale", _(
        "Someone else changed this review while you were working on it (it is now at the "
        "stage '%(stage)s'). Reload the page to see the change, then try again.",
        stage=stage_label(review.stage)))


def _plugin_failed(failed: PluginFailed) -> lifecycle.Problem:
    return _problem("plugin_failed", _(
        "The local policy '%(plugin)s' failed, so this step cannot be taken. Tell your "
        "regional admin.", plugin=failed.plugin))


def _local_objections(review, facts, transition, data, roles) -> list[lifecycle.Problem]:
    tenant = policies.current_tenant()
    try:
        found = policies.collect(tenant, "check_transition",
                                 review=policies.review_view(review, facts, with_partners=True),
                                 transition=transition.name, actor=policies.actor(roles),
                                 data=MappingProxyType(dict(data)))
    except PluginFailed as failed:
        return [_plugin_failed(failed)]
    # a field on another page (a kind of record, the policy's local information) links
    # there from the error summary (core/policies/location.py; issue 14)
    return [lifecycle.Problem(p.code, location.linked(review, name, p), {}, p.field)
            for name, problems in found for p in problems]


def _tell_plugins(review, transition, roles, after) -> None:
    """After the commit: each plugin hears of the step on its own (``after``: the review's
    facts as the step left them; None when no enabled plugin listens); failures are
    audited."""
    if after is None:
        return
    tenant = policies.current_tenant()
    view = policies.review_view(review, after, with_partners=True)
    for plugin, error in policies.each(tenant, "review_transitioned", review=view,
                                       transition=transition.name,
                                       actor=policies.actor(roles)):
        audit.record("plugin.failed", object_type="review", object_id=review.id,
                     details={"plugin": plugin, "hook": "review_transitioned",
                              "error": type(error).__name__})
    db.session.commit()


def _apply(review: Review, transition: lifecycle.Transition, data: dict, facts):
    """Take the step: its effects, timeline, audit and the review's clock, one transaction.
    Returns the review's facts after the step when a plugin is to hear of it (else None)."""
    before = review.stage
    after = None
    try:
        EFFECTS.get(transition.name, _nothing)(review, data, facts)
        _keep_for_guidance(review, transition, data)
        review.stage = transition.target_stage(before)
        review.last_step_at = utcnow()
        db.session.flush()  # the version check: a concurrent step makes this fail
        timeline.add(review, "transition", transition.name, _jsonable(data), before,
                     review.stage)
        audit.record(f"review.{transition.name}", object_type="review", object_id=review.id,
                     details={"from": before, "to": review.stage})
        if policies.implemented(policies.current_tenant(), "review_transitioned"):
            db.session.flush()
            after = base_facts([review])[review.id]  # for the plugins, and for the clock
            clock.refresh([review], facts={review.id: after})
        db.session.commit()
    except (StaleDataError, OperationalError) as lost:
        db.session.rollback()
        # SQLite reports a concurrent writer as "database is locked"; anything else is real.
        if isinstance(lost, OperationalError) and "locked" not in str(lost.orig):
            raise
        raise StepProblem(409, [_problem("stale", _(
            "Someone else moved this review at the same moment. Reload it to see where it "
            "is now."))]) from None
    except Exception:
        db.session.rollback()
        raise
    return after


def _keep_for_guidance(review: Review, transition, data: dict) -> None:
    """What a step's data adds for the review's guidance (wales-susr: the case review
    group's and Welsh Government's dates) is kept on the review's record of its guidance,
    where its page shows it and later guards read it."""
    profile = lifecycle.profile_for(review.guidance_profile)
    kept = {n.field: data[n.field] for n in transition.needs_of(profile)
            if n.in_step and data.get(n.field) is not None}
    if kept:
        record = dict(review.local_fields or {})
        record[profile.name] = {**record.get(profile.name, {}), **_jsonable(kept)}
        review.local_fields = record  # a new dict: the JSON column sees the change


def _jsonable(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, UUID) else v
            for k, v in data.items()}


# --- what each step writes ----------------------------------------------------------------

def _nothing(_review: Review, _data: dict, _facts) -> None:
    return None


def _decide(outcome: str):
    def effect(review: Review, data: dict, _facts) -> None:
        review.decision = outcome
        review.decision_date = data["decision_date"]
        review.decision_reasons = data["reasons"]
        review.home_office_told_on = data["home_office_told_on"]
        # the case facts a decision not to review cites (core/lifecycle/scope.py)
        review.decision_scope_reasons = data.get("scope_reasons") or None

    return effect


def _directed(review: Review, data: dict, _facts) -> None:
    """The refused decision stays as it was; the review's clock starts again from the
    direction (Source: HAN21b; VPA19 s19(2), https://legislation.gov.uk/ukpga/2024/21/
    section/19)."""
    review.decision = "directed"
    review.directed_on = data["decided_on"]


def _submit(review: Review, data: dict, _facts) -> None:
    db.session.add(HomeOfficeSubmission(
        review_id=review.id, signed_off_on=data["signed_off_on"],
        submitted_on=data["submitted_on"], copies_sent_on=data.get("copies_sent_on")))
    review.submitted_on = review.submitted_on or data["submitted_on"]


def _outcome(outcome: str | None):
    def effect(review: Review, data: dict, _facts) -> None:
        latest = db.session.scalars(
            select(HomeOfficeSubmission).where(HomeOfficeSubmission.review_id == review.id)
            .order_by(HomeOfficeSubmission.created_at.desc())).first()
        latest.outcome = outcome or data["outcome"]
        latest.outcome_on = data["outcome_on"]
        latest.panel_on = data.get("qa_panel_on")
        if latest.outcome == "approved_subject_to_changes":
            # Each change asked for is a checklist item (Source: BAS: "areas for final
            # development … on completion of these changes, the DHR may be published").
            db.session.flush()
            for line in data["changes"].splitlines():
                if line.strip():
                    db.session.add(HomeOfficeChange(
                        review_id=review.id, submission_id=latest.id,
                        change=line.strip()[:10000], asked_on=data["outcome_on"]))

    return effect


def _publish(review: Review, data: dict, facts) -> None:
    """The plan comes from the tenant's local policy (or the core default). ``facts``: the
    review's as the step was checked (publishing changes none that plugins see but the
    date, which they read from the review)."""
    published = review.published_on = data["published_on"]
    plan, kinds = publication_plan(review, facts)
    view = policies.review_view(review, facts, with_partners=True)
    # Nothing leaves the public page unless the area's policy says so: a plan without
    # months keeps the reports online. No national period online was found (SEED-AUDIT.md
    # england-2016 "how long online": invented); the seeds keep reports for years.
    # Source: seed 000 Warrington (2014 and 2017 reviews still listed in Dec 2024), seed 002
    # Manchester ("published on the CSP website"); SEED-AUDIT.md W10, M6, G3.
    months = plan.get("months")
    db.session.add(PublicationRecord(
        review_id=review.id, decision="publish", decided_on=published, published_on=published,
        online_until=None if months is None else lifecycle.add_months(published, months),
        documents=kinds, versions=_published_versions(review, kinds), after=plan.get("after")))
    _learning(review, view, published)


def _learning(review: Review, view, decided_on: date) -> None:
    """The local policy's learning tasks, due from the decision to publish or not (learning
    is shared either way: Manchester seed, M10; Wigan seed, G5), each with a receipt to
    record for every recipient (M2: the boards that receive it)."""
    tenant = policies.current_tenant()
    for _plugin, tasks in policies.collect(tenant, "learning_outputs", review=view):
        for task in tasks:
            row = LearningTask(review_id=review.id, key=task["key"], title=task["title"],
                               due_on=decided_on + timedelta(days=task["due_days"]),
                               recipients=list(task.get("recipients", ())))
            db.session.add(row)
            db.session.flush()
            for recipient in row.recipients:
                db.session.add(LearningReceipt(review_id=review.id, learning_task_id=row.id,
                                               recipient=recipient))


def publication_plan(review: Review, facts=None) -> tuple[dict, list[str]]:
    """The local (or default) publication plan and every kind of document it publishes."""
    tenant = policies.current_tenant()
    view = policies.review_view(review, facts or full_facts(review), with_partners=True)
    plan = policies.call(tenant, "publication_plan", review=view, decision="publish")
    extra = {kind for _n, kinds in policies.collect(tenant, "publication_items", review=view)
             for kind in kinds}
    return plan, sorted(set(plan["documents"]) | extra)


def _redaction_objections(review: Review, transition, facts=None) -> list[lifecycle.Problem]:
    """Publication waits until no protected name or detail is in what would be published."""
    if transition.name != "publish":
        return []
    from core.names import redaction

    hits = redaction.scan(review, publication_plan(review, facts)[1])
    if not hits:
        return []
    return [_problem("protected_names_found", _(
        "Protected names or details appear %(count)s times in the documents to be "
        "published. Open the redaction check to see where, upload corrected versions, then "
        "try again.", count=len(hits)))]


def _published_versions(review: Review, kinds: list[str]) -> dict:
    """The latest version of each document of the published kinds, pinned now."""
    latest: dict[str, list[str]] = {}
    rows = db.session.execute(
        select(Document.kind, DocumentVersion.id)
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(Document.review_id == review.id, Document.kind.in_(kinds),
               DocumentVersion.number == Document.latest_version)
        .order_by(DocumentVersion.uploaded_at.desc()))
    for kind, version_id in rows:
        latest.setdefault(kind, []).append(str(version_id))
    return latest


def _not_publish(review: Review, data: dict, facts) -> None:
    # The reasons stay private; the area's policy may announce the decision on the public
    # page, citing the guidance it rests on (the plan's ``notice``). Source: seed 003 Wigan
    # (not published "in line with Section 8"); SEED-AUDIT.md G6.
    view = policies.review_view(review, facts, with_partners=True)
    plan = policies.call(policies.current_tenant(), "publication_plan", review=view,
                         decision="not_publish")
    db.session.add(PublicationRecord(review_id=review.id, decision="not_publish",
                                     decided_on=data["decided_on"], reasons=data["reasons"],
                                     notice=(plan or {}).get("notice") or None))
    _learning(review, view, data["decided_on"])


def _hold(review: Review, data: dict, _facts) -> None:
    db.session.add(Hold(review_id=review.id, stage=review.stage, reason=data["reason"],
                        note=data.get("note"), started_on=data["started_on"],
                        parallel_process_id=data.get("parallel_process_id")))


def _resume(review: Review, data: dict, _facts) -> None:
    open_hold = db.session.scalar(select(Hold).where(Hold.review_id == review.id,
                                                     Hold.resumed_on.is_(None)))
    open_hold.resumed_on = data["resumed_on"]


EFFECTS = {
    "commission": _decide("commission"),
    "not_commission": _decide("not_commission"),
    "directed": _directed,
    "submit": _submit,
    "approve": _outcome(None),
    "resubmit": _outcome("resubmit"),
    "publish": _publish,
    "not_publish": _not_publish,
    HOLD: _hold,
    RESUME: _resume,
}
