"""The statutory DHR / DARDR lifecycle as pure Python: stages, transitions with guards,
holds, guidance profiles and the statutory clock. No Flask, no SQLAlchemy: the service
layer builds a ``ReviewFacts`` snapshot, asks this package, and does the writing."""
from core.lifecycle.clock import Deadline, add_months, deadlines, steady_until
from core.lifecycle.facts import DatedItem, HoldPeriod, ReviewFacts
from core.lifecycle.profiles import PROFILES, Profile, profile_for
from core.lifecycle.stages import HOLD_REASONS, HOLDABLE, STAGES, Stage
from core.lifecycle.transitions import (
    TRANSITIONS,
    Problem,
    Transition,
    check,
    find_transition,
    validate_data,
)

__all__ = [
    "HOLDABLE", "HOLD_REASONS", "PROFILES", "STAGES", "TRANSITIONS", "DatedItem", "Deadline",
    "HoldPeriod", "Problem", "Profile", "ReviewFacts", "Stage", "Transition", "add_months",
    "check", "deadlines", "find_transition", "profile_for", "steady_until", "validate_data",
]
