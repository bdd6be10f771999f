"""`make screenshots`: the main pages of the demo, in Debian's Chromium, saved under
docs/screenshots/ for the README."""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e import browser as chromium
from tests.e2e.journey import demo_code
from tests.e2e.server import ROOT, served

OUT = ROOT / "docs" / "screenshots"
TENANT = "warrington"


def _review_links(page) -> list[str]:
    return page.eval_on_selector_all(
        "main a[href*='/reviews/']", "els => els.map(e => e.getAttribute('href'))")


def _shoot(page, name: str, path: str) -> None:
    page.goto(path)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"docs/screenshots/{name}.png  {path}")


def _linked(page, selector: str) -> str | None:
    """Where the page's link ``selector`` goes, or None (with a note) if it has none."""
    link = page.locator(selector)
    if not link.count():
        print(f"no {selector} on {page.url}: its screenshot is left as it was",
              file=sys.stderr)
        return None
    return link.first.get_attribute("href")


def _review_at(page, pseudonym: str) -> str | None:
    """The dashboard's link to the demo review with this (invented) pseudonym."""
    row = page.locator("main tr", has_text=pseudonym).locator("a[href*='/reviews/']")
    return row.first.get_attribute("href") if row.count() else None


def main() -> int:
    problem = chromium.missing()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as instance, served(Path(instance)) as base, \
            sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_context(base_url=base, viewport={"width": 1100, "height": 800}
                                   ).new_page()
        _shoot(page, "sign-in", "/sign-in")
        page.fill("#email", f"coordinator@{TENANT}.example")
        page.fill("#password", f"demo-{TENANT}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        page.fill("#code", demo_code(f"coordinator@{TENANT}.example"))
        page.screenshot(path=str(OUT / "sign-in-code.png"), full_page=True)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        _shoot(page, "dashboard", f"/t/{TENANT}/")
        review = next(h for h in _review_links(page) if re.search(r"/reviews/[0-9a-f-]{36}$", h))
        tracker = _linked(page, "main a#action-tracker")
        board = _linked(page, "main a#board-report")
        # a review gathering evidence: its task list has sections in every status
        task_list = _review_at(page, "Adult E (invented demo case)") or review
        _shoot(page, "review-overview", review)
        _shoot(page, "task-list", task_list)
        if tracker:
            _shoot(page, "action-tracker", tracker)
        if board:
            _shoot(page, "board-report", board)
        # the dashboard on a phone (375 px): it reflows, nothing scrolls sideways
        page.set_viewport_size({"width": 375, "height": 800})
        _shoot(page, "dashboard-phone", f"/t/{TENANT}/")
        page.set_viewport_size({"width": 1100, "height": 800})
        _shoot(page, "documents", f"{review}/documents")
        _shoot(page, "family-engagement", f"{review}/family-contacts")
        _shoot(page, "action-plan", f"{review}/actions")
        _shoot(page, "timeline", f"{review}/timeline")
        _shoot(page, "record-a-notification", f"/t/{TENANT}/reviews/new")
        _shoot(page, "dashboard-welsh", f"/t/{TENANT}/?lang=cy")
        page.goto(f"/t/{TENANT}/?lang=en")
        _shoot(page, "public-page", f"/t/{TENANT}/published")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
