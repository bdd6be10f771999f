"""Change forms and corrections (issue 14, item 3): a change form opens with what the
record holds, an optional field emptied is cleared, every field a person enters can be
corrected (page and API) with the timeline and the audit trail, the review's own details
too, and a notification entered in error is withdrawn by the coordinator with a reason."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.audit.models import AuditEvent
from core.db import db
from core.records.kinds import KINDS
from core.records.models import Action, AgencyReportRequest, FamilyContact, ParallelProcess
from core.reviews.models import Review
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in


class _Form(HTMLParser):
    """What a browser would send back from the page's change form (the post form that
    carries a version), untouched."""

    def __init__(self):
        super().__init__()
        self.forms: list[MultiDict] = []
        self.values, self._select, self._textarea = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self.values = MultiDict()
            self.forms.append(self.values)
        if self.values is None:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values.add(a["name"], a.get("value") or "y")
            else:
                self.values.add(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select = a["name"]
            self.values.add(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values.setlist(self._select, [a.get("value", "")])
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values.add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self.values.setlist(self._textarea, [self.values[self._textarea] + data])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.values = None


def form_of(client, url) -> MultiDict:
    page = client.get(url)
    assert page.status_code == 200, url
    parser = _Form()
    parser.feed(page.get_data(as_text=True))
    values = next(f for f in parser.forms if "version" in f)
    values.pop("csrf_token", None)
    return values


def _scoped(world, model, item):
    db.session.expire_all()
    with tenant_scope(world.tenants["alpha"].id):
        return db.session.get(model, item)


def test_an_edit_form_shows_the_stored_values(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    contact = world.items[("alpha", "family_contacts")]
    assert api.patch(f"/reviews/{rid}/family-contacts/{contact}", {
        "advocacy_offered": True, "advocacy_by": scope_first("ADVOCACY_BY"),
        "summary": "Invented summary"}).status_code == 200
    sign_in(client, "review_coordinator@alpha.test")
    base = f"/t/alpha/reviews/{rid}"
    report = form_of(client, f"{base}/agency-reports/{world.items[('alpha', 'agency_reports')]}")
    assert report["agency"] == "Health" and report["report_type"] == "imr"
    assert (report["requested_on-day"], report["requested_on-month"],
            report["requested_on-year"]) == ("1", "3", "2026")
    assert (report["due_on-day"], report["due_on-month"], report["due_on-year"]) == (
        "1", "4", "2026")
    family = form_of(client, f"{base}/family-contacts/{contact}")
    assert family["relationship"] == "brother" and family["method"] == "letter"
    assert family["advocacy_offered"] == "y" and family["summary"] == "Invented summary"
    assert "saw_draft" not in family  # a box not ticked stays unticked
    page = client.get(f"{base}/agency-reports/{world.items[('alpha', 'agency_reports')]}"
                      ).get_data(as_text=True)
    # a required question is not marked optional; an optional one is
    assert re.search(r"Agency\s*</label>", page)
    assert "Date the report came back (optional)" in page


def scope_first(name):
    from core.lifecycle import scope

    return getattr(scope, name)[0]


def test_a_form_sent_back_as_it_opened_changes_nothing(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    for kind in KINDS:
        if kind.create is None or kind.update is None:
            continue
        url = f"/t/alpha/reviews/{rid}/{kind.slug}/{world.items[('alpha', kind.key)]}"
        sent = client.post(url, data=form_of(client, url))
        assert sent.status_code == 302, (kind.slug, sent.get_data(as_text=True)[-3000:])
    changed = [(e.action, e.details) for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("%.update")))]
    assert changed == []  # nothing changed: nothing to audit


def test_a_form_sent_back_unchanged_says_so_not_success(client, world):
    """A correction that writes nothing is not reported as one (issue 14, banners)."""
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    for url in (f"/t/alpha/reviews/{rid}/parallel-processes/"
                f"{world.items[('alpha', 'parallel_processes')]}",
                f"/t/alpha/reviews/{rid}/details", f"/t/alpha/reviews/{rid}/case-facts"):
        sent = client.post(url, data=form_of(client, url), follow_redirects=True)
        page = sent.get_data(as_text=True)
        assert sent.status_code == 200, url
        assert "No changes were made" in page and "govuk-notification-banner--success" \
            not in page, url
    url = f"/t/alpha/reviews/{rid}/details"
    form = form_of(client, url)
    form["pseudonym"] = "Adult Q (invented)"
    page = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "govuk-notification-banner--success" in page and "No changes were made" not in page


def test_clearing_an_optional_field_clears_it_and_a_required_one_is_refused(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    item = world.items[("alpha", "parallel_processes")]
    assert api.patch(f"/reviews/{rid}/parallel-processes/{item}",
                     {"description": "Coroner (invented)"}).status_code == 200
    sign_in(client, "review_coordinator@alpha.test")
    url = f"/t/alpha/reviews/{rid}/parallel-processes/{item}"
    form = form_of(client, url)
    assert form["description"] == "Coroner (invented)"
    form["description"] = ""
    form["started_on-day"] = form["started_on-month"] = form["started_on-year"] = ""
    assert client.post(url, data=form).status_code == 302
    row = _scoped(world, ParallelProcess, item)
    assert row.description is None and row.started_on is None
    assert row.process_type == "inquest"  # what was left as it was stays

    report = world.items[("alpha", "agency_reports")]
    url = f"/t/alpha/reviews/{rid}/agency-reports/{report}"
    form = form_of(client, url)
    form["agency"] = ""
    refused = client.post(url, data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is a problem" in body
    assert 'href="#agency"' in body
    assert _scoped(world, AgencyReportRequest, report).agency == "Health"


def test_every_field_entered_at_create_time_can_be_corrected():
    for kind in KINDS:
        if kind.create is None:
            continue
        assert kind.update is not None, kind.slug
        entered = {n for n, f in kind.create._declared_fields.items() if not f.dump_only}
        correctable = set(kind.update._declared_fields)
        assert entered <= correctable, (kind.slug, entered - correctable)


def test_an_agency_reports_agency_contact_and_due_date_are_corrected(client, world):
    api = Api(client, world)
    rid, report = world.reviews["alpha"][0].id, world.items[("alpha", "agency_reports")]
    changed = api.patch(f"/reviews/{rid}/agency-reports/{report}", {
        "agency": "Invented Health Trust", "contact_email": "imr@trust.example",
        "due_on": "2026-05-01", "version": 1})
    assert changed.status_code == 200, changed.json
    assert (changed.json["agency"], changed.json["contact_email"], changed.json["due_on"]) == (
        "Invented Health Trust", "imr@trust.example", "2026-05-01")
    early = api.patch(f"/reviews/{rid}/agency-reports/{report}", {"due_on": "2026-02-01"})
    assert early.status_code == 422  # due before it was requested

    sign_in(client, "review_coordinator@alpha.test")
    url = f"/t/alpha/reviews/{rid}/agency-reports/{report}"
    form = form_of(client, url)
    form["agency"], form["due_on-day"] = "Invented Mental Health Trust", "15"
    form["contact_email"] = ""
    assert client.post(url, data=form).status_code == 302
    row = _scoped(world, AgencyReportRequest, report)
    assert (row.agency, row.contact_email, row.due_on.isoformat()) == (
        "Invented Mental Health Trust", None, "2026-05-15")
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "agency_reports.update").order_by(AuditEvent.seq)).all()[-1]
    assert event.details == {"fields": ["agency", "contact_email", "due_on"]}
    timeline = api.get(f"/reviews/{rid}/timeline").json
    assert timeline[0]["name"] == "agency_reports.updated"
    assert timeline[0]["data"]["changed"] == ["agency", "contact_email", "due_on"]


def test_an_actions_owner_and_due_date_are_corrected(client, world):
    api = Api(client, world)
    rid, action = world.reviews["alpha"][0].id, world.items[("alpha", "actions")]
    changed = api.patch(f"/reviews/{rid}/actions/{action}",
                        {"owner": "Invented Trust", "due_on": "2026-10-01"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["owner"], changed.json["due_on"]) == ("Invented Trust", "2026-10-01")
    other = api.patch(f"/reviews/{rid}/actions/{action}",
                      {"recommendation_id": "00000000-0000-0000-0000-000000000000"})
    assert other.status_code == 422  # only a recommendation of this review

    sign_in(client, "review_coordinator@alpha.test")
    url = f"/t/alpha/reviews/{rid}/actions/{action}"
    form = form_of(client, url)
    assert form["recommendation_id"] == str(world.items[("alpha", "recommendations")])
    form["owner"], form["due_on-month"] = "Invented Council", "12"
    assert client.post(url, data=form).status_code == 302
    row = _scoped(world, Action, action)
    assert (row.owner, row.due_on.isoformat()) == ("Invented Council", "2026-12-01")


def test_a_family_contacts_ticked_box_is_unticked(client, world):
    api = Api(client, world)
    rid, contact = world.reviews["alpha"][0].id, world.items[("alpha", "family_contacts")]
    assert api.patch(f"/reviews/{rid}/family-contacts/{contact}", {
        "saw_draft": True}).status_code == 200
    sign_in(client, "review_coordinator@alpha.test")
    url = f"/t/alpha/reviews/{rid}/family-contacts/{contact}"
    form = form_of(client, url)
    assert form["saw_draft"] == "y"
    del form["saw_draft"]  # the person unticks it: the browser sends nothing
    assert client.post(url, data=form).status_code == 302
    assert _scoped(world, FamilyContact, contact).saw_draft is False


# --- the review's own details -------------------------------------------------------------

def test_the_reviews_details_are_corrected_with_timeline_and_audit(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    sign_in(client, "review_coordinator@alpha.test")
    url = f"/t/alpha/reviews/{rid}/details"
    form = form_of(client, url)
    assert form["pseudonym"] == "Test Adult (invented)"
    assert (form["date_of_death-day"], form["date_of_death-month"],
            form["date_of_death-year"]) == ("1", "2", "2026")
    form["pseudonym"], form["notifying_agency"] = "Adult Q (invented)", "Invented Police"
    assert client.post(url, data=form).status_code == 302
    detail = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Adult Q (invented)" in detail and "Invented Police" in detail
    assert f'href="/t/alpha/reviews/{rid}/details' in detail  # the summary's Change link
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "review.details")).one()
    assert event.details == {"fields": ["notifying_agency", "pseudonym"]}
    timeline = api.get(f"/reviews/{rid}/timeline").json
    assert timeline[0]["name"] == "review_details.updated"
    assert timeline[0]["data"] == {"changed": ["notifying_agency", "pseudonym"]}
    assert "Adult Q" not in str(timeline)  # never the values of sensitive fields

    # the dates, through the API, with the version check
    version = api.get(f"/reviews/{rid}").json["version"]
    stale = api.patch(f"/reviews/{rid}/details", {"date_of_death": "2026-01-30",
                                                  "version": version - 1})
    assert stale.status_code == 409
    assert "Someone else changed this review" in stale.json["errors"][0]["message"]
    assert "version" not in stale.json["errors"][0]["message"]  # in words, not a number
    facts = api.patch(f"/reviews/{rid}/case-facts", {"victim_age": 40, "version": 1})
    assert facts.status_code == 409 and "version" not in facts.json["errors"][0]["message"]
    backwards = api.patch(f"/reviews/{rid}/details", {"notification_date": "2026-01-20"})
    assert backwards.status_code == 422 and backwards.json["errors"][0]["field"] == \
        "notification_date"
    moved = api.patch(f"/reviews/{rid}/details", {"notification_date": "2026-02-10",
                                                  "version": version})
    assert moved.status_code == 200, moved.json
    assert moved.json["notification_date"] == "2026-02-10"
    decision = next(d for d in moved.json["deadlines"] if d["key"] == "decision")
    assert decision["due"] == "2026-03-10"  # the clock follows the corrected date
    assert api.patch(f"/reviews/{rid}/details", {"pseudonym": "x"},
                     role="viewer").status_code == 403

    # a required detail emptied on the page is refused with an error
    form = form_of(client, url)
    form["notifying_agency"] = ""
    refused = client.post(url, data=form)
    assert refused.status_code == 400 and 'href="#notifying_agency"' in refused.get_data(
        as_text=True)


# --- withdrawing a notification entered in error ---------------------------------------------

def test_a_notification_is_withdrawn_with_a_reason_on_the_page(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    sign_in(client, "review_coordinator@alpha.test")
    detail = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert f'href="/t/alpha/reviews/{rid}/withdraw"' in detail
    assert "Withdraw this notification" in client.get(
        f"/t/alpha/reviews/{rid}/withdraw").get_data(as_text=True)
    done = client.post(f"/t/alpha/reviews/{rid}/withdraw",
                       data={"reason": "Entered with the year 1850 in error.", "version": "1"})
    assert done.status_code == 302
    page = client.get(f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert "Withdrawn: entered in error" in page
    assert "Entered with the year 1850 in error." in page
    assert "govuk-notification-banner" in page
    assert f"/t/alpha/reviews/{rid}/steps/" not in page  # no step follows
    review = _scoped(world, Review, rid)
    assert review.withdrawn_on is not None and review.withdrawn_by == \
        world.users[("alpha", "review_coordinator")].id
    assert api.get(f"/reviews/{rid}/timeline").json[0]["name"] == "review.withdrawn"
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "review.withdraw")).one().object_id == str(rid)
    # what was withdrawn takes no step and holds no new record
    assert api.post(f"/reviews/{rid}/transitions", {"to": "scoping"}).status_code == 409
    assert api.post(f"/reviews/{rid}/panel-members",
                    {"agency": "x", "name": "y"}).status_code == 409
    again = client.post(f"/t/alpha/reviews/{rid}/withdraw", data={"reason": "Twice"})
    assert again.status_code == 409


def test_a_notification_is_withdrawn_through_the_api(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    done = api.post(f"/reviews/{rid}/withdraw", {"reason": "A test entry (invented)."})
    assert done.status_code == 200, done.json
    assert done.json["withdrawn_reason"] == "A test entry (invented)."
    assert done.json["withdrawn_on"] is not None and done.json["deadlines"] == []


def test_a_withdrawal_needs_a_reason(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    sign_in(client, "review_coordinator@alpha.test")
    refused = client.post(f"/t/alpha/reviews/{rid}/withdraw", data={"reason": "  "})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "There is a problem" in body and 'href="#reason"' in body
    assert "Enter why the notification is withdrawn" in body
    assert api.post(f"/reviews/{rid}/withdraw", {"reason": ""}).status_code == 422
    assert api.post(f"/reviews/{rid}/withdraw", {}).status_code == 422
    assert _scoped(world, Review, rid).withdrawn_on is None


def test_only_the_coordinator_withdraws(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    for role in ("csp_chair", "viewer"):
        assert api.post(f"/reviews/{rid}/withdraw", {"reason": "No"},
                        role=role).status_code == 403
    sign_in(client, "csp_chair@alpha.test")
    assert client.get(f"/t/alpha/reviews/{rid}/withdraw").status_code == 403
    assert client.post(f"/t/alpha/reviews/{rid}/withdraw",
                       data={"reason": "No"}).status_code == 403
    assert f"/t/alpha/reviews/{rid}/withdraw" not in client.get(
        f"/t/alpha/reviews/{rid}").get_data(as_text=True)
    assert _scoped(world, Review, rid).withdrawn_on is None


def test_a_commissioned_review_cannot_be_withdrawn(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    api.step(rid, "setup", {"decision_date": "2026-02-20", "reasons": "Criteria met.",
                            "home_office_told_on": "2026-02-21"}, role="csp_chair")
    refused = api.post(f"/reviews/{rid}/withdraw", {"reason": "Too late"})
    assert refused.status_code == 409 and "before the decision" in refused.json["errors"][0][
        "message"]
    assert _scoped(world, Review, rid).withdrawn_on is None


def test_a_withdrawn_review_leaves_the_dashboard_and_the_reminders(app, client, world):
    from core.notifications.models import OutboxMessage

    api = Api(client, world)
    gone, kept = world.reviews["alpha"][1], world.reviews["alpha"][0]
    urgent = {u["reference"] for u in api.get("/dashboard").json["urgent"]}
    assert {gone.reference, kept.reference} <= urgent  # both overdue before
    assert api.post(f"/reviews/{gone.id}/withdraw",
                    {"reason": "Entered in error (invented)."}).status_code == 200
    urgent = {u["reference"] for u in api.get("/dashboard").json["urgent"]}
    assert gone.reference not in urgent and kept.reference in urgent
    sign_in(client, "review_coordinator@alpha.test")
    board = client.get("/t/alpha/").get_data(as_text=True)
    assert gone.reference not in board and kept.reference in board
    # still readable, by its address
    assert client.get(f"/t/alpha/reviews/{gone.id}").status_code == 200
    result = app.test_cli_runner().invoke(args=["dhr", "send-reminders"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    with tenant_scope(world.tenants["alpha"].id):
        reminded = {m.review_id for m in db.session.scalars(select(OutboxMessage))}
    assert kept.id in reminded and gone.id not in reminded


def test_a_rule_across_fields_sees_what_is_cleared(client, world):
    """A panel meeting has a date, held or planned: clearing the one it has, with no
    other, is refused (the schema's own rule, not only each field's)."""
    sign_in(client, "review_coordinator@alpha.test")
    rid, meeting = world.reviews["alpha"][0].id, world.items[("alpha", "panel_meetings")]
    url = f"/t/alpha/reviews/{rid}/panel-meetings/{meeting}"
    form = form_of(client, url)
    form["held_on-day"] = form["held_on-month"] = form["held_on-year"] = ""
    refused = client.post(url, data=form)
    assert refused.status_code == 400 and 'href="#held_on' in refused.get_data(as_text=True)


def test_one_wrong_answer_does_not_mark_the_others_missing(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid, report = world.reviews["alpha"][0].id, world.items[("alpha", "agency_reports")]
    url = f"/t/alpha/reviews/{rid}/agency-reports/{report}"
    form = form_of(client, url)
    form["due_on-day"], form["contact_email"] = "32", ""
    form["agency"] = ""
    refused = client.post(url, data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'href="#due_on-day"' in body and 'href="#agency"' in body
    assert 'href="#report_type"' not in body and 'href="#requested_on' not in body
