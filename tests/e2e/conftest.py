"""Browser tests: Playwright drives Debian's Chromium against gunicorn on 127.0.0.1.

They fail (never skip) when Chromium or axe-core is missing: `.ci/run` installs both."""
from __future__ import annotations

import pytest

from tests.e2e import browser as chromium
from tests.e2e.server import served


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e-instance")


@pytest.fixture(scope="session")
def base_url(instance_dir):
    with served(instance_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    problem = chromium.missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = chromium.launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, base_url):
    """new_page(): a page in a fresh browser context (its own cookies), at the base URL."""
    contexts = []

    def make():
        context = browser.new_context(base_url=base_url)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
