"""Reflow (WCAG 2.2 success criterion 1.4.10, https://www.w3.org/TR/WCAG22/#reflow): no page
scrolls sideways at 320 CSS pixels (a 1280 px screen zoomed to 400 %), nor at 1280 px; and
every page passes axe-core at both widths, in English and in Welsh (issue 14).

Each person (a coordinator, the chair, a CSP admin, a regional admin, the public) crawls the
pages they can reach from where they land, following the links of each page's navigation
and main area; one page of each kind is visited (the URL with its ids taken out), the first
time it is met. A review with a 10,000-character word in its records proves long words
wrap. A table wider than the page scrolls in its own region, reached with Tab and scrolled
with the arrow keys; with JavaScript off the widest pages still fit 320 px. One server and
one browser serve the whole run; its time is printed (about 70 s for 60 pages, 4 checks
each, on a quiet machine, after the server's start)."""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from tests.e2e.journey import TENANT, Visitor, day, notify
from tests.e2e.test_keyboard import tab_to

WIDTHS = (1280, 320)
LANGS = ("en", "cy")
# 10,000 characters with no space or hyphen: the "120,000 px wide" page
LONG_WORD = "Invented" + "x" * 9992
assert len(LONG_WORD) == 10_000
_ID = re.compile(r"/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)(?=/|$)"
                 r"|(?<=^/admin/tenants)/[^/]+|(?<=/published)/[^/]+(?=/request$)")
# links that download a file or leave the service, not pages to read
_NOT_A_PAGE = re.compile(r"/versions/\d+$|/bundle|/published/[^/]+/(?!request$)[a-z_]+$"
                         r"|/published/logo"
                         r"|\.(csv|xlsx|docx|pdf|zip|json)$|/(export|download)s?(/|$)"
                         r"|format=|/api/|/sign-out|/healthz|/static/")


def kind_of(path: str) -> str:
    """The page's kind: its path with ids taken out (one of each kind is visited)."""
    return _ID.sub("/{id}", urlsplit(path).path)


def _links(page) -> list[str]:
    return page.eval_on_selector_all(
        ".govuk-service-navigation a[href], main a[href]",
        "els => els.map(e => e.getAttribute('href'))")


def _too_wide(page) -> dict | None:
    """The page's width against the viewport's, with what sticks out, if wider."""
    return page.evaluate("""() => {
        const width = document.documentElement.scrollWidth, view = window.innerWidth
        if (width <= view) return null
        const culprits = [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > view + 1)
          .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > view + 1))
          .slice(0, 4).map(e => e.outerHTML.slice(0, 100))
        return {width, view, culprits}
    }""")


class Crawl:
    """Pages checked at every width and in every language, shared by everyone's walks."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.checked = 0
        self.wide: dict[str, dict] = {}
        self.violations: dict[str, list[str]] = {}
        self.broken: dict[str, int] = {}

    def check_here(self, person: Visitor, label: str) -> None:
        for width in WIDTHS:
            person.page.set_viewport_size({"width": width, "height": 900})
            # two frames: the tables' regions notice the new width (core/static/tables.js)
            person.page.evaluate("() => new Promise(done => requestAnimationFrame("
                                 "() => requestAnimationFrame(done)))")
            found = _too_wide(person.page)
            if found:
                self.wide[f"{label} at {width} px"] = found
            person.violations.clear()
            person.check()  # axe-core, lang, one h1, no script or CSP error
            for url, problems in person.violations.items():
                self.violations[f"{url} at {width} px"] = problems
            self.checked += 1

    def walk(self, person: Visitor, starts: list[str], limit: int = 60) -> list[str]:
        """Visit each new kind of page reachable from ``starts``, breadth first; check it in
        every language at every width. Returns the paths visited."""
        queue, visited = list(starts), []
        person.check_width = False  # measured here, with what sticks out
        while queue and len(visited) < limit:
            path = queue.pop(0)
            if kind_of(path) in self.seen or _NOT_A_PAGE.search(path):
                continue
            self.seen.add(kind_of(path))
            for lang in LANGS:
                response = person.page.goto(_with_lang(path, lang))
                status = response.status if response else 0
                if status >= 400:
                    self.broken[path] = status
                    break
                person.lang = lang
                self.check_here(person, f"{path} ({lang})")
            else:
                visited.append(path)
                origin = urlsplit(person.page.url)
                for href in _links(person.page):
                    target = urlsplit(href)
                    if target.netloc and target.netloc != origin.netloc:
                        continue
                    if target.path and kind_of(target.path) not in self.seen:
                        queue.append(target.path)
        if visited:  # back to English, where the next walk starts
            person.page.goto(_with_lang(visited[-1], "en"))
            person.lang = "en"
        return visited


def _with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def test_no_page_is_wider_than_the_viewport_and_every_page_passes_axe(new_page, browser,
                                                                       base_url):
    started = time.monotonic()
    crawl = Crawl()

    coordinator = Visitor(new_page(), "en")
    coordinator.sign_in("coordinator")
    review = notify(coordinator, "Adult W " + "y" * 90)  # the longest word a pseudonym takes
    long_records(coordinator, review)
    visited = crawl.walk(coordinator, [f"/t/{TENANT}/", review, f"/t/{TENANT}/reviews/new",
                                       f"{review}/steps/scoping", "/account", "/"])
    # a review further on: its own pages (publication, Home Office, monitoring) are met too
    coordinator.goto(f"/t/{TENANT}/")
    reviews = _review_paths(coordinator)
    visited += crawl.walk(coordinator, reviews + harvest(coordinator, reviews))

    a_table_region_scrolls_with_the_keyboard(coordinator)
    crawl.wide.update(without_javascript(browser, base_url, coordinator, review))

    chair = Visitor(new_page(), "en")
    chair.sign_in("chair")
    # a subject access request, so that its page is met too (the long word as the terms)
    chair.goto(f"/t/{TENANT}/subject-access")
    chair.page.fill("#requester", "Invented requester " + LONG_WORD[:150])
    chair.page.fill("#terms", LONG_WORD[:1500])
    chair.date("received_on", day(-2))
    chair.submit()
    visited += crawl.walk(chair, [f"/t/{TENANT}/subject-access", f"/t/{TENANT}/", review])

    admin = Visitor(new_page(), "en")
    admin.sign_in("admin")
    visited += crawl.walk(admin, [f"/t/{TENANT}/members", f"/t/{TENANT}/branding",
                                  f"/t/{TENANT}/audit", f"/t/{TENANT}/guidance-rules",
                                  f"/t/{TENANT}/policies", f"/t/{TENANT}/tokens", "/"])

    regional = Visitor(new_page(), "en")
    regional.sign_in("regional", "regional@greater-manchester.example",
                     "demo-greater-manchester")
    visited += crawl.walk(regional, ["/admin/", f"/admin/tenants/{TENANT}/policies"])

    public = Visitor(new_page(), "en")
    visited += crawl.walk(public, [f"/t/{TENANT}/published", "/accessibility", "/sign-in",
                                   "/forgotten-password"])

    seconds = time.monotonic() - started
    print(f"reflow: {len(visited)} pages, {crawl.checked} checks (each page at "
          f"{len(WIDTHS)} widths in {len(LANGS)} languages) in {seconds:.0f} s")
    print("\n".join(sorted(crawl.seen)))
    assert len(visited) >= 30, visited
    problems = {"pages that failed": crawl.broken, "wider than the viewport": crawl.wide,
                "axe-core": crawl.violations}
    for heading, found in problems.items():
        for where, what in found.items():
            print(f"{heading}: {where}: {what}")
    assert not any(problems.values()), {k: sorted(v) for k, v in problems.items()}


def harvest(person: Visitor, reviews: list[str]) -> list[str]:
    """Links from the demo's reviews at every stage (their steps, documents, records), read
    without checking: the walk then checks the kinds of page not met yet."""
    found = []
    for review in reviews:
        for path in (review, f"{review}/documents"):
            person.page.goto(path)
            found += [h for h in _links(person.page) if h and h.startswith("/")]
    return list(dict.fromkeys(found))


def _review_paths(person: Visitor) -> list[str]:
    """The dashboard's reviews, latest stage first as the dashboard lists them."""
    hrefs = person.page.eval_on_selector_all(
        "main a[href*='/reviews/']", "els => els.map(e => e.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if re.search(r"/reviews/[0-9a-f-]{36}$", h)]


def long_records(coordinator: Visitor, review: str) -> None:
    """Records with the 10,000-character word, through the forms."""
    coordinator.add_record(review, "panel-members", {"agency": "Police", "name": LONG_WORD[:200]})
    coordinator.add_record(review, "recommendations", {
        "text": LONG_WORD, "scope": ("select", "multi_agency"),
        "addressed_to": LONG_WORD[:200], "level": ("select", "local")})
    coordinator.goto(f"{review}/actions")
    coordinator.page.select_option("#recommendation_id", index=1)
    coordinator.page.fill("#description", LONG_WORD)
    coordinator.page.fill("#owner", LONG_WORD[:200])
    coordinator.date("due_on", day(-3))  # overdue: on the tracker and the dashboard too
    coordinator.submit()
    assert LONG_WORD[:50] in coordinator.page.locator("main").inner_text()


def a_table_region_scrolls_with_the_keyboard(person: Visitor) -> None:
    """At 320 px the action tracker's table is wider than the page: it scrolls in its own
    region, which Tab reaches (it is named) and the arrow keys scroll."""
    page = person.page
    page.set_viewport_size({"width": 320, "height": 900})
    person.goto(f"/t/{TENANT}/actions")
    region = ".dhr-scroll-region[tabindex='0']"
    assert page.locator(region).count() >= 1, "no table scrolls in a focusable region"
    assert page.evaluate(f"""() => {{
        const r = document.querySelector("{region}")
        return (r.getAttribute('role') === 'region') &&
               !!(r.getAttribute('aria-label') || r.getAttribute('aria-labelledby')) }}""")
    tab_to(page, region, limit=200)
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    # (keyboard scrolling is smooth: wait for it to move)
    page.wait_for_function(f"() => document.querySelector(\"{region}\").scrollLeft > 0",
                           timeout=3000)
    page.set_viewport_size({"width": 1280, "height": 900})


def without_javascript(browser, base_url: str, person: Visitor, review: str) -> dict:
    """The stylesheet alone keeps the widest pages inside 320 px (no script puts their tables
    in regions): the same session, in a browser context with JavaScript off."""
    context = browser.new_context(base_url=base_url, java_script_enabled=False,
                                  storage_state=person.page.context.storage_state(),
                                  viewport={"width": 320, "height": 900})
    page, wide = context.new_page(), {}
    try:
        for path in (f"/t/{TENANT}/", f"/t/{TENANT}/actions", review, f"{review}/actions",
                     f"{review}/recommendations", f"/t/{TENANT}/board-report"):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            found = _too_wide(page)
            if found:
                wide[f"{path} without JavaScript at 320 px"] = found
    finally:
        context.close()
    return wide
