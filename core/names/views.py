"""The real-name map of a review and its redaction check (names.read: chair and
coordinator). A joint review's partners never see the lead's map."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.names import redaction, service
from core.names.schemas import ProtectedNameIn
from core.reviews.lookup import review_or_404
from core.reviews.transitions import publication_plan
from core.web import forms

bp = Blueprint("names", __name__, url_prefix="/t/<slug>/reviews/<uuid:review_id>",
               template_folder="templates")
tenant_pages(bp)


def _lead_review(review_id: uuid.UUID):
    review = review_or_404(review_id)
    if review.tenant_id != g.tenant.id:
        abort(404)
    return review


@bp.route("/names", methods=["GET", "POST"])
@requires("names.read")
def names(review_id: uuid.UUID):
    review = _lead_review(review_id)
    errors, status = {}, 200
    if request.method == "POST":
        data, errors = forms.read(ProtectedNameIn)
        if not errors:
            service.add(review, data)
            return redirect(url_for("names.names", review_id=review.id))
        status = 400
    audit.read("protected_names", review.id)
    return render_template("names/names.html", review=review, rows=service.names_of(review),
                           fields=forms.describe(ProtectedNameIn), errors=errors,
                           form=request.form), status


@bp.post("/names/<uuid:name_id>/remove")
@requires("names.read")
def remove(review_id: uuid.UUID, name_id: uuid.UUID):
    review = _lead_review(review_id)
    if not service.remove(review, name_id):
        abort(404)
    return redirect(url_for("names.names", review_id=review.id))


@bp.get("/redaction")
@requires("names.read")
def check(review_id: uuid.UUID):
    review = _lead_review(review_id)
    kinds = publication_plan(review)[1]
    hits = redaction.scan(review, kinds)
    audit.read("redaction_check", review.id, hits=len(hits))
    return render_template("names/redaction.html", review=review, hits=hits, kinds=kinds,
                           names=len(service.names_of(review)))
