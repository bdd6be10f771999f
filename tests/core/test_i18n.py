"""English and Welsh ship together: a complete catalogue and pages that use it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.factories import sign_in

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "core/translations/cy/LC_MESSAGES/messages.po"


def test_welsh_catalogue_covers_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and not m.fuzzy and (
        all(m.string) if isinstance(m.string, tuple) else m.string)}  # every plural form
    assert wanted, "extraction found no strings"
    assert wanted - translated == set(), "strings without a Welsh translation"
    assert not [m.id for m in catalogue if m.id and m.fuzzy]


def test_language_switch_and_memory(client):
    html = client.get("/sign-in?lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in html and "Mewngofnodi" in html
    assert 'href="/sign-in?lang=en"' in html  # the switch keeps the same page
    again = client.get("/sign-in").get_data(as_text=True)  # remembered
    assert "Mewngofnodi" in again
    assert "Sign in" in client.get("/sign-in?lang=en").get_data(as_text=True)


def test_welsh_dates_and_labels(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    review = world.reviews["alpha"][0]
    html = client.get(f"/t/alpha/reviews/{review.id}?lang=cy").get_data(as_text=True)
    assert "Chwefror 2026" in html  # 1 February 2026
    assert "Hysbyswyd" in html


def test_problem_details_follow_the_browser_language(client, world):
    response = client.post("/api/v1/t/alpha/reviews", json={},
                           headers={"Authorization": f"Bearer {world.tokens[('alpha', 'viewer')]}",
                                    "Accept-Language": "cy"})
    assert response.status_code == 403
    assert response.json["title"] != "You cannot do this"
    response = client.post("/api/v1/t/alpha/reviews", json={},
                           headers={"Authorization":
                                    f"Bearer {world.tokens[('alpha', 'review_coordinator')]}",
                                    "Accept-Language": "cy"})
    messages = {e["message"] for e in response.json["errors"]}
    assert "Data ar goll ar gyfer maes gorfodol." in messages


def test_a_welsh_tenant_defaults_to_welsh_when_the_browser_says_nothing(client, world):
    from core.db import db

    world.tenants["alpha"].locale = "cy"
    db.session.commit()
    sign_in(client, "review_coordinator@alpha.test")
    assert "Adolygiadau" in client.get("/t/alpha/").get_data(as_text=True)
    english = client.get("/t/alpha/", headers={"Accept-Language": "en-GB"})
    assert "Reviews in this partnership" in english.get_data(as_text=True)


def test_every_plugin_ships_a_complete_welsh_catalogue(tmp_path):
    for plugin in sorted(p.parent for p in (ROOT / "plugins").glob("*/plugin.py")):
        name = plugin.name
        pot = tmp_path / f"{name}.pot"
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                        str(ROOT / "plugins" / "babel.cfg"), "-k", "_l", "-o", str(pot),
                        str(plugin)], cwd=ROOT, check=True, capture_output=True)
        with pot.open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id}
        po = plugin / "translations" / "cy" / "LC_MESSAGES" / f"{name}.po"
        with po.open("rb") as handle:
            done = {m.id for m in read_po(handle) if m.id and m.string and not m.fuzzy}
        assert wanted and wanted - done == set(), name
