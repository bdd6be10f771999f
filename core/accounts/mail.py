"""Sending account mail: the message just queued is sent by a background thread, so the
page answers in the same time whether or not a message was queued (a reset request must not
reveal which addresses have accounts), and ``flask dhr send-reminders`` sends whatever is
still waiting. A sent message's body (which holds the link) is blanked."""
from __future__ import annotations

import threading

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


_threads: list[threading.Thread] = []


def send_later(message_id) -> None:
    """Send one queued message from a background thread, with its own app context."""
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            message = db.session.get(AccountMail, message_id)
            if message is not None and message.sent_at is None:
                send_each([message], transport(), app.config["DHR_MAIL_FROM"],
                          forget_body=True)
            db.session.remove()

    thread = threading.Thread(target=run, name="account-mail", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()]  # keep only those still sending
    _threads.append(thread)
    thread.start()


def wait() -> None:
    """Wait for the background sends still going (tests use it)."""
    while _threads:
        _threads.pop().join(30)
