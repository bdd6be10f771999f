"""``flask dhr send-reminders``: find what is due soon or overdue, put one message per
reason in the outbox, and send every message that has not gone yet. Running it twice
sends nothing twice; a message that fails stays in the outbox for the next run.

Each partnership is done on its own: when its work fails (a local policy that fails, or
anything else), that partnership's work is rolled back, the failure is named in the report
(and a local policy's audited), and the run goes on with the next partnership."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from core.db import db
from core.hooks.manager import PluginFailed
from core.notifications.models import OutboxMessage
from core.notifications.service import enqueue
from core.policies import service as policies
from core.reviews import clock
from core.reviews.models import Review
from tenants.context import tenant_scope
from tenants.models import Membership, Tenant, utcnow
from tenants.roles import TenantRole

MAX_ATTEMPTS = 20
log = logging.getLogger(__name__)


@dataclass
class Report:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    # (partnership slug, why) of each partnership whose work failed and was rolled back
    refused: list[tuple[str, str]] = field(default_factory=list)


def _coordinators(tenant: Tenant) -> list[str]:
    from core.auth.models import User

    return list(db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id, User.active.is_(True),
               Membership.role == TenantRole.REVIEW_COORDINATOR).order_by(User.email)))


# Where the deadline comes from (core/lifecycle/profiles.py): one no source confirms is a
# target, never called statutory (issue 13).
KIND_OF_RULE = {
    "statutory": "This deadline is set in law.\n",
    "home_office_guidance": "This deadline is set by Home Office guidance.\n",
    "welsh_government_guidance": "This deadline is set by Welsh Government guidance.\n",
    "local_practice": "This is a target (local practice), not a statutory deadline.\n",
}


def queue_deadlines(tenant: Tenant, report: Report) -> None:
    """Outbox rows for every deadline due soon or overdue (message text in English: mail
    goes to a shared CSP mailbox; the service's pages carry the Welsh)."""
    recipients = _coordinators(tenant)
    # a withdrawn notification (entered in error, issue 14) has no deadlines to remind of
    reviews = [r for r in db.session.scalars(select(Review))
               if r.stage != "closed" and r.withdrawn_on is None]
    # The daily refresh: the partnership's own open reviews are computed again, every local
    # policy asked (one that fails refuses the partnership's reminders); the joint reviews
    # it partners in are read as their lead keeps them.
    own = [r for r in reviews if r.tenant_id == tenant.id]
    kept = {**clock.kept([r for r in reviews if r.tenant_id != tenant.id]),
            **clock.refresh(own, strict=True)}
    # Each review under its own name, DHR or DARDR (SEED-AUDIT.md W3).
    terms = policies.terms_of(tenant, reviews)
    for review in reviews:
        for row in clock.rows(kept[review.id], clock.URGENT):
            word = "overdue" if row["status"] == "overdue" else "due soon"
            for recipient in recipients:
                added = enqueue(
                    kind=f"deadline_{row['status']}",
                    dedupe_key=f"{row['status']}:{review.id}:{row['key']}:{row['adjusted_due']}",
                    recipient=recipient,
                    subject=f"{terms[review.id]['short']} {review.reference}: "
                            f"{row['label']} {word}",
                    body=(f"Review {review.reference}: '{row['label']}' is {word} "
                          f"(due {row['adjusted_due']:%d %B %Y}).\n"
                          f"{KIND_OF_RULE.get(row.get('rule_class'), '')}"
                          "Sign in to DHR Hub for the details."),
                    review_id=review.id)
                report.queued += added is not None


def deliver(transport, sender: str, report: Report) -> None:
    pending = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                    OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.created_at)).all()
    sent, failed = send_each(pending, transport, sender)
    report.sent += sent
    report.failed += failed


def send_each(messages, transport, sender: str, forget_body: bool = False) -> tuple[int, int]:
    """Send each message (recipient, subject, body; attempts, sent_at, last_error) and
    commit after each, so a crash never resends the ones before; a failure stays to be
    retried. ``forget_body`` blanks a sent message's body (it held a link)."""
    sent = failed = 0
    for message in messages:
        message.attempts += 1
        try:
            transport.send(sender, message.recipient, message.subject, message.body)
        except Exception as error:  # noqa: BLE001 - any failure keeps the message to retry
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
        else:
            message.sent_at = utcnow()
            if forget_body:
                message.body = ""
            sent += 1
        db.session.commit()
    return sent, failed


def run(transport, sender: str, queue: bool = True) -> Report:
    from core.policies.service import flush_failures

    report = Report()
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug)).all():
        with tenant_scope(tenant.id):
            try:
                if queue:
                    queued = Report()
                    queue_deadlines(tenant, queued)
                    db.session.commit()
                    report.queued += queued.queued
                deliver(transport, sender, report)
            except Exception as error:  # noqa: BLE001 - one partnership never stops the rest
                db.session.rollback()
                report.refused.append((tenant.slug, _why(error)))
                if not isinstance(error, PluginFailed):
                    log.exception("reminders failed for %s", tenant.slug)
            flush_failures()  # audit a local policy's failure (its own transaction)
    return report


def _why(error: Exception) -> str:
    if isinstance(error, PluginFailed):
        return (f"the local policy '{error.plugin}' failed in {error.hook} "
                f"({error.error_type})")
    return f"{type(error).__name__} (see the log)"
