"""The core's own answers to the firstresult hooks; they run last, so one enabled local
plugin overrides them (datasette's pattern)."""
from __future__ import annotations

from core.hooks import hookimpl

NAME = "core"


class CoreDefaults:
    @hookimpl(trylast=True)
    def review_terms(self, ctx):
        return {"short": "DHR", "long": "Domestic Homicide Review"}

    @hookimpl(trylast=True)
    def publication_plan(self, ctx, review, decision):
        return {"documents": ["overview_report", "executive_summary"], "months": None,
                "after": "removed"}
