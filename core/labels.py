"""Words for codes shown to people, in the current language."""
from __future__ import annotations

from flask_babel import gettext as _

from core.lifecycle.stages import HOLD_REASON_LABELS, STAGE_LABELS


def role_label(role) -> str:
    value = getattr(role, "value", role)
    return {
        "csp_admin": _("CSP admin"),
        "csp_chair": _("CSP chair"),
        "review_coordinator": _("Review coordinator"),
        "independent_chair": _("Independent chair"),
        "panel_member": _("Panel member"),
        "viewer": _("Viewer"),
        "regional_admin": _("Regional admin"),
    }.get(value, value)


def stage_label(stage: str) -> str:
    return _(STAGE_LABELS[stage]) if stage in STAGE_LABELS else stage


def code_label(code) -> str:
    """Codes of choices and statuses (imr, multi_agency, due_soon…) as words."""
    if code is None:
        return ""
    if code in HOLD_REASON_LABELS:
        return _(HOLD_REASON_LABELS[code])
    return {
        "due": _("Due"), "due_soon": _("Due soon"), "overdue": _("Overdue"), "met": _("Met"),
        "met_late": _("Met late"),
        "imr": _("Individual management review (IMR)"), "chronology": _("Chronology"),
        "summary_report": _("Summary report"),
        "none": _("None yet"), "given": _("Given"), "declined": _("Declined"),
        "letter": _("Letter"), "phone": _("Phone"), "meeting": _("Meeting"),
        "email": _("Email"), "advocate": _("Through an advocate"),
        "attempt": _("Attempt, no contact"),
        "single_agency": _("Single agency"), "multi_agency": _("Multi-agency"),
        "local": _("Local"), "national": _("National"),
        "open": _("Open"), "complete": _("Complete"), "closed": _("Closed"),
        "approved": _("Approved"), "approved_subject_to_changes": _("Approved subject to changes"),
        "resubmit": _("Resubmit"), "commission": _("Commissioned"),
        "not_commission": _("Not commissioned"), "directed": _("Directed to review"),
        "publish": _("Publish"), "not_publish": _("Do not publish"),
        "terms_of_reference": _("Terms of reference"), "imr_document": _("IMR"),
        "overview_report": _("Overview report"), "executive_summary": _("Executive summary"),
        "action_plan": _("Action plan"), "home_office_letter": _("Home Office letter"),
        "learning_product": _("Learning product"), "other": _("Other"),
        "hold": _("Put on hold"), "resume": _("Resume"),
        "england-2016": _("Statutory guidance 2016 (England and Wales)"),
        "dardr-2024": _("Domestic abuse related death review (2024 guidance)"),
        "victim": _("The person who died"), "perpetrator": _("Perpetrator"),
        "family_member": _("Family member"), "child": _("Child"), "witness": _("Witness"),
        "secretary_of_state": _("the Home Secretary"),
        "domestic_abuse_commissioner": _("the Domestic Abuse Commissioner"),
        "blue": _("Blue"), "dark-blue": _("Dark blue"), "purple": _("Purple"),
        "green": _("Green"), "teal": _("Teal"), "red": _("Red"), "magenta": _("Magenta"),
        "brown": _("Brown"), "black": _("Black"),
    }.get(code, code)
