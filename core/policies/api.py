"""For systems: the local policies that apply, and a review's local fields."""
from __future__ import annotations

import uuid

from flask import abort, g
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields

from core.audit import service as audit
from core.auth.guards import requires, tenant_api
from core.errors import fail
from core.hooks.manager import PluginFailed
from core.policies import local
from core.policies import service as policies
from core.reviews.service import find_review

blp = Blueprint("policies_api", __name__, url_prefix="/api/v1/t/<slug>",
                description="Local policies of the partnership, and local review fields.")
tenant_api(blp)


class AppliedSchema(Schema):
    name = fields.String()
    title = fields.String()
    description = fields.String()
    settings = fields.Dict()


class LocalFieldsIn(Schema):
    fields_ = fields.Dict(data_key="fields", required=True)


@blp.route("/policies", methods=["GET"])
@blp.response(200, AppliedSchema(many=True))
def applied():
    """The local policies switched on for this partnership, with their settings."""
    enabled = policies.enabled(g.tenant.id)
    return [{"name": i["name"], "title": str(i["title"]), "description": str(i["description"]),
             "settings": enabled[i["name"]]} for i in policies.catalogue()
            if i["name"] in enabled]


def _schema(review_id: uuid.UUID, plugin: str):
    review = find_review(review_id)
    if review is None:
        abort(404)
    schema = local.schema_for(g.tenant, review, plugin)
    if schema is None:
        abort(404)
    return review, schema


@blp.route("/reviews/<uuid:review_id>/local/<plugin>", methods=["GET"])
@requires("review.read")
@blp.response(200, description="The fields, as the plugin declares them.")
def get_local(review_id: uuid.UUID, plugin: str):
    """The review's local fields for one plugin (404 when it has none at this stage)."""
    review, _schema_cls = _schema(review_id, plugin)
    audit.read("local_fields", review.id, plugin=plugin)
    return (review.local_fields or {}).get(plugin, {})


@blp.route("/reviews/<uuid:review_id>/local/<plugin>", methods=["PUT"])
@requires("review.update")
@blp.arguments(LocalFieldsIn)
@blp.response(200, description="The fields, as the plugin declares them.")
def put_local(body, review_id: uuid.UUID, plugin: str):
    """Record local fields, validated by the plugin's schema for the review's stage."""
    review, schema = _schema(review_id, plugin)
    try:
        data = schema().load(body["fields_"])
        return local.save(review, plugin, schema, data)
    except ValidationError as invalid:
        fail(422, [{"field": f"fields.{k}", "code": "invalid",
                    "message": v[0] if isinstance(v, list) else str(v)}
                   for k, v in invalid.messages.items()])
    except local.LocalConflict:
        fail(409, [{"field": None, "code": "read_only", "message": _(
            "These fields can no longer change: the review is closed, or it is a joint "
            "review led by another partnership.")}])
    except PluginFailed as failed:
        fail(409, [{"field": None, "code": "plugin_failed", "message": _(
            "The local policy '%(plugin)s' failed, so nothing was saved. Tell your regional "
            "admin.", plugin=failed.plugin)}])
