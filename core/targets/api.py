"""The guidance rules and the partnership's own targets over JSON."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.auth.guards import requires, tenant_api
from core.errors import fail
from core.lifecycle.profiles import RULE_CLASSES
from core.targets import TargetsInvalid, profiles, set_targets

blp = Blueprint("targets_api", __name__, url_prefix="/api/v1/t/<slug>",
                description="Guidance rules with their sources, and the partnership's own "
                            "months for the targets no source confirms.")
tenant_api(blp)


class SourceSchema(Schema):
    tag = fields.String(metadata={"description": "The source's tag (SEED-AUDIT.md)."})
    url = fields.String()
    where = fields.String(metadata={"description": "Document, section, paragraph or page."})
    confirms = fields.Boolean(metadata={
        "description": "False: the rule was looked for here and not found."})
    secondary = fields.Boolean()


class RuleSchema(Schema):
    key = fields.String()
    label = fields.String()
    rule_class = fields.String(metadata={
        "enum": list(RULE_CLASSES)})
    class_label = fields.String()
    months = fields.Integer(allow_none=True, metadata={
        "description": "A deadline's months in force for this partnership."})
    default_months = fields.Integer(allow_none=True)
    settable = fields.Boolean(metadata={
        "description": "A local-practice target: the CSP admin may set its months."})
    note = fields.String()
    sources = fields.List(fields.Nested(SourceSchema))


class ProfileRulesSchema(Schema):
    name = fields.String()
    label = fields.String()
    draft = fields.Boolean(metadata={"description": "Draft guidance: not in force."})
    notice = fields.String(allow_none=True)
    status = fields.Nested(RuleSchema, allow_none=True)
    rules = fields.List(fields.Nested(RuleSchema))


class TargetsIn(Schema):
    targets = fields.Dict(required=True, keys=fields.String(), values=fields.Dict(), metadata={
        "description": "{profile: {deadline key: months}}. A target left out goes back to "
                       "the profile's months.",
        "example": {"dardr-2024": {"completion": 9}}})


@blp.route("/guidance-rules", methods=["GET"])
@blp.response(200, ProfileRulesSchema(many=True))
def rules():
    """Every guidance profile's deadlines and rules: class, sources and months in force."""
    return profiles(g.tenant)


@blp.route("/guidance-rules", methods=["PUT"])
@requires("targets.manage")
@blp.arguments(TargetsIn)
@blp.response(200, ProfileRulesSchema(many=True))
def put_targets(body):
    """Set the partnership's own months for local-practice targets (CSP admin; audited).
    The partnership's deadlines follow at once."""
    try:
        set_targets(g.tenant, body["targets"])
    except TargetsInvalid as invalid:
        fail(422, [{"field": field, "code": "invalid", "message": message}
                   for field, message in invalid.errors.items()])
    return profiles(g.tenant)
