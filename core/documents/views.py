"""Documents page: every document with its versions, upload, download."""
from __future__ import annotations

import io
import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.documents import service
from core.documents.models import KINDS
from core.reviews.lookup import review_or_404

bp = Blueprint("documents", __name__,
               url_prefix="/t/<slug>/reviews/<uuid:review_id>/documents",
               template_folder="templates")
tenant_pages(bp)



def _page(review, errors=None, status=200):
    return render_template("documents/list.html", review=review, kinds=KINDS,
                           documents=service.documents_of(review, g.roles), errors=errors or {},
                           form=request.form if errors else {}), status


def _file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, {"file": _("Choose a file to upload.")}
    return upload, {}


@bp.get("")
@requires("review.read")
def documents(review_id: uuid.UUID):
    review = review_or_404(review_id)
    audit.read("documents", review.id)
    return _page(review)


@bp.post("")
@requires("review.update")
def upload(review_id: uuid.UUID):
    review = review_or_404(review_id)
    upload_, errors = _file()
    if errors:
        return _page(review, errors, 400)
    try:
        service.upload(review, upload_.read(), upload_.filename,
                       kind=request.form.get("kind", ""), title=request.form.get("title", ""))
    except service.DocumentRefused as refused:
        return _page(review, {refused.field: refused.message}, refused.status)
    return redirect(url_for("documents.documents", review_id=review.id))


@bp.post("/<uuid:document_id>/versions")
@requires("review.update")
def new_version(review_id: uuid.UUID, document_id: uuid.UUID):
    review = review_or_404(review_id)
    document = service.find_document(review, document_id)
    if document is None:
        abort(404)
    upload_, errors = _file()
    if errors:
        return _page(review, errors, 400)
    try:
        service.upload(review, upload_.read(), upload_.filename, document=document)
    except service.DocumentRefused as refused:
        return _page(review, {refused.field: refused.message}, refused.status)
    return redirect(url_for("documents.documents", review_id=review.id))


@bp.get("/<uuid:document_id>/versions/<int:number>")
@requires("review.read")
def download(review_id: uuid.UUID, document_id: uuid.UUID, number: int):
    version = service.find_version(review_or_404(review_id), document_id, number,
                                   g.roles)
    if version is None:
        abort(404)
    return send_file(io.BytesIO(service.read(version)), mimetype=version.content_type,
                     as_attachment=True, download_name=version.filename)
