"""Review pages for people: the dashboard, recording a notification, a review's overview,
its steps and its timeline."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from core import lifecycle
from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.lifecycle.transitions import may_take
from core.policies import service as policies
from core.records.kinds import KINDS
from core.reviews import clock, service, timeline, transitions
from core.reviews.facts import full_facts
from core.reviews.lookup import review_or_404
from core.reviews.schemas import ReviewCreateSchema, step_data_schema
from core.web import forms

bp = Blueprint("reviews", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)

# The main path of the task list; side stages show when the review is in them.
MAIN_PATH = ("notified", "scoping", "setup", "evidence", "drafting", "local_signoff",
             "home_office_qa", "ready_to_publish", "published", "monitoring", "closed")


@bp.get("/")
@requires("review.list")
def dashboard():
    return render_template("reviews/dashboard.html", board=service.dashboard(),
                           terms=policies.terms(g.tenant))


@bp.route("/reviews/new", methods=["GET", "POST"])
@requires("review.create")
def new():
    if request.method == "GET":
        return render_template("reviews/new.html", errors={}, form={})
    data, errors = forms.read(ReviewCreateSchema)
    if errors:
        return render_template("reviews/new.html", errors=errors, form=request.form), 400
    review = service.create_review(g.tenant, data, current_user.id)
    return redirect(url_for("reviews.detail", review_id=review.id))



def _tasks(stage: str) -> list[dict]:
    """The task list: each stage done, current or still to come."""
    path = list(MAIN_PATH)
    if stage in ("not_commissioned", "not_published"):
        path.insert(path.index("setup" if stage == "not_commissioned" else "published"), stage)
    position = path.index(stage) if stage in path else 0
    return [{"stage": s, "state": "done" if i < position else
             "current" if i == position else "todo"} for i, s in enumerate(path)]


@bp.get("/reviews/<uuid:review_id>")
@requires("review.read")
def detail(review_id: uuid.UUID):
    review = service.get_review(review_id)
    if review is None:
        abort(404)
    info = service.detail(review)
    view = policies.review_view(review, info["facts"], with_partners=True)
    local_forms = sorted(name for name, schema in policies.collect(
        g.tenant, "review_fields_schema", stage=review.stage) if schema is not None)
    return render_template("reviews/detail.html", review=review, info=info,
                           terms=policies.terms(g.tenant), local_forms=local_forms,
                           slot_lines=policies.slot_lines(g.tenant, "review_summary", view),
                           learning=service.learning_of(review),
                           tasks=_tasks(review.stage), kinds=KINDS,
                           holds=service.holds_of(review),
                           steps=[t for t in lifecycle.transitions.available(info["facts"])
                                  if may_take(t, g.roles)])


@bp.route("/reviews/<uuid:review_id>/steps/<to>", methods=["GET", "POST"])
@requires("review.read")
def step(review_id: uuid.UUID, to: str):
    review = review_or_404(review_id)
    try:
        transition = transitions.resolve(review, to)
    except transitions.StepProblem:
        abort(404)
    schema = step_data_schema(transition)
    facts = full_facts(review)
    blocked = clock.problems_out(lifecycle.check(facts, transition))
    context = {"review": review, "transition": transition, "to": to,
               "fields": forms.describe(type(schema)), "blocked": blocked,
               "confirm_first": CONFIRM_FIRST}
    if request.method == "GET":
        return render_template("reviews/step.html", errors={}, form={}, **context)
    data, errors = forms.read(schema)
    if errors or request.form.get("change") == "yes":
        return render_template("reviews/step.html", errors=errors, form=request.form,
                               **context), 400 if errors else 200
    confirm_first = _confirm_first(transition, request.form)
    try:
        transitions.take(review, to, data, g.roles, _int(request.form.get("version")),
                         dry_run=confirm_first)
    except transitions.StepProblem as refused:
        if refused.status == 403:
            abort(403)
        rows = clock.problems_out(refused.problems)
        context["blocked"] = [r for r in rows if not r["field"]]
        return render_template("reviews/step.html", form=request.form, **context,
                               errors={(r["field"] or "step"): r["message"] for r in rows}
                               ), refused.status
    if confirm_first:
        return render_template("reviews/check.html", answers=_answers(context["fields"], data),
                               form=request.form, **context)
    return redirect(url_for("reviews.detail", review_id=review.id))


# Steps that cannot be undone: the person checks their answers before they count.
CONFIRM_FIRST = frozenset({"commission", "not_commission", "submit", "publish", "not_publish"})


def _confirm_first(transition, form) -> bool:
    return transition.name in CONFIRM_FIRST and form.get("confirmed") != "yes"


def _answers(fields: list[dict], data: dict) -> list[dict]:
    """What the check-your-answers page lists: each field as the person entered it."""
    return [{"label": f["label"], "value": data.get(f["name"]), "widget": f["widget"]}
            for f in fields if data.get(f["name"]) not in (None, "")]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.get("/reviews/<uuid:review_id>/timeline")
@requires("review.read")
def timeline_page(review_id: uuid.UUID):
    review = review_or_404(review_id)
    audit.read("timeline", review.id)
    return render_template("reviews/timeline.html", review=review,
                           events=timeline.of(review, g.roles))
