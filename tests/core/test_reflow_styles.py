"""Reflow in the stylesheet and the scripts (WCAG 2.2 1.4.10; issue 14). The browser test
tests/e2e/test_reflow.py measures every page at 320 and 1280 px; these keep the rules it
relies on from being lost in a rebuild of the stylesheet."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "core" / "static" / "app.min.css").read_text()


def _rule(selector: str) -> str:
    """The declarations of every compiled rule whose selector list names ``selector``."""
    found = [body for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS)
             if selector in selectors.split(",")]
    return ";".join(found)


def test_long_words_wrap_in_text_tables_and_summary_lists():
    assert "overflow-wrap:break-word" in _rule(".govuk-main-wrapper")
    for selector in (".govuk-table__cell", ".govuk-table__header",
                     ".govuk-summary-list__value", ".govuk-summary-list__key"):
        assert "overflow-wrap:anywhere" in _rule(selector), selector


def test_the_stylesheet_source_holds_the_reflow_rules():
    source = (ROOT / "assets" / "app.scss").read_text()
    assert ".dhr-scroll-region" in source and "overflow-wrap: anywhere" in source
    assert "overflow-x:auto" in _rule(".dhr-scroll-region")


def test_tables_are_put_in_regions_by_a_served_module(client):
    init = client.get("/static/init.js").get_data(as_text=True)
    assert "initTableRegions()" in init
    tables = client.get("/static/tables.js")
    assert tables.status_code == 200 and "javascript" in tables.mimetype
    # the regions' fallback name is translated, through the page
    welsh = client.get("/sign-in?lang=cy").get_data(as_text=True)
    assert re.search(r'<body [^>]*data-dhr-table-label="[^"]+"', welsh)


def test_the_scroll_region_macro_is_focusable_and_named(app):
    with app.test_request_context():
        html = app.jinja_env.from_string(
            '{% from "macros/regions.html" import scrollRegion %}'
            '{% call scrollRegion("Actions") %}<table class="govuk-table"></table>{% endcall %}'
        ).render()
    assert 'role="region"' in html and 'aria-label="Actions"' in html
    assert 'tabindex="0"' in html and "dhr-scroll-region--wide" in html
