"""Invitations and password resets by email: a CSP admin invites someone with no account;
anyone can ask for a reset link. Links are single use, short-lived, kept only as hashes,
built from DHR_BASE_URL (never the request's Host), and the second factor still stands."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.accounts.models import AccountLink, AccountMail
from core.audit.models import AuditEvent
from core.auth.models import User
from core.db import db
from tenants.models import Membership, utcnow
from tests.factories import sign_in

NEW = "new.person@alpha.test"
GOOD = "correct horse battery staple"


class Mailbox:
    """The app's mail transport in these tests. Pages send from a background thread, so
    reading the box first waits for those sends."""

    def __init__(self):
        self._sent: list[tuple[str, str, str]] = []
        self.down = False

    def send(self, sender, recipient, subject, body):
        if self.down:
            raise ConnectionRefusedError("mail server down")
        self._sent.append((recipient, subject, body))

    @property
    def sent(self) -> list[tuple[str, str, str]]:
        from core.accounts import mail

        mail.wait()
        return self._sent

    def link(self, recipient: str) -> str:
        body = [b for r, _, b in self.sent if r == recipient][-1]
        return re.search(r"http://dhr\.test/account/link\?token=\S+", body).group(0)


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    app.extensions["dhr_mail_transport"] = box
    app.config["DHR_BASE_URL"] = "http://dhr.test"
    return box


def _user(email) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _follow(client, link: str):
    return client.get(link.removeprefix("http://dhr.test"))


def _invite(client, email=NEW):
    sign_in(client, "csp_admin@alpha.test")
    response = client.post("/t/alpha/members", data={"email": email, "role": "viewer"})
    client.post("/sign-out")
    return response


def test_an_invitation_makes_an_account_nobody_can_use_until_the_link_is(client, world,
                                                                         mailbox):
    assert _invite(client, " New.Person@alpha.test ").status_code == 302
    user = _user(NEW)
    assert user is not None and user.password_hash == ""
    assert db.session.scalar(select(Membership.role).where(Membership.user_id == user.id)
                             ).value == "viewer"
    assert client.post("/sign-in", data={"email": NEW, "password": ""}).status_code == 400
    assert client.post("/sign-in", data={"email": NEW, "password": "x"}).status_code == 400
    link = mailbox.link(NEW)
    token = link.rsplit("=", 1)[1]
    stored = db.session.scalar(select(AccountLink).where(AccountLink.user_id == user.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str([m.body for m in db.session.scalars(select(AccountMail))])
    assert "/account/link?token=" in link  # in the query string, which access logs omit
    # the token leaves the address bar at once
    opened = _follow(client, link)
    assert opened.status_code == 302 and opened.headers["Location"] == "/account/link"
    page = client.get("/account/link").get_data(as_text=True)
    assert "Set up your account" in page and 'name="display_name"' in page
    short = client.post("/account/link", data={"display_name": "Invented Person",
                                               "password": "short", "password_again": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    differ = client.post("/account/link", data={"display_name": "Invented Person",
                                                "password": GOOD, "password_again": GOOD + "!"})
    assert differ.status_code == 400 and "do not match" in differ.get_data(as_text=True)
    done = client.post("/account/link", data={"display_name": "Invented Person",
                                              "password": GOOD, "password_again": GOOD})
    assert done.status_code == 302 and "ended=password_set" in done.headers["Location"]
    assert _user(NEW).display_name == "Invented Person"
    # the second factor still stands: a new account sets up its app before going in
    first = client.post("/sign-in", data={"email": NEW, "password": GOOD})
    assert first.headers["Location"] == "/sign-in/set-up"
    assert client.get("/t/alpha/").status_code == 302
    # the link worked once
    assert _follow(client, link).status_code == 404
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert "member.invited" in actions and "auth.invitation_accepted" in actions


def test_the_members_page_says_who_is_invited_and_checks_the_address(client, world, mailbox):
    sign_in(client, "csp_admin@alpha.test")
    page = client.post("/t/alpha/members", data={"email": NEW, "role": "viewer"},
                       follow_redirects=True).get_data(as_text=True)
    assert "We have emailed an invitation to new.person@alpha.test" in page
    assert "Invited" in page
    bad = client.post("/t/alpha/members", data={"email": "not an address", "role": "viewer"})
    assert bad.status_code == 422 and "correct format" in bad.get_data(as_text=True)
    assert _user("not an address") is None


def test_a_reset_link_changes_the_password_ends_sessions_and_keeps_the_second_factor(
        app, client, world, mailbox):
    email = "viewer@alpha.test"
    other = app.test_client()
    sign_in(other, email)
    assert other.get("/t/alpha/").status_code == 200
    page = client.post("/forgotten-password", data={"email": email})
    assert page.status_code == 200 and "Check your email" in page.get_data(as_text=True)
    link = mailbox.link(email)
    _follow(client, link)
    assert 'name="display_name"' not in client.get("/account/link").get_data(as_text=True)
    assert client.post("/account/link", data={"password": GOOD, "password_again": GOOD}
                       ).status_code == 302
    assert other.get("/t/alpha/").status_code == 302  # the old session has ended
    token = world.tokens[("alpha", "viewer")]  # and no API token survives a reset
    assert client.get("/api/v1/t/alpha/reviews", headers={
        "Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/sign-in", data={"email": email, "password": "pw-" + email}
                       ).status_code == 400
    again = client.post("/sign-in", data={"email": email, "password": GOOD})
    assert again.headers["Location"] == "/sign-in/code"  # never straight in
    assert client.get("/t/alpha/").status_code == 302
    assert _follow(client, link).status_code == 404


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, world, mailbox):
    known = client.post("/forgotten-password", data={"email": "viewer@alpha.test"})
    unknown = client.post("/forgotten-password", data={"email": "nobody@alpha.test"})

    def strip(response):  # the same page but for the address typed and the CSP nonce
        page = re.sub(r'nonce="[^"]+"', "", response.get_data(as_text=True))
        return page.replace("viewer@", "X@").replace("nobody@", "X@")

    assert unknown.status_code == known.status_code == 200 and strip(unknown) == strip(known)
    assert [r for r, _, _ in mailbox.sent] == ["viewer@alpha.test"]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "auth.reset_requested").order_by(AuditEvent.seq)).all()[-1]
    assert event.actor == "unknown account" and "nobody" not in str(event.details)


def test_links_expire_and_a_newer_link_replaces_an_older_one(client, world, mailbox):
    email = "viewer@alpha.test"
    client.post("/forgotten-password", data={"email": email})
    first = mailbox.link(email)
    client.post("/forgotten-password", data={"email": email})
    second = mailbox.link(email)
    assert first != second and _follow(client, first).status_code == 404
    for link in db.session.scalars(select(AccountLink).where(AccountLink.used_at.is_(None))):
        link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    dead = _follow(client, second)
    assert dead.status_code == 404 and "no longer works" in dead.get_data(as_text=True)


def test_a_link_never_takes_its_address_from_the_request(client, world, mailbox):
    client.post("/forgotten-password", data={"email": "viewer@alpha.test"},
                headers={"Host": "attacker.example"})
    assert mailbox.link("viewer@alpha.test").startswith("http://dhr.test/account/link?token=")
    assert "attacker.example" not in mailbox.sent[-1][2]


def test_mail_that_cannot_go_waits_and_goes_later_then_forgets_the_link(app, client, world,
                                                                       mailbox):
    mailbox.down = True
    assert _invite(client).status_code == 302  # the invitation is made all the same
    assert mailbox.sent == []
    db.session.expire_all()
    waiting = db.session.scalars(select(AccountMail)).one()
    assert waiting.sent_at is None and waiting.attempts == 1
    assert "/account/link?token=" in waiting.body
    mailbox.down = False
    result = app.test_cli_runner().invoke(args=["dhr", "send-reminders"])
    assert "account mail: sent 1, failed 0" in result.output
    db.session.expire_all()
    sent = db.session.scalars(select(AccountMail)).one()
    assert sent.sent_at is not None and sent.body == ""
    assert mailbox.link(NEW)


def test_asking_for_reset_links_is_throttled(client, world, mailbox):
    for _ in range(5):
        assert client.post("/forgotten-password", data={"email": "viewer@alpha.test"}
                           ).status_code == 200
    assert client.post("/forgotten-password", data={"email": "viewer@alpha.test"}
                       ).status_code == 429
    assert len(mailbox.sent) == 5


def test_offboarding_removes_the_partnerships_invitations(app, client, world, mailbox):
    from core.dataops import offboard

    _invite(client)
    assert db.session.scalars(select(AccountLink)).all() and mailbox.sent  # sent: no race
    done = app.test_cli_runner().invoke(args=["dhr", "tenant", "offboard", "alpha",
                                              "--confirm", "alpha"])
    assert done.exit_code == 0, done.output
    left = offboard.residue(world.tenants["alpha"].id)
    assert left["account_links"] == left["account_mail"] == 0
