"""Documents over JSON: upload (multipart), list with versions, download, a new version
(replacing the one before), and removal of a document or version entered in error."""
from __future__ import annotations

import io
import uuid

from flask import abort, g, send_file
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from core.audit import service as audit
from core.auth.guards import requires, tenant_api
from core.documents import service
from core.errors import fail
from core.reviews.lookup import review_or_404
from core.timestamps import UtcDateTime

blp = Blueprint("documents_api", __name__,
                url_prefix="/api/v1/t/<slug>/reviews/<uuid:review_id>/documents",
                description="A review's documents, with versions.")
tenant_api(blp)


class VersionSchema(Schema):
    number = fields.Integer()
    sha256 = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    filename = fields.String()
    uploaded_at = UtcDateTime()
    uploaded_by = fields.String()


class DocumentSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    title = fields.String()
    latest_version = fields.Integer()
    versions = fields.List(fields.Nested(VersionSchema))


class NewDocumentForm(Schema):
    kind = fields.String(required=True)
    title = fields.String(required=True)


class FileForm(Schema):
    file = Upload(required=True)


class RemovalForm(Schema):
    reason = fields.String(required=True, metadata={
        "description": "Why it is removed (entered in error), 1 to 500 characters; kept on "
                       "the timeline and in the audit trail."})


class RemovalSchema(Schema):
    document_id = fields.UUID()
    kind = fields.String()
    title = fields.String()
    number = fields.Integer()
    sha256 = fields.String()
    uploaded_at = UtcDateTime()
    uploaded_by = fields.String()
    removed_at = UtcDateTime()
    removed_by = fields.String()
    reason = fields.String()


def _out(document, versions) -> dict:
    return {"id": document.id, "kind": document.kind, "title": document.title,
            "latest_version": document.latest_version, "versions": versions}


def _refused(refused: service.DocumentRefused):
    fail(refused.status, [{"field": refused.field, "code": "refused",
                           "message": refused.message}])


def _upload(review, upload, **kwargs):
    try:
        version = service.upload(review, upload.read(), upload.filename or "", **kwargs)
    except service.DocumentRefused as refused:
        _refused(refused)
    return version


@blp.route("", methods=["GET"])
@requires("review.read")
@blp.response(200, DocumentSchema(many=True))
def list_documents(review_id: uuid.UUID):
    """The review's documents and every version of each."""
    review = review_or_404(review_id)
    audit.read("documents", review.id)
    return [_out(d, v) for d, v in service.documents_of(review, g.roles)]


@blp.route("", methods=["POST"])
@requires("review.update")
@blp.arguments(NewDocumentForm, location="form")
@blp.arguments(FileForm, location="files")
@blp.response(201, DocumentSchema)
def add_document(form, files, review_id: uuid.UUID):
    """Upload a new document (its first version)."""
    review = review_or_404(review_id)
    version = _upload(review, files["file"], kind=form["kind"], title=form["title"])
    document = service.find_document(review, version.document_id)
    return _out(document, [version])


@blp.route("/<uuid:document_id>/versions", methods=["POST"])
@requires("review.update")
@blp.arguments(FileForm, location="files")
@blp.response(201, VersionSchema)
def add_version(files, review_id: uuid.UUID, document_id: uuid.UUID):
    """Upload a new version of a document (it replaces the one before as the current
    version; earlier versions stay listed)."""
    review = review_or_404(review_id)
    document = service.find_document(review, document_id)
    if document is None or not service.readable(document.kind, g.roles):
        abort(404)
    return _upload(review, files["file"], document=document)


@blp.route("/removals", methods=["GET"])
@requires("review.read")
@blp.response(200, RemovalSchema(many=True))
def list_removals(review_id: uuid.UUID):
    """What was removed from the review's documents, newest first (not the files)."""
    review = review_or_404(review_id)
    audit.read("documents", review.id, removals=True)
    return service.removals_of(review, g.roles)


def _remove(review_id: uuid.UUID, document_id: uuid.UUID, reason: str,
            number: int | None = None):
    review = review_or_404(review_id)
    document = service.find_document(review, document_id)
    if document is None or not service.readable(document.kind, g.roles):
        abort(404)
    try:
        return service.remove(review, document, reason, number)
    except service.DocumentRefused as refused:
        _refused(refused)


@blp.route("/<uuid:document_id>", methods=["DELETE"])
@requires("review.update")
@blp.arguments(RemovalForm)
@blp.response(200, RemovalSchema(many=True))
@blp.alt_response(409, description="The review is closed, or the version is published on "
                                   "the public page: 'errors' says which.")
def remove_document(data, review_id: uuid.UUID, document_id: uuid.UUID):
    """Remove a document entered in error, with every version, giving the reason. The
    files are deleted (unless another version holds the same content) and can no longer be
    downloaded; the removal is on the timeline and in the audit trail."""
    return _remove(review_id, document_id, data["reason"])


@blp.route("/<uuid:document_id>/versions/<int:number>", methods=["DELETE"])
@requires("review.update")
@blp.arguments(RemovalForm)
@blp.response(200, RemovalSchema(many=True))
@blp.alt_response(409, description="The review is closed, or the version is published on "
                                   "the public page: 'errors' says which.")
def remove_version(data, review_id: uuid.UUID, document_id: uuid.UUID, number: int):
    """Remove one version entered in error, giving the reason; a document left with no
    version is removed too. Its number is never given again."""
    if not 1 <= number < 2**31:
        abort(404)
    return _remove(review_id, document_id, data["reason"], number)


@blp.route("/<uuid:document_id>/versions/<int:number>", methods=["GET"])
@requires("review.read")
@blp.response(200, description="The file itself.")
def download(review_id: uuid.UUID, document_id: uuid.UUID, number: int):
    """Download one version (audited)."""
    version = service.find_version(review_or_404(review_id), document_id, number,
                                   g.roles)
    if version is None:
        abort(404)
    return send_file(io.BytesIO(service.read(version)), mimetype=version.content_type,
                     as_attachment=True, download_name=version.filename)
