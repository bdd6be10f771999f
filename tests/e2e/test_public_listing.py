"""Every demo partnership's public page over fifteen years of published reviews, in English
and Welsh, in a real browser, each page checked by axe-core against WCAG 2.2 A and AA
(SEED-AUDIT.md W10, M6, G3, G6, P2, P3, W12, W3, M8)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.demo import TENANTS
from tests.e2e.journey import Visitor
from tests.e2e.server import ROOT, _env


@pytest.fixture(scope="module")
def history(base_url, instance_dir):
    """Fifteen years of reviews per partnership, loaded into the served instance."""
    done = subprocess.run([sys.executable, "-m", "tests.e2e.public_history"], cwd=ROOT,
                          env=_env(instance_dir), check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_areas_public_listing_over_fifteen_years(new_page, history, lang):
    visitor = Visitor(new_page(), lang)
    for slug, *_rest in TENANTS:
        visitor.goto(f"/t/{slug}/published?lang={lang}")
        main = visitor.page.locator("main").inner_text()
        listed = history[slug]["published"]
        assert len({r["death_year"] for r in listed}) >= 14, slug  # a 15-year span
        for review in listed:
            assert review["reference"] in main, (slug, review)  # nothing was taken down
            assert str(review["death_year"]) in main
        assert "invented public history" not in main  # never a pseudonym
        assert "Invented private reason" not in main  # never the reasons not to publish
        headings = visitor.page.locator("main h2").all_inner_texts()
        newest, oldest = listed[-1]["reference"], listed[0]["reference"]
        order = [h for h in headings if newest in h or oldest in h]
        assert len(order) == 2 and newest in order[0], (slug, order)  # newest first
    wigan = visitor.page.context.new_page()
    notice = Visitor(wigan, lang)
    notice.goto(f"/t/wigan/published?lang={lang}")
    text = wigan.locator("main").inner_text()
    for review in history["wigan"]["not_published"]:
        assert review["reference"] in text and "Section 8 of the 2016 guidance" in text
    # Preston: past its 12 months a report is available on request, with a way to ask
    oldest = history["preston"]["published"][0]["reference"]
    notice.goto(f"/t/preston/published/{oldest}/request?lang={lang}")
    # Manchester: the learning pack published after the review is listed and downloads
    pack = history["manchester"]["learning_pack"]
    notice.goto(f"/t/manchester/published?lang={lang}")
    link = wigan.locator(f"a[href$='/{pack}/learning_product']")
    assert link.count() == 1
    with wigan.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith(pack)

    pages = visitor.checked + notice.checked
    assert len(pages) == len(TENANTS) + 3
    violations = {**visitor.violations, **notice.violations}
    assert violations == {}, violations
