"""The statutory clock and next steps as people and systems see them (translated), and the
clock kept.

Deadlines are kept, not recomputed: what the pure lifecycle clock (core/lifecycle/clock.py,
the one place deadlines and statuses are computed) says about a review is stored in
``review_clocks`` and read from there by every list (the dashboard, its API, the reminders)
and by the review's own page, so they always agree.

* **When a review changes.** Every change that can move a deadline writes a timeline entry
  (a step or a hold, a record added, corrected or removed, a document, local fields) or
  creates the review; ``changed`` notes it, and the review's clock is computed again just
  before that transaction commits, in it. Enabling, disabling or re-setting a local policy
  that adds deadlines recomputes the partnership's reviews in the same transaction.
* **When the date turns over.** The clock also says how long what it said holds
  (``lifecycle.steady_until``: until a status would next move). A kept clock past that day,
  computed under other rules (``basis``: the clock's version, the guidance profiles, the
  owner's deadline-adding policies and their settings), or computed while a local policy
  failed (``degraded``: the core's deadlines were kept meanwhile), is computed again when
  it is next read, so nothing is ever shown stale. ``flask dhr send-reminders`` (daily)
  recomputes every open review first, asking every local policy again.
* A joint review's deadlines are its lead's (the lead's policies), whoever looks.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import event, inspect, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core import lifecycle
from core.db import db
from core.labels import code_label
from core.lifecycle.clock import DUE_SOON_DAYS
from core.lifecycle.profiles import PROFILES
from core.lifecycle.transitions import available
from core.reviews.facts import NAMED, base_facts, with_policies
from core.reviews.models import Review, ReviewClock
from tenants import context

# Change it when the rules in core/lifecycle/clock.py change: every kept clock is then
# computed again on its next read. 2: a directed review's clock runs from the direction
# (issue 13).
CLOCK_VERSION = 2
URGENT = ("overdue", "due_soon")
# Timeline entries that cannot move a core deadline (only a local policy's, which sees the
# panel, the documents and the local fields): no recomputing for them unless the review's
# owner has a policy that adds deadlines.
NOT_CLOCK = ("scoping_returns.", "chair_appointments.", "panel_members.", "family_contacts.",
             "recommendations.", "document.", "local_fields.", "joint.")
_PENDING = "dhr_clock_pending"
_KEPT = ("fresh_until", "basis", "degraded", "on_hold", "overdue", "due_soon", "next_due_on",
         "deadlines")


def today() -> date:
    return date.today()


def say(problem_or_label: str, params: dict | None = None) -> str:
    """Translate a lifecycle message, then fill in its values."""
    text = _(problem_or_label)
    return text % _dated(params) if params else text


def _dated(params: dict) -> dict:
    """Dates in a message as people read them ('4 November 2025'); the API's ``params``
    keep the ISO date (issue 14)."""
    from core.i18n import uk_date

    out = dict(params)
    for name, value in params.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                out[name] = uk_date(date.fromisoformat(value))
            except ValueError:
                pass
    return out


def problems_out(problems: list[lifecycle.Problem]) -> list[dict]:
    return [{"field": p.field, "code": p.code, "message": say(p.message, _worded(p.params))}
            for p in problems]


def _worded(params: dict) -> dict:
    """Recipients and agency categories are codes in the pure lifecycle; people read them
    as words (an agency's name, not a code, stays as it is)."""
    worded = {name: ", ".join(code_label(code) for code in params[name].split(", "))
              for name in ("recipients", "categories") if name in params}
    return {**params, **worded} if worded else params


def deadline_rows(facts: lifecycle.ReviewFacts, on: date | None = None) -> list[dict]:
    """The deadlines of ``facts`` computed now (what is kept is read with ``rows``)."""
    return [{"key": d.key, "kind": d.kind, "label": say(d.label, d.params),
             "statutory_due": d.statutory_due, "adjusted_due": d.adjusted_due,
             "met_on": d.met_on, "status": d.status, "rule_class": d.rule_class,
             "due": d.statutory_due}
            for d in lifecycle.deadlines(facts, on or today())]


def next_steps(facts: lifecycle.ReviewFacts) -> list[str]:
    return [t.to for t in available(facts)]


def step_actions(facts: lifecycle.ReviewFacts) -> list[dict]:
    """The steps that may follow as the API lists them: each named as an action (the
    lifecycle table's ``action``, in the request's language) with the roles that may take
    it, as the review page's task list names them (issue 14)."""
    return [{"to": t.to, "action": _(t.action), "roles": sorted(t.roles)}
            for t in available(facts)]


# --- what the clock says, kept ------------------------------------------------------------

def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def rows(kept: dict, statuses: tuple[str, ...] | None = None) -> list[dict]:
    """A kept clock's deadlines as people read them (labels translated now), most urgent
    first; only those of ``statuses`` if given."""
    return [{"key": d["key"], "kind": d["kind"], "label": say(d["label"], d["params"]),
             "statutory_due": _day(d["statutory_due"]), "adjusted_due": _day(d["adjusted_due"]),
             "met_on": _day(d["met_on"]), "status": d["status"],
             "rule_class": d.get("rule_class", ""), "due": _day(d["statutory_due"])}
            for d in kept["deadlines"] if statuses is None or d["status"] in statuses]


def _rule_plugins(tenant_id) -> list:
    from core.policies import service as policies

    return sorted([name, settings] for name, settings in policies.enabled(tenant_id).items()
                  if policies.host().implements(name, "deadline_rules"))


def _targets(tenant_id) -> dict:
    """The partnership's own months for its local-practice targets (core/targets.py)."""
    from core.targets import targets_of

    return targets_of(tenant_id)


def _digest(plugins: list, targets: dict | None = None) -> str:
    raw = json.dumps([CLOCK_VERSION, DUE_SOON_DAYS, [repr(PROFILES[n]) for n in sorted(PROFILES)],
                      plugins, targets or {}], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def basis(tenant_id) -> str:
    """The rules a clock of ``tenant_id``'s reviews is computed under, as a digest: the
    clock's version and constants, the guidance profiles, the partnership's own targets,
    and the tenant's enabled local policies that add deadlines, with their settings."""
    return _digest(_rule_plugins(tenant_id), _targets(tenant_id))


def _rules(reviews) -> dict:
    """{owner: (basis, whether its policies add deadlines)} for the owners of ``reviews``."""
    found = {}
    for owner in {r.tenant_id for r in reviews}:
        plugins = _rule_plugins(owner)
        found[owner] = (_digest(plugins, _targets(owner)), bool(plugins))
    return found


def _values(row: ReviewClock) -> dict:
    return {"computed_on": row.computed_on, **{name: getattr(row, name) for name in _KEPT}}


def _stale(kept: dict | None, on: date, rules: str) -> bool:
    return (kept is None or kept["fresh_until"] < on or kept["computed_on"] > on
            or kept["basis"] != rules or kept["degraded"])


def _load(ids: list, lock: bool = False) -> dict:
    """The kept clocks of these reviews (``lock``: FOR UPDATE, so that a change computing
    the clock waits for another change of the same review to commit, then sees it)."""
    query = select(ReviewClock).execution_options(populate_existing=True)
    if len(ids) <= NAMED:
        query = query.where(ReviewClock.review_id.in_(ids))
    if lock:
        query = query.with_for_update()
    wanted = set(ids)
    return {row.review_id: _values(row) for row in db.session.scalars(query)
            if row.review_id in wanted}


def _compute(review: Review, facts, on: date, rules: str, with_rules: bool,
             strict: bool) -> dict:
    failed = []
    if with_rules:  # the owner's policies add deadlines (they may read ctx.today)
        facts = with_policies([review], {review.id: facts}, strict, agencies=False,
                              on_skip=failed.append)[review.id]
    # a notification withdrawn (entered in error, issue 14): its clocks stop
    found = [] if review.withdrawn_on is not None else lifecycle.deadlines(facts, on)
    unmet = [d.adjusted_due for d in found if d.met_on is None]
    return {
        "computed_on": on,
        "fresh_until": on if with_rules else lifecycle.steady_until(facts, on),
        "basis": rules, "degraded": bool(failed), "on_hold": facts.on_hold,
        "overdue": sum(d.status == "overdue" for d in found),
        "due_soon": sum(d.status == "due_soon" for d in found),
        "next_due_on": min(unmet) if unmet else None,
        "deadlines": [{"key": d.key, "kind": d.kind, "label": d.label, "params": d.params,
                       "statutory_due": d.statutory_due.isoformat(),
                       "adjusted_due": d.adjusted_due.isoformat(),
                       "met_on": d.met_on.isoformat() if d.met_on else None,
                       "status": d.status, "rule_class": d.rule_class} for d in found],
    }


def refresh(reviews: list[Review], *, strict: bool = False, on: date | None = None,
            facts: dict | None = None, known: dict | None = None,
            rules: dict | None = None) -> dict:
    """Compute the clock of each review through the lifecycle and keep it; return what is
    kept ({review id: values}). Without ``known`` (a change, the daily refresh): the kept
    rows are locked first and overwritten. With ``known`` (the kept clocks a reader found
    stale): a row is overwritten only if it is still stale, so a change that committed
    meanwhile is never replaced by an older view. A local policy that fails adds nothing
    and the clock is kept ``degraded`` (with ``strict``: ``PluginFailed``)."""
    if not reviews:
        return {}
    on = on or today()
    ids = [r.id for r in reviews]
    rules = rules or _rules(reviews)
    old = _load(ids, lock=True) if known is None else known
    if facts is None:
        facts = base_facts(reviews, full=any(adds for _b, adds in rules.values()))
    computed = {r.id: _compute(r, facts[r.id], on, *rules[r.tenant_id], strict)
                for r in reviews}
    changed = [r for r in reviews if not _same(old.get(r.id), computed[r.id], on)]
    _write(changed, computed, only_stale=known is not None)
    pending = db.session.info.get(_PENDING, {})
    for rid in ids:
        pending.pop(rid, None)
    return computed


def _same(old: dict | None, new: dict, on: date) -> bool:
    return old is not None and old["computed_on"] <= on and all(
        old[name] == new[name] for name in _KEPT)


def _write(reviews: list[Review], computed: dict, only_stale: bool) -> None:
    if not reviews:
        return
    table = ReviewClock.__table__
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    new = statement.excluded
    stale = or_(table.c.fresh_until < new.computed_on, table.c.computed_on > new.computed_on,
                table.c.basis != new.basis, table.c.degraded.is_(True))
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.review_id],
        set_={name: new[name] for name in ("computed_on", *_KEPT)},
        where=stale if only_stale else None)
    # A core statement: the tenant is set here, as the owner's (a partner's change to a
    # joint review keeps the lead's clock; the walls admit it as they admit the review).
    db.session.execute(statement, [{"id": uuid.uuid4(), "tenant_id": r.tenant_id,
                                    "review_id": r.id, **computed[r.id]} for r in reviews])
    written = {r.id for r in reviews}
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, ReviewClock) and obj.review_id in written:
            db.session.expire(obj)


def kept(reviews: list[Review], *, found: dict | None = None, strict: bool = False,
         on: date | None = None) -> dict:
    """The kept clock of each review ({review id: values}), computed first where it is
    missing or stale. ``found``: the kept rows the caller already read ({review id:
    ReviewClock}); otherwise they are read here (one query)."""
    if not reviews:
        return {}
    on = on or today()
    ids = [r.id for r in reviews]
    values = ({rid: _values(row) for rid, row in found.items()} if found is not None
              else _load(ids))
    rules = _rules(reviews)
    stale = [r for r in reviews if _stale(values.get(r.id), on, rules[r.tenant_id][0])]
    if stale:
        values = {**values, **refresh(stale, strict=strict, on=on, known=values,
                                      rules=rules)}
    return values


# --- keeping it in step with every change ---------------------------------------------------

def changed(review: Review, what: str = "") -> None:
    """``review``'s facts change in this transaction (``what``: the timeline entry): its
    clock is computed again just before the commit."""
    pending = db.session.info.setdefault(_PENDING, {})
    pending.setdefault(review.id, (review, set()))[1].add(what)


def _moves(review: Review, whats: set[str]) -> bool:
    if any(not what.startswith(NOT_CLOCK) for what in whats):
        return True
    return bool(_rule_plugins(review.tenant_id))


@event.listens_for(Session, "before_commit")
def _keep_before_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # what the transaction changed, before the clock reads it
    reviews = [review for review, whats in pending.values()
               if inspect(review).persistent and _moves(review, whats)]  # not deleted
    if not reviews:
        return
    if context.current() is not None:
        refresh(reviews)
        return
    for owner in {r.tenant_id for r in reviews}:
        with context.tenant_scope(owner):
            refresh([r for r in reviews if r.tenant_id == owner])


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def policies_changed(tenant, before: str) -> None:
    """A policy of ``tenant`` was enabled, disabled or re-set (not yet committed): if that
    changes the rules its clocks are computed under, compute its reviews' clocks again."""
    if has_request_context():
        g.pop("dhr_enabled", None)
    if basis(tenant.id) == before:
        return
    current = context.current()
    if current is not None and current.tenant_id == tenant.id:
        _refresh_own(tenant)
        return
    with context.tenant_scope(tenant.id):
        _refresh_own(tenant)


def _refresh_own(tenant) -> None:
    refresh([r for r in db.session.scalars(select(Review)) if r.tenant_id == tenant.id])


def refresh_all(echo=lambda _line: None) -> tuple[int, list[str]]:
    """``flask dhr deadlines refresh``: compute and keep every review's clock, one
    partnership (one transaction) at a time. Returns the number of reviews and the
    partnerships where a local policy failed (their core deadlines are kept meanwhile, and
    computed again on the next read)."""
    from core.policies.service import flush_failures
    from tenants.models import Tenant

    total, degraded = 0, []
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug)).all():
        with context.tenant_scope(tenant.id):
            reviews = [r for r in db.session.scalars(select(Review))
                       if r.tenant_id == tenant.id]
            done = refresh(reviews)
            db.session.commit()
        flush_failures()
        total += len(done)
        if any(v["degraded"] for v in done.values()):
            degraded.append(tenant.slug)
        echo(f"{tenant.slug}: {len(done)} reviews")
    return total, degraded
