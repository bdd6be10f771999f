"""Joint reviews over JSON."""
from __future__ import annotations

import uuid
from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.audit import service as audit
from core.auth.guards import requires, tenant_api
from core.errors import fail
from core.joint import service
from core.reviews.lookup import review_or_404
from core.timestamps import UtcDateTime
from tenants.sharing import shares_of

blp = Blueprint("joint_api", __name__, url_prefix="/api/v1/t/<slug>",
                description="Joint reviews: invitations, partners, sign-off.")
tenant_api(blp)


class ShareSchema(Schema):
    id = fields.UUID()
    review_id = fields.UUID()
    partner_tenant_id = fields.UUID()
    invited_at = UtcDateTime()
    accepted_at = UtcDateTime(allow_none=True)
    signed_off_on = fields.Date(allow_none=True)



def _run(call, *args):
    try:
        return call(*args)
    except service.ShareProblem as problem:
        fail(problem.status, [{"field": None, "code": "joint", "message": problem.message}])


@blp.route("/shares", methods=["GET"])
@requires("review.list")
@blp.response(200, ShareSchema(many=True))
def invitations():
    """Joint reviews other partnerships invited this one to."""
    return [share for share, _lead in service.invitations()]


@blp.route("/shares/<uuid:share_id>/accept", methods=["POST"])
@requires("review.update")
@blp.response(200, ShareSchema)
def accept(share_id: uuid.UUID):
    """Accept an invitation: the shared review becomes visible to this partnership."""
    return _run(service.accept, share_id)


@blp.route("/reviews/<uuid:review_id>/partners", methods=["GET"])
@requires("review.read")
@blp.response(200, ShareSchema(many=True))
def partners(review_id: uuid.UUID):
    """The partners of a joint review."""
    review = review_or_404(review_id)
    audit.read("partners", review.id)
    return shares_of(review.id)


@blp.route("/reviews/<uuid:review_id>/partners/signoff", methods=["POST"])
@requires("review.sign_off")
@blp.response(200, ShareSchema)
def sign_off(review_id: uuid.UUID):
    """This partnership (a partner) signs off the joint review today."""
    return _run(service.sign_off, review_or_404(review_id), date.today())


@blp.route("/reviews/<uuid:review_id>/partners/<uuid:share_id>", methods=["DELETE"])
@requires("review.update")
@blp.response(204)
def remove(review_id: uuid.UUID, share_id: uuid.UUID):
    """The lead removes a partner; its access ends at once."""
    _run(service.remove, review_or_404(review_id), share_id)
