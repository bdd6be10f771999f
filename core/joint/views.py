"""Joint review pages: invitations to accept, a review's partners, sign-off, removal."""
from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, url_for

from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.joint import service
from core.reviews.lookup import review_or_404
from tenants.sharing import shares_of

bp = Blueprint("joint", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)



def _or_abort(call, *args):
    try:
        return call(*args)
    except service.ShareProblem as problem:
        abort(problem.status)


@bp.get("/shares")
@requires("review.list")
def invitations():
    return render_template("joint/invitations.html", invitations=service.invitations())


@bp.post("/shares/<uuid:share_id>/accept")
@requires("review.update")
def accept(share_id: uuid.UUID):
    _or_abort(service.accept, share_id)
    return redirect(url_for("joint.invitations"))


@bp.get("/reviews/<uuid:review_id>/partners")
@requires("review.read")
def partners(review_id: uuid.UUID):
    review = review_or_404(review_id)
    audit.read("partners", review.id)
    return render_template("joint/partners.html", review=review, shares=shares_of(review.id),
                           lead=review.tenant_id == g.tenant.id)


@bp.post("/reviews/<uuid:review_id>/partners/signoff")
@requires("review.sign_off")
def sign_off(review_id: uuid.UUID):
    _or_abort(service.sign_off, review_or_404(review_id), date.today())
    return redirect(url_for("joint.partners", review_id=review_id))


@bp.post("/reviews/<uuid:review_id>/partners/<uuid:share_id>/remove")
@requires("review.update")
def remove(review_id: uuid.UUID, share_id: uuid.UUID):
    _or_abort(service.remove, review_or_404(review_id), share_id)
    return redirect(url_for("joint.partners", review_id=review_id))
