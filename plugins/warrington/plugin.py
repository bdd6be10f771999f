"""Warrington's local policy (invented demo of the published Warrington process):
DARDR terminology, Cheshire Police notify, three quotes before an independent chair is
appointed, the review's cost recorded, and a four-document publication bundle."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.hooks import Problem, hookimpl, messages

NAME = "warrington"
_ = messages(__file__, NAME)
_l = _.lazy


class Settings(Schema):
    min_quotes = fields.Integer(load_default=3, validate=validate.Range(min=1, max=10),
                                metadata={"label": _l("Quotes needed before appointing a chair"),
                                          "widget": "text"})


class LocalFields(Schema):
    chair_quotes = fields.Integer(validate=validate.Range(min=0, max=50), metadata={
        "label": _l("Quotes received for the independent chair"), "widget": "text"})
    review_cost = fields.Decimal(places=2, as_string=True, validate=validate.Range(min=0),
                                 metadata={"label": _l("Cost of the review (£)"), "widget": "text"})


class Warrington:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Warrington local policy"),
                "description": _("Domestic Abuse Related Death Review terminology; three quotes "
                                 "before an independent chair is appointed; cost recorded; "
                                 "publishes the overview report, executive summary, action "
                                 "plan and Home Office letter."),
                "settings": Settings}

    @hookimpl
    def review_terms(self, ctx):
        return {"short": "DARDR",
                "long": _("Domestic Abuse Related Death Review (previously DHR)")}

    @hookimpl
    def review_fields_schema(self, ctx, stage):
        return LocalFields

    @hookimpl
    def check_record(self, ctx, review, kind, change, actor, data):
        if kind != "chair_appointments" or change != "add":
            return []
        needed = ctx.settings_of(NAME).get("min_quotes", 3)
        have = review.local_of(NAME).get("chair_quotes") or 0
        if have < needed:
            return [Problem("quotes", _("Record at least %(needed)s quotes for the independent "
                                        "chair before appointing one (%(have)s so far).",
                                        needed=needed, have=have))]
        return []

    @hookimpl
    def publication_plan(self, ctx, review, decision):
        return {"documents": ["overview_report", "executive_summary", "action_plan",
                              "home_office_letter"], "months": 12, "after": "removed"}

    @hookimpl
    def page_slot(self, ctx, slot, review):
        if slot != "review_summary" or review is None:
            return []
        lines = []
        if "cheshire" not in review.notifying_agency.lower():
            lines.append(_("Warrington reviews are notified by Cheshire Police: check the "
                           "notifying agency."))
        cost = review.local_of(NAME).get("review_cost")
        if cost is not None:
            lines.append(_("Cost of the review: £%(cost)s", cost=cost))
        return lines


plugin = Warrington()
