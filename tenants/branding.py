"""A partnership's look in the header: a colour from a fixed palette and a small PNG logo.

The palette is fixed so that every choice keeps white header text above the WCAG 2.2 AA
contrast ratio (4.5:1) and needs no inline style (the content security policy allows none).
assets/app.scss defines one ``.dhr-brand--<name>`` class per entry; a test keeps them equal.
"""
from __future__ import annotations

PALETTE = {
    "blue": "#1d70b8",
    "dark-blue": "#0f385c",
    "purple": "#54319f",
    "green": "#0f7a52",
    "teal": "#0e6b70",
    "red": "#aa2a16",
    "magenta": "#a3195b",
    "brown": "#6f4a20",
    "black": "#0b0c0c",
}
LOGO_MAX_BYTES = 100 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


class BrandingInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def set_branding(tenant, colour: str, logo: bytes | None, remove_logo: bool = False) -> None:
    """Change the header colour and logo, audited; nothing changes if any part is wrong."""
    from flask_babel import gettext as _

    from core.audit import service as audit
    from core.db import db

    errors = {}
    if colour not in PALETTE:
        errors["colour"] = _("Choose a colour from the list.")
    if logo is not None and not logo.startswith(PNG_MAGIC):
        errors["logo"] = _("The logo must be a PNG image.")
    elif logo is not None and len(logo) > LOGO_MAX_BYTES:
        errors["logo"] = _("The logo must be 100 KB or smaller.")
    if errors:
        raise BrandingInvalid(errors)
    changed = {"colour": colour}
    tenant.brand_colour = colour
    if logo is not None or remove_logo:
        tenant.logo_png = logo
        tenant.logo_version = (tenant.logo_version or 0) + 1 if logo is not None else 0
        changed["logo"] = "replaced" if logo is not None else "removed"
    audit.record("tenant.branding_changed", object_type="tenant", object_id=tenant.id,
                 tenant_id=tenant.id, details=changed)
    db.session.commit()
