"""Security probe (issue 11), item 4: a CSP admin who adds an existing account from another
partnership learns nothing about it it did not already have. The person is told (an email,
as a new address gets its invitation), the admin's answer is the same whether or not the
address had an account, and the partnership's audit export holds the person's account
events only from the moment they joined it."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from core.accounts.models import AccountMail
from core.db import db
from tests.core.test_invitations_and_resets import Mailbox
from tests.factories import sign_in

NEW = "somebody.new@example.org"
ELSEWHERE = "viewer@beta.test"  # an account of another partnership


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    app.extensions["dhr_mail_transport"] = box
    app.config["DHR_BASE_URL"] = "http://dhr.test"
    return box


def _queued(recipient: str) -> list[AccountMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccountMail).where(
        AccountMail.recipient == recipient)))


def _add(client, email: str):
    """The admin's POST and the page it leads to (with its banner)."""
    posted = client.post("/t/alpha/members", data={"email": email, "role": "viewer"})
    page = client.get(posted.headers.get("Location", "/t/alpha/members"))
    return posted, page


def _banner(html: str) -> str:
    if 'class="govuk-notification-banner' not in html:
        return "(no banner)"
    start = html.index('class="govuk-notification-banner')
    return html[start:html.index("</div>\n</div>", start)]


def test_the_admin_sees_the_same_whether_or_not_the_address_had_an_account(client, world,
                                                                          mailbox):
    sign_in(client, "csp_admin@alpha.test")
    new_post, new_page = _add(client, NEW)
    old_post, old_page = _add(client, ELSEWHERE)
    assert new_post.status_code == old_post.status_code == 302
    assert new_post.headers["Location"] == old_post.headers["Location"]
    assert new_post.get_data() == old_post.get_data()
    assert new_page.status_code == old_page.status_code == 200
    assert _banner(new_page.get_data(as_text=True)).replace(NEW, "ADDRESS") == \
        _banner(old_page.get_data(as_text=True)).replace(ELSEWHERE, "ADDRESS")
    # one email each: an invitation for the new address, a notice for the existing account
    assert len(_queued(NEW)) == 1 and len(_queued(ELSEWHERE)) == 1
    notice = _queued(ELSEWHERE)[0]
    assert notice.tenant_id == world.tenants["alpha"].id
    sent = {recipient: (subject, body) for recipient, subject, body in mailbox.sent}
    subject, body = sent[ELSEWHERE]
    assert "Alpha CSP (test)" in subject
    assert "Viewer" in body and "Alpha CSP (test)" in body
    assert "did not expect" in body and "/account/link" not in body
    assert "/account/link?token=" in sent[NEW][1]


def _export(client) -> list[dict]:
    today = date.today()
    query = (f"start-day={today.day}&start-month={today.month}&start-year={today.year}"
             f"&end-day={today.day}&end-month={today.month}&end-year={today.year}")
    response = client.get(f"/t/alpha/audit?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _auth_events(rows, email) -> list[tuple[str, str]]:
    return [(r["seq"], r["action"]) for r in rows
            if r["actor"] == email and r["action"].startswith("auth.")]


def test_the_export_holds_a_newcomers_account_events_only_from_when_they_joined(
        app, client, world, mailbox):
    from core.audit.models import AuditEvent

    before = app.test_client()
    sign_in(before, ELSEWHERE)  # at beta, before alpha has anything to do with them
    earlier = {str(e.seq) for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.actor == ELSEWHERE, AuditEvent.action.startswith("auth.")))}
    assert {"auth.sign_in", "auth.second_factor"} <= {
        e.action for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.actor == ELSEWHERE))}
    sign_in(client, "csp_admin@alpha.test")
    assert _add(client, ELSEWHERE)[0].status_code == 302
    assert _auth_events(_export(client), ELSEWHERE) == []
    sign_in(app.test_client(), ELSEWHERE)  # now a member of alpha too
    later = _auth_events(_export(client), ELSEWHERE)
    assert {action for _, action in later} >= {"auth.sign_in", "auth.second_factor"}
    assert not {seq for seq, _ in later} & earlier


def test_the_earliest_role_still_held_counts_and_the_tenant_archive_agrees(
        app, client, world, mailbox, tmp_path):
    """Two roles: events since the first (still held) are in; a removed role's time is not."""
    import zipfile

    from core.dataops.archive import export as archive
    from tenants.models import Membership
    from tenants.roles import TenantRole

    sign_in(app.test_client(), ELSEWHERE)
    sign_in(client, "csp_admin@alpha.test")
    _add(client, ELSEWHERE)  # viewer
    sign_in(app.test_client(), ELSEWHERE)
    client.post("/t/alpha/members", data={"email": ELSEWHERE, "role": "panel_member"})
    in_export = _auth_events(_export(client), ELSEWHERE)
    # the sign-in after joining as viewer, both steps
    assert {"auth.sign_in", "auth.second_factor"} <= {a for _, a in in_export}
    # the tenant archive's audit.csv makes the same selection
    archive(world.tenants["alpha"], tmp_path / "alpha.zip")
    with zipfile.ZipFile(tmp_path / "alpha.zip") as z:
        rows = list(csv.DictReader(io.StringIO(z.read("audit.csv").decode())))
    assert _auth_events(rows, ELSEWHERE) == in_export
    # the viewer role goes: only events since the panel member role remain
    viewer = db.session.scalar(select(Membership.id).where(
        Membership.user_id == world.users[("beta", "viewer")].id,
        Membership.tenant_id == world.tenants["alpha"].id,
        Membership.role == TenantRole.VIEWER))
    assert client.post(f"/t/alpha/members/{viewer}/remove").status_code == 302
    assert _auth_events(_export(client), ELSEWHERE) == []


def test_founding_members_keep_their_account_events(client, world, mailbox):
    """Members from before (the world's) still have their sign-ins in the export."""
    sign_in(client.application.test_client(), "viewer@alpha.test")
    sign_in(client, "csp_admin@alpha.test")
    assert {"auth.sign_in", "auth.second_factor"} <= {
        a for _, a in _auth_events(_export(client), "viewer@alpha.test")}


def test_the_notice_goes_through_the_account_mail_queue(app, client, world, mailbox):
    """A failed send stays queued for `send-reminders`, as an invitation does."""
    from core.accounts import mail

    mailbox.down = True
    sign_in(client, "csp_admin@alpha.test")
    assert _add(client, ELSEWHERE)[0].status_code == 302
    mail.wait()
    assert [m.sent_at for m in _queued(ELSEWHERE)] == [None]
    mailbox.down = False
    assert mail.deliver() == (1, 0)
    assert [r for r, _, _ in mailbox.sent] == [ELSEWHERE]


def _row(html: str, email: str) -> str:
    """The members table's row holding ``email``."""
    start = html.rindex('<tr class="govuk-table__row">', 0, html.index(f">{email}<"))
    return html[start:html.index("</tr>", start)]


def test_the_members_list_shows_an_existing_account_as_it_shows_a_new_address(
        app, client, world, mailbox):
    """Until the person signs in, both rows show the address typed and 'Invited': the name
    of an account from another partnership would tell the admin that it existed."""
    from core.auth.models import User

    other = db.session.scalar(select(User).where(User.email == ELSEWHERE))
    other.display_name = "Invented Name From Beta"
    db.session.commit()
    sign_in(client, "csp_admin@alpha.test")
    _add(client, NEW)
    _add(client, ELSEWHERE)
    html = client.get("/t/alpha/members").get_data(as_text=True)
    assert "Invented Name From Beta" not in html
    for email in (NEW, ELSEWHERE):
        assert "Invited" in _row(html, email), email
    # once the person signs in, the partnership sees their name
    other_client = app.test_client()
    sign_in(other_client, ELSEWHERE)
    html = client.get("/t/alpha/members").get_data(as_text=True)
    assert "Invented Name From Beta" in html
    assert "Invited" not in _row(html, ELSEWHERE)
    assert "Invited" not in _row(html, "viewer@alpha.test")  # a member who signed in before
