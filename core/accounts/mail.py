"""Sending account mail: at once, after the commit that queued it, and again by
``flask dhr send-reminders`` while it has not gone. A sent message's body (which holds the
link) is blanked."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from core.accounts.models import AccountMail
from core.db import db
from core.notifications import transport as transports
from core.notifications.sender import MAX_ATTEMPTS, send_each


def transport():
    """The app's mail transport (tests put their own in ``app.extensions``)."""
    return current_app.extensions.get("dhr_mail_transport") or transports.from_config(
        current_app.config)


def deliver() -> tuple[int, int]:
    """Send what is waiting; return (sent, failed). A failure stays to be retried."""
    pending = db.session.scalars(select(AccountMail).where(
        AccountMail.sent_at.is_(None), AccountMail.attempts < MAX_ATTEMPTS)
        .order_by(AccountMail.created_at)).all()
    return send_each(pending, transport(), current_app.config["DHR_MAIL_FROM"],
                     forget_body=True)
