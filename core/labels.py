"""Words for codes shown to people, in the current language."""
from __future__ import annotations

from flask_babel import gettext as _

from core.lifecycle.messages import N_
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
    "england-2016": N_("Statutory guidance 2016 (England and Wales)"),
    "dardr-2024": N_("Domestic abuse related death review (2024 guidance)"),
    "victim": N_("The person who died"), "perpetrator": N_("Perpetrator"),
    "family_member": N_("Family member"), "child": N_("Child"), "witness": N_("Witness"),
    "secretary_of_state": N_("the Home Secretary"),
    "domestic_abuse_commissioner": N_("the Domestic Abuse Commissioner"),
    "blue": N_("Blue"), "dark-blue": N_("Dark blue"), "purple": N_("Purple"),
    "green": N_("Green"), "teal": N_("Teal"), "red": N_("Red"), "magenta": N_("Magenta"),
    "brown": N_("Brown"), "black": N_("Black"),
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
    return _(CODE_LABELS[code]) if code in CODE_LABELS else code
