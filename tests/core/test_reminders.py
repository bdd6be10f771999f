"""Reminders through the outbox: idempotent, SMTP or log, nothing lost when mail is down."""
from __future__ import annotations

import socket
import socketserver
import threading
from datetime import date, timedelta

from sqlalchemy import select

from core.db import db
from core.notifications.models import OutboxMessage
from tenants.context import tenant_scope
from tests.factories import make_review


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept mail (the test's own server on 127.0.0.1)."""

    received: list[bytes] = []

    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        data = False
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if data:
                if line == b".":
                    data = False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    SmtpSink.received.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250 sink\r\n")
            elif verb == b"DATA":
                data = True
                self.wfile.write(b"354 go\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _outbox(world, slug="alpha"):
    with tenant_scope(world.tenants[slug].id):
        rows = [(m.kind, m.recipient, m.sent_at is not None, m.attempts)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.kind))]
        db.session.commit()
    return rows


def _overdue_review(world):
    # notified 40 days ago, no decision: the decision deadline is overdue
    notified = date.today() - timedelta(days=40)
    return make_review(world.tenants["alpha"], date_of_death=notified - timedelta(days=2),
                       notification_date=notified)


def test_reminders_are_queued_once_and_sent_once(app, world, caplog):
    _overdue_review(world)
    runner = app.test_cli_runner()
    caplog.set_level("INFO", logger="dhr.mail")
    first = runner.invoke(args=["dhr", "send-reminders"])
    assert first.exit_code == 0, first.output
    rows = _outbox(world)
    overdue = [r for r in rows if r[0] == "deadline_overdue"]
    assert overdue and all(r[1] == "review_coordinator@alpha.test" and r[2] for r in overdue)
    assert "mail to review_coordinator@alpha.test" in caplog.text
    second = runner.invoke(args=["dhr", "send-reminders"])
    assert "queued 0, sent 0" in second.output
    assert _outbox(world) == rows
    assert not [r for r in _outbox(world, "beta") if r[1].endswith("@alpha.test")]


def test_agency_report_request_goes_to_the_agency(app, world, client):
    token = world.tokens[("alpha", "review_coordinator")]
    rid = world.reviews["alpha"][1].id
    client.post(f"/api/v1/t/alpha/reviews/{rid}/agency-reports", json={
        "agency": "Probation", "report_type": "chronology", "requested_on": "2026-03-01",
        "due_on": "2026-04-01", "contact_email": "chronology@probation.example"},
        headers={"Authorization": f"Bearer {token}"})
    assert ("agency_report_requested", "chronology@probation.example", False, 0) in \
        _outbox(world)


def test_smtp_down_keeps_every_message_then_sends_them_later(app, world):
    _overdue_review(world)
    app.config["DHR_SMTP_URL"] = f"smtp://127.0.0.1:{_free_port()}"  # nothing listens
    runner = app.test_cli_runner()
    down = runner.invoke(args=["dhr", "send-reminders"])
    reminders = down.output.splitlines()[0]
    assert "sent 0" in reminders and "failed 0" not in reminders
    pending = _outbox(world) + _outbox(world, "beta")
    assert pending and not any(sent for _k, _r, sent, _a in pending)
    assert all(attempts == 1 for *_x, attempts in pending)

    port = _free_port()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), SmtpSink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        SmtpSink.received.clear()
        app.config["DHR_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        up = runner.invoke(args=["dhr", "send-reminders"])
        assert f"sent {len(pending)}, failed 0" in up.output, up.output
    finally:
        server.shutdown()
        server.server_close()
    assert all(sent for _k, _r, sent, _a in _outbox(world))
    assert any(b"Subject: DHR ALP-" in line for line in SmtpSink.received)
    assert not any(b"invented" in line for line in SmtpSink.received)  # no pseudonym in mail


def test_one_partnership_failing_stops_no_other_nor_account_mail(app, world, monkeypatch):
    """Anything that fails in one partnership's reminders (here not a plugin) rolls back
    that partnership's work only; the run goes on and ends with status 1 naming it."""
    from core.accounts.models import AccountMail
    from core.notifications import sender

    _overdue_review(world)
    notified = date.today() - timedelta(days=40)
    make_review(world.tenants["beta"], date_of_death=notified - timedelta(days=2),
                notification_date=notified)
    mail = AccountMail(recipient="someone@example.test", subject="Invitation", body="link")
    db.session.add(mail)
    db.session.commit()
    queue = sender.queue_deadlines

    def fails_for_alpha(tenant, report):
        queue(tenant, report)  # the rows it queued are rolled back
        if tenant.slug == "alpha":
            raise RuntimeError("invented trouble")

    monkeypatch.setattr(sender, "queue_deadlines", fails_for_alpha)
    result = app.test_cli_runner().invoke(args=["dhr", "send-reminders"])
    assert result.exit_code == 1
    assert "reminders failed for alpha: RuntimeError" in result.output
    assert "failed for beta" not in result.output
    assert _outbox(world) == []
    beta = _outbox(world, "beta")
    assert beta and all(sent for _k, _r, sent, _a in beta)
    assert db.session.get(AccountMail, mail.id).sent_at is not None
