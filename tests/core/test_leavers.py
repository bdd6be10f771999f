"""People who leave: the platform team deactivates an account (no sign-in, session or token
works) and, once it belongs nowhere, deletes it with its sign-in events erased."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from core.audit.models import AuditEvent
from core.audit.service import verify
from core.auth.models import User
from core.db import db
from tenants.models import Membership
from tests.factories import sign_in

EMAIL = "viewer@alpha.test"


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_and_tokens_end(app, client,
                                                                              world):
    sign_in(client, EMAIL)
    token = world.tokens[("alpha", "viewer")]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/t/alpha/reviews", headers=bearer).status_code == 200
    runner = app.test_cli_runner()
    assert runner.invoke(args=["dhr", "users", "deactivate", EMAIL]).exit_code == 0
    assert client.get("/t/alpha/").status_code == 302
    assert client.get("/api/v1/t/alpha/reviews", headers=bearer).status_code == 401
    fresh = app.test_client()
    assert fresh.post("/sign-in", data={"email": EMAIL, "password": "pw-" + EMAIL}
                      ).status_code == 400
    assert runner.invoke(args=["dhr", "users", "deactivate", EMAIL, "--undo"]).exit_code == 0
    assert sign_in(fresh, EMAIL).status_code == 302
    assert fresh.get("/t/alpha/").status_code == 200  # the same roles as before
    assert fresh.get("/api/v1/t/alpha/reviews", headers=bearer).status_code == 401
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "auth.deactivated" in actions and "auth.reactivated" in actions


def test_an_account_that_belongs_nowhere_is_deleted_with_its_sign_in_events(app, client,
                                                                           world):
    sign_in(client, EMAIL)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["dhr", "users", "delete", EMAIL, "--confirm", EMAIL])
    assert refused.exit_code != 0 and "still has roles" in refused.output
    user = db.session.scalar(select(User).where(User.email == EMAIL))
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()
    done = runner.invoke(args=["dhr", "users", "delete", EMAIL, "--confirm", EMAIL])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == EMAIL)) is None
    platform = [e for e in db.session.scalars(select(AuditEvent)) if e.tenant_id is None]
    assert not any(EMAIL in (e.actor or "") for e in platform)
    # what they did inside the partnership stays: it is the partnership's record
    assert any(e.actor == EMAIL for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.tenant_id == world.tenants["alpha"].id)))
    assert verify() == (db.session.scalar(select(func.count()).select_from(AuditEvent)), None)


def test_deleting_an_account_takes_its_unsent_mail_and_links(app, client, world):
    """An invitation that never went holds a live link: it goes with the account."""
    from core.accounts.models import AccountLink, AccountMail

    app.extensions["dhr_mail_transport"] = _Down()
    sign_in(client, "csp_admin@alpha.test")
    assert client.post("/t/alpha/members", data={"email": "gone@alpha.test",
                                                 "role": "viewer"}).status_code == 302
    from core.accounts import mail

    mail.wait()
    user = db.session.scalar(select(User).where(User.email == "gone@alpha.test"))
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()
    done = app.test_cli_runner().invoke(args=["dhr", "users", "delete", "gone@alpha.test",
                                              "--confirm", "gone@alpha.test"])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert db.session.scalars(select(AccountMail).where(
        AccountMail.recipient == "gone@alpha.test")).all() == []
    assert db.session.scalars(select(AccountLink)).all() == []


class _Down:
    def send(self, *args):
        raise ConnectionRefusedError("mail server down")
