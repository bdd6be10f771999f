"""Sign-in, sessions, CSRF and personal API tokens."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from core.auth.models import ApiToken, User
from core.db import db
from tests.conftest import make_test_app
from tests.factories import sign_in


def test_passwords_are_stored_as_argon2id(app, world):
    user = db.session.scalar(select(User).where(User.email == "viewer@alpha.test"))
    assert user.password_hash.startswith("$argon2id$")
    assert "pw-viewer" not in user.password_hash


def test_production_hashing_uses_the_strong_profile():
    from core.auth import passwords

    strong = passwords._PROFILES["strong"]
    assert strong.type.name == "ID" and strong.memory_cost >= 19 * 1024


def test_wrong_password_and_unknown_email_answer_alike(client, world):
    wrong = sign_in(client, "viewer@alpha.test", "wrong")
    unknown = sign_in(client, "nobody@alpha.test", "wrong")
    assert wrong.status_code == unknown.status_code == 400
    assert "Enter a correct email address and password" in wrong.get_data(as_text=True)
    assert client.get("/t/alpha/").status_code == 302


def test_empty_sign_in_names_both_fields(client):
    html = client.post("/sign-in", data={}).get_data(as_text=True)
    assert "Enter your email address" in html and "Enter your password" in html


def test_sign_in_then_sign_out(client, world):
    assert sign_in(client, "Viewer@Alpha.test", "pw-viewer@alpha.test").headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302


def test_next_is_followed_only_to_local_paths(client, world):
    for target, expected in (("/t/alpha/", "/t/alpha/"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/")):
        client.post("/sign-out")
        response = sign_in(client, "viewer@alpha.test", next=target)
        assert response.headers["Location"] == expected


def test_inactive_users_cannot_sign_in(client, world):
    user = db.session.scalar(select(User).where(User.email == "viewer@alpha.test"))
    user.active = False
    db.session.commit()
    assert sign_in(client, "viewer@alpha.test").status_code == 400


def test_csrf_is_required_on_forms(database, admin_engine, world):
    app = make_test_app(database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post("/sign-in", data={"email": "viewer@alpha.test",
                                            "password": "pw-viewer@alpha.test"})
    assert refused.status_code == 400
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    accepted = client.post("/sign-in", data={"email": "viewer@alpha.test",
                                             "password": "pw-viewer@alpha.test",
                                             "csrf_token": token})
    assert accepted.status_code == 302


def test_session_cookie_flags(database, admin_engine, world, monkeypatch):
    monkeypatch.setenv("DHR_COOKIE_SECURE", "1")
    app = make_test_app(database)
    client = app.test_client()
    response = sign_in(client, "viewer@alpha.test")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_token_is_shown_once_and_stored_hashed(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    response = client.post("/t/alpha/tokens", data={"name": "case system"})
    assert response.status_code == 201
    plain = response.get_data(as_text=True).split('<code id="new-token">')[1].split("<")[0]
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "case system"))
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in client.get("/t/alpha/tokens").get_data(as_text=True)
    api = client.get("/api/v1/t/alpha/reviews", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200
    # tied to one tenant: the same person's token does not open another tenant
    assert client.get("/api/v1/t/beta/reviews",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 404


def test_token_name_is_required(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    response = client.post("/t/alpha/tokens", data={"name": " "})
    assert response.status_code == 400 and "Enter a name" in response.get_data(as_text=True)


def test_revoking_a_token_stops_it_at_once(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    plain = world.tokens[("alpha", "review_coordinator")]
    row = world.token_rows[("alpha", "review_coordinator")]
    assert client.post(f"/t/alpha/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/t/alpha/reviews",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert client.post(f"/t/alpha/tokens/{row.id}/revoke").status_code == 404


def test_one_cannot_revoke_a_colleagues_token(client, world):
    sign_in(client, "csp_chair@alpha.test")
    colleague = world.token_rows[("alpha", "review_coordinator")]
    assert client.post(f"/t/alpha/tokens/{colleague.id}/revoke").status_code == 404


def test_cli_prints_a_working_token(app, world, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dhr", "tokens", "create", "viewer@alpha.test", "alpha"])
    assert result.exit_code == 0
    plain = result.output.strip()
    assert client.get("/api/v1/t/alpha/reviews",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    refused = runner.invoke(args=["dhr", "tokens", "create", "viewer@alpha.test", "beta"])
    assert refused.exit_code != 0 and "not a member" in refused.output
