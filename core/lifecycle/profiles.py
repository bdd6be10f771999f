"""Guidance profiles as data. A review keeps the profile it was created under.

Values the guidance leaves UNCONFIRMED (RESEARCH.md) are settings here, not constants in
the code that reads them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    decision_months: int          # notification -> decision
    first_panel_months: int       # decision -> first panel meeting
    completion_months: int        # decision -> submitted to the Home Office
    publication_months: int       # minimum time published online
    scoping_required: bool        # a formal scoping stage before the decision
    copies_on_submission: tuple[str, ...] = ()  # who else receives the report


PROFILES = {
    "england-2016": Profile(
        name="england-2016", decision_months=1, first_panel_months=1, completion_months=6,
        publication_months=12, scoping_required=False,
    ),
    "dardr-2024": Profile(
        name="dardr-2024", decision_months=1, first_panel_months=1, completion_months=12,
        publication_months=12, scoping_required=True,
        copies_on_submission=("secretary_of_state", "domestic_abuse_commissioner"),
    ),
}
DEFAULT_PROFILE = "england-2016"


def profile_for(name: str) -> Profile:
    return PROFILES[name]
