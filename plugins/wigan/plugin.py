"""Wigan's local policy: publishes the anonymised executive summary only; a decision not
to publish cites the guidance section it rests on, and then the review records how the
learning was shared with partners."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.hooks import Problem, hookimpl, messages

NAME = "wigan"
_ = messages(__file__, NAME)
_l = _.lazy
PUBLICATION_STAGES = ("ready_to_publish", "not_published", "published", "monitoring")


class LocalFields(Schema):
    guidance_section = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "label": _l("Guidance section a decision not to publish rests on"), "widget": "text"})
    learning_shared = fields.String(validate=validate.Length(min=1, max=5000), metadata={
        "label": _l("How the learning was shared with partners"), "widget": "textarea"})


class Wigan:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Wigan local policy"),
                "description": _("Publishes the executive summary only. A decision not to "
                                 "publish cites its guidance section, and the review then "
                                 "records how the learning was shared."),
                "settings": None}

    @hookimpl
    def publication_plan(self, ctx, review, decision):
        return {"documents": ["executive_summary"], "months": None, "after": "removed"}

    @hookimpl
    def review_fields_schema(self, ctx, stage):
        return LocalFields if stage in PUBLICATION_STAGES else None

    @hookimpl
    def check_transition(self, ctx, review, transition, actor, data):
        local = review.local_of(NAME)
        if transition == "not_publish" and not local.get("guidance_section"):
            return [Problem("guidance_section", _(
                "Record the section of the guidance the decision not to publish rests on "
                "(Wigan local information)."))]
        if (transition == "start_monitoring" and review.stage == "not_published"
                and not local.get("learning_shared")):
            return [Problem("learning_shared", _(
                "Record how the learning was shared with partners (Wigan local "
                "information)."))]
        return []


plugin = Wigan()
