"""What each tenant role may do, as one table a reviewer can read at a glance.

Independent chairs and panel members see only the reviews they are assigned to; review
assignment arrives with the panel (issue 3), so until then they hold no review permission.
CSP admins run membership and settings, not cases: need-to-know.
"""
from __future__ import annotations

from tenants.roles import TenantRole as R

PERMISSIONS: dict[str, frozenset[R]] = {
    "review.list": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR, R.VIEWER}),
    "review.read": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR, R.VIEWER}),
    "review.create": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR}),
    "review.update": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR}),
    "review.sign_off": frozenset({R.CSP_CHAIR}),
    # withdraw a notification entered in error (issue 14): the coordinator records
    # notifications, so the coordinator withdraws one (core/reviews/service.py withdraw)
    "review.withdraw": frozenset({R.REVIEW_COORDINATOR}),
    "token.manage_own": frozenset(R),
    "member.manage": frozenset({R.CSP_ADMIN}),
    "audit.export": frozenset({R.CSP_ADMIN}),
    "branding.manage": frozenset({R.CSP_ADMIN}),
    # the partnership's own months for the guidance's local-practice targets (a setting)
    "targets.manage": frozenset({R.CSP_ADMIN}),
    # need to know: real names, family contacts and agency reports are for the roles that
    # run the review, not for viewers
    "names.read": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR}),
    "family.read": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR}),
    "agency_reports.read": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR}),
    # subject access: searching everything the partnership holds is the chair's to do
    "sar.manage": frozenset({R.CSP_CHAIR}),
    # exports (core/exports/): a review's action plan and summary pack follow who may read
    # the review and its actions (the pack leaves out what needs another read permission);
    # the board report is for the roles that report to the partnership's board
    "export.review": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR, R.VIEWER}),
    # the board report lists each review's reference, stage and days: case data, so not
    # for the CSP admin (membership and settings only, as above)
    "export.board": frozenset({R.CSP_CHAIR, R.REVIEW_COORDINATOR}),
}


def allows(roles: frozenset[R] | set[R], permission: str) -> bool:
    return bool(PERMISSIONS[permission] & set(roles))
