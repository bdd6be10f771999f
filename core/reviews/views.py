"""Review pages for people: the dashboard, recording a notification, a review's overview,
its steps and its timeline."""
from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from core import lifecycle
from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.i18n import uk_date
from core.labels import code_label
from core.policies import service as policies
from core.records.kinds import KINDS
from core.reviews import case_facts, clock, service, tasklist, timeline, transitions
from core.reviews.lookup import review_or_404
from core.reviews.schemas import (
    CaseFactsSchema,
    ReviewCreateSchema,
    guidance_record_schema,
    step_data_schema,
)
from core.web import banners, forms

bp = Blueprint("reviews", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)

@bp.get("/")
@requires("review.list")
def dashboard():
    """The dashboard: what is urgent, and the reviews list with its filters (a GET form, so
    a filtered list is a link to share). A bad filter is shown as a GOV.UK error and left
    out (400); the list is then shown as if it had not been sent."""
    from core.reviews import listing
    from core.web import paging

    filters, errors = listing.read(listing.ReviewFilterSchema)
    page, page_error = listing.read_page()
    errors.update(page_error)
    board = service.dashboard(filters, page)
    return render_template("reviews/dashboard.html", board=board, filters=filters,
                           errors=errors, pagination=paging.pagination(board["list"]),
                           stages=lifecycle.STAGES, profiles=listing.PROFILES,
                           terms=policies.terms(g.tenant)), 400 if errors else 200


@bp.route("/reviews/new", methods=["GET", "POST"])
@requires("review.create")
def new():
    facts = forms.describe(CaseFactsSchema)
    if request.method == "GET":  # the partnership's own force, until the person says
        return render_template("reviews/new.html", errors={}, facts_fields=facts,
                               form={"police_force": g.tenant.police_force or ""})
    data, errors = forms.read(ReviewCreateSchema)
    if errors:
        return render_template("reviews/new.html", errors=errors, form=request.form,
                               facts_fields=facts), 400
    review = service.create_review(g.tenant, data, current_user.id)
    return redirect(url_for("reviews.detail", review_id=review.id))



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
                           # the review's own words, DHR or DARDR (SEED-AUDIT.md W3)
                           terms=policies.call(g.tenant, "review_terms", review=view),
                           local_forms=local_forms,
                           slot_lines=policies.slot_lines(g.tenant, "review_summary", view),
                           learning=service.learning_of(review),
                           sections=tasklist.sections(review, g.roles), kinds=KINDS,
                           holds=service.holds_of(review),
                           waits_for=_waits_for(review),
                           family=_family(review),
                           guidance_record=_guidance_record(review),
                           **_next_steps(review, info["facts"]))


def _next_steps(review, facts) -> dict:
    """The next steps (``tasklist.next_steps``) and, when the person can take none of
    them, who can (issue 14, item 1)."""
    lead = review.tenant_id == g.tenant.id
    # a notification withdrawn (entered in error, issue 14) takes no step
    steps = [] if review.withdrawn_on is not None else \
        tasklist.next_steps(review, facts, g.roles, lead)
    return {"steps": steps, "lead": lead,
            "who_can_next": None if any(s["mine"] for s in steps)
            else tasklist.who_can_any(steps)}


def _waits_for(review) -> dict:
    """Each parallel process of the review in words, by id (what its holds wait for)."""
    from core.records import service as records
    from core.records.kinds import BY_SLUG

    return {p.id: " – ".join(x for x in (code_label(p.process_type), p.description) if x)
            for p in records.list_records(review, BY_SLUG["parallel-processes"])}


def _family(review) -> dict | None:
    """Family engagement at a glance, for the roles that may read family contacts."""
    from core.auth.roles import allows
    from core.records import service as records
    from core.records.kinds import BY_SLUG

    kind = BY_SLUG["family-contacts"]
    if not allows(g.roles, kind.read_permission):
        return None
    summary = case_facts.family_summary(records.list_records(review, kind))
    if summary is not None:
        audit.read(kind.key, review.id)
    return summary


def _guidance_record(review) -> list[dict] | None:
    """What the review's guidance asks to record besides its steps (wales-susr: the Single
    Unified Safeguarding Review's dates), each with its date or None: None when nothing."""
    schema = guidance_record_schema(review.guidance_profile)
    if schema is None:
        return None
    values = (review.local_fields or {}).get(review.guidance_profile, {})
    return [{"label": f["label"], "value": date.fromisoformat(values[f["name"]])
             if values.get(f["name"]) else None} for f in forms.describe(schema)]


@bp.route("/reviews/<uuid:review_id>/case-facts", methods=["GET", "POST"])
@requires("review.update")
def case_facts_page(review_id: uuid.UUID):
    """Correct the case facts recorded at notification (the lead partnership's)."""
    review = review_or_404(review_id)
    if review.tenant_id != g.tenant.id:
        abort(403)
    context = {"review": review, "fields": forms.describe(CaseFactsSchema)}
    if request.method == "GET":
        now = {name: "" if getattr(review, name) is None else str(getattr(review, name))
               for name in case_facts.FIELDS}
        return render_template("reviews/case_facts.html", errors={}, form=now, **context)
    data, errors = forms.read(CaseFactsSchema)
    if not errors:
        # a box left empty clears what it held (the form sends every field)
        data = {name: data.get(name) for name in case_facts.FIELDS}
        try:
            with banners.unless_unchanged(review):
                case_facts.update(review, data, _int(request.form.get("version")))
            return redirect(url_for("reviews.detail", review_id=review.id))
        except case_facts.FactsConflict as conflict:
            errors = {"form": str(conflict)}
    return render_template("reviews/case_facts.html", errors=errors, form=request.form,
                           **context), 409 if "form" in errors else 400


@bp.route("/reviews/<uuid:review_id>/details", methods=["GET", "POST"])
@requires("review.update")
def details_page(review_id: uuid.UUID):
    """Correct the review's own details (issue 14): pseudonym, dates, notifying agency.
    The form opens with what is recorded; core/reviews/service.py update_details."""
    from core.reviews.schemas import ReviewDetailsSchema
    from core.web import prefill

    review = review_or_404(review_id)
    if review.tenant_id != g.tenant.id:
        abort(403)  # a joint review's details are its lead's to record
    context = {"review": review, "fields": forms.describe(ReviewDetailsSchema)}
    if request.method == "GET":
        return render_template("reviews/details.html", errors={},
                               form=prefill.form_values(review, context["fields"]), **context)
    data, errors = prefill.read_correction(ReviewDetailsSchema, review)
    if not errors:
        try:
            with banners.unless_unchanged(review):
                service.update_details(review, data, _int(request.form.get("version")))
            return redirect(url_for("reviews.detail", review_id=review.id))
        except service.ReviewInvalid as invalid:
            errors = invalid.errors
        except service.ReviewConflict as conflict:
            errors = {"form": str(conflict)}
    return render_template("reviews/details.html", errors=errors, form=request.form,
                           **context), 409 if "form" in errors else 400


@bp.route("/reviews/<uuid:review_id>/withdraw", methods=["GET", "POST"])
@requires("review.withdraw")
def withdraw_page(review_id: uuid.UUID):
    """Withdraw a notification entered in error, with the reason (the coordinator's to do,
    before any decision): core/reviews/service.py withdraw."""
    from core.reviews.schemas import WithdrawSchema

    review = review_or_404(review_id)
    if review.tenant_id != g.tenant.id:
        abort(403)
    fields = [f for f in forms.describe(WithdrawSchema) if f["name"] == "reason"]
    context = {"review": review, "fields": fields,
               "allowed": review.withdrawn_on is None
               and review.stage in service.WITHDRAWABLE}
    if request.method == "GET":
        return render_template("reviews/withdraw.html", errors={}, form={}, **context)
    data, errors = forms.read(WithdrawSchema)
    if not errors:
        try:
            service.withdraw(review, data["reason"], current_user.id,
                             _int(request.form.get("version")))
            return redirect(url_for("reviews.detail", review_id=review.id))
        except service.ReviewInvalid as invalid:
            errors = invalid.errors
        except service.ReviewConflict as conflict:
            errors = {"form": str(conflict)}
    return render_template("reviews/withdraw.html", errors=errors, form=request.form,
                           **context), 409 if "form" in errors else 400


def _step_options(review, transition) -> dict:
    """The choices a step's form draws from the review: the parallel processes a hold can
    wait for (this review's only)."""
    if transition.name != "hold":
        return {}
    from core.records import service as records
    from core.records.kinds import BY_SLUG

    processes = records.list_records(review, BY_SLUG["parallel-processes"])
    return {"parallel_process_id": [
        (str(p.id), " – ".join(x for x in (
            code_label(p.process_type), p.description,
            p.started_on and uk_date(p.started_on)) if x)) for p in processes]}


@bp.route("/reviews/<uuid:review_id>/steps/<to>", methods=["GET", "POST"])
@requires("review.read")
def step(review_id: uuid.UUID, to: str):
    review = review_or_404(review_id)
    try:
        transition = transitions.resolve(review, to)
    except transitions.StepProblem:
        abort(404)
    schema = step_data_schema(transition, review.guidance_profile)
    context = {"review": review, "transition": transition, "to": to,
               "fields": forms.describe(type(schema)), "blocked": [], "refused": False,
               "options": _step_options(review, transition),
               "confirm_first": CONFIRM_FIRST}
    if request.method == "GET":
        _before_the_form(review, to, context)
        return render_template("reviews/step.html", errors={}, form={}, **context)
    data, errors = forms.read(schema)
    if errors or request.form.get("change") == "yes":
        _before_the_form(review, to, context)
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
        context["blocked"] = [r for r in rows if not r["field"] and r["code"] != "stale"]
        return render_template("reviews/step.html", form=request.form, **context,
                               errors={(r["field"] or "step"): r["message"] for r in rows}
                               ), refused.status
    if confirm_first:
        return render_template("reviews/check.html", answers=_answers(context["fields"], data),
                               form=request.form, **context)
    return redirect(url_for("reviews.detail", review_id=review.id))


def _before_the_form(review, to: str, context: dict) -> None:
    """What the step's POST would refuse on before its data is known, by the same check
    (``take`` as a dry run, without data): the lifecycle's guards, the local policies'
    objections, the redaction gate. A step the person may not take says who can, and its
    form is not offered (``refused``)."""
    try:
        transitions.take(review, to, None, g.roles, dry_run=True)
    except transitions.StepProblem as refused:
        context["blocked"] = clock.problems_out(refused.problems)
        context["refused"] = refused.status == 403


# Steps that cannot be undone: the person checks their answers before they count.
CONFIRM_FIRST = frozenset({"commission", "not_commission", "submit", "publish", "not_publish"})


def _confirm_first(transition, form) -> bool:
    return transition.name in CONFIRM_FIRST and form.get("confirmed") != "yes"


def _answers(fields: list[dict], data: dict) -> list[dict]:
    """What the check-your-answers page lists: each field as the person entered it."""
    return [{"label": f["label"], "value": data.get(f["name"]), "widget": f["widget"]}
            for f in fields if data.get(f["name"]) not in (None, "", [])]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdecimal() else None


@bp.get("/reviews/<uuid:review_id>/timeline")
@requires("review.read")
def timeline_page(review_id: uuid.UUID):
    review = review_or_404(review_id)
    audit.read("timeline", review.id)
    return render_template("reviews/timeline.html", review=review,
                           events=timeline.of(review, g.roles))
