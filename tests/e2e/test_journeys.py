"""A coordinator and a chair take a review from notification to publication in a real
browser, in English and in Welsh; the public page then shows it. Every page is checked by
axe-core against WCAG 2.2 A and AA."""
from __future__ import annotations

import pytest

from tests.e2e.journey import TENANT, Visitor, notify, to_publication


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_notification_to_publication_through_the_forms(new_page, lang):
    coordinator, chair = Visitor(new_page(), lang), Visitor(new_page(), lang)
    coordinator.sign_in("coordinator")
    chair.sign_in("chair")
    pseudonym = f"Adult Z{lang.upper()} (invented e2e case)"
    review = notify(coordinator, pseudonym)
    reference = coordinator.page.locator("h1").inner_text().strip()
    to_publication(coordinator, chair, review)

    public = Visitor(new_page(), lang)
    public.goto(f"/t/{TENANT}/published?lang={lang}")
    listing = public.page.locator("main").inner_text()
    assert reference in listing
    assert pseudonym not in listing  # the public sees the reference, never the pseudonym
    with public.page.expect_download() as download:
        public.page.locator(f"a[href$='/{reference}/overview_report']").click()
    assert download.value.suggested_filename.startswith(reference)
    public.goto(f"/accessibility?lang={lang}")

    pages = coordinator.checked + chair.checked + public.checked
    assert len(pages) > 40
    print(f"{lang}: axe checked {len(pages)} page loads, {len(set(pages))} distinct URLs")
    violations = {**coordinator.violations, **chair.violations, **public.violations}
    assert violations == {}, violations


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_admin_pages_and_error_pages(new_page, lang):
    """The CSP admin's members page, the regional admin's pages and the error pages, each
    checked by axe-core; a regional admin changes the header colour through the form."""
    csp_admin = Visitor(new_page(), lang)
    csp_admin.sign_in("admin")
    csp_admin.goto(f"/t/{TENANT}/members")
    assert f"coordinator@{TENANT}.example" in csp_admin.page.locator("main").inner_text()

    regional = Visitor(new_page(), lang)
    regional.sign_in("regional", "regional@greater-manchester.example",
                     "demo-greater-manchester")
    regional.goto("/account")
    regional.goto("/admin/")
    regional.goto(f"/admin/tenants/{TENANT}/policies")
    regional.goto(f"/admin/tenants/{TENANT}/branding")
    regional.page.check("input[name=colour][value=teal]")
    regional.submit()
    assert regional.page.locator(".govuk-generic-header.dhr-brand--teal").count() == 1
    regional.page.check("input[name=colour][value=blue]")
    regional.submit()

    assert regional.page.goto("/no-such-page").status == 404
    regional.check()
    assert csp_admin.page.goto(f"/t/{TENANT}/").status == 403  # an admin sees no cases
    csp_admin.check()
    body = regional.page.content()
    assert "Traceback" not in body and "sqlalchemy" not in body.lower()
    violations = {**csp_admin.violations, **regional.violations}
    assert violations == {}, violations


def test_large_upload_shows_progress_and_lands(new_page):
    """Uploads go by XMLHttpRequest so the page can show progress; the file arrives whole."""
    person = Visitor(new_page(), "en")
    person.sign_in("coordinator")
    review = notify(person, "Adult U (invented upload case)")
    person.goto(f"{review}/documents")
    page = person.page
    page.select_option("#kind", "other")
    page.fill("#title", "Large invented file")
    page.set_input_files("#file", files=[{"name": "large.txt", "mimeType": "text/plain",
                                          "buffer": b"Invented line of text.\n" * 400_000}])
    # Slow the upload (Chromium's network emulation, about 3 seconds for 9 MB) so that the
    # bar can be watched moving; the page then shows the document.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": 3 * 1024 * 1024})
    with page.expect_request(lambda r: r.method == "POST" and r.resource_type == "xhr"), \
            page.expect_navigation(timeout=60_000):
        page.locator("main form[data-dhr-upload] button[type=submit]").click()
        midway = page.wait_for_function(
            """() => {
                 const box = document.querySelector('.dhr-upload-progress')
                 const bar = box && box.querySelector('progress')
                 const words = box && box.querySelector('.dhr-upload-progress__text')
                 return box && !box.hidden && bar.value > 0 && bar.value < 100 &&
                   /^Uploaded: [0-9]+ per cent$/.test(words.textContent) && words.textContent
               }""", timeout=30_000).json_value()
    assert 0 < int(midway.split()[1]) < 100
    assert "Large invented file" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.locator("main a[href$='/versions/1']").last.click()
    assert download.value.path().stat().st_size == len(b"Invented line of text.\n") * 400_000


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_an_invited_person_sets_up_their_account(new_page, instance_dir, lang):
    """A CSP admin invites someone; they open the emailed link, choose their name and
    password, and their first sign-in sets up the authenticator app. The reset-request and
    dead-link pages are checked too."""
    import hashlib
    import sqlite3

    email = f"invited.{lang}@{TENANT}.example"
    admin = Visitor(new_page(), lang)
    admin.sign_in("admin")
    admin.goto(f"/t/{TENANT}/members")
    admin.page.fill("#email", email)
    admin.page.select_option("#role", "viewer")
    admin.submit()
    assert email in admin.page.locator(".govuk-notification-banner").inner_text()
    # The mail goes to the log in development: stand in for the email by giving the
    # invitation a token we know (only the token's hash is ever stored).
    token = f"e2e-invented-token-{lang}-" + "x" * 20
    database = next(instance_dir.rglob("dhr.sqlite3"))
    with sqlite3.connect(database) as conn:
        (user_id,) = conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
        conn.execute("UPDATE account_links SET token_hash = ? WHERE user_id = ?",
                     (hashlib.sha256(token.encode()).hexdigest(), user_id))

    person = Visitor(new_page(), lang)
    person.goto(f"/forgotten-password?lang={lang}")
    person.goto(f"/account/link?token={token}")
    assert person.page.url.endswith("/account/link")  # the token left the address bar
    person.page.fill("#display_name", "Invited Person (invented)")
    person.page.fill("#password", "invented long passphrase")
    person.page.fill("#password_again", "invented long passphrase")
    person.submit()
    assert "/sign-in" in person.page.url
    person.page.fill("#email", email)
    person.page.fill("#password", "invented long passphrase")
    person.submit()
    assert "/sign-in/set-up" in person.page.url  # the second factor is still to come
    assert person.page.goto(f"/account/link?token={token}").status == 404  # used once
    person.check()
    violations = {**admin.violations, **person.violations}
    assert violations == {}, violations
