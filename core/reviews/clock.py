"""The statutory clock and next steps as people and systems see them (translated)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from core import lifecycle
from core.labels import code_label
from core.lifecycle.transitions import available


def today() -> date:
    return date.today()


def say(problem_or_label: str, params: dict | None = None) -> str:
    """Translate a lifecycle message, then fill in its values."""
    text = _(problem_or_label)
    return text % params if params else text


def problems_out(problems: list[lifecycle.Problem]) -> list[dict]:
    return [{"field": p.field, "code": p.code, "message": say(p.message, _worded(p.params))}
            for p in problems]


def _worded(params: dict) -> dict:
    """Recipients are codes in the pure lifecycle; people read them as words."""
    if "recipients" not in params:
        return params
    return {**params, "recipients": ", ".join(
        code_label(code) for code in params["recipients"].split(", "))}


def deadline_rows(facts: lifecycle.ReviewFacts, on: date | None = None) -> list[dict]:
    return [{"key": d.key, "kind": d.kind, "label": say(d.label, d.params),
             "statutory_due": d.statutory_due, "adjusted_due": d.adjusted_due,
             "met_on": d.met_on, "status": d.status}
            for d in lifecycle.deadlines(facts, on or today())]


def next_steps(facts: lifecycle.ReviewFacts) -> list[str]:
    return [t.to for t in available(facts)]
