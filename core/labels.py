"""Words for codes shown to people, in the current language."""
from __future__ import annotations

from flask_babel import gettext as _

from core.agencies import AGENCY_CATEGORIES
from core.lifecycle.messages import N_
from core.lifecycle.scope import LABELS as CASE_FACT_LABELS
from core.lifecycle.stages import HOLD_REASON_LABELS, STAGE_LABELS

# The words, marked for translation and translated only when one is shown: a dashboard
# shows a status tag per deadline, and translating the whole table for each was most of
# its time.
ROLE_LABELS = {
    "csp_admin": N_("CSP admin"),
    "csp_chair": N_("CSP chair"),
    "review_coordinator": N_("Review coordinator"),
    "independent_chair": N_("Independent chair"),
    "panel_member": N_("Panel member"),
    "viewer": N_("Viewer"),
    "regional_admin": N_("Regional admin"),
}

CODE_LABELS = {
    "due": N_("Due"), "due_soon": N_("Due soon"), "overdue": N_("Overdue"), "met": N_("Met"),
    "met_late": N_("Met late"),
    "imr": N_("Individual management review (IMR)"), "chronology": N_("Chronology"),
    "summary_report": N_("Summary report"),
    "none": N_("None yet"), "given": N_("Given"), "declined": N_("Declined"),
    "letter": N_("Letter"), "phone": N_("Phone"), "meeting": N_("Meeting"),
    "email": N_("Email"), "advocate": N_("Through an advocate"),
    "attempt": N_("Attempt, no contact"),
    "single_agency": N_("Single agency"), "multi_agency": N_("Multi-agency"),
    "local": N_("Local"), "national": N_("National"),
    "open": N_("Open"), "complete": N_("Complete"), "closed": N_("Closed"),
    "approved": N_("Approved"), "approved_subject_to_changes": N_("Approved subject to changes"),
    "resubmit": N_("Resubmit"), "commission": N_("Commissioned"),
    "not_commission": N_("Not commissioned"), "directed": N_("Directed to review"),
    "publish": N_("Publish"), "not_publish": N_("Do not publish"),
    "terms_of_reference": N_("Terms of reference"), "imr_document": N_("IMR"),
    "overview_report": N_("Overview report"), "executive_summary": N_("Executive summary"),
    "action_plan": N_("Action plan"), "home_office_letter": N_("Home Office letter"),
    "learning_product": N_("Learning product"), "other": N_("Other"),
    "hold": N_("Put on hold"), "resume": N_("Resume"),
    # a panel meeting's status (core/records/models.py PanelMeeting)
    "upcoming": N_("Upcoming"), "held": N_("Held"),
    "not_recorded_held": N_("Not yet recorded as held"),
    # The 2016 guidance's own title: "Multi-agency Statutory Guidance for the Conduct of
    # Domestic Homicide Reviews" (Source: G2016, https://fdocuments.net/document/multi-
    # agency-statutory-guidance-for-the-conduct-of-statutory-guidance-for-the.html).
    "england-2016": N_("Statutory guidance 2016 (England and Wales)"),
    # Draft, not in force (Source: VPA19 s19 prospective; DR24 draft; ROW25): the name is
    # the 2024 government response's (PT), the draft itself still says DHR (DR24).
    "dardr-2024": N_("Domestic abuse related death review: 2024 draft guidance, not in force"),
    "wales-susr": N_("Single Unified Safeguarding Review (Wales)"),
    # A rule's class (core/lifecycle/profiles.py): a rule no source confirms is a target.
    "statutory": N_("Statutory"), "home_office_guidance": N_("Home Office guidance"),
    "welsh_government_guidance": N_("Welsh Government guidance"),
    "local_practice": N_("Target (local practice)"),
    "victim": N_("The person who died"), "perpetrator": N_("Perpetrator"),
    "family_member": N_("Family member"), "child": N_("Child"), "witness": N_("Witness"),
    "secretary_of_state": N_("the Home Secretary"),
    "domestic_abuse_commissioner": N_("the Domestic Abuse Commissioner"),
    "chair": N_("Independent chair"), "author": N_("Overview report author"),
    "chair_and_author": N_("Chair and author"),
    "independent": N_("Not involved in the case (independent)"),
    "involved": N_("Involved in the case or its management"),
    "blue": N_("Blue"), "dark-blue": N_("Dark blue"), "purple": N_("Purple"),
    "green": N_("Green"), "teal": N_("Teal"), "red": N_("Red"), "magenta": N_("Magenta"),
    "brown": N_("Brown"), "black": N_("Black"),
    # case facts, parallel processes, family engagement (core/lifecycle/scope.py)
    **CASE_FACT_LABELS,
}


def role_label(role) -> str:
    value = getattr(role, "value", role)
    return _(ROLE_LABELS[value]) if value in ROLE_LABELS else value


def stage_label(stage: str) -> str:
    return _(STAGE_LABELS[stage]) if stage in STAGE_LABELS else stage


def code_label(code) -> str:
    """Codes of choices and statuses (imr, multi_agency, due_soon…) as words."""
    if code is None:
        return ""
    if code in HOLD_REASON_LABELS:
        return _(HOLD_REASON_LABELS[code])
    if code in CODE_LABELS:
        return _(CODE_LABELS[code])
    return _(AGENCY_CATEGORIES[code]) if code in AGENCY_CATEGORIES else code
