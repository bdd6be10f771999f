"""Warrington's local policy (invented demo of the published Warrington process):
DARDR terminology, Cheshire Police notify (how many days after the death is shown), three
quotes recorded before an independent chair is appointed, the review's cost (the chosen
quotes plus other costs), and a four-document publication bundle."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from marshmallow import Schema, fields, validate

from core.hooks import DARDR_PROFILES, Problem, hookimpl, messages

NAME = "warrington"
DARDR_FROM = date(2024, 2, 5)
_ = messages(__file__, NAME)
_l = _.lazy


class Settings(Schema):
    min_quotes = fields.Integer(load_default=3, validate=validate.Range(min=1, max=10),
                                metadata={"label": _l("Quotes needed before appointing a chair"),
                                          "widget": "text"})
    # Reviews notified from this date are DARDRs; earlier ones keep the name they had
    # (the 2014 and 2017 reviews were DHRs). Default: the government response renaming
    # them, 5 Feb 2024. Source: PT / GR24
    # (https://www.parliamenttoday.com/members/viewnews.html?id=152978); seed 000
    # Warrington, "Domestic Abuse Related Death Review (previously known as a DHR)".
    # Three date boxes (issue 14: as one text box, forms read it as a date's three boxes,
    # found none, and kept the default: the date typed was never saved).
    dardr_from = fields.Date(load_default=DARDR_FROM, metadata={
        "label": _l("Reviews notified on or after this date are called DARDRs"),
        "widget": "date"})


# Quotes are records of the review (``/reviews/<id>/quotes``: who quoted, for what, how
# much, when, chosen or not); the count typed here before them is kept and shown, not
# counted. Source: WINS, "at least three quotes", £10-15k for chair plus author
# (https://www.winsfordguardian.co.uk/news/17714502.concerns-over-future-funding-for-domestic-homicide-reviews/);
# SEED-AUDIT.md W11.
LEGACY_QUOTES = "chair_quotes"
FOR_THE_CHAIR = ("chair", "chair_and_author")


class LocalFields(Schema):
    # The review's cost is the chosen quotes plus this (what else was spent).
    review_cost = fields.Decimal(places=2, as_string=True, validate=validate.Range(min=0),
                                 metadata={"label": _l("Other costs of the review, besides "
                                                       "the chosen quotes (£)"),
                                           "widget": "text"})


class Warrington:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Warrington local policy"),
                "description": _("Domestic Abuse Related Death Review terminology; three "
                                 "quotes recorded before an independent chair is appointed; "
                                 "the cost is the chosen quotes plus other costs; publishes "
                                 "the overview report, executive summary, action plan and "
                                 "Home Office letter."),
                "settings": Settings}

    @hookimpl
    def review_terms(self, ctx, review):
        # A review keeps the name it had when notified (SEED-AUDIT.md W3); the partnership's
        # own pages use today's name.
        since = date.fromisoformat(str(ctx.settings_of(NAME).get("dardr_from")
                                       or DARDR_FROM.isoformat()))
        if (review is not None and review.guidance_profile not in DARDR_PROFILES
                and review.notification_date < since):
            return {"short": "DHR", "long": _("Domestic Homicide Review")}
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
        # Quotes from different people or organisations, for the chair (alone or with the
        # author): the same supplier quoting twice is one quote.
        have = len({q.supplier.strip().lower() for q in review.quotes
                    if q.covers in FOR_THE_CHAIR})
        if have < needed:
            # field="quotes": the quotes are recorded on their own page, where the error
            # summary links (core/policies/location.py; issue 14: it linked to "#form")
            return [Problem("quotes", _("Record at least %(needed)s quotes for the independent "
                                        "chair before appointing one (%(have)s so far).",
                                        needed=needed, have=have), field="quotes")]
        return []

    @hookimpl
    def publication_plan(self, ctx, review, decision):
        return {"documents": ["overview_report", "executive_summary", "action_plan",
                              "home_office_letter"],
                # Kept online: the page still lists its 2014 and 2017 reviews in Dec 2024.
                # Source: seed 000 Warrington; SEED-AUDIT.md W10.
                "months": None, "after": "removed"}

    @hookimpl
    def page_slot(self, ctx, slot, review):
        if slot != "review_summary" or review is None:
            return []
        lines = []
        if "cheshire" not in review.notifying_agency.lower():
            lines.append(_("Warrington reviews are notified by Cheshire Police: check the "
                           "notifying agency."))
        if review.date_of_death is not None:  # how quickly the CSP was told (W1)
            lines.append(_("Days from the death to the notification: %(days)s.",
                           days=(review.notification_date - review.date_of_death).days))
        lines.extend(_cost_lines(review))
        return lines


def _cost_lines(review) -> list[str]:
    """The review's cost: the chosen quotes plus the other costs recorded (W11)."""
    chosen = sum((q.amount for q in review.quotes if q.chosen), Decimal(0))
    other = review.local_of(NAME).get("review_cost")
    lines = []
    if chosen or other is not None:
        other = Decimal(str(other or 0))
        lines.append(_("Cost of the review: £%(cost)s (chosen quotes £%(chosen)s, other "
                       "recorded costs £%(other)s)", cost=_money(chosen + other),
                       chosen=_money(chosen), other=_money(other)))
    typed = review.local_of(NAME).get(LEGACY_QUOTES)
    if typed:
        lines.append(_("%(count)s quotes were counted before each quote was recorded; "
                       "record them as quotes to count them.", count=typed))
    return lines


def _money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


plugin = Warrington()
