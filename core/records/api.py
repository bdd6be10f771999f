"""Each kind of record over JSON: ``/api/v1/t/<slug>/reviews/<id>/<kind>``.

One collection (GET list, POST add) per kind, and an item (GET, PATCH) for the kinds that
change after they are added. Built from ``kinds.py`` so every kind behaves alike.
"""
from __future__ import annotations

from flask import abort, g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.audit import service as audit
from core.auth.guards import requires, tenant_api
from core.auth.roles import allows
from core.errors import fail
from core.records import service
from core.records.kinds import KINDS, Kind
from core.reviews.lookup import review_or_404

blp = Blueprint("records_api", __name__, url_prefix="/api/v1/t/<slug>/reviews/<uuid:review_id>",
                description="What a review holds: panel, agency reports, family engagement, "
                            "recommendations and actions, Home Office and publication records.")
tenant_api(blp)



def _errors(problem: Exception):
    if isinstance(problem, service.RecordInvalid):
        fail(422, [{"field": f, "code": "invalid", "message": m}
                   for f, m in problem.errors.items()])
    fail(409, [{"field": None, "code": "conflict", "message": str(problem)}])


class VersionQuery(Schema):
    version = fields.Integer(load_default=None, metadata={
        "description": "The version you last saw; another answers 409."})


def _update_schema(kind: Kind) -> type[Schema]:
    return type(f"{kind.update.__name__}Patch", (kind.update,),
                {"version": fields.Integer(load_default=None, metadata={
                    "description": "The version you last saw; another answers 409."})})


def _collection(kind: Kind) -> type[MethodView]:
    def get(self, review_id):
        review = review_or_404(review_id)
        audit.read(kind.key, review.id)
        return service.list_records(review, kind)

    get.__doc__ = f"List the review's {kind.slug}."
    attrs = {"get": requires(kind.read_permission)(
        blp.response(200, kind.output(many=True))(get))}
    if kind.create is not None:
        def post(self, data, review_id):
            try:
                return service.add_record(review_or_404(review_id), kind, data, g.roles)
            except (service.RecordInvalid, service.RecordConflict) as problem:
                _errors(problem)

        post.__doc__ = f"Add to the review's {kind.slug}."
        attrs["post"] = requires("review.update")(blp.arguments(kind.create)(
            blp.response(201, kind.output)(post)))
    return type(f"{kind.key}_collection", (MethodView,), attrs)


def _item(kind: Kind) -> type[MethodView]:
    def get(self, review_id, item_id):
        record = service.get_record(review_or_404(review_id), kind, item_id)
        if record is None:
            abort(404)
        audit.read(kind.key, record.review_id, item=str(record.id))
        return record

    def patch(self, data, review_id, item_id):
        review = review_or_404(review_id)
        record = service.get_record(review, kind, item_id)
        if record is None or not allows(g.roles, kind.read_permission):
            abort(404)  # need to know: changing a record shows it
        version = data.pop("version", None)
        try:
            return service.update_record(review, kind, record, data, version, g.roles)
        except (service.RecordInvalid, service.RecordConflict) as problem:
            _errors(problem)

    def delete(self, args, review_id, item_id):
        review = review_or_404(review_id)
        record = service.get_record(review, kind, item_id)
        if record is None or not allows(g.roles, kind.read_permission):
            abort(404)
        try:
            service.remove_record(review, kind, record, args["version"], g.roles)
        except (service.RecordInvalid, service.RecordConflict) as problem:
            _errors(problem)

    get.__doc__ = f"One of the review's {kind.slug}."
    delete.__doc__ = f"Remove one of the review's {kind.slug} entered in error."
    patch.__doc__ = f"Change one of the review's {kind.slug} (only the fields sent)."
    attrs = {
        "get": requires(kind.read_permission)(blp.response(200, kind.output)(get)),
        "patch": requires("review.update")(blp.arguments(_update_schema(kind)(partial=True))(
            blp.response(200, kind.output)(patch))),
    }
    if kind.removable:
        attrs["delete"] = requires("review.update")(blp.arguments(
            VersionQuery, location="query")(blp.response(204)(delete)))
    return type(f"{kind.key}_item", (MethodView,), attrs)


for _kind in KINDS:
    blp.route(f"/{_kind.slug}", endpoint=f"{_kind.key}_collection")(_collection(_kind))
    if _kind.update is not None:
        blp.route(f"/{_kind.slug}/<uuid:item_id>", endpoint=f"{_kind.key}_item")(_item(_kind))
