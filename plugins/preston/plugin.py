"""Preston's local policy: the overview report and executive summary are published for
12 months (a setting), after which they are available on request."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.hooks import hookimpl, messages

NAME = "preston"
_ = messages(__file__, NAME)
_l = _.lazy


class Settings(Schema):
    months_online = fields.Integer(load_default=12, validate=validate.Range(min=1, max=120),
                                   metadata={"label": _l("Months the reports stay online"),
                                             "widget": "text"})
    request_contact = fields.String(required=True, validate=validate.Length(min=3, max=200),
                                    metadata={"label": _l("How to ask for a report after that"),
                                              "widget": "text"})


class Preston:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Preston local policy"),
                "description": _("Publishes the overview report and executive summary for a "
                                 "set number of months; after that they are available on "
                                 "request."),
                "settings": Settings}

    @hookimpl
    def publication_plan(self, ctx, review, decision):
        # Online for the set months, then "available on request" (the public page offers a
        # way to ask). Source: seed 001 Preston
        # (https://www.preston.gov.uk/article/1153/Domestic-homicide-reviews); SEED-AUDIT P3.
        months = ctx.settings_of(NAME).get("months_online", 12)
        return {"documents": ["overview_report", "executive_summary"], "months": months,
                "after": "on_request"}

    @hookimpl
    def page_slot(self, ctx, slot, review):
        settings = ctx.settings_of(NAME)
        if slot == "published_page":
            return [_("Reports stay online for %(months)s months; after that, ask for them: "
                      "%(contact)s", months=settings.get("months_online", 12),
                      contact=settings.get("request_contact", ""))]
        if slot != "review_summary" or review is None or review.published_on is None:
            return []
        return [_("After %(months)s months online the reports are available on request: "
                  "%(contact)s", months=settings.get("months_online", 12),
                  contact=settings.get("request_contact", ""))]


plugin = Preston()
