"""Debian's Chromium driven by Playwright, and axe-core injected into each page."""
from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "assets" / "node_modules" / "axe-core" / "axe.min.js"
# The machine's network is closed: without these Chromium keeps dialling out at start.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The one finding not counted: GOV.UK Frontend's radios and checkboxes that reveal a
# question set aria-expanded on the input, which ARIA does not list for a radio. GOV.UK
# keeps it on purpose, as screen readers announce it (a documented known issue:
# https://github.com/alphagov/govuk-frontend/issues/979 and issues/1280). Only that
# attribute, only on GOV.UK's own inputs; any other disallowed attribute still fails.
GOVUK_CONDITIONAL_REVEAL = {
    "rule": "aria-allowed-attr",
    "selector": ".govuk-radios__input[aria-controls], .govuk-checkboxes__input[aria-controls]",
    "only": r'^aria-expanded="(true|false)"$',  # each attribute axe-core names
}


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} is missing: install Debian's chromium "
                "(apt-get install chromium), as .ci/run does")
    if not AXE.exists():
        return f"{AXE} is missing: run `make e2e-deps` (npm ci in assets/)"
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)


def axe_violations(page) -> list[str]:
    """WCAG 2.2 A and AA violations axe-core finds on the page as it is now."""
    # evaluated through the DevTools protocol, which the page's CSP does not govern (a
    # script tag would be blocked, as it should be)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;0")
    found = page.evaluate(
        """async ([tags, known]) => {
             const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
             const isKnown = (v, n) => v.id === known.rule &&
                 document.querySelector(n.target.join(' '))?.matches(known.selector) &&
                 n.any.concat(n.all, n.none).every(c => (c.data?.values || [null]).every(
                     value => new RegExp(known.only).test(value)))
             return result.violations
               .map(v => ({...v, nodes: v.nodes.filter(n => !isKnown(v, n))}))
               .filter(v => v.nodes.length)
               .map(v => `${v.id} (${v.impact}): ${v.help} at ` +
                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
           }""", [WCAG_TAGS, GOVUK_CONDITIONAL_REVEAL])
    return list(found)
