"""The roles a person can hold. Tenant roles are held in one CSP; regional and platform
roles never grant sight of case content."""
from __future__ import annotations

import enum


class TenantRole(enum.StrEnum):
    CSP_ADMIN = "csp_admin"
    CSP_CHAIR = "csp_chair"
    REVIEW_COORDINATOR = "review_coordinator"
    INDEPENDENT_CHAIR = "independent_chair"
    PANEL_MEMBER = "panel_member"
    VIEWER = "viewer"


class RegionRole(enum.StrEnum):
    REGIONAL_ADMIN = "regional_admin"
