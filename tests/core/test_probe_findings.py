"""What an outside probe of the demo found (issue 11), one test or more per finding:
HEAD never submits, redirects stay on the site, sessions end on the server, the session's
address is the one the proxy setting trusts, a viewer's timeline holds no need-to-know
details, invited accounts answer as slowly as others, unreadable bodies are a 400, the
admin API is never cached, and sign-in limits are counted once for every worker."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from core.audit.models import AuditEvent
from core.auth.models import User
from core.db import db
from tests.conftest import make_test_app
from tests.factories import current_code, sign_in

# ---------------------------------------------------------------------------------------
# 1 and 2: HEAD is a read everywhere


def _everything(admin_engine) -> dict:
    """Every row of every table except the audit trail (read as the owner: no wall)."""
    snapshot = {}
    with admin_engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in ("audit_events", "audit_chain_head", "audit_chains"):
                continue
            snapshot[table.name] = sorted(
                tuple(str(v) for v in row) for row in conn.execute(table.select()))
    return snapshot


READS = re.compile(r"(\.read|\.list|\.dashboard|^document\.download|^access\.denied"
                   r"|^sar\.bundle_downloaded|^sar\.searched|^audit\.exported|^tenant\.exported"
                   r"|^export\.(action_plan|summary_pack|board_report))$")


def test_head_with_a_body_changes_nothing_on_any_url(app, database, admin_engine, world):
    """Walk every URL rule that answers HEAD, as alpha's CSP admin, chair and coordinator
    with CSRF protection on, sending each rule's own valid form body (or a code): nothing
    may change and no audit event but a read may be written."""
    from tests.isolation.test_url_matrix import BODIES, OBJECTS, _enable_warrington_for_alpha

    _enable_warrington_for_alpha(world)
    app = make_test_app(database, WTF_CSRF_ENABLED=True, DHR_BLOB_DIR=app.config["DHR_BLOB_DIR"])
    clients = []
    app.config["WTF_CSRF_ENABLED"] = False  # only to sign in with the helper
    for role in ("csp_admin", "csp_chair", "review_coordinator"):
        clients.append(app.test_client())
        assert sign_in(clients[-1], f"{role}@alpha.test").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    before = _everything(admin_engine)
    seq = db.session.scalar(select(func.max(AuditEvent.seq)))
    tried = 0
    for client in clients:
        for rule in app.url_map.iter_rules():
            if "HEAD" not in rule.methods or rule.endpoint == "static":
                continue
            if set(rule.arguments) - {"slug"} - set(OBJECTS):
                raise AssertionError(f"teach OBJECTS the parameters of {rule.rule}")
            values = {n: OBJECTS[n](world, rule) for n in rule.arguments if n != "slug"}
            if "slug" in rule.arguments:
                values["slug"] = "alpha"
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **values)
            body = BODIES[rule.endpoint](world) if rule.endpoint in BODIES else {
                "data": {"code": "123456", "password": "a-new-long-password",
                         "password_again": "a-new-long-password"}}
            body.pop("json", None)
            response = client.open(url, method="HEAD", **body)
            assert response.status_code < 500, (url, response.status_code)
            assert response.get_data() == b"", url
            tried += 1
    db.session.expire_all()
    after = _everything(admin_engine)
    assert {t: after[t] for t in after if after[t] != before[t]} == {}
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.seq > seq))
    writes = sorted({a for a in actions if not READS.search(a)})
    assert writes == [], writes
    assert tried > 150


def test_head_never_checks_a_second_factor_code(client, world):
    first = client.post("/sign-in", data={"email": "viewer@alpha.test",
                                          "password": "pw-viewer@alpha.test"})
    assert first.headers["Location"].startswith("/sign-in/code")
    for guess in ("000000", "111111", current_code(client, "viewer@alpha.test")):
        assert client.head("/sign-in/code", data={"code": guess}).status_code == 200
    assert client.get("/").status_code == 302  # still not signed in
    failed = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(("auth.second_factor", "auth.second_factor_failed"))))
    assert failed == 0  # no code was checked at all


def test_head_answers_with_the_get_headers_and_no_body(client, world):
    get = client.get("/sign-in")
    head = client.head("/sign-in", data={"email": "x@y.test", "password": "z"})
    assert head.status_code == get.status_code == 200
    assert head.data == b"" and head.mimetype == get.mimetype


# ---------------------------------------------------------------------------------------
# 3: redirects and links stay on this site

def test_next_never_leaves_the_site(client, world):
    for target in ("/%09/evil.example/", "/%0d%0aSet-Cookie:x=1", "/%0a/evil.example",
                   "/\\evil.example", "//evil.example/", "/%5Cevil.example",
                   "https://evil.example/", "/ /evil.example", "/%7F/evil.example"):
        client.post("/sign-out")
        response = sign_in(client, "viewer@alpha.test", next=target)
        assert response.status_code == 302 and response.headers["Location"] == "/", target


def test_next_keeps_a_local_path_with_its_query(client, world):
    response = sign_in(client, "viewer@alpha.test", next="/t/alpha/?lang=cy")
    assert response.headers["Location"] == "/t/alpha/?lang=cy"


@pytest.mark.parametrize("path", ["/\\evil.example", "//evil.example", "/\t/evil.example",
                                  "///evil.example/x"])
def test_language_links_on_a_404_stay_on_the_site(client, path):
    """(The path as the server decodes it: the test client would read ``//host`` as a
    host, so it is given as the WSGI path.)"""
    response = client.get("/", environ_overrides={"PATH_INFO": path})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    links = re.findall(r'href="([^"]*lang=cy[^"]*)"', html)
    assert links, html
    for link in links:
        assert link.startswith("/") and not link.startswith("//"), link
        assert "\\" not in link and "\t" not in link, link


# ---------------------------------------------------------------------------------------
# 7: sessions end on the server; the address is the one the proxy setting trusts

def _copy_session(source, target) -> None:
    cookie = source.get_cookie("dhr_session")
    target.set_cookie("dhr_session", cookie.value)


def test_a_copied_cookie_stops_working_after_sign_out(app, world):
    victim, thief = app.test_client(), app.test_client()
    assert sign_in(victim, "review_coordinator@alpha.test").status_code == 302
    _copy_session(victim, thief)
    assert thief.get("/t/alpha/").status_code == 200  # the copy works while signed in
    assert victim.post("/sign-out").status_code == 302
    response = thief.get("/t/alpha/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    ended = db.session.scalar(select(AuditEvent.details).where(
        AuditEvent.action == "auth.session_ended"))
    assert ended == {"why": "signed_out"}


def test_signing_out_ends_only_that_session(app, world):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "viewer@alpha.test")
    sign_in(phone, "viewer@alpha.test")
    laptop.post("/sign-out")
    assert phone.get("/t/alpha/").status_code == 200


def test_a_spoofed_forwarded_for_does_not_carry_a_session_to_another_address(app, world):
    """With DHR_PROXY_HOPS=0 a client's X-Forwarded-For is never trusted: a cookie used
    from another address is refused even when it claims the original one."""
    victim, thief = app.test_client(), app.test_client()
    sign_in(victim, "viewer@alpha.test")
    _copy_session(victim, thief)
    response = thief.get("/t/alpha/", environ_base={"REMOTE_ADDR": "198.51.100.7"},
                         headers={"X-Forwarded-For": "127.0.0.1"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_forwarded_for_is_ignored_without_proxies(app, world):
    """…and one the client adds itself does not end its own session either."""
    client = app.test_client()
    sign_in(client, "viewer@alpha.test")
    assert client.get("/t/alpha/", headers={"X-Forwarded-For": "203.0.113.5"}) \
        .status_code == 200


def test_behind_one_proxy_the_forwarded_address_is_the_one_bound(database, world):
    app = make_test_app(database, DHR_PROXY_HOPS=1)
    client = app.test_client()
    at_home = {"X-Forwarded-For": "203.0.113.5"}
    client.post("/sign-in", data={"email": "viewer@alpha.test",
                                  "password": "pw-viewer@alpha.test"}, headers=at_home)
    client.post("/sign-in/code", data={"code": current_code(client, "viewer@alpha.test")},
                headers=at_home)
    # the same person through another of the site's proxies: still signed in
    assert client.get("/t/alpha/", headers=at_home,
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    # the cookie from somewhere else: signed out
    moved = client.get("/t/alpha/", headers={"X-Forwarded-For": "198.51.100.7"})
    assert moved.status_code == 302 and "/sign-in" in moved.headers["Location"]


# ---------------------------------------------------------------------------------------
# 8: a viewer's timeline holds no family or agency report details

def test_a_viewers_timeline_withholds_need_to_know_details(client, world):
    review = world.reviews["alpha"][0]
    coordinator = world.tokens[("alpha", "review_coordinator")]
    viewer = world.tokens[("alpha", "viewer")]
    url = f"/api/v1/t/alpha/reviews/{review.id}/timeline"
    full = client.get(url, headers={"Authorization": f"Bearer {coordinator}"}).json
    seen = client.get(url, headers={"Authorization": f"Bearer {viewer}"}).json
    assert len(full) == len(seen)
    summaries = {e["name"]: e["data"].get("summary") for e in full}
    assert summaries["family_contacts.added"] == "brother"
    assert summaries["agency_reports.added"] == "Health"
    for event in seen:
        if event["name"].split(".")[0] in ("family_contacts", "agency_reports"):
            assert event["data"] == {}, event
    assert any(e["data"] for e in seen)  # other details are still there
    sign_in(client, "viewer@alpha.test")
    page = client.get(f"/t/alpha/reviews/{review.id}/timeline").get_data(as_text=True)
    assert "brother" not in page and "Train staff" in page


# ---------------------------------------------------------------------------------------
# 9: an invited account with no password costs as much as any other

def test_every_wrong_password_costs_one_argon2_verification(client, world, monkeypatch):
    from core.accounts import service as accounts
    from core.auth import passwords

    accounts.invite(world.tenants["alpha"], "invited@alpha.test")
    db.session.commit()
    import argon2._password_hasher as hasher

    calls = []
    real = hasher.verify_secret

    def counted(stored, password, kind):
        calls.append(stored)
        return real(stored, password, kind)

    monkeypatch.setattr(hasher, "verify_secret", counted)
    passwords.burn_time("warm-up")
    for email in ("invited@alpha.test", "viewer@alpha.test", "nobody@alpha.test"):
        calls.clear()
        assert client.post("/sign-in", data={"email": email, "password": "wrong"}) \
            .status_code == 400
        assert len(calls) == 1 and calls[0].startswith(b"$argon2id$"), (email, calls)


# ---------------------------------------------------------------------------------------
# 11: bodies the API cannot read are a 400 with words, never a 500

def _api(client, world, body: bytes, method="POST", path="reviews"):
    token = world.tokens[("alpha", "review_coordinator")]
    return client.open(f"/api/v1/t/alpha/{path}", method=method, data=body,
                       headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "application/json"})


def test_deeply_nested_json_is_a_400(client, world):
    for depth in (100, 100_000):
        response = _api(client, world, b"[" * depth + b"]" * depth)
        assert response.status_code == 400, depth
        assert "nested too deeply" in response.json["detail"]


def test_a_huge_integer_is_a_400(client, world):
    response = _api(client, world, b'{"pseudonym": ' + b"9" * 5000 + b"}")
    assert response.status_code == 400
    assert "too long" in response.json["detail"]


def test_malformed_json_is_still_the_apis_own_400(client, world):
    response = _api(client, world, b'{"pseudonym": ')
    assert response.status_code == 400 and "nested" not in response.json["detail"]


def test_nul_characters_are_refused_everywhere(client, world):
    response = _api(client, world, b'{"pseudonym": "Adult\\u0000B", "date_of_death": '
                                   b'"2026-03-01", "notification_date": "2026-03-02", '
                                   b'"notifying_agency": "Police"}')
    assert response.status_code == 400 and "NUL" in response.json["detail"]
    assert client.get("/t/alpha/published/%00").status_code == 400
    assert client.get("/sign-in?next=%00").status_code == 400
    sign_in(client, "review_coordinator@alpha.test")
    page = client.post("/t/alpha/reviews/new", data={
        "pseudonym": "Adult\x00C", "date_of_death-day": "1", "date_of_death-month": "3",
        "date_of_death-year": "2026", "notification_date-day": "2",
        "notification_date-month": "3", "notification_date-year": "2026",
        "notifying_agency": "Police"})
    assert page.status_code == 400 and "NUL character" in page.get_data(as_text=True)
    assert db.session.scalar(text("SELECT count(*) FROM reviews")) is not None


# ---------------------------------------------------------------------------------------
# 12: the admin API is never cached

def test_admin_api_answers_are_not_stored(client, world):
    token = world.admin_tokens["north"]
    url = "/api/v1/admin/tenants/alpha/policies"
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    refused = client.get(url)
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------------------------------
# 15: sign-in limits are counted once, whatever the number of workers

def test_two_app_processes_without_redis_share_one_count(database, world, tmp_path):
    """Two app objects (as gunicorn's two workers are) with one instance folder and no
    Redis: failures on either count towards the same limit."""
    uri = "dhr-sqlite://" + str(tmp_path / "limits.sqlite3")
    apps = [make_test_app(database, DHR_SIGN_IN_LIMIT_ACCOUNT="4 per 15 minutes",
                          RATELIMIT_STORAGE_URI=uri) for _ in range(2)]
    statuses = []
    for attempt in range(6):
        client = apps[attempt % 2].test_client()
        statuses.append(client.post("/sign-in", data={"email": "viewer@alpha.test",
                                                      "password": "wrong"}).status_code)
    assert statuses == [400, 400, 400, 400, 429, 429]


def test_the_default_count_lives_in_the_instance_folder(tmp_path, monkeypatch):
    from core.app import create_app

    monkeypatch.setenv("DHR_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == \
        f"dhr-sqlite://{tmp_path}/sign-in-limits.db"


def test_production_requires_redis(tmp_path, monkeypatch):
    from core.app import create_app
    from core.config import ConfigError

    monkeypatch.setenv("DHR_INSTANCE_PATH", str(tmp_path))
    for name, value in (("DHR_SMTP_URL", "smtp://127.0.0.1:1025"),
                        ("DHR_BASE_URL", "https://dhr.example"),
                        ("DHR_CLAMD_URL", "unix:///run/clamav/clamd.ctl")):
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="DHR_REDIS_URL"):
        create_app({"DHR_ENV": "production", "SECRET_KEY": "k" * 40,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_invited_users_exist_for_the_timing_test(app, world):
    """The control for test 9: the invited account really has no password hash."""
    from core.accounts import service as accounts

    user, _mail = accounts.invite(world.tenants["alpha"], "control@alpha.test")
    db.session.commit()
    assert db.session.get(User, user.id).password_hash == ""
