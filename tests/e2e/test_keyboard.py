"""Keyboard only: every control of every form is reached with Tab, and forms are filled and
sent without a mouse. Also proves the accessibility checker itself can fail."""
from __future__ import annotations

from tests.e2e.browser import axe_violations
from tests.e2e.journey import TENANT, Visitor, day, demo_code, notify

CONTROLS = ("main input:not([type=hidden]), main select, main textarea, main button, "
            "main a[href]")


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def unreachable(page, limit: int = 200) -> list[str]:
    """The visible controls in the page's main area that Tab never focuses."""
    total = page.evaluate("""s => {
        const all = [...document.querySelectorAll(s)].filter(e => e.offsetParent !== null);
        all.forEach((e, i) => e.dataset.kb = i);
        return all.length; }""", CONTROLS)
    seen = set()
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement === document.body ? null : "
                                "(document.activeElement.dataset.kb || '')")
        if focused is None and seen:  # past the last control: Tab has gone round
            break
        seen.add(focused or "")
    return page.evaluate("""([s, seen]) => [...document.querySelectorAll(s)]
        .filter(e => e.dataset.kb !== undefined && !seen.includes(e.dataset.kb))
        .map(e => e.outerHTML.slice(0, 80))""", [CONTROLS, sorted(seen)]) if total else []


def test_sign_in_record_and_step_without_a_mouse(new_page):
    page = new_page()
    person = Visitor(page, "en")
    person.goto("/sign-in")
    tab_to(page, "#email")
    page.keyboard.type(f"coordinator@{TENANT}.example")
    tab_to(page, "#password")
    page.keyboard.type(f"demo-{TENANT}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#code")
    page.keyboard.type(demo_code(f"coordinator@{TENANT}.example"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/") and "sign-in" not in page.url

    review = notify(person, "Adult K (invented keyboard case)")
    person.goto(f"{review}/panel-members")
    tab_to(page, "#agency")
    page.keyboard.type("Police")
    tab_to(page, "#name")
    page.keyboard.type("Invented Keyboard Officer")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Invented Keyboard Officer" in page.locator("main table").inner_text()

    person.goto(review)
    tab_to(page, "a[href$='/steps/scoping']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.url.endswith(review)
    assert person.violations == {}


def test_every_control_of_every_form_is_reached_with_tab(new_page):
    page = new_page()
    person = Visitor(page, "en")
    person.sign_in("chair")
    review = notify(person, "Adult T (invented tab case)")
    pages = [f"/t/{TENANT}/", f"/t/{TENANT}/reviews/new", review, f"{review}/documents",
             f"{review}/family-contacts", f"{review}/agency-reports", f"{review}/actions",
             f"{review}/steps/scoping", f"{review}/steps/hold", f"{review}/timeline",
             "/sign-in", f"/t/{TENANT}/published", "/accessibility",
             f"/t/{TENANT}/actions", f"/t/{TENANT}/board-report", f"{review}/details",
             f"/t/{TENANT}/subject-access"]
    missed = {}
    for path in pages:
        page.goto(path)
        gaps = unreachable(page)
        if gaps:
            missed[path] = gaps
    # the check-answers page of an irreversible step
    person.goto(f"{review}/steps/scoping")
    person.submit()
    person.add_record(review, "scoping-returns", {
        "agency": "Invented Police Service", "asked_on": day(-6),
        "summary": "No contact recorded (invented)."})
    person.goto(f"{review}/steps/setup")
    person.date("decision_date", day(-5))
    person.page.fill("#reasons", "Criteria met (invented).")
    person.date("home_office_told_on", day(-4))
    person.submit()
    assert page.locator("#answers").count() == 1
    gaps = unreachable(page)
    if gaps:
        missed["check answers"] = gaps
    assert missed == {}


def test_the_accessibility_checker_finds_a_broken_page(new_page):
    """If axe found nothing even here, the journeys' clean results would mean nothing."""
    page = new_page()
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "html-has-lang" in found and "label" in found


def test_only_govuks_known_aria_expanded_on_a_revealing_radio_is_let_through(new_page):
    """GOV.UK Frontend's conditional reveal sets aria-expanded on the radio (its documented
    known issue, tests/e2e/browser.py); the same attribute anywhere else still fails."""
    page = new_page()
    radio = ('<input class="govuk-radios__input" id="a" name="a" type="radio" value="1" '
             'aria-controls="c" aria-expanded="false"><label for="a">A</label>')
    page.set_content(f"<html lang='en'><head><title>t</title></head><body><main><h1>t</h1>"
                     f"{radio}<div id='c'></div></main></body></html>")
    assert axe_violations(page) == []
    page.set_content(f"<html lang='en'><head><title>t</title></head><body><main><h1>t</h1>"
                     f"{radio.replace('govuk-radios__input', 'other')}<div id='c'></div>"
                     f"</main></body></html>")
    assert "aria-allowed-attr" in " ".join(axe_violations(page))
    page.set_content(f"<html lang='en'><head><title>t</title></head><body><main><h1>t</h1>"
                     f"{radio.replace('aria-expanded', 'aria-pressed')}<div id='c'></div>"
                     f"</main></body></html>")
    assert "aria-allowed-attr" in " ".join(axe_violations(page))
    both = radio.replace('aria-expanded="false"', 'aria-expanded="false" aria-pressed="true"')
    page.set_content(f"<html lang='en'><head><title>t</title></head><body><main><h1>t</h1>"
                     f"{both}<div id='c'></div></main></body></html>")
    assert "aria-allowed-attr" in " ".join(axe_violations(page))
