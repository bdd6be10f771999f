"""Sending account mail: once at once, after the commit that queued it, and again by
``flask dhr send-reminders`` while it has not gone. A sent message's body (which holds the
link) is blanked."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from core.accounts.models import AccountMail
from core.db import db
from core.notifications import transport as transports
from tenants.models import utcnow

MAX_ATTEMPTS = 20


def transport():
    """The app's mail transport (tests put their own in ``app.extensions``)."""
    return current_app.extensions.get("dhr_mail_transport") or transports.from_config(
        current_app.config)


def deliver() -> tuple[int, int]:
    """Send what is waiting; return (sent, failed). A failure stays to be retried."""
    sent = failed = 0
    pending = db.session.scalars(select(AccountMail).where(
        AccountMail.sent_at.is_(None), AccountMail.attempts < MAX_ATTEMPTS)
        .order_by(AccountMail.created_at)).all()
    for message in pending:
        message.attempts += 1
        try:
            transport().send(current_app.config["DHR_MAIL_FROM"], message.recipient,
                             message.subject, message.body)
        except Exception as error:  # noqa: BLE001 - any failure keeps the message to retry
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
        else:
            message.sent_at, message.body = utcnow(), ""
            sent += 1
        db.session.commit()
    return sent, failed
