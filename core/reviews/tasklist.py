"""The review page as a GOV.UK task list (issue 14, item 2).

Sections: every kind of record a review holds (``core/records/kinds.py``), grouped by the
stage it belongs to, that is the stage whose step out of it reads it (the guards in
``core/lifecycle/transitions.py``: leaving set-up reads the chair, the panel and the first
family contact; leaving evidence the agency reports; publishing the changes the Home Office
asked for; closing the action plan and the learning tasks). Each kind has a count of its
records and a status:

- Completed: the review has passed the kind's stage;
- In progress: it holds records of the kind (at its stage, or started early);
- Not started: the kind's stage is the review's, and it holds none;
- Cannot start yet: the kind's stage is still to come, and it holds none. Such an item is
  not a link (GOV.UK task list pattern); every kind stays linked under "What the review
  holds".

A kind the person's role may not read (need to know) is left out, and not counted. A closed
review that was never commissioned leaves out the stages it never reached.

Next steps: each step from the review's stage, named as an action (the lifecycle's table),
with who can take it and what blocks it now. What blocks it is ``transitions.blockers``,
what the step's POST refuses on too: the lifecycle's guards, the local policies' objections
and the redaction gate before publication. Before the form there is no step data yet, so
the policies see none, and the step's data rules (a date before another) show only when the
form is submitted. A step the person's role may not take is named, not linked.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import String, func, literal, select, union_all

from core.auth.roles import allows
from core.db import db
from core.labels import role_label
from core.lifecycle.stages import MAIN_PATH, Stage, path_position
from core.lifecycle.transitions import available, may_take
from core.records.kinds import BY_SLUG, Kind
from core.reviews import clock, transitions

COMPLETED, IN_PROGRESS, NOT_STARTED, CANNOT_START = (
    "completed", "in_progress", "not_started", "cannot_start_yet")

# Each kind of record, under the stage it belongs to (see above). A test checks that every
# kind is here exactly once.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Stage.SCOPING, ("scoping-returns", "early-learning")),
    (Stage.SETUP, ("quotes", "chair-appointments", "panel-members", "family-contacts",
                   "parallel-processes")),
    (Stage.EVIDENCE, ("panel-meetings", "agency-reports")),
    (Stage.DRAFTING, ("recommendations",)),
    (Stage.HOME_OFFICE_QA, ("home-office-submissions",)),
    (Stage.READY_TO_PUBLISH, ("home-office-changes", "publication-records")),
    (Stage.MONITORING, ("actions", "learning-tasks", "learning-receipts")),
)


def status(section_at: float, review_at: float, count: int) -> str:
    """A kind's status from where its stage and the review stand on the path, and how many
    records it holds."""
    if section_at < review_at:
        return COMPLETED
    if count:
        return IN_PROGRESS
    return NOT_STARTED if section_at == review_at else CANNOT_START


def counts(review, kinds: list[Kind]) -> dict[str, int]:
    """How many records of each of ``kinds`` the review holds, in one statement (a count per
    kind, UNION ALL, each under the tenant walls) however many records it holds."""
    if not kinds:
        return {}
    statement = union_all(*(
        select(literal(kind.slug, String).label("kind"), func.count().label("records"))
        .select_from(kind.model).where(kind.model.review_id == review.id)
        for kind in kinds))
    return {slug: records for slug, records in db.session.execute(statement)}


def sections(review, roles) -> list[dict]:
    """The review's sections, each a stage with its kinds of record: ``kind``, ``count``,
    ``status``; only the kinds ``roles`` may read."""
    readable = {slug: BY_SLUG[slug] for _stage, slugs in SECTIONS for slug in slugs
                if allows(roles, BY_SLUG[slug].read_permission)}
    found = counts(review, list(readable.values()))
    review_at = path_position(review.stage)
    never_commissioned = review.stage == Stage.CLOSED and review.decision == "not_commission"
    out = []
    for stage, slugs in SECTIONS:
        section_at = path_position(stage)
        if never_commissioned and section_at >= MAIN_PATH.index(Stage.SETUP):
            continue
        items = [{"kind": readable[slug], "count": found.get(slug, 0),
                  "status": status(section_at, review_at, found.get(slug, 0))}
                 for slug in slugs if slug in readable]
        if items:
            out.append({"stage": stage, "items": items})
    return out


def who_can_any(steps: list[dict]) -> str:
    """The roles that may take any of ``steps`` (``next_steps``), in words."""
    return ", ".join(sorted({role_label(r) for s in steps for r in s["transition"].roles}))


def next_steps(review, facts, roles, lead: bool) -> list[dict]:
    """Each step from the review's stage: ``transition``, ``action`` (its name as an
    action), ``mine`` (the person may take it: linked), ``who`` (the roles that may) and
    ``blocked`` (what stops it now, in words). Only the lead partnership moves a joint
    review (``lead``): a partner sees the steps, neither linked nor checked."""
    steps = []
    for transition in available(facts):
        blocked = clock.problems_out(transitions.blockers(
            review, transition, roles, facts, scan_documents=False)) if lead else []
        steps.append({"transition": transition, "to": transition.to,
                      "action": _(transition.action),
                      "mine": lead and may_take(transition, roles),
                      "who": transitions.who_can(transition),
                      "blocked": [row["message"] for row in blocked]})
    return steps
