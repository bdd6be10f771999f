"""`make bench`: the service's speed on PostgreSQL, small and big, against a bare-Flask
ceiling. A benchmark, never a timed test: it prints numbers and writes them to
docs/performance.md; nothing fails because a number is slow.

1. PostgreSQL on 127.0.0.1:5432 (trust auth for ``postgres``, as .ci/run expects): an owner
   role runs the migrations, a NON-superuser app role without BYPASSRLS serves and builds,
   so row-level security is live throughout. One database per data size, kept between
   runs: a size already built is not built again (``--rebuild`` drops it).
2. Data: the invented demo (``flask dhr demo load``) plus ``flask dhr demo scale``: small is
   the 6 demo partnerships + 5 scale ones (11), big is 6 + 330 (336), 50 reviews each. The
   audit chain is verified after each build.
3. gunicorn serves each database exactly as ``make run`` does (2 workers, same flags) and a
   bare Flask app (bench/ceiling.py, 50 JSON rows) under the same settings.
4. For each URL: its SQL statements per request (bench/sqlcount.py), then wrk runs, one URL
   at a time, in rounds (A small, A big, B small, B big, ..., ceiling; the next round in
   the reverse order), so every URL sees the same conditions. Worker RSS before and after
   10,000 requests that alternate every URL.
5. The audit's cost under contention: 50 clients (wrk connections) over 50 partnerships,
   each partnership's coordinator with its own token reading a review's timeline and panel
   meetings (audited reads) and adding a panel meeting (an audited write), against the big
   data served twice, as is and with audit writes switched off (bench/audit_off.py), in
   alternating rounds.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DOC = ROOT / "docs" / "performance.md"
MARK = "<!-- results: bench/run.py inserts each run below this line, newest first -->"
OWNER, OWNER_PASSWORD = "dhr_bench_owner", "bench-owner"
APP, APP_PASSWORD = "dhr_bench_app", "bench-app"
ACCESS_LOG = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'  # as the Makefile's
AGENT = "dhr-bench"  # a session is bound to its user agent: sign-in and wrk send the same
DEMO_KEY = "DHRHUBDEMOINVENTEDKEYFORDEMOONLY"  # README: every demo account's invented key
SCALE = "scale-001"       # the measured partnership: identical in the small and big data
SMALL_TENANT = "warrington"  # a demo partnership with 8 reviews

# Targets, from the issue (reported as met or missed, never enforced).
PAGE_SHARE, BIG_SMALL, WRITE_STATEMENTS, RSS_GROWTH = 0.10, 1.10, 10, 0.05
AUDIT_SHARE = 0.8  # audit on ÷ audit off, 50 clients over 50 partnerships


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- PostgreSQL ----------------------------------------------------------------------------

@dataclass
class Postgres:
    host: str
    port: int

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            ["psql", "-h", self.host, "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-q", "-tA", "-c", sql],
            capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def url(self, role: str, password: str, database: str) -> str:
        return f"postgresql+psycopg://{role}:{password}@{self.host}:{self.port}/{database}"

    def roles(self) -> None:
        for role, password, extra in ((OWNER, OWNER_PASSWORD, ""),
                                      (APP, APP_PASSWORD, " NOCREATEDB NOCREATEROLE")):
            if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
                self.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER "
                          f"NOBYPASSRLS{extra}")

    def database(self, name: str, rebuild: bool) -> bool:
        """Make the database if missing; True if it is new (empty)."""
        exists = bool(self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
        if exists and rebuild:
            self.psql(f"DROP DATABASE {name} WITH (FORCE)")
            exists = False
        if not exists:
            self.psql(f"CREATE DATABASE {name} OWNER {OWNER}")
            self.psql(f"GRANT USAGE ON SCHEMA public TO {APP}", database=name)
        return not exists

    def version(self) -> str:
        return self.psql("SHOW server_version")


# --- data ----------------------------------------------------------------------------------

@dataclass
class Dataset:
    label: str       # small | big
    tenants: int     # scale partnerships (the 6 demo ones come on top)
    reviews: int
    pg: Postgres
    build: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    urls: list[Url] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"dhr_bench_{self.tenants}x{self.reviews}"

    @property
    def instance(self) -> Path:  # secret key, blobs, sign-in counts: the server's too
        return ROOT / "instance" / f"bench-{self.tenants}x{self.reviews}"

    def env(self, role: str = "app") -> dict[str, str]:
        env = dict(os.environ)
        for name in [k for k in env if k.startswith("DHR_")]:
            del env[name]  # nothing of the caller's setup leaks in
        owner = role == "owner"
        env.update(
            FLASK_APP="wsgi", DHR_ENV="development", DHR_DB_APP_ROLE=APP,
            DHR_INSTANCE_PATH=str(self.instance),
            DHR_DATABASE_URL=self.pg.url(OWNER if owner else APP,
                                         OWNER_PASSWORD if owner else APP_PASSWORD, self.name))
        return env

    def flask(self, *args: str, role: str = "app") -> str:
        done = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=self.env(role),
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(args)} failed ({self.label}):\n"
                             f"{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self, rebuild: bool) -> None:
        stamp = self.instance / "built.json"
        if not stamp.exists():  # never built, or a build that did not finish: start afresh
            rebuild = True
        elif not rebuild:
            built_with = json.loads(stamp.read_text()).get("migrations") or {"?": ""}
            edited = _edited_migrations(built_with)
            if edited:  # a migration it was built with has changed since: build afresh
                log(f"{self.label}: {', '.join(edited)} changed since the build: rebuilding")
                rebuild = True
        fresh = self.pg.database(self.name, rebuild)
        if fresh or rebuild:
            shutil.rmtree(self.instance, ignore_errors=True)
        self.instance.mkdir(parents=True, exist_ok=True)
        log(f"{self.label}: migrating {self.name} as {OWNER}")
        self.flask("db", "upgrade", role="owner")  # a kept database gets new migrations too
        if stamp.exists():
            self.build = json.loads(stamp.read_text())
            log(f"{self.label}: {self.name} already built "
                f"({self.build['seconds']:.0f} s on {self.build['date']}), kept")
            return
        started = time.monotonic()
        log(f"{self.label}: demo load as {APP} (row-level security on)")
        self.flask("dhr", "demo", "load")
        log(f"{self.label}: demo scale --tenants {self.tenants} "
            f"--reviews-per-tenant {self.reviews}")
        scale = self.flask("dhr", "demo", "scale", "--tenants", str(self.tenants),
                           "--reviews-per-tenant", str(self.reviews)).strip().splitlines()[-1]
        seconds = time.monotonic() - started
        log(f"{self.label}: {scale}; verifying the audit chain")
        verified = self.flask("dhr", "audit", "verify").strip()
        counts = self.pg.psql(
            "SELECT (SELECT count(*) FROM tenants) || ' partnerships, ' || "
            "(SELECT count(*) FROM reviews) || ' reviews, ' || "
            "(SELECT count(*) FROM timeline_events) || ' timeline events, ' || "
            "(SELECT count(*) FROM audit_events) || ' audit events'", database=self.name)
        self.build = {"seconds": seconds, "date": date.today().isoformat(), "scale": scale,
                      "verify": verified, "counts": counts, "migrations": _migrations()}
        stamp.write_text(json.dumps(self.build, indent=1))
        log(f"{self.label}: {verified}; {counts}")

    def credentials(self) -> None:
        for slug in (SCALE, SMALL_TENANT):
            self.tokens[slug] = self.flask("dhr", "tokens", "create", f"coordinator@{slug}.example",
                                           slug, "--name", "bench").strip()


def _migrations() -> dict[str, str]:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ROOT / "migrations" / "versions").glob("*.py"))}


def _edited_migrations(built_with: dict[str, str]) -> list[str]:
    """Migrations applied at the build that have changed or gone since (new ones are fine:
    `flask db upgrade` applies them to the kept database)."""
    now = _migrations()
    return [name for name, digest in built_with.items() if now.get(name) != digest]


# --- serving -------------------------------------------------------------------------------

def gunicorn(app: str, port: int, env: dict[str, str], logfile: Path) -> subprocess.Popen:
    """The service as `make run` serves it (2 workers, same bind host and log format)."""
    out = logfile.open("wb")
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "-", "--access-logformat", ACCESS_LOG, app],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(port: int, path: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped (see its log)")
        try:
            status, _h, _b = fetch(port, "GET", path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer")


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def workers(process: subprocess.Popen) -> list[int]:
    path = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return sorted(int(p) for p in path.read_text().split())


def rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:  # the worker is gone
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fetch(port: int, method: str, path: str, headers: dict | None = None,
          body: bytes | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body,
                           headers={"User-Agent": AGENT, **(headers or {})})
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        headers["set-cookie"] = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        return response.status, headers, response.read()
    finally:
        connection.close()


def sign_in(port: int, email: str, password: str) -> str:
    """Both steps of the sign-in; returns the Cookie header of the signed-in session."""
    import pyotp

    jar: dict[str, str] = {}

    def call(method, path, form=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, got, content = fetch(port, method, path, headers, body)
        for cookie in got["set-cookie"]:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            jar[name.strip()] = value
        return status, got, content.decode(errors="replace")

    def token(html: str) -> str:
        for tag in re.findall(r"<input[^>]+>", html):
            if 'name="csrf_token"' in tag:
                found = re.search(r'value="([^"]+)"', tag)
                return found.group(1) if found else ""
        return ""

    _s, _h, page = call("GET", "/sign-in")
    status, got, _p = call("POST", "/sign-in", {"email": email, "password": password,
                                                "csrf_token": token(page)})
    if status != 302 or "/sign-in/code" not in got.get("location", ""):
        raise SystemExit(f"sign-in refused the password of {email} ({status})")
    _s, _h, page = call("GET", "/sign-in/code")
    status, got, _p = call("POST", "/sign-in/code", {
        "code": pyotp.TOTP(DEMO_KEY).now(), "csrf_token": token(page)})
    if status != 302:
        raise SystemExit(f"sign-in refused the code of {email} ({status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# --- what is measured ----------------------------------------------------------------------

@dataclass
class Url:
    key: str
    label: str
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""
    expect: int = 200
    tenant_page: bool = True  # judged against the ceiling (not the ceiling itself)
    statements: int | None = None
    runs: list[dict] = field(default_factory=list)


def urls_for(ds: Dataset) -> list[Url]:
    bearer = {"Authorization": f"Bearer {ds.tokens[SCALE]}"}
    status, _h, body = fetch(ds.port, "GET", f"/api/v1/t/{SCALE}/reviews", bearer)
    reviews = sorted(json.loads(body), key=lambda r: r["reference"]) if status == 200 else []
    _s, _h, board = fetch(ds.port, "GET", f"/api/v1/t/{SCALE}/dashboard", bearer)
    held = set(json.loads(board).get("on_hold", []))
    own = [r for r in reviews if r["reference"].startswith("S001-")]
    page = next((r for r in own if r["stage"] == "monitoring"), own[0] if own else None)
    write = next((r for r in own if r["stage"] == "evidence" and r["reference"] not in held),
                 None)
    if page is None or write is None:
        raise SystemExit(f"{ds.label}: {SCALE} has no review to measure: was it built?")
    cookie = {"Cookie": ds.cookies["coordinator"]}
    t = f"/t/{SCALE}"
    api = f"/api/v1/t/{SCALE}"
    meeting = json.dumps({"held_on": date.today().isoformat(),
                          "summary": "Benchmark panel meeting (invented)."})
    return [
        Url("dashboard", f"tenant dashboard page {t}/", "GET", f"{t}/", cookie),
        Url("dashboard_api", f"dashboard API {api}/dashboard", "GET", f"{api}/dashboard",
            bearer),
        Url("dashboard_api_8", f"dashboard API, {SMALL_TENANT} (8 reviews)", "GET",
            f"/api/v1/t/{SMALL_TENANT}/dashboard",
            {"Authorization": f"Bearer {ds.tokens[SMALL_TENANT]}"}),
        Url("review", f"review page ({page['reference']}, {page['stage']})", "GET",
            f"{t}/reviews/{page['id']}", cookie),
        Url("reviews_api", f"review list API {api}/reviews", "GET", f"{api}/reviews", bearer),
        Url("admin", "regional admin home /admin/ (greater-manchester)", "GET", "/admin/",
            {"Cookie": ds.cookies["regional"]}),
        Url("timeline", f"timeline page ({page['reference']})", "GET",
            f"{t}/reviews/{page['id']}/timeline", cookie),
        Url("published", f"published page {t}/published", "GET", f"{t}/published", {}),
        Url("write", f"record write: POST panel meeting ({write['reference']})", "POST",
            f"{api}/reviews/{write['id']}/panel-meetings",
            {**bearer, "Content-Type": "application/json"}, meeting, expect=201),
    ]


def audit_mix(ds: Dataset, partnerships: int) -> list[str]:
    """The audit comparison's requests (bench/wrk.lua's BENCH_MIX lines): for each of the
    first ``partnerships`` scale partnerships, with its own coordinator's token, its review
    timeline and panel meetings read (both audited) and a panel meeting added. Interleaved,
    so consecutive requests are for different partnerships."""
    slugs = [f"scale-{n:03d}" for n in range(1, partnerships + 1)]
    done = subprocess.run([str(BIN / "python"), "-m", "bench.tokens", *slugs], cwd=ROOT,
                          env=ds.env(), capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench.tokens failed: {done.stdout}\n{done.stderr}")
    tokens = dict(line.split("\t", 1) for line in done.stdout.split("\n") if "\t" in line)
    body = json.dumps({"held_on": date.today().isoformat(),
                       "summary": "Benchmark panel meeting (invented)."})
    reads, writes = [], []
    for slug in slugs:
        bearer = f"Authorization: Bearer {tokens[slug]}|User-Agent: {AGENT}"
        api = f"/api/v1/t/{slug}"
        status, _h, listed = fetch(ds.port, "GET", f"{api}/reviews",
                                   {"Authorization": f"Bearer {tokens[slug]}"})
        reviews = sorted(json.loads(listed), key=lambda r: r["reference"]) \
            if status == 200 else []
        own = [r for r in reviews if r["reference"].startswith("S")]
        if not own:
            raise SystemExit(f"{ds.label}: {slug} has no review for the audit comparison")
        review = next((r for r in own if r["stage"] == "evidence"), own[0])
        rid = review["id"]
        reads.append(f"GET\t{api}/reviews/{rid}/timeline\t{bearer}\t")
        reads.append(f"GET\t{api}/reviews/{rid}/panel-meetings\t{bearer}\t")
        writes.append(f"POST\t{api}/reviews/{rid}/panel-meetings\t{bearer}"
                      f"|Content-Type: application/json\t{body}")
    half = len(reads) // 2
    return [line for trio in zip(reads[:half], reads[half:], writes, strict=True)
            for line in trio]


def audit_run(port: int, mix: str, seconds: int, connections: int) -> dict:
    env = dict(os.environ, BENCH_MIX=mix)
    return _wrk(["-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                 f"http://127.0.0.1:{port}/"], env)


def count_statements(ds: Dataset) -> None:
    for url in ds.urls:
        for _ in range(3):  # the last of a few, once caches are warm
            status, headers, _b = fetch(ds.port, url.method, url.path, url.headers,
                                        url.body.encode() or None)
        if status != url.expect:
            raise SystemExit(f"{ds.label}: {url.method} {url.path} answered {status}, "
                             f"not {url.expect}")
        url.statements = int(headers.get("x-sql-statements", -1))


def wrk(port: int, url: Url, seconds: float, connections: int) -> dict:
    env = dict(os.environ, BENCH_METHOD=url.method, BENCH_BODY=url.body,
               BENCH_EXPECT=str(url.expect),
               BENCH_HEADERS="\n".join(f"{k}: {v}" for k, v in
                                       {"User-Agent": AGENT, **url.headers}.items()))
    return _wrk(["-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                 f"http://127.0.0.1:{port}{url.path}"], env)


def _wrk(args: list[str], env: dict) -> dict:
    done = subprocess.run(["wrk", "-s", str(ROOT / "bench" / "wrk.lua"), *args],
                          capture_output=True, text=True, env=env)
    line = next((x for x in done.stdout.splitlines() if x.startswith("{")), None)
    if done.returncode or line is None:
        raise SystemExit(f"wrk failed: {done.stdout}\n{done.stderr}")
    return json.loads(line)


def mixed(ds: Dataset, requests: int, connections: int) -> int:
    """At least ``requests`` requests alternating every URL (for the RSS measurement), in
    runs of a few seconds (wrk has no request count); returns how many were made."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        for url in ds.urls:
            headers = "|".join(f"{k}: {v}" for k, v in {"User-Agent": AGENT,
                                                          **url.headers}.items())
            handle.write(f"{url.method}\t{url.path}\t{headers}\t{url.body}\n")
    made = 0
    try:
        env = dict(os.environ, BENCH_MIX=handle.name)
        while made < requests:
            run = _wrk(["-t1", f"-c{connections}", "-d5s", "--timeout", "30s",
                        f"http://127.0.0.1:{ds.port}/"], env)
            if run["unexpected_status"] or run["socket_errors"]:
                log(f"WARNING {ds.label}: {run['unexpected_status']} unexpected answers, "
                    f"{run['socket_errors']} socket errors in the RSS run")
            made += run["requests"]
    finally:
        os.unlink(handle.name)
    return made


def summary(runs: list[dict]) -> dict:
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    return {"rps": requests / seconds if seconds else 0.0, "requests": requests,
            "p50": statistics.median(r["p50_us"] for r in runs) / 1000,
            "p99": statistics.median(r["p99_us"] for r in runs) / 1000,
            "mean": sum(r["mean_us"] * r["requests"] for r in runs) / max(requests, 1) / 1000,
            "unexpected": sum(r["unexpected_status"] + r["socket_errors"] for r in runs)}


# --- the machine and the report ------------------------------------------------------------

def machine(pg: Postgres) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                   .splitlines() if line.startswith("MemTotal:")), 0)
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True,
                                 text=True).stdout.split("\n")[0].split(" Copyright")[0]
    gunicorn_version = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True,
                                      text=True).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "code": f"commit {head}" + (" with uncommitted changes" if dirty else ""),
            "cpus": os.cpu_count(), "cpu": cpu, "memory": f"{memory / 1024 / 1024:.1f} GiB",
            "postgresql": pg.version(), "python": platform.python_version(),
            "kernel": platform.release(), "gunicorn": gunicorn_version, "wrk": wrk_version,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(args, host: dict, small: Dataset, big: Dataset, ceiling: dict,
           rss: dict, audit: dict) -> str:
    c = ceiling["rps"]
    lines = [
        f"### {host['date']}: small {6 + small.tenants} partnerships, big "
        f"{6 + big.tenants} partnerships, {big.reviews} reviews each",
        "",
        f"Machine: {host['cpus']} CPUs ({host['cpu']}), {host['memory']} memory, PostgreSQL "
        f"{host['postgresql']}, Python {host['python']}, {host['gunicorn']}, "
        f"{host['wrk']}, Linux {host['kernel']}; load average at the start {host['load']}. "
        f"Code: {host['code']}.",
        f"Load: wrk, 1 thread, {args.connections} connections, {args.seconds} s per URL per "
        f"round, {args.rounds} rounds alternating every URL, small and big; gunicorn "
        f"2 sync workers for each (as `make run`). req/s over all rounds; p50 and p99 the "
        f"median of the rounds'; big/small the median of each round's big p50 ÷ small p50; "
        f"load average at the end {os.getloadavg()[0]:.2f}.",
        "",
    ]
    for ds in (small, big):
        b = ds.build
        lines.append(f"- {ds.label}: {b.get('counts', '?')}; built in "
                     f"{b.get('seconds', 0):.0f} s on {b.get('date', '?')} "
                     f"({b.get('scale', '')}); {b.get('verify', '')} after the build.")
    lines += [
        "",
        f"Ceiling (bare Flask, 50 JSON rows): **{c:.0f} req/s**, p50 {ceiling['p50']:.1f} ms, "
        f"p99 {ceiling['p99']:.1f} ms.",
        "",
        "| URL | small req/s | small p50 ms | small p99 ms | big req/s | big p50 ms "
        "| big p99 ms | big ÷ ceiling | big/small p50 | SQL small | SQL big |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    checks = []
    for s_url, b_url in zip(small.urls, big.urls, strict=True):
        s, b = summary(s_url.runs), summary(b_url.runs)
        share = b["rps"] / c if c else 0
        # each round measures small and big next to each other: the median of those pairs'
        # ratios is steadier than a ratio of medians on a busy machine
        ratio = statistics.median(big_run["p50_us"] / max(small_run["p50_us"], 1)
                                  for small_run, big_run in zip(s_url.runs, b_url.runs,
                                                                strict=True))
        flag = " ⚠ unexpected answers" if s["unexpected"] or b["unexpected"] else ""
        lines.append(
            f"| {b_url.label}{flag} | {s['rps']:.1f} | {s['p50']:.1f} | {s['p99']:.1f} | "
            f"{b['rps']:.1f} | {b['p50']:.1f} | {b['p99']:.1f} | {share:.3f} | {ratio:.2f} | "
            f"{s_url.statements} | {b_url.statements} |")
        checks.append((b_url, share, ratio, s_url.statements, b_url.statements))
    lines += ["", "Targets (for reference; nothing fails on them):", ""]
    for url, share, ratio, s_count, b_count in checks:
        parts = [f"≥ {PAGE_SHARE:.2f} × ceiling: {verdict(share >= PAGE_SHARE)} ({share:.3f})",
                 f"big/small ≤ {BIG_SMALL:.2f}: {verdict(ratio <= BIG_SMALL)} ({ratio:.2f})",
                 f"same statements small and big: {verdict(s_count == b_count)} "
                 f"({s_count} / {b_count})"]
        if url.key == "write":
            parts.append(f"under {WRITE_STATEMENTS} statements: "
                         f"{verdict(b_count is not None and b_count < WRITE_STATEMENTS)}")
        lines.append(f"- {url.key}: " + "; ".join(parts))
    for label, (before, after, requests) in rss.items():
        growth = [(a - b) / b for b, a in zip(before, after, strict=True) if b]
        worst = max(growth) if growth else 0
        lines.append(
            f"- worker RSS ({label}), before → after {requests} requests alternating every "
            f"URL: " + ", ".join(f"{b / 1024:.1f} → {a / 1024:.1f} MiB"
                                 for b, a in zip(before, after, strict=True))
            + f"; growth under {RSS_GROWTH:.0%}: {verdict(worst < RSS_GROWTH)} "
            f"({worst:+.1%})")
    if audit:
        on, off = summary(audit["on"]), summary(audit["off"])
        share = on["rps"] / off["rps"] if off["rps"] else 0
        flag = " ⚠ unexpected answers" if on["unexpected"] or off["unexpected"] else ""
        lines.append(
            f"- audit under contention ({audit['clients']} clients over "
            f"{audit['partnerships']} partnerships, big data, {len(audit['on'])} rounds of "
            f"{args.seconds} s each way): audit on {on['rps']:.1f} req/s (p50 {on['p50']:.1f} "
            f"ms, p99 {on['p99']:.1f} ms), audit writes off {off['rps']:.1f} req/s (p50 "
            f"{off['p50']:.1f} ms, p99 {off['p99']:.1f} ms); on ÷ off ≥ {AUDIT_SHARE}: "
            f"{verdict(share >= AUDIT_SHARE)} ({share:.2f}){flag}")
    lines.append("")
    return "\n".join(lines)


def write_doc(text: str) -> None:
    current = DOC.read_text() if DOC.exists() else f"# Performance\n\n{MARK}\n"
    if MARK not in current:
        current = current.rstrip() + f"\n\n{MARK}\n"
    head, tail = current.split(MARK, 1)
    DOC.write_text(f"{head}{MARK}\n\n{text}\n{tail.lstrip()}")


# --- the run -------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-tenants", type=int, default=int(env("BENCH_SMALL", 5)),
                        help="scale partnerships in the small data (plus the 6 demo ones)")
    parser.add_argument("--big-tenants", type=int, default=int(env("BENCH_BIG", 330)),
                        help="scale partnerships in the big data (plus the 6 demo ones)")
    parser.add_argument("--reviews", type=int, default=int(env("BENCH_REVIEWS", 50)),
                        help="reviews per scale partnership")
    parser.add_argument("--seconds", type=int, default=int(env("BENCH_SECONDS", 5)),
                        help="seconds per URL per round")
    parser.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS", 3)))
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", 4)))
    parser.add_argument("--rss-requests", type=int, default=int(env("BENCH_RSS", 10000)))
    parser.add_argument("--audit-partnerships", type=int,
                        default=int(env("BENCH_AUDIT_PARTNERSHIPS", 50)),
                        help="partnerships in the audit comparison (0: none)")
    parser.add_argument("--audit-clients", type=int, default=int(env("BENCH_AUDIT_CLIENTS", 50)))
    parser.add_argument("--port", type=int, default=int(env("BENCH_PORT", 8100)),
                        help="first of four ports (ceiling, small, big, big audit off)")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the data")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs Debian's wrk")
    pg = Postgres(env("BENCH_PGHOST", "127.0.0.1"), int(env("BENCH_PGPORT", 5432)))
    if subprocess.run(["pg_isready", "-h", pg.host, "-p", str(pg.port), "-t", "15"],
                      capture_output=True).returncode:
        raise SystemExit(f"PostgreSQL is not reachable on {pg.host}:{pg.port}")
    pg.roles()
    host = machine(pg)
    small = Dataset("small", args.small_tenants, args.reviews, pg)
    big = Dataset("big", args.big_tenants, args.reviews, pg)
    for ds in (small, big):
        ds.prepare(args.rebuild)
        ds.credentials()
    logs = ROOT / "instance" / "bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    ceiling_url = Url("ceiling", "ceiling: bare Flask, 50 JSON rows", "GET", "/rows", {},
                      tenant_page=False)
    ceiling_env = {k: v for k, v in os.environ.items() if not k.startswith("DHR_")}
    ceiling_proc = quiet_proc = None
    audit: dict = {}
    try:
        ceiling_proc = gunicorn("bench.ceiling:app", args.port, ceiling_env,
                                logs / "ceiling.log")
        for n, ds in enumerate((small, big), start=1):
            ds.port = args.port + n
            server_env = dict(ds.env(), DHR_BENCH_COUNT_SQL="1",
                              DHR_IDLE_SECONDS="86400")  # wrk resends one cookie throughout
            ds.process = gunicorn("bench.wsgi:app", ds.port, server_env,
                                  logs / f"{ds.label}.log")
        wait_ready(args.port, "/rows", ceiling_proc)
        for ds in (small, big):
            wait_ready(ds.port, "/healthz", ds.process)
            ds.cookies["coordinator"] = sign_in(ds.port, f"coordinator@{SCALE}.example",
                                                "demo-scale")
            ds.cookies["regional"] = sign_in(ds.port, "regional@greater-manchester.example",
                                             "demo-greater-manchester")
            ds.urls = urls_for(ds)
            count_statements(ds)
            log(f"{ds.label}: SQL statements per request: " +
                ", ".join(f"{u.key} {u.statements}" for u in ds.urls))
        rss = {}
        for ds in (big,) if not env("BENCH_RSS_BOTH") else (small, big):
            for url in ds.urls:  # warm every worker on every URL
                wrk(ds.port, url, 1, args.connections)
            pids = workers(ds.process)
            before = [rss_kib(p) for p in pids]
            log(f"{ds.label}: {args.rss_requests} requests alternating every URL for RSS")
            made = mixed(ds, args.rss_requests, args.connections)
            if workers(ds.process) != pids:
                log(f"WARNING {ds.label}: a worker was replaced during the RSS run")
            after = [rss_kib(p) for p in pids]
            rss[f"{ds.label}, {len(pids)} workers"] = (before, after, made)
        order = [(None, ceiling_url)]
        for s_url, b_url in zip(small.urls, big.urls, strict=True):
            order += [(small, s_url), (big, b_url)]
        for r in range(args.rounds):
            log(f"round {r + 1}/{args.rounds}")
            for ds, url in (order if r % 2 == 0 else list(reversed(order))):
                port = args.port if ds is None else ds.port
                url.runs.append(wrk(port, url, args.seconds, args.connections))
        partnerships = min(args.audit_partnerships, big.tenants)
        if partnerships:
            quiet_port = args.port + 3
            quiet_proc = gunicorn("bench.wsgi:app", quiet_port,
                                  dict(big.env(), DHR_BENCH_COUNT_SQL="1",
                                       DHR_BENCH_AUDIT_OFF="1"), logs / "big-audit-off.log")
            wait_ready(quiet_port, "/healthz", quiet_proc)
            log(f"audit comparison: {args.audit_clients} clients over {partnerships} "
                f"partnerships, audit on and off")
            with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
                handle.write("\n".join(audit_mix(big, partnerships)) + "\n")
            audit = {"on": [], "off": [], "clients": args.audit_clients,
                     "partnerships": partnerships}
            try:
                for r in range(args.rounds):
                    sides = [("on", big.port), ("off", quiet_port)]
                    for side, port in (sides if r % 2 == 0 else list(reversed(sides))):
                        audit[side].append(audit_run(port, handle.name, args.seconds,
                                                     args.audit_clients))
            finally:
                os.unlink(handle.name)
        for ds in (small, big):  # every session and token still worked to the end
            for url in ds.urls:
                if url.method == "GET":
                    status, _h, _b = fetch(ds.port, "GET", url.path, url.headers)
                    if status != url.expect:
                        log(f"WARNING {ds.label} {url.path} answers {status} at the end")
    finally:
        for process in (ceiling_proc, small.process, big.process, quiet_proc):
            stop(process)
    text = report(args, host, small, big, summary(ceiling_url.runs), rss, audit)
    print(text)
    if not args.no_doc:
        write_doc(text)
        log(f"written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
