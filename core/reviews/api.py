"""Reviews over JSON: ``/api/v1/t/<slug>/…``."""
from __future__ import annotations

import uuid

from flask import abort, g
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields

from core.audit import service as audit
from core.auth.guards import requires, tenant_api
from core.errors import fail
from core.reviews import case_facts, clock, service, transitions
from core.reviews.lookup import review_or_404
from core.reviews.schemas import (
    CaseFactsUpdateSchema,
    DeadlineSchema,
    ReviewCreateSchema,
    ReviewDetailSchema,
    ReviewSchema,
    TransitionSchema,
    step_data_schema,
)
from core.timestamps import UtcDateTime

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



@blp.route("/reviews", methods=["GET"])
@requires("review.list")
@blp.response(200, ReviewSchema(many=True))
def list_reviews():
    """The partnership's reviews, newest notification first."""
    return service.list_reviews()


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
    """What is overdue and due soon across the partnership, most urgent first."""
    board = service.dashboard()
    return {"urgent": board["urgent"],
            "stages": {stage: len(rs) for stage, rs in board["by_stage"].items()},
            "on_hold": [r.reference for r in board["on_hold"]]}
