"""Putting messages in the outbox. Reminders are scanned and sent by ``core/notifications/
sender.py``; this module only writes rows, inside the caller's transaction."""
from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.notifications.models import OutboxMessage


def enqueue(*, kind: str, dedupe_key: str, recipient: str, subject: str, body: str,
            review_id=None) -> OutboxMessage | None:
    """Add a message unless one with the same key exists (then None)."""
    key = f"{dedupe_key}|{recipient}"[:200]
    exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key))
    if exists is not None:
        return None
    message = OutboxMessage(kind=kind, dedupe_key=key,
                            recipient=recipient, subject=subject[:200], body=body,
                            review_id=review_id)
    db.session.add(message)
    return message


def _short(review) -> str:
    """The review's own short name, DHR or DARDR (SEED-AUDIT.md W3)."""
    from core.policies import service as policies

    return policies.terms(policies.current_tenant(), review)["short"]


def agency_report_requested(review, request) -> None:
    # Sent to the agency: the review's reference only, never the pseudonym or any detail.
    enqueue(
        kind="agency_report_requested",
        dedupe_key=f"agency_report_requested:{request.id}",
        recipient=request.contact_email,
        subject=f"{_short(review)} {review.reference}: agency report requested",
        body=(f"Your agency ({request.agency}) has been asked for a {request.report_type} "
              f"for review {review.reference}, due on {request.due_on:%d %B %Y}.\n"
              "Please sign in to DHR Hub to see the request."),
        review_id=review.id,
    )
