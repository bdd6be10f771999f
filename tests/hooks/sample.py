"""A sample plugin that implements every hook, for the contract tests."""
from __future__ import annotations

from datetime import timedelta

from marshmallow import Schema, fields, validate

from core.hooks import Problem, hookimpl


class SampleSettings(Schema):
    level = fields.Integer(load_default=1, validate=validate.Range(min=1, max=3),
                           metadata={"label": "Level", "widget": "text"})


class SampleFields(Schema):
    colour = fields.String(validate=validate.OneOf(["red", "blue"]),
                           metadata={"label": "Colour", "widget": "text"})


class Sample:
    def __init__(self):
        self.heard: list[tuple[str, str]] = []
        self.fail_in: set[str] = set()  # hooks that raise
        self.replies: dict[str, object] = {}  # hooks that answer this instead

    def _maybe_fail(self, hook):
        if hook in self.fail_in:
            raise RuntimeError(f"sample failure in {hook}")

    def _answer(self, hook, normal):
        self._maybe_fail(hook)
        return self.replies[hook] if hook in self.replies else normal

    @hookimpl
    def policy_info(self):
        return self._answer("policy_info", {
            "name": "sample", "title": "Sample policy", "description": "For tests.",
            "settings": SampleSettings})

    @hookimpl
    def review_terms(self, ctx):
        level = ctx.settings_of("sample")["level"]
        return self._answer("review_terms",
                            {"short": "SMP", "long": f"Sample Review (level {level})"})

    @hookimpl
    def review_fields_schema(self, ctx, stage):
        return self._answer("review_fields_schema", SampleFields)

    @hookimpl
    def required_panel_agencies(self, ctx, review):
        return self._answer("required_panel_agencies", ["Sample Agency"])

    @hookimpl
    def deadline_rules(self, ctx, review):
        return self._answer("deadline_rules", [{
            "key": "sample_check", "label": "Sample check", "start": review.notification_date,
            "due": review.notification_date + timedelta(days=7), "met_on": None}])

    @hookimpl
    def check_transition(self, ctx, review, transition, actor, data):
        if transition == "scoping" and review.local_of("sample").get("colour") != "blue":
            return self._answer("check_transition", [
                Problem("sample_colour", "Set the sample colour to blue first.")])
        return self._answer("check_transition", [])

    @hookimpl
    def check_record(self, ctx, review, kind, change, actor, data):
        if kind == "panel_members" and data.get("agency") == "Forbidden":
            return self._answer("check_record", [
                Problem("sample_agency", "The sample policy refuses that agency.")])
        return self._answer("check_record", [])

    @hookimpl
    def publication_plan(self, ctx, review, decision):
        return self._answer("publication_plan", {"documents": ["executive_summary"],
                                                 "months": 24, "after": "on_request"})

    @hookimpl
    def publication_items(self, ctx, review):
        return self._answer("publication_items", ["action_plan"])

    @hookimpl
    def learning_outputs(self, ctx, review):
        return self._answer("learning_outputs", [
            {"key": "sample_pack", "title": "Sample pack", "due_days": 10,
             "recipients": ["Sample Board"]}])

    @hookimpl
    def joint_partners(self, ctx, review):
        return self._answer("joint_partners",
                            ["beta"] if review.local_of("sample").get("colour") == "red" else [])

    @hookimpl
    def page_slot(self, ctx, slot, review):
        return self._answer("page_slot",
                            [f"Sample says hello in {slot}"] if slot == "review_summary" else [])

    @hookimpl
    def review_transitioned(self, ctx, review, transition, actor):
        self._maybe_fail("review_transitioned")
        self.heard.append((review.reference, transition))
        return self.replies.get("review_transitioned")
