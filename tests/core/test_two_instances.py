"""Two gunicorn instances on different ports, sharing PostgreSQL and Redis: a session made
on one is honoured by the other, failed sign-ins counted on one lock the account on the
other, and signing out everywhere on one ends the session on both."""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager

import pyotp
import pytest

from tests.conftest import TARGET
from tests.e2e.server import BIN, ROOT, _free_port, _wait

REDIS = os.environ.get("DHR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PREFIX = "dhr-test-two-instances"


@contextmanager
def instance(database_url: str, tmp_path, name: str):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DHR_")}
    env.update(DHR_DATABASE_URL=database_url, DHR_REDIS_URL=REDIS, DHR_PASSWORD_HASH="fast",
               DHR_SECRET_KEY="two-instances-share-this-invented-test-key",
               DHR_INSTANCE_PATH=str(tmp_path / name), DHR_RATELIMIT_PREFIX=PREFIX)
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind",
                                f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


class Browser:
    """Cookies and CSRF tokens, so either instance can be spoken to like a browser."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, url: str, form_page: str, data: dict) -> int:
        _status, page = self.get(form_page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        try:
            with self.opener.open(url, data=body) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.skipif(TARGET != "postgresql", reason="instances share PostgreSQL and Redis")
def test_sessions_and_limits_hold_across_two_instances(database, world, tmp_path):
    import redis

    store = redis.Redis.from_url(REDIS)
    store.delete(*store.keys(f"*{PREFIX}*") or [b"none"])
    user = world.users[("alpha", "review_coordinator")]
    with ExitStack() as stack:
        a = stack.enter_context(instance(database.url, tmp_path, "a"))
        b = stack.enter_context(instance(database.url, tmp_path, "b"))
        person = Browser()
        assert person.post(f"{a}/sign-in", f"{a}/sign-in", {
            "email": user.email, "password": f"pw-{user.email}"}) == 302
        assert person.post(f"{a}/sign-in/code", f"{a}/sign-in/code", {
            "code": pyotp.TOTP(user.totp_secret).now()}) == 302
        assert person.get(f"{b}/t/alpha/")[0] == 200  # made on a, honoured by b

        intruder = Browser()
        target = world.users[("alpha", "viewer")].email
        tries = [intruder.post(f"{server}/sign-in", f"{server}/sign-in",
                               {"email": target, "password": "wrong"})
                 for server in (b, a, b, a, b)]
        assert tries == [400] * 5, tries
        assert intruder.post(f"{a}/sign-in", f"{a}/sign-in", {
            "email": target, "password": f"pw-{target}"}) == 429
        assert intruder.post(f"{b}/sign-in", f"{b}/sign-in", {
            "email": target, "password": f"pw-{target}"}) == 429

        stolen = Browser()  # a copy of the session cookie, as a thief would replay it
        for cookie in person.jar:
            stolen.jar.set_cookie(cookie)
        assert stolen.get(f"{a}/t/alpha/")[0] == 200
        assert person.post(f"{b}/account/sign-out-everywhere", f"{b}/account", {}) == 302
        assert stolen.get(f"{a}/t/alpha/")[0] == 302  # ended on a by the click on b
        assert stolen.get(f"{b}/t/alpha/")[0] == 302
    assert store.keys(f"*{PREFIX}*"), "the counts lived in the shared Redis"
    store.delete(*store.keys(f"*{PREFIX}*"))
