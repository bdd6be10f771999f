"""Admin API: a tenant's local policies (admin tokens only, see ``dhr tokens
create-admin``)."""
from __future__ import annotations

from flask import abort, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.auth.guards import admin_api
from core.errors import fail
from core.policies import service as policies

blp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin/tenants/<tenant_slug>",
                description="Local policies per partnership (regional and platform admins).")
admin_api(blp)


class PolicySchema(Schema):
    name = fields.String()
    title = fields.String()
    description = fields.String()
    enabled = fields.Boolean()
    settings = fields.Dict()


class SettingsIn(Schema):
    settings = fields.Dict(load_default=dict)


def _listing() -> list[dict]:
    enabled = policies.enabled(g.admin_tenant.id)
    return [{"name": i["name"], "title": str(i["title"]), "description": str(i["description"]),
             "enabled": i["name"] in enabled, "settings": enabled.get(i["name"], {})}
            for i in policies.catalogue()]


@blp.route("/policies", methods=["GET"])
@blp.response(200, PolicySchema(many=True))
def list_policies():
    """Every installed local policy, and whether this partnership has it on."""
    return _listing()


@blp.route("/policies/<name>", methods=["PUT"])
@blp.arguments(SettingsIn)
@blp.response(200, PolicySchema)
def enable_policy(body, name: str):
    """Switch a local policy on (or change its settings). Bad settings answer 422."""
    try:
        policies.enable(g.admin_tenant, name, body["settings"])
    except policies.PolicyInvalid as invalid:
        fail(invalid.status, [{"field": k, "code": "invalid", "message": v}
                              for k, v in invalid.errors.items()])
    return next(p for p in _listing() if p["name"] == name)


@blp.route("/policies/<name>", methods=["DELETE"])
@blp.response(204)
def disable_policy(name: str):
    """Switch a local policy off."""
    if not policies.disable(g.admin_tenant, name):
        abort(404)
