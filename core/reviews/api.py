"""Reviews over JSON: ``/api/v1/t/<slug>/…``."""
from __future__ import annotations

import uuid
from contextlib import contextmanager

from flask import abort, g
from marshmallow import Schema, ValidationError, fields

from core.audit import service as audit
from core.auth.guards import requires, tenant_api
from core.errors import fail
from core.reviews import case_facts, clock, service, transitions
from core.reviews.listing import ReviewFilterSchema
from core.reviews.lookup import review_or_404
from core.reviews.schemas import (
    CaseFactsUpdateSchema,
    DeadlineSchema,
    ReviewCreateSchema,
    ReviewDetailSchema,
    ReviewDetailsUpdateSchema,
    ReviewSchema,
    TransitionSchema,
    WithdrawSchema,
    step_data_schema,
)
from core.timestamps import UtcDateTime
from core.web.paging import Blueprint

blp = Blueprint("reviews_api", __name__, url_prefix="/api/v1/t/<slug>",
                description="Reviews of one Community Safety Partnership.")
tenant_api(blp)


class TimelineSchema(Schema):
    id = fields.UUID()
    occurred_at = UtcDateTime()
    actor = fields.String()
    kind = fields.String()
    name = fields.String()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(allow_none=True)
    data = fields.Dict()


class HoldSchema(Schema):
    id = fields.UUID()
    stage = fields.String()
    reason = fields.String()
    note = fields.String(allow_none=True)
    parallel_process_id = fields.UUID(allow_none=True, metadata={
        "description": "The parallel process the hold waits for, if any."})
    started_on = fields.Date()
    resumed_on = fields.Date(allow_none=True)


class UrgentSchema(DeadlineSchema):
    review_id = fields.UUID()
    reference = fields.String()
    on_hold = fields.Boolean()


class DashboardSchema(Schema):
    urgent = fields.List(fields.Nested(UrgentSchema))
    stages = fields.Dict(keys=fields.String(), values=fields.Integer())
    on_hold = fields.List(fields.String(), metadata={"description": "References on hold."})



class ReviewListItemSchema(ReviewSchema):
    """A review as the list shows it: with what its kept clock says."""

    on_hold = fields.Boolean(metadata={"description": "On hold now."})
    overdue = fields.Integer(metadata={"description": "How many of its deadlines are overdue."})
    next_due_on = fields.Date(allow_none=True, metadata={
        "description": "The soonest date a deadline not yet met falls due (after holds)."})
    withdrawn_on = fields.Date(allow_none=True, metadata={
        "description": "Set when the notification was withdrawn (entered in error)."})


def _list_item(item: dict) -> dict:
    review, kept = item["review"], item["clock"]
    return {**{c.key: getattr(review, c.key) for c in review.__table__.columns},
            "on_hold": bool(kept and kept.on_hold), "overdue": kept.overdue if kept else 0,
            "next_due_on": kept.next_due_on if kept else None}


@blp.route("/reviews", methods=["GET"])
@requires("review.list")
@blp.arguments(ReviewFilterSchema, location="query", as_kwargs=False)
@blp.response(200, ReviewListItemSchema(many=True))
@blp.paginate()
def list_reviews(filters, pagination_parameters):
    """The partnership's reviews (its own and the joint reviews shared with it), 25 a page:
    newest notification first unless ``sort``/``order`` say otherwise. Closed reviews and
    withdrawn notifications only when asked for (``closed``, ``withdrawn``). Paging:
    ``page``, ``page_size`` (at most 100); the ``X-Pagination`` and ``Link`` headers say
    where the other pages are."""
    paged = service.list_reviews(filters, pagination_parameters.page,
                                 pagination_parameters.page_size)
    pagination_parameters.item_count = paged.total
    return [_list_item(item) for item in paged.items]


@blp.route("/reviews", methods=["POST"])
@requires("review.create")
@blp.arguments(ReviewCreateSchema)
@blp.response(201, ReviewDetailSchema)
def create_review(data):
    """Record a notified death as a new review (stage ``notified``)."""
    review = service.create_review(g.tenant, data, g.api_user.id)
    return service.detail(review)


@blp.route("/reviews/<uuid:review_id>", methods=["GET"])
@requires("review.read")
@blp.response(200, ReviewDetailSchema)
def get_review(review_id: uuid.UUID):
    """One review with its deadlines. Another partnership's review answers 404."""
    review = service.get_review(review_id)
    if review is None:
        abort(404)
    return service.detail(review)


@blp.route("/reviews/<uuid:review_id>/case-facts", methods=["PATCH"])
@requires("review.update")
@blp.arguments(CaseFactsUpdateSchema)
@blp.response(200, ReviewDetailSchema)
@blp.alt_response(409, description="The review changed meanwhile (send the version you "
                                   "saw), or it is closed.")
def update_case_facts(data, review_id: uuid.UUID):
    """Correct the case facts recorded at notification (only the fields sent): age of the
    person who died, relationship to the suspect, kind of death, police force."""
    review = review_or_404(review_id)
    if review.tenant_id != g.tenant.id:
        abort(403)  # a joint review's facts are its lead's to record
    version = data.pop("version", None)
    try:
        case_facts.update(review, data, version)
    except case_facts.FactsConflict as conflict:
        fail(409, [{"field": None, "code": "conflict", "message": str(conflict)}])
    return service.detail(review)


@contextmanager
def _refusals():
    """The review service's refusals as problem details: invalid answers 422 (each field
    named), a conflict (changed meanwhile, withdrawn, past the decision) 409."""
    try:
        yield
    except service.ReviewInvalid as invalid:
        fail(422, [{"field": f, "code": "invalid", "message": m}
                   for f, m in invalid.errors.items()])
    except service.ReviewConflict as conflict:
        fail(409, [{"field": None, "code": "conflict", "message": str(conflict)}])


@blp.route("/reviews/<uuid:review_id>/details", methods=["PATCH"])
@requires("review.update")
@blp.arguments(ReviewDetailsUpdateSchema(partial=True))
@blp.response(200, ReviewDetailSchema)
@blp.alt_response(409, description="The review changed meanwhile (send the version you "
                                   "saw), or it is closed or withdrawn.")
def update_details(data, review_id: uuid.UUID):
    """Correct the review's own details (only the fields sent): pseudonym, date of death,
    notification date, notifying agency. The timeline and the audit trail name the fields
    changed, never their values."""
    review = review_or_404(review_id)
    if review.tenant_id != g.tenant.id:
        abort(403)  # a joint review's details are its lead's to record
    version = data.pop("version", None)
    with _refusals():
        service.update_details(review, data, version)
    return service.detail(review)


@blp.route("/reviews/<uuid:review_id>/withdraw", methods=["POST"])
@requires("review.withdraw")
@blp.arguments(WithdrawSchema)
@blp.response(200, ReviewDetailSchema)
@blp.alt_response(409, description="Already withdrawn, past the decision whether to "
                                   "commission, or changed meanwhile.")
def withdraw(data, review_id: uuid.UUID):
    """Withdraw a notification entered in error, with the reason (the review coordinator,
    before the decision whether to commission). The review stays readable and leaves the
    dashboard, the deadlines and the reminders."""
    review = review_or_404(review_id)
    if review.tenant_id != g.tenant.id:
        abort(403)
    with _refusals():
        service.withdraw(review, data["reason"], g.api_user.id, data.get("version"))
    return service.detail(review)


@blp.route("/reviews/<uuid:review_id>/transitions", methods=["POST"])
@requires("review.read")
@blp.arguments(TransitionSchema)
@blp.response(200, ReviewDetailSchema)
@blp.alt_response(409, description="Refused: every unmet condition is listed in 'errors'.")
def take_step(body, review_id: uuid.UUID):
    """Move the review to another stage (or put it on hold / resume it), with the step's
    data. One transaction: refused (409) or invalid (422) steps change nothing."""
    review = review_or_404(review_id)
    try:
        transition = transitions.resolve(review, body["to"])
        data = step_data_schema(transition, review.guidance_profile).load(body["data"])
        transitions.take(review, body["to"], data, g.roles, body["version"])
    except ValidationError as invalid:
        fail(422, [{"field": f"data.{name}", "code": "invalid", "message": clock.say(m[0])}
                   for name, m in invalid.messages.items()])
    except transitions.StepProblem as refused:
        fail(refused.status, clock.problems_out(refused.problems))
    return service.detail(review)


@blp.route("/reviews/<uuid:review_id>/timeline", methods=["GET"])
@requires("review.read")
@blp.response(200, TimelineSchema(many=True))
def timeline(review_id: uuid.UUID):
    """Every event of the review, newest first."""
    from core.reviews import timeline as events

    review = review_or_404(review_id)
    audit.read("timeline", review.id)
    return events.of(review, g.roles)


@blp.route("/reviews/<uuid:review_id>/holds", methods=["GET"])
@requires("review.read")
@blp.response(200, HoldSchema(many=True))
def holds(review_id: uuid.UUID):
    """Times the review was on hold, and why."""
    review = review_or_404(review_id)
    audit.read("holds", review.id)
    return service.holds_of(review)


@blp.route("/dashboard", methods=["GET"])
@requires("review.list")
@blp.response(200, DashboardSchema)
def dashboard():
    """What is overdue and due soon across the partnership, most urgent first (the
    deadlines of the 25 most urgent reviews; ``GET …/reviews?overdue=yes&sort=due`` lists
    every overdue review), the reviews on hold (the first 25) and how many reviews are at
    each stage (withdrawn notifications left out)."""
    board = service.dashboard(with_list=False)
    return {"urgent": board["urgent"],
            "stages": board["by_stage"],
            "on_hold": [r.reference for r in board["on_hold"]]}
