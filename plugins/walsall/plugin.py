"""Walsall's local policy (Safer Walsall Partnership): only the CSP chair commissions a
review, submits it to the Home Office and signs off action-plan progress; before set-up can
complete the panel has a member from each agency category the partnership requires (a
setting; by default the six the seed names)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.hooks import CATEGORY_CODES, Problem, hookimpl, messages

NAME = "walsall"
_ = messages(__file__, NAME)
_l = _.lazy
# The panel the seed names: the Safer Walsall Partnership, police, domestic abuse specialist
# services, health, fire service and mental health, "and other agencies such as alcohol
# and drugs teams" (an example, so drug and alcohol services are not required). Matched by
# agency category, whatever each agency is called ("West Midlands Police" is police).
# Source: seed 004 Walsall (S-WAL, https://saferwalsallpartnership.com/domestic-homicide-review);
# SEED-AUDIT.md S5.
SEED_PANEL = ("csp", "police", "domestic_abuse_specialist", "health", "fire_and_rescue",
              "mental_health")
CHAIR_STEPS = ("commission", "not_commission", "submit")


class Settings(Schema):
    required_categories = fields.List(
        fields.String(validate=validate.OneOf(CATEGORY_CODES, error=_l(
            "Choose agency categories from the list: {choices}."))),
        load_default=lambda: list(SEED_PANEL),
        metadata={"label": _l("Agency categories the panel must include"),
                  "widget": "checkboxes", "choices": CATEGORY_CODES})


class Walsall:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Walsall local policy"),
                "description": _("Only the CSP chair commissions, submits and signs off "
                                 "action-plan progress; the panel includes a member from "
                                 "each agency category chosen below (by default the "
                                 "Community Safety Partnership, police, domestic abuse "
                                 "specialist services, health, fire and rescue and mental "
                                 "health; drug and alcohol services may join)."),
                "settings": Settings}

    @hookimpl
    def required_panel_agencies(self, ctx, review):
        return list(ctx.settings_of(NAME).get("required_categories", SEED_PANEL))

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
