"""A whole review, notification to publication, through the pages as people use them.

Every page the journey lands on is checked by axe-core and for the language asked for.
Selectors use ids and URLs, never visible text, so the same walk runs in English and Welsh.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyotp

from core.demo import DEMO_TOTP_SECRET
from tests.e2e.browser import axe_violations

TENANT = "bolton"  # a demo partnership that runs no local policy
PASSWORD = f"demo-{TENANT}"
_LAST_STEP: dict[str, int] = {}


def demo_code(email: str) -> str:
    """The demo authenticator's code now. The service takes each code once per account, so
    a second sign-in within the same 30 seconds waits for the next code, as a person would.
    """
    step = int(time.time() // 30)
    if _LAST_STEP.get(email, -1) >= step:
        time.sleep((step + 1) * 30 - time.time() + 0.2)
        step = int(time.time() // 30)
    _LAST_STEP[email] = step
    return pyotp.TOTP(DEMO_TOTP_SECRET).at(step * 30)


def day(offset: int) -> date:
    """A date ``offset`` days from today (negative: in the past)."""
    return date.today() + timedelta(days=offset)


@dataclass
class Visitor:
    """One person in one browser context; remembers every page it checked."""

    page: object
    lang: str
    checked: list[str] = field(default_factory=list)
    violations: dict[str, list[str]] = field(default_factory=dict)
    script_errors: list[str] = field(default_factory=list)
    check_width: bool = True  # off where the caller measures widths itself (test_reflow)

    def __post_init__(self) -> None:
        # a script error, or anything the content security policy blocked, is a failure
        self.page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        self.page.on("console", lambda message: self.script_errors.append(message.text)
                     if "Content Security Policy" in message.text else None)

    def check(self) -> None:
        url = self.page.url
        assert self.page.locator("html").get_attribute("lang") == self.lang, url
        assert self.page.locator("h1").count() == 1, f"{url} needs exactly one h1"
        assert self.script_errors == [], (url, self.script_errors)
        # reflow (WCAG 1.4.10): the page never scrolls sideways (tests/e2e/test_reflow.py
        # also checks every page at 320 px)
        if self.check_width:
            wider = self.page.evaluate(
                "() => document.documentElement.scrollWidth - innerWidth")
            assert wider <= 0, f"{url} is {wider} px wider than the window"
        found = axe_violations(self.page)
        if found:
            self.violations[url] = found
        self.checked.append(url)

    def goto(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status < 400, (path, response and
                                                                  response.status)
        self.check()

    def submit(self, button: str = "main form button[type=submit]",
               expect_status: int = 200) -> None:
        with self.page.expect_navigation() as navigation:
            self.page.locator(button).last.click()
        status = navigation.value.status if navigation.value else 0
        assert status == expect_status, (self.page.url, status, self.errors())
        self.check()

    def errors(self) -> str:
        summary = self.page.locator(".govuk-error-summary, #blocked")
        return summary.first.inner_text() if summary.count() else ""

    def date(self, name: str, value: date) -> None:
        self.page.fill(f"#{name}-day", str(value.day))
        self.page.fill(f"#{name}-month", str(value.month))
        self.page.fill(f"#{name}-year", str(value.year))

    def sign_in(self, who: str, email: str | None = None, password: str = PASSWORD) -> None:
        """Both steps: the password, then the code from the authenticator app."""
        email = email or f"{who}@{TENANT}.example"
        self.goto(f"/sign-in?lang={self.lang}")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.submit()
        assert "/sign-in/code" in self.page.url, (self.page.url, self.errors())
        self.page.fill("#code", demo_code(email))
        self.submit()

    def add_record(self, review: str, kind: str, fill: dict) -> None:
        """Add one record on the kind's page: text by id, dates as date objects, choices
        as ('select', value), checkboxes as True."""
        self.goto(f"{review}/{kind}")
        for name, value in fill.items():
            if isinstance(value, date):
                self.date(name, value)
            elif isinstance(value, tuple):
                self.page.select_option(f"#{name}", value[1])
            elif value is True:
                self.page.check(f"input[name={name}]")
            else:
                self.page.fill(f"#{name}", value)
        self.submit()

    def upload(self, review: str, kind: str, title: str) -> None:
        self.goto(f"{review}/documents")
        self.page.select_option("#kind", kind)
        self.page.fill("#title", title)
        self.page.set_input_files("#file", files=[{
            "name": f"{kind}.txt", "mimeType": "text/plain",
            "buffer": f"Invented test document: {title}.".encode()}])
        self.submit()

    def step(self, review: str, to: str, fill: dict | None = None,
             confirm: bool = False) -> None:
        """Take a step through its form; ``confirm`` when it has a check-answers page."""
        self.goto(review)
        self.page.locator(f"a[href$='/steps/{to}']").click()
        self.page.wait_for_load_state()
        self.check()
        for name, value in (fill or {}).items():
            if isinstance(value, date):
                self.date(name, value)
            elif isinstance(value, tuple):
                self.page.select_option(f"#{name}", value[1])
            else:
                self.page.fill(f"#{name}", value)
        self.submit()
        if confirm:
            assert self.page.locator("#answers").count() == 1, self.page.url
            self.submit("#confirm")
        assert re.search(r"/reviews/[0-9a-f-]{36}$", self.page.url), (self.page.url,
                                                                     self.errors())


def notify(coordinator: Visitor, pseudonym: str) -> str:
    """The coordinator records a notification; return the review's path."""
    coordinator.goto(f"/t/{TENANT}/")
    coordinator.page.locator(f"a[href='/t/{TENANT}/reviews/new']").click()
    coordinator.page.wait_for_load_state()
    coordinator.check()
    coordinator.page.fill("#pseudonym", pseudonym)
    coordinator.date("date_of_death", day(-60))
    coordinator.date("notification_date", day(-50))
    coordinator.page.fill("#notifying_agency", "Invented Police Service")
    coordinator.page.select_option("#guidance_profile", "dardr-2024")
    coordinator.submit()
    path = coordinator.page.url.split("://", 1)[1]
    return path[path.index("/"):]


def to_publication(coordinator: Visitor, chair: Visitor, review: str) -> None:
    """Every step from notification to publication, each by the role that takes it."""
    coordinator.step(review, "scoping")
    # dardr-2024's scoping records the agencies contacted before the decision (DR24C)
    coordinator.add_record(review, "scoping-returns", {
        "agency": "Invented Police Service", "asked_on": day(-48),
        "summary": "Knew of two call-outs (invented)."})
    chair.step(review, "setup", {"decision_date": day(-45), "reasons": "Criteria met (test).",
                                 "home_office_told_on": day(-44)}, confirm=True)
    coordinator.add_record(review, "chair-appointments", {
        "name": "Invented Independent Chair", "appointed_on": day(-40),
        "independence_statement": "No prior involvement (invented)."})
    coordinator.add_record(review, "panel-members", {"agency": "Police",
                                                     "name": "Invented Officer"})
    coordinator.add_record(review, "panel-meetings", {"held_on": day(-38)})
    coordinator.upload(review, "terms_of_reference", "Terms of reference")
    coordinator.add_record(review, "family-contacts", {
        "contacted_on": day(-37), "relationship": "parent", "method": ("select", "letter"),
        "contribution": ("select", "none"), "leaflet": ("select", "leaflet_family")})
    coordinator.step(review, "evidence")
    coordinator.add_record(review, "agency-reports", {
        "agency": "Health", "report_type": ("select", "imr"), "requested_on": day(-36),
        "due_on": day(30)})
    coordinator.page.locator("a[href*='/agency-reports/']").first.click()
    coordinator.page.wait_for_load_state()
    coordinator.check()
    coordinator.date("returned_on", day(-20))
    coordinator.submit()
    coordinator.add_record(review, "family-contacts", {
        "contacted_on": day(-19), "relationship": "parent", "method": ("select", "meeting"),
        "contribution": ("select", "given")})
    coordinator.step(review, "drafting")
    for kind in ("overview_report", "executive_summary", "action_plan"):
        coordinator.upload(review, kind, kind.replace("_", " ").capitalize())
    coordinator.add_record(review, "family-contacts", {
        "contacted_on": day(-15), "relationship": "parent", "method": ("select", "meeting"),
        "contribution": ("select", "given"), "saw_draft": True})
    coordinator.step(review, "local_signoff")
    chair.step(review, "home_office_qa", {"signed_off_on": day(-12), "submitted_on": day(-11),
                                          "copies_sent_on": day(-11)},
               confirm=True)
    coordinator.upload(review, "home_office_letter", "Home Office panel response")
    coordinator.step(review, "ready_to_publish", {"outcome": ("select", "approved"),
                                                  "outcome_on": day(-5)})
    chair.step(review, "published", {"published_on": day(-1)}, confirm=True)
