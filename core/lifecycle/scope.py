"""The case facts recorded at notification and what they say about scope (issue 13, part
3), the parallel processes a review may wait for, and the family engagement choices (part
4): each choice once, with its words (merged into ``core.labels.CODE_LABELS``).

Pure Python, like the rest of the lifecycle: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.lifecycle.messages import N_

# Source: CPS (http://www.cps.gov.uk/legal/d_to_g/domestic_homicide_review/): a review is of
# the death of a person aged 16 or over, by a relative, an intimate partner or a member of
# the same household. Seed 001 (Preston, audit P1) adds "former intimate partner".
MIN_AGE = 16
RELATIONSHIPS = ("intimate_partner", "former_partner", "family_member", "household_member",
                 "other")
IN_SCOPE_RELATIONSHIPS = frozenset(RELATIONSHIPS) - {"other"}

# Source: SUF (https://www.readkong.com/page/suffolk-domestic-homicide-review-guidance-2021-2547143):
# since 2016 a suicide where there are concerns of abuse is reviewed; PT / DR24C
# (https://www.parliamenttoday.com/members/viewnews.html?id=152978 ;
# https://fly1.wordsworth.site/government/consultations/updating-the-domestic-homicide-review-statutory-guidance/consultation-updating-the-domestic-homicide-review-statutory-guidance-accessible):
# the DA Act 2021 definition and the 2024 draft add suicide and unexplained deaths.
DEATH_TYPES = ("homicide", "suspected_suicide", "unexplained", "other")

# What a decision not to review can cite (the facts above).
SCOPE_REASONS = ("under_16", "relationship_out_of_scope", "not_domestic_abuse")

# Source: S-MAN (seed 002, audit M5: a review is "in addition to an inquest"), S-WAL (seed
# 004, audit S8), RESEARCH.md §6 (parallel reviews: SAR, CSPR; IOPC): processes that run
# beside a review, each with its own dates.
PROCESS_TYPES = ("criminal_trial", "inquest", "safeguarding_adults_review",
                 "child_safeguarding_practice_review", "other_statutory_review", "iopc")

# Source: FAMG (https://fly1.wordsworth.site/government/publications/guidance-for-domestic-homicide-review-chairs-on-support-for-families/guidance-for-domestic-homicide-review-chairs-support-for-families):
# families are entitled to specialist advocacy (2016 guidance s6, para 56a), signposted by
# the chair at the first meeting; referrals go through the National Homicide Service.
ADVOCACY_BY = ("specialist_advocate", "national_homicide_service", "other")

# Source: S-PRES (https://www.preston.gov.uk/article/1153/Domestic-homicide-reviews, seed
# 001, audit P6): the Home Office leaflets for family, for friends and for employers.
# "not_recorded": a contact recorded before the leaflet was named (one yes/no then).
LEAFLETS = ("leaflet_family", "leaflet_friends", "leaflet_employers")
LEAFLET_NOT_RECORDED = "not_recorded"

# Source: AAFDA (https://slideserve.com/samuelh/the-problem-of-status-and-domestic-homicide-powerpoint-ppt-presentation):
# the family has a say in the review, and reviews the draft report.
PSEUDONYM_SAY = ("pseudonym_chosen", "pseudonym_agreed", "pseudonym_change_asked",
                 "pseudonym_not_asked")
DRAFT_RESPONSES = ("draft_agreed", "draft_comments", "draft_disagreed", "draft_no_comment")

LABELS = {
    "intimate_partner": N_("Intimate partner"),
    "former_partner": N_("Former intimate partner"),
    "family_member": N_("Family member"),
    "household_member": N_("Household member"),
    "homicide": N_("Homicide"),
    "suspected_suicide": N_("Suspected suicide following domestic abuse"),
    "unexplained": N_("Unexplained death"),
    "under_16": N_("The person who died was under 16"),
    "relationship_out_of_scope": N_("The relationship is outside the definition"),
    "not_domestic_abuse": N_("The death was not related to domestic abuse"),
    "criminal_trial": N_("Criminal trial"),
    "inquest": N_("Inquest"),
    "safeguarding_adults_review": N_("Safeguarding Adults Review"),
    "child_safeguarding_practice_review": N_("Child Safeguarding Practice Review"),
    "other_statutory_review": N_("Other statutory review"),
    "iopc": N_("Independent Office for Police Conduct investigation"),
    "specialist_advocate": N_("A specialist advocate"),
    "national_homicide_service": N_("The National Homicide Service"),
    "leaflet_family": N_("Home Office leaflet for family members"),
    "leaflet_friends": N_("Home Office leaflet for friends"),
    "leaflet_employers": N_("Home Office leaflet for employers"),
    "not_recorded": N_("A Home Office leaflet (which one was not recorded)"),
    "pseudonym_chosen": N_("The family chose the pseudonym"),
    "pseudonym_agreed": N_("The family agreed the pseudonym"),
    "pseudonym_change_asked": N_("The family asked for another pseudonym"),
    "pseudonym_not_asked": N_("The family has not been asked yet"),
    "draft_agreed": N_("The family agreed the draft"),
    "draft_comments": N_("The family commented on the draft"),
    "draft_disagreed": N_("The family disagreed with the draft"),
    "draft_no_comment": N_("The family made no comment"),
}


@dataclass(frozen=True)
class ScopeFlag:
    code: str
    message: str  # untranslated (N_): shown through gettext


def scope_flags(age: int | None, relationship: str | None) -> list[ScopeFlag]:
    """What the recorded facts say against the definition. Nothing is refused: the CSP
    chair decides, and may cite these when deciding not to review."""
    flags = []
    # Source: CPS (http://www.cps.gov.uk/legal/d_to_g/domestic_homicide_review/): aged 16 or over.
    if age is not None and age < MIN_AGE:
        flags.append(ScopeFlag("under_16", N_(
            "The person who died was under 16. A domestic homicide review is of the death "
            "of a person aged 16 or over, so this death is outside its scope: the CSP chair "
            "can cite this in a decision not to review.")))
    # Source: CPS (as above): a relative, an intimate partner or a household member.
    if relationship is not None and relationship not in IN_SCOPE_RELATIONSHIPS:
        flags.append(ScopeFlag("relationship_out_of_scope", N_(
            "The relationship to the suspect is not one the definition names (a relative, "
            "a current or former intimate partner, a household member), so this death may "
            "be outside the scope of a review.")))
    return flags
