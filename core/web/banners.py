"""Success banners: after a form a person sends is done, the next page says so (GOV.UK
notification banner, success: https://design-system.service.gov.uk/components/
notification-banner/#reacting-to-something-the-user-has-done).

One mechanism, not a ``flash()`` in every view: an ``after_request`` hook sees a page's
POST answered with a redirect (the form was accepted: a refused form is drawn again with
its errors) and flashes the message that ``MESSAGES`` holds for the endpoint. A view that
flashes its own message (the members pages name the person) is left to it. ``QUIET`` lists
the POST endpoints that deliberately show none, each with the reason; a test fails on a
POST endpoint in neither table. Base.html draws the banner above the page's content
(``banners.html``)."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user

CATEGORY = "success"
UNCHANGED = "unchanged"  # a correction sent back as it was: said, but not as a success


def _location_args(response) -> tuple[str | None, dict]:
    """The endpoint and arguments of the page the redirect goes to."""
    try:
        adapter = current_app.url_map.bind("localhost")
        return adapter.match(urlsplit(response.location or "").path, method="GET")
    except Exception:  # noqa: BLE001 - a redirect elsewhere: no arguments to read
        return None, {}


def _review_created(response) -> str:
    from core.db import db
    from core.reviews.models import Review

    _endpoint, args = _location_args(response)
    review_id = args.get("review_id")
    review = db.session.get(Review, review_id) if isinstance(review_id, uuid.UUID) else None
    if review is None:
        return _("Notification recorded. The review is created")
    return _("Notification recorded. Review %(reference)s is created",
             reference=review.reference)


def _step_taken(_response) -> str:
    from core.labels import code_label, stage_label

    to = (request.view_args or {}).get("to", "")
    if to == "hold":
        return _("The review is on hold")
    if to == "resume":
        return _("The review has resumed")
    return _("Step taken: %(step)s", step=stage_label(to) if to else code_label(to))


def _record(change: str) -> Callable:
    def message(_response) -> str:
        from core.reviews.timeline import record_noun

        key = request.endpoint.split(".", 1)[1].rsplit("_", 1)[0]
        noun = record_noun(key)
        if change == "add":
            return _("%(thing)s added", thing=noun)
        if change == "edit":
            return _("%(thing)s changed", thing=noun)
        return _("%(thing)s removed", thing=noun)

    return message


# Endpoint: the message (a lazy string, or a function of the redirect response).
MESSAGES: dict[str, object] = {
    "reviews.new": _review_created,
    "reviews.case_facts_page": _l("Case facts saved"),
    "reviews.details_page": _l("Review details saved"),
    "reviews.withdraw_page": _l("Notification withdrawn"),
    "reviews.step": _step_taken,
    "documents.upload": _l("Document uploaded"),
    "documents.remove": _l("Document removed"),
    "documents.remove_version": _l("Version of the document removed"),
    "public_manage.publish_document": _l("Document published with the report"),
    "policies.local_fields": _l("Local details saved"),
    "joint.accept": _l("Joint review accepted"),
    "joint.sign_off": _l("Your partnership has signed off the review"),
    "joint.remove": _l("Partner partnership removed from the review"),
    "names.names": _l("Protected name added"),
    "names.remove": _l("Protected name removed"),
    "sar.requests": _l("Subject access request recorded"),
    "sar.complete": _l("Subject access request marked as complete"),
    "targets.save": _l("Your targets are saved. Every review's deadlines now use them."),
    "admin.branding": _l("The header colour and logo are saved."),
    "members.branding": _l("The header colour and logo are saved."),
    "admin.enable": _l("Local policy saved and turned on"),
    "admin.disable": _l("Local policy turned off"),
    "tokens.revoke_token": _l("API token revoked"),
    "members.remove": _l("Role removed"),
}

# POST endpoints that show no banner from this table, and why.
QUIET: dict[str, str] = {
    "auth.sign_in": "signing in leads on to the next step, not a result",
    "auth.second_factor": "signing in leads on to the next step, not a result",
    "auth.set_up_second_factor": "signing in leads on to the next step, not a result",
    "auth.sign_out": "the sign-in page says the person has signed out",
    "auth.sign_out_everywhere": "the sign-in page says every session has ended",
    "auth.new_recovery_codes": "the page shows the new codes itself",
    "tokens.create_token": "the page shows the new token itself",
    "accounts.forgotten": "the page says what happens next itself",
    "accounts.choose_password": "the page says what happens next itself",
    "public.ask": "a public page: it says the request was sent itself",
    "members.add": "the view names the person in its own banner",
    "members.approve": "the view names the person in its own banner",
    "members.refuse": "the view names the person in its own banner",
    "member_requests.admin_approve": "the view names the person in its own banner",
    "member_requests.admin_refuse": "the view names the person in its own banner",
}

# Generic record pages (core/records/views.py): the record's noun and what was done.
_RECORD_CHANGES = {"_add": "add", "_edit": "edit", "_remove": "remove"}


def message_for(endpoint: str | None):
    """The table's entry for ``endpoint``: a message, a function, or None."""
    if not endpoint:
        return None
    if endpoint in MESSAGES:
        return MESSAGES[endpoint]
    if endpoint.startswith("records."):
        for suffix, change in _RECORD_CHANGES.items():
            if endpoint.endswith(suffix):
                return _record(change)
    return None


def covered(endpoint: str) -> bool:
    """Whether the tables say what ``endpoint`` shows after a POST (the meta-test)."""
    return endpoint in QUIET or message_for(endpoint) is not None


def _before() -> None:
    if request.method == "POST":
        g._flashes_before = len(session.get("_flashes", ()))


def _after(response):
    if (request.method != "POST" or request.path.startswith("/api/")
            or response.status_code not in (302, 303)
            or not current_user.is_authenticated):
        return response
    if len(session.get("_flashes", ())) > g.get("_flashes_before", 0):
        return response  # the view said it itself
    entry = message_for(request.endpoint)
    if entry is None:
        return response
    message = str(entry) if isinstance(entry, LazyString | str) else entry(response)
    if message:
        flash(message, CATEGORY)
    return response


@contextmanager
def unless_unchanged(row) -> Iterator[None]:
    """Around a correction: when it wrote nothing (``row``'s version is as it was: the form
    came back with the answers the record already held), the next page says "No changes
    were made" instead of the success banner."""
    before = row.version
    yield
    if row.version == before:
        flash(_("No changes were made"), UNCHANGED)


def init_app(app) -> None:
    app.before_request(_before)
    app.after_request(_after)
