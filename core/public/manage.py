"""The coordinator's and chair's page for documents published after the review (a learning
pack): which the plan names, whether each is uploaded and published, and a button to
publish it. The same service as the API."""
from __future__ import annotations

import uuid

from flask import Blueprint, g, redirect, render_template, url_for

from core.auth.guards import requires, tenant_pages
from core.public import service
from core.reviews.lookup import review_or_404

bp = Blueprint("public_manage", __name__, url_prefix="/t/<slug>",
               template_folder="templates")
tenant_pages(bp)


def _page(review, errors=None, status=200):
    return render_template("public/manage.html", review=review,
                           kinds=service.later_kinds(review), errors=errors or {},
                           lead=review.tenant_id == g.tenant.id), status


@bp.get("/reviews/<uuid:review_id>/public-documents")
@requires("review.read")
def later_documents(review_id: uuid.UUID):
    return _page(review_or_404(review_id))


@bp.post("/reviews/<uuid:review_id>/public-documents/<kind>")
@requires("review.sign_off")
def publish_document(review_id: uuid.UUID, kind: str):
    review = review_or_404(review_id)
    try:
        service.publish_later(review, kind[:40], g.tenant.id)
    except service.PublishProblem as problem:
        return _page(review, {"kind": problem.message}, problem.status)
    return redirect(url_for("public_manage.later_documents", review_id=review.id,
                            published=kind[:40]))
