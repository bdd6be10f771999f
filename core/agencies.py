"""The agency categories every partnership shares (issue 13): a panel member, and what a
local policy requires of the panel, name a category, so "West Midlands Police" and
"Cheshire Constabulary" are both ``police``.

Pure Python (no Flask): the lifecycle's panel guard and the plugins' settings use the codes;
pages and messages show the words, translated when shown (``core.labels.code_label``).
"""
from __future__ import annotations

import re

from core.lifecycle.messages import N_

# code -> words. The order is the order a form lists them in.
AGENCY_CATEGORIES = {
    "police": N_("Police"),
    "domestic_abuse_specialist": N_("Domestic abuse specialist service"),
    "health": N_("Health"),
    "fire_and_rescue": N_("Fire and rescue"),
    "mental_health": N_("Mental health"),
    "substance_misuse": N_("Substance misuse (drug and alcohol services)"),
    "probation": N_("Probation"),
    "childrens_services": N_("Children's services"),
    "adult_social_care": N_("Adult social care"),
    "housing": N_("Housing"),
    "education": N_("Education"),
    "csp": N_("Community Safety Partnership"),
    "other": N_("Other"),
}
CATEGORY_CODES: tuple[str, ...] = tuple(AGENCY_CATEGORIES)

# Words in an agency's name that make its category obvious, tried in this order (the first
# that matches wins: "mental health" before "health", a commissioner before "police").
_OBVIOUS = (
    ("other", r"commissioner"),
    ("police", r"police|constabulary"),
    ("fire_and_rescue", r"fire"),
    ("mental_health", r"mental health"),
    ("substance_misuse", r"drugs?|alcohol|substance|addiction"),
    ("domestic_abuse_specialist",
     r"domestic (abuse|violence)|women'?s aid|refuge|idva|idvas"),
    ("probation", r"probation"),
    ("childrens_services", r"children'?s( social care| services)?"),
    ("adult_social_care", r"adult social care|adult services|adults'? services"),
    ("housing", r"housing"),
    ("education", r"schools?|education|college"),
    ("csp", r"community safety|safer [a-z]+ partnership|csp"),
    ("health", r"health|nhs|hospital|icb|integrated care|gp|ambulance"),
)


def guess_category(agency: str | None) -> str:
    """The category an agency's name makes obvious, or ``other``: used when a panel
    member is recorded without one, and to fill in the members recorded before categories
    existed (migration 0022)."""
    name = (agency or "").strip().lower()
    for code, words in _OBVIOUS:
        if re.search(rf"\b({words})\b", name):
            return code
    return "other"
