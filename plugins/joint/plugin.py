"""Joint reviews: one lead CSP with partner CSPs (demo: Preston leads, Bolton joins).
The lead names the partners in the review's local fields; each partner accepts, then
sees and works on the shared review and nothing else of the lead; every partner signs
off before the review is submitted; the review keeps one shared reference."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.hooks import Problem, hookimpl, messages

NAME = "joint"
_ = messages(__file__, NAME)
_l = _.lazy


class LocalFields(Schema):
    partners = fields.String(validate=validate.Length(max=500), metadata={
        "label": _l("Partner partnerships (their short names, separated by commas)"),
        "widget": "text"})


def _named(review) -> list[str]:
    raw = review.local_of(NAME).get("partners") or ""
    return sorted({s.strip().lower() for s in raw.split(",") if s.strip()})


def _state(share) -> str:
    if share["signed_off_on"]:
        return _("signed off")
    return _("accepted") if share["accepted"] else _("invited")


class Joint:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Joint reviews"),
                "description": _("A review led by this partnership with partner "
                                 "partnerships, who sign off before submission."),
                "settings": None}

    @hookimpl
    def review_fields_schema(self, ctx, stage):
        return LocalFields

    @hookimpl
    def joint_partners(self, ctx, review):
        return _named(review)

    @hookimpl
    def check_transition(self, ctx, review, transition, actor, data):
        if transition != "submit" or not review.partners:
            return []
        waiting = sorted(slug for slug, share in review.partners.items()
                         if not share["signed_off_on"])
        if waiting:
            return [Problem("partner_signoff", _(
                "Every partner partnership signs off first. Still to sign off: "
                "%(partners)s.", partners=", ".join(waiting)))]
        return []

    @hookimpl
    def page_slot(self, ctx, slot, review):
        if slot != "review_summary" or review is None or not review.partners:
            return []
        states = [f"{slug} ({_state(share)})" for slug, share in sorted(review.partners.items())]
        return [_("Joint review with: %(partners)s", partners=", ".join(states))]


plugin = Joint()
