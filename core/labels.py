"""Words for codes shown to people, in the current language."""
from __future__ import annotations

from flask_babel import gettext as _


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
    return {"notified": _("Notified")}.get(stage, stage)
