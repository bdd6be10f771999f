"""Walsall's local policy (Safer Walsall Partnership): only the CSP chair commissions a
review, submits it to the Home Office and signs off action-plan progress; the panel must
include six services before set-up can complete."""
from __future__ import annotations

from core.hooks import Problem, hookimpl, messages

NAME = "walsall"
_ = messages(__file__, NAME)
_l = _.lazy
PANEL = ("Police", "Domestic abuse specialist services", "Health", "Fire service",
         "Mental health", "Drug and alcohol services")
CHAIR_STEPS = ("commission", "not_commission", "submit")


class Walsall:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Walsall local policy"),
                "description": _("Only the CSP chair commissions, submits and signs off "
                                 "action-plan progress; the panel includes police, domestic "
                                 "abuse specialist services, health, fire service, mental "
                                 "health and drug and alcohol services."),
                "settings": None}

    @hookimpl
    def required_panel_agencies(self, ctx, review):
        return PANEL

    @hookimpl
    def check_transition(self, ctx, review, transition, actor, data):
        if transition in CHAIR_STEPS and "csp_chair" not in actor.roles:
            return [Problem("chair_only", _("In Walsall only the CSP chair takes this step."))]
        return []

    @hookimpl
    def check_record(self, ctx, review, kind, change, actor, data):
        signs_off = data.get("status") in ("complete", "closed")
        if kind == "actions" and change == "update" and signs_off \
                and "csp_chair" not in actor.roles:
            return [Problem("chair_signoff", _(
                "In Walsall only the CSP chair signs off progress on the action plan."))]
        return []


plugin = Walsall()
