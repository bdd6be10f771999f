"""Web hardening: every response carries the security headers; HTTPS and HSTS in
production; no stack trace or SQL in any error, page or JSON."""
from __future__ import annotations

import re

from core.app import create_app


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_a_strict_policy_with_a_nonce_for_the_one_script(client):
    response = client.get("/sign-in")
    policy = _policy(response)
    nonce = re.search(r'nonce="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["style-src"] == "'self'" and "unsafe-inline" not in str(policy)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # a fresh nonce each time
    again = re.search(r'nonce="([^"]+)"', client.get("/sign-in").get_data(as_text=True))
    assert again.group(1) != nonce


def test_json_and_error_responses_carry_the_headers_and_leak_nothing(client):
    api = client.get("/api/v1/t/nowhere/reviews", headers={"Authorization": "Bearer x"})
    assert api.status_code == 401 and "frame-ancestors" in api.headers[
        "Content-Security-Policy"]
    page = client.get("/no-such-page")
    body = page.get_data(as_text=True)
    assert page.status_code == 404 and "frame-ancestors" in page.headers[
        "Content-Security-Policy"]
    assert "Traceback" not in body and "sqlalchemy" not in body.lower()


def test_plain_http_has_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_production_sends_hsts_and_moves_plain_http_to_https(database, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("DHR_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DHR_ENV": "production", "SECRET_KEY": "k" * 40,
                      "DHR_SMTP_URL": "smtp://127.0.0.1:1025",
                      "DHR_BASE_URL": "https://dhr.example", "DHR_UPLOAD_SCAN": "off",
                      "DHR_REDIS_URL": "redis://127.0.0.1:6379/15",
                      "SQLALCHEMY_DATABASE_URI": database.url, "SESSION_COOKIE_SECURE": True,
                      "DHR_DEMO_ALLOWED": False})
    client = app.test_client()
    moved = client.get("/sign-in")
    assert moved.status_code == 302 and moved.headers["Location"].startswith("https://")
    secure = client.get("/sign-in", base_url="https://dhr.example")
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]
    assert "includeSubDomains" in secure.headers["Strict-Transport-Security"]


def test_what_people_type_is_shown_as_text_never_run(client, world):
    """There is no rich text: every field is plain text, escaped wherever it is shown."""
    from tests.factories import sign_in

    sign_in(client, "review_coordinator@alpha.test")
    base = f"/t/alpha/reviews/{world.reviews['alpha'][1].id}"
    client.post(f"{base}/panel-members", data={
        "agency": "<script>alert(1)</script>", "name": '<img src=x onerror="alert(2)">'})
    html = client.get(f"{base}/panel-members").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
