"""Reviews over JSON: ``/api/v1/t/<slug>/reviews``."""
from __future__ import annotations

import uuid

from flask import abort, g
from flask_smorest import Blueprint

from core.auth.guards import requires, tenant_api
from core.reviews import service
from core.reviews.schemas import ReviewCreateSchema, ReviewSchema

blp = Blueprint(
    "reviews_api", __name__, url_prefix="/api/v1/t/<slug>/reviews",
    description="Reviews of one Community Safety Partnership.",
)
tenant_api(blp)


@blp.route("", methods=["GET"])
@requires("review.list")
@blp.response(200, ReviewSchema(many=True))
def list_reviews():
    """The partnership's reviews, newest notification first."""
    return service.list_reviews()


@blp.route("", methods=["POST"])
@requires("review.create")
@blp.arguments(ReviewCreateSchema)
@blp.response(201, ReviewSchema)
def create_review(data):
    """Record a notified death as a new review (stage ``notified``)."""
    return service.create_review(g.tenant, data, g.api_user.id)


@blp.route("/<uuid:review_id>", methods=["GET"])
@requires("review.read")
@blp.response(200, ReviewSchema)
def get_review(review_id: uuid.UUID):
    """One review. Another partnership's review answers 404, as an unknown one does."""
    review = service.get_review(review_id)
    if review is None:
        abort(404)
    return review
