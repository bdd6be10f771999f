"""Accounts: a second factor for everyone (TOTP, with recovery codes kept hashed), throttled
sign-in, idle and absolute session limits, sign-out everywhere, expiring API tokens."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from core.app import create_app
from core.auth.models import ApiToken, RecoveryCode, User
from core.config import ConfigError
from core.db import db
from tenants.models import utcnow
from tests.conftest import make_test_app
from tests.factories import current_code, sign_in

EMAIL = "viewer@alpha.test"


def _password(client, email=EMAIL, password=None):
    return client.post("/sign-in", data={"email": email, "password": password or "pw-" + email})


def _user(email=EMAIL) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_the_password_alone_signs_nobody_in(client, world):
    assert _password(client).headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302
    assert client.get("/t/alpha/").status_code == 302
    wrong = client.post("/sign-in/code", data={"code": "000000"})
    assert wrong.status_code == 400 and "6-digit code" in wrong.get_data(as_text=True)
    assert client.post("/sign-in/code", data={"code": current_code(client, EMAIL)}
                       ).status_code == 302
    assert client.get("/").status_code == 200


def test_first_sign_in_enrols_an_app_and_shows_recovery_codes_once(client, world):
    user = _user()
    user.totp_secret = None
    db.session.commit()
    assert _password(client).headers["Location"] == "/sign-in/set-up"
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    key = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert _user().totp_secret is None  # not enrolled until a code proves the app has it
    assert client.post("/sign-in/set-up", data={"code": "123456"}).status_code == 400
    client.application.config["DHR_CLOCK_SHIFT_SECONDS"] = 0
    done = client.post("/sign-in/set-up", data={"code": pyotp.TOTP(key).now()})
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>",
                       done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    assert _user().totp_secret == key and _user().totp_pending_secret is None
    stored = [r.code_hash for r in db.session.scalars(select(RecoveryCode))]
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert client.get("/").status_code == 200


def test_a_code_works_once_and_a_recovery_code_once(client, world):
    assert sign_in(client, EMAIL).status_code == 302
    user = _user()
    used = pyotp.TOTP(user.totp_secret).at(user.totp_last_step * 30)
    client.post("/sign-out")
    _password(client)
    assert client.post("/sign-in/code", data={"code": used}).status_code == 400
    from core.auth import mfa

    with client.application.test_request_context():
        codes = mfa.new_recovery_codes(_user())
        db.session.commit()
    assert client.post("/sign-in/code", data={"code": codes[0]}).status_code == 302
    client.post("/sign-out")
    _password(client)
    assert client.post("/sign-in/code", data={"code": codes[0]}).status_code == 400
    assert client.post("/sign-in/code", data={"code": codes[1]}).status_code == 302


def test_a_half_finished_sign_in_lapses_after_five_minutes(client, world):
    _password(client)
    with client.session_transaction() as session:
        session["pending_sign_in"] = dict(session["pending_sign_in"], at=time.time() - 301)
    response = client.post("/sign-in/code", data={"code": current_code(client, EMAIL)})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert client.get("/").status_code == 302


def test_failed_sign_ins_are_throttled_per_account_with_a_plain_message(client, world):
    for _ in range(5):
        assert _password(client, password="wrong").status_code == 400
    locked = _password(client)  # even the right password, until the window passes
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    assert "Wait 15 minutes" in locked.get_data(as_text=True)
    # another account from the same address is not locked
    assert sign_in(client, "review_coordinator@alpha.test").status_code == 302


def test_what_was_typed_is_kept_only_as_a_fingerprint(client, world):
    """The throttle counts one account however its email is typed, and neither the limit
    store nor the audit trail holds the typed text (it may be a password in the wrong box)."""
    from core.audit.models import AuditEvent
    from core.auth.limits import limiter

    typed = "Hunter2-My-Password"
    client.post("/sign-in", data={"email": typed, "password": "x"})
    for spelling in ("VIEWER@alpha.test", " viewer@ALPHA.test ", EMAIL, EMAIL, EMAIL):
        assert _password(client, spelling, "wrong").status_code == 400
    assert _password(client, EMAIL).status_code == 429  # all five counted as one account
    keys = " ".join(limiter.storage.keys())
    assert "account:" in keys and "alpha.test" not in keys and typed.lower() not in keys
    failed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "auth.sign_in_failed").order_by(AuditEvent.seq)).all()
    assert typed.lower() not in str([(e.actor, e.details) for e in failed])
    assert failed[0].actor == "unknown account" and len(failed[0].details["typed"]) == 32
    assert {e.actor for e in failed[1:]} == {EMAIL}


def test_successful_sign_ins_never_count_towards_the_limit(client, world):
    for _ in range(8):
        assert sign_in(client, EMAIL).status_code == 302
        client.post("/sign-out")


def test_failed_sign_ins_are_throttled_per_address(database, admin_engine, world):
    app = make_test_app(database, DHR_SIGN_IN_LIMIT_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    for n in range(3):
        _password(client, f"nobody{n}@alpha.test", "wrong")
    assert _password(client).status_code == 429


def test_wrong_codes_are_throttled_too(client, world):
    _password(client)
    for _ in range(5):
        assert client.post("/sign-in/code", data={"code": "000000"}).status_code == 400
    assert client.post("/sign-in/code", data={"code": current_code(client, EMAIL)}
                       ).status_code == 429


@pytest.mark.parametrize("why, key, age", [("idle", "seen_at", 31 * 60),
                                           ("absolute", "signed_in_at", 8 * 3600 + 1)])
def test_sessions_end_when_idle_or_too_old(client, world, why, key, age):
    sign_in(client, EMAIL)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session[key] = time.time() - age
    ended = client.get("/t/alpha/")
    assert ended.status_code == 302 and f"ended={why}" in ended.headers["Location"]
    assert "You were signed out" in client.get(ended.headers["Location"]).get_data(
        as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_everywhere_ends_every_session(client, world):
    other = client.application.test_client()
    sign_in(client, EMAIL)
    sign_in(other, EMAIL)
    assert other.get("/").status_code == 200
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 302
    assert sign_in(other, EMAIL).status_code == 302 and other.get("/").status_code == 200


def test_api_tokens_expire(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    page = client.post("/t/alpha/tokens", data={"name": "short lived"}).get_data(as_text=True)
    plain = page.split('<code id="new-token">')[1].split("<")[0]
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "short lived"))
    assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/t/alpha/reviews", headers=headers).status_code == 200
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/t/alpha/reviews", headers=headers).status_code == 401


def test_production_refuses_a_shifted_clock(database, tmp_path, monkeypatch):
    monkeypatch.setenv("DHR_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app({"DHR_ENV": "production", "SECRET_KEY": "k" * 40,
                    "DHR_SMTP_URL": "smtp://127.0.0.1:1025",
                    "SQLALCHEMY_DATABASE_URI": database.url, "DHR_CLOCK_SHIFT_SECONDS": 30})


def test_a_password_reset_never_skips_the_second_factor(app, client, world):
    sign_in(client, EMAIL)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dhr", "users", "reset-password", EMAIL])
    temporary = result.output.strip()
    assert result.exit_code == 0 and len(temporary) >= 16
    assert client.get("/").status_code == 302  # the old session ended
    other = app.test_client()
    assert _password(other, EMAIL, temporary).headers["Location"] == "/sign-in/code"
    assert other.get("/").status_code == 302  # a password alone still signs nobody in
    assert other.post("/sign-in/code", data={"code": current_code(other, EMAIL)}
                      ).status_code == 302


def test_a_lost_app_is_replaced_only_by_setting_up_a_new_one(app, client, world):
    result = app.test_cli_runner().invoke(args=["dhr", "users", "reset-second-factor", EMAIL])
    assert result.exit_code == 0
    assert _user().totp_secret is None
    assert _password(client).headers["Location"] == "/sign-in/set-up"
    assert client.get("/").status_code == 302
