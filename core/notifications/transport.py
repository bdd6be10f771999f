"""How messages leave: SMTP when DHR_SMTP_URL is set, the log otherwise."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

log = logging.getLogger("dhr.mail")


class LogTransport:
    """Development: the message goes to the log (recipient and subject, never the body)."""

    def send(self, sender: str, recipient: str, subject: str, body: str) -> None:
        log.info("mail to %s: %s", recipient, subject)


class SmtpTransport:
    """``smtp://user:pass@host:port`` (STARTTLS when offered) or ``smtps://…``."""

    def __init__(self, url: str, timeout: float = 10):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("DHR_SMTP_URL must start with smtp:// or smtps://")
        self.parts, self.timeout = parts, timeout

    def send(self, sender: str, recipient: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, recipient, subject
        message.set_content(body)
        p = self.parts
        smtp_class = smtplib.SMTP_SSL if p.scheme == "smtps" else smtplib.SMTP
        with smtp_class(p.hostname, p.port or (465 if p.scheme == "smtps" else 25),
                        timeout=self.timeout) as smtp:
            if p.scheme == "smtp":
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
            if p.username:
                smtp.login(unquote(p.username), unquote(p.password or ""))
            smtp.send_message(message)


def from_config(config) -> LogTransport | SmtpTransport:
    url = config.get("DHR_SMTP_URL")
    return SmtpTransport(url) if url else LogTransport()
