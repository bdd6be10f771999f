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
    # Shown on the public page (G6), so only a guidance reference such as "Section 8" or
    # "paragraph 9.2", never free text that could carry a name or a reason.
    guidance_section = fields.String(validate=validate.Regexp(
        r"(?i)^(section|paragraph|para)\s?\d{1,3}(\.\d{1,3}){0,2}[a-z]?"
        r"( of the (19|20)\d\d guidance)?$",
        error=_l("Enter the guidance section as a reference, like Section 8 or paragraph "
                 "9.2: it is shown on the public page.")), metadata={
        "label": _l("Guidance section a decision not to publish rests on (shown on the "
                    "public page)"), "widget": "text"})
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
        # The anonymised executive summary only, kept online; a decision not to publish is
        # announced on the public page with the guidance section it rests on. Source: seed
        # 003 Wigan (the May 2020 review not published "in line with Section 8" of the 2016
        # guidance); SEED-AUDIT.md G3, G6.
        return {"documents": ["executive_summary"], "months": None, "after": "removed",
                "notice": review.local_of(NAME).get("guidance_section")
                if decision == "not_publish" else None}

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
