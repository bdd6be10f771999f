"""The core's own answers to the firstresult hooks; they run last, so one enabled local
plugin overrides them (datasette's pattern)."""
from __future__ import annotations

from flask_babel import gettext as _

from core.hooks import DARDR_PROFILES, hookimpl

NAME = "core"


class CoreDefaults:
    @hookimpl(trylast=True)
    def review_terms(self, ctx, review):
        if review is not None and review.guidance_profile in DARDR_PROFILES:
            return {"short": "DARDR", "long": _("Domestic Abuse Related Death Review")}
        return {"short": "DHR", "long": _("Domestic Homicide Review")}

    @hookimpl(trylast=True)
    def publication_plan(self, ctx, review, decision):
        # Reports stay online: no national period online was found, and the seeds keep
        # theirs for years (SEED-AUDIT.md M6 and england-2016 "how long online").
        return {"documents": ["overview_report", "executive_summary"], "months": None,
                "after": "removed"}
