"""Publishing, over JSON, a document made after the review was published (a learning
pack): the same service as the page."""
from __future__ import annotations

import uuid

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from core.auth.guards import requires, tenant_api
from core.errors import fail
from core.public import service
from core.records.schemas import PublicationRecordOut
from core.reviews.lookup import review_or_404

blp = Blueprint("public_api", __name__, url_prefix="/api/v1/t/<slug>",
                description="Documents published after the review (a learning pack).")
tenant_api(blp)


class PublicDocumentIn(Schema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "The document kind, e.g. learning_product"})


class LaterKindOut(Schema):
    kind = fields.String()
    uploaded = fields.Boolean()
    published = fields.Boolean()
    later = fields.Boolean()


@blp.route("/reviews/<uuid:review_id>/public-documents", methods=["GET"])
@requires("review.read")
@blp.response(200, LaterKindOut(many=True))
def later_documents(review_id: uuid.UUID):
    """The kinds the publication plan publishes after the review, and whether each is
    uploaded and published."""
    return service.later_kinds(review_or_404(review_id))


@blp.route("/reviews/<uuid:review_id>/public-documents", methods=["POST"])
@requires("review.sign_off")
@blp.arguments(PublicDocumentIn)
@blp.response(200, PublicationRecordOut)
@blp.alt_response(409, description="Not published, not in the plan, not uploaded, or "
                                   "protected names found: 'errors' says which.")
def publish_document(data, review_id: uuid.UUID):
    """Publish the latest version of a kind on the public page (the CSP chair)."""
    try:
        return service.publish_later(review_or_404(review_id), data["kind"], g.tenant.id)
    except service.PublishProblem as problem:
        fail(problem.status, [{"field": "kind", "code": problem.code,
                               "message": problem.message}])
