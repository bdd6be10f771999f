"""Documents page: every document with its versions, one upload form (a new document, or a
new version of one already there), download, and removal of what was entered in error."""
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

NEW = "new"  # the upload form's "document" choice for a document not uploaded before


def _page(review, errors=None, status=200):
    documents = service.documents_of(review, g.roles)
    chosen = request.form.get("document") if errors else request.args.get("document")
    return render_template("documents/list.html", review=review, kinds=KINDS,
                           documents=documents, removals=service.removals_of(review, g.roles),
                           errors=errors or {}, form=request.form if errors else {},
                           chosen=chosen or NEW, new=NEW), status


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
    """The one upload form: ``document`` is "new" (then kind and title say what it is) or
    the id of a document of this review, which gets a new version (replacing it)."""
    review = review_or_404(review_id)
    chosen = request.form.get("document", NEW) or NEW
    document = None
    if chosen != NEW:
        try:
            document = service.find_document(review, uuid.UUID(chosen))
        except ValueError:
            document = None
        if document is None or not service.readable(document.kind, g.roles):
            return _page(review, {"document": _(
                "Select a document to replace, or a new document")}, 400)
    upload_, errors = _file()
    if errors:
        return _page(review, errors, 400)
    try:
        if document is None:
            service.upload(review, upload_.read(), upload_.filename,
                           kind=request.form.get("kind", ""),
                           title=request.form.get("title", ""))
        else:
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


def _removal(review_id: uuid.UUID, document_id: uuid.UUID, number: int | None):
    """The confirmation page (GET) and the removal itself (POST), with its reason."""
    review = review_or_404(review_id)
    document = service.find_document(review, document_id)
    if document is None or not service.readable(document.kind, g.roles):
        abort(404)
    versions = dict(service.documents_of(review, g.roles)).get(document, [])
    if number is not None and number not in {v.number for v in versions}:
        abort(404)
    errors = {}
    if request.method == "POST":
        try:
            service.remove(review, document, request.form.get("reason", ""), number)
        except service.DocumentRefused as refused:
            errors = {"reason": refused.message}
            status = refused.status
        else:
            return redirect(url_for("documents.documents", review_id=review.id))
    else:
        status = 200
        audit.read("documents", review.id, document=str(document.id))  # names its files
    heading = (_("Remove %(title)s", title=document.title) if number is None else
               _("Remove version %(n)s of %(title)s", n=number, title=document.title))
    return render_template("documents/remove.html", review=review, document=document,
                           heading=heading,
                           number=number, versions=versions, errors=errors,
                           form=request.form if errors else {},
                           reason_length=service.REASON_LENGTH), status


@bp.route("/<uuid:document_id>/remove", methods=["GET", "POST"])
@requires("review.update")
def remove(review_id: uuid.UUID, document_id: uuid.UUID):
    return _removal(review_id, document_id, None)


@bp.route("/<uuid:document_id>/versions/<int:number>/remove", methods=["GET", "POST"])
@requires("review.update")
def remove_version(review_id: uuid.UUID, document_id: uuid.UUID, number: int):
    return _removal(review_id, document_id, number)
