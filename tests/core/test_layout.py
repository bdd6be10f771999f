"""The shared layout: the partnership's header, navigation, language switch, scripts, the
accessibility statement, and the palette that keeps header text readable."""
from __future__ import annotations

import re
from pathlib import Path

from core.db import db
from tenants.branding import PALETTE, contrast_with_white
from tests.factories import sign_in

STATIC = Path(__file__).resolve().parents[2] / "core" / "static"


def test_every_palette_colour_keeps_white_text_readable_and_is_in_the_stylesheet():
    css = (STATIC / "app.min.css").read_text()
    for name, colour in PALETTE.items():
        assert contrast_with_white(colour) >= 4.5, name
        rule = re.search(rf"\.dhr-brand--{name}\{{([^}}]*)\}}", css)
        assert rule and colour in rule.group(1), name


def test_header_carries_the_partnership_name_and_colour(client, world):
    world.tenants["alpha"].brand_colour = "purple"
    db.session.commit()
    sign_in(client, "review_coordinator@alpha.test")
    html = client.get("/t/alpha/").get_data(as_text=True)
    header = html[html.index("govuk-generic-header"):html.index("govuk-service-navigation")]
    assert "dhr-brand--purple" in header and world.tenants["alpha"].name in header
    assert "govuk-header__logotype" not in html and "crown" not in html.lower()


def test_language_switch_keeps_the_page_and_its_query(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    html = client.get("/t/alpha/?stage=evidence").get_data(as_text=True)
    assert 'href="/t/alpha/?stage=evidence&amp;lang=cy"' in html
    welsh = client.get("/t/alpha/?stage=evidence&lang=cy").get_data(as_text=True)
    assert 'href="/t/alpha/?stage=evidence&amp;lang=en"' in welsh and 'lang="cy"' in welsh
    # the choice is remembered on the next page
    assert 'lang="cy"' in client.get("/").get_data(as_text=True)


def test_scripts_are_served_as_files_with_no_inline_script(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert re.search(r'<script type="module" src="/static/init.js" nonce="[^"]+"></script>', html)
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline scripts
    for name in ("init.js", "upload.js", "govuk-frontend.min.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert "javascript" in response.mimetype, name


def test_accessibility_statement_in_both_languages(client):
    english = client.get("/accessibility")
    assert english.status_code == 200
    assert "WCAG" in english.get_data(as_text=True)
    welsh = client.get("/accessibility?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in welsh and "Datganiad hygyrchedd" in welsh
    assert 'href="/accessibility"' in client.get("/sign-in").get_data(as_text=True)


def test_navigation_offers_members_only_to_a_csp_admin(client, world):
    sign_in(client, "csp_admin@alpha.test")
    assert 'href="/t/alpha/members"' in client.get("/t/alpha/members").get_data(as_text=True)
    other = client.application.test_client()
    sign_in(other, "review_coordinator@alpha.test")
    assert 'href="/t/alpha/members"' not in other.get("/t/alpha/").get_data(as_text=True)
