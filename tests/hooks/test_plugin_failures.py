"""A local policy can only hurt its own partnership's step: a plugin that raises, or answers
with the wrong shape, is named and audited, never breaks a page, and never stops another
partnership's reminders (security probe, issue 11, item 14)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from core.hooks.manager import PluginFailed, PluginHost
from core.notifications.models import OutboxMessage
from core.policies import service as policies
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import make_review, sign_in
from tests.hooks.sample import Sample

MALFORMED_DEADLINES = [
    pytest.param("in a week", id="a-string"),
    pytest.param({"key": "x"}, id="a-dict"),
    pytest.param([{"key": "sample_check", "label": "Sample check"}], id="missing-dates"),
    pytest.param([{"key": "sample_check", "label": "Sample check", "start": "2026-01-01",
                   "due": "2026-01-08"}], id="dates-as-text"),
    pytest.param([{"key": "sample_check", "label": "Sample check", "start": date(2026, 1, 1),
                   "due": datetime(2026, 1, 8, 12, 0)}], id="a-datetime"),
    pytest.param([{"key": "sample_check", "label": "Sample check", "start": date(2026, 1, 1),
                   "due": 7}], id="days-not-a-date"),
    pytest.param([{"key": "sample_check", "label": "Sample check", "start": date(2026, 1, 8),
                   "due": date(2026, 1, 1)}], id="due-before-start"),
    pytest.param([{"key": "", "label": "Sample check", "start": date(2026, 1, 1),
                   "due": date(2026, 1, 8)}], id="empty-key"),
    pytest.param([{"key": "sample_check", "label": "Sample check", "start": date(2026, 1, 1),
                   "due": date(2026, 1, 8), "anchor": "publication"}], id="unknown-key"),
]


@pytest.fixture
def enabled(app, world):
    policies.enable(world.tenants["alpha"], "sample", {"level": 2})
    return world


def _failures(hook: str | None = None) -> list[AuditEvent]:
    db.session.rollback()  # see what the requests committed
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plugin.failed")
                                .order_by(AuditEvent.seq)).all()
    return [e for e in events if hook is None or e.details["hook"] == hook]


def _overdue(world, slug="alpha"):
    notified = date.today() - timedelta(days=60)
    return make_review(world.tenants[slug], date_of_death=notified - timedelta(days=2),
                       notification_date=notified)


def _pages(client, world, review_id) -> dict[str, object]:
    sign_in(client, "review_coordinator@alpha.test")
    return {"dashboard": client.get("/t/alpha/"),
            "review": client.get(f"/t/alpha/reviews/{review_id}"),
            "api": Api(client, world).get(f"/reviews/{review_id}")}


def _assert_core_answer(pages) -> None:
    assert {name: r.status_code for name, r in pages.items()} == \
        {"dashboard": 200, "review": 200, "api": 200}
    dashboard = pages["dashboard"].get_data(as_text=True)
    assert "Overdue" in dashboard.split('id="urgent"')[1]
    assert "Decision whether to review" in pages["review"].get_data(as_text=True)
    keys = {d["key"] for d in pages["api"].json["deadlines"]}
    assert "decision" in keys and "sample_check" not in keys


# --- the results of every hook are checked ------------------------------------------------

def test_the_host_names_the_plugin_and_hook_of_a_malformed_result():
    sample = Sample()
    sample.replies["deadline_rules"] = [{"key": "x", "label": "y", "start": "z", "due": 7}]
    host = PluginHost({"sample": sample}, discover=False)
    review = SimpleNamespace(notification_date=date(2026, 1, 1))
    with pytest.raises(PluginFailed) as failed:
        host.collect("deadline_rules", {"sample"}, ctx=None, review=review)
    assert (failed.value.plugin, failed.value.hook) == ("sample", "deadline_rules")
    assert "start" in str(failed.value.error)
    seen = []
    assert host.collect("deadline_rules", {"sample"}, on_failure=seen.append, ctx=None,
                        review=review) == []
    assert [(f.plugin, f.hook) for f in seen] == [("sample", "deadline_rules")]


def test_a_firstresult_hook_falls_back_to_the_core_when_told_to():
    sample = Sample()
    sample.replies["review_terms"] = {"short": "SMP"}  # "long" missing
    host = PluginHost({"sample": sample}, discover=False)

    class Ctx:
        def settings_of(self, _name):
            return {"level": 1}

    with pytest.raises(PluginFailed) as failed:
        host.call("review_terms", {"sample"}, ctx=Ctx(), review=None)
    assert failed.value.plugin == "sample"
    seen = []
    assert host.call("review_terms", {"sample"}, on_failure=seen.append, ctx=Ctx(),
                     review=None) == \
        {"short": "DHR", "long": "Domestic Homicide Review"}
    assert [f.plugin for f in seen] == ["sample"]


def test_a_bad_policy_info_keeps_the_plugin_out_of_the_catalogue():
    sample = Sample()
    sample.replies["policy_info"] = {"name": "sample", "title": "Sample"}
    host = PluginHost({"sample": sample}, discover=False)
    assert host.info("sample") is None


# --- read-side hooks: the page shows the core's answer ------------------------------------

def _overdue_by_api(client, world) -> str:
    """An overdue review recorded through the API (its deadlines are computed, and a
    failing policy audited, in that request)."""
    notified = date.today() - timedelta(days=60)
    created = Api(client, world).post("/reviews", {
        "pseudonym": "Failing Rules Adult (invented)", "notifying_agency": "Test Police",
        "date_of_death": (notified - timedelta(days=2)).isoformat(),
        "notification_date": notified.isoformat()})
    assert created.status_code == 201, created.json
    return created.json["id"]


def test_deadline_rules_that_raise_leave_the_pages_to_the_core(enabled, client, sample):
    # Deadlines are kept (core/reviews/clock.py): the policy is asked when they are
    # computed. Computed while it raises, the core's deadlines are kept, marked to be
    # computed again on every read until it answers.
    sample.fail_in.add("deadline_rules")
    rid = _overdue_by_api(client, enabled)
    _overdue_by_api(client, enabled)
    before = len(_failures("deadline_rules"))
    _assert_core_answer(_pages(client, enabled, rid))
    failed = _failures("deadline_rules")[before:]
    # once per request, however many reviews the dashboard computes again
    assert len(failed) == 3
    assert {(e.details["plugin"], e.details["error"]) for e in failed} == \
        {("sample", "RuntimeError")}
    assert {e.tenant_id for e in failed} == {enabled.tenants["alpha"].id}
    # it answers again: the next read computes the deadlines with its own
    sample.fail_in.clear()
    keys = {d["key"] for d in Api(client, enabled).get(f"/reviews/{rid}").json["deadlines"]}
    assert "sample_check" in keys
    assert len(_failures("deadline_rules")) == before + 3


def test_deadline_rules_that_fail_later_leave_what_was_kept(enabled, client, sample):
    ref = _overdue(enabled)  # computed while the policy answers: its deadline is kept
    sample.fail_in.add("deadline_rules")
    pages = _pages(client, enabled, ref.id)
    assert {name: r.status_code for name, r in pages.items()} == \
        {"dashboard": 200, "review": 200, "api": 200}
    assert "sample_check" in {d["key"] for d in pages["api"].json["deadlines"]}
    assert "Sample check" in pages["dashboard"].get_data(as_text=True)
    assert _failures("deadline_rules") == []  # not asked: nothing that moves it changed


@pytest.mark.parametrize("reply", MALFORMED_DEADLINES)
def test_malformed_deadline_rules_leave_the_pages_to_the_core(enabled, client, sample, reply):
    sample.replies["deadline_rules"] = reply
    rid = _overdue_by_api(client, enabled)
    _assert_core_answer(_pages(client, enabled, rid))
    failed = _failures("deadline_rules")
    assert failed and {(e.details["plugin"], e.details["error"]) for e in failed} == \
        {("sample", "InvalidResult")}


def test_review_terms_and_page_slot_that_fail_leave_the_core_words(enabled, client, sample):
    rid = enabled.reviews["alpha"][0].id
    sample.fail_in.add("page_slot")
    sample.replies["review_terms"] = "SMP"
    sign_in(client, "review_coordinator@alpha.test")
    dashboard = client.get("/t/alpha/")
    page = client.get(f"/t/alpha/reviews/{rid}")
    assert dashboard.status_code == page.status_code == 200
    assert "Domestic Homicide Review" in dashboard.get_data(as_text=True)
    assert "Sample says hello" not in page.get_data(as_text=True)
    assert {(e.details["hook"], e.details["error"]) for e in _failures()} == \
        {("review_terms", "InvalidResult"), ("page_slot", "RuntimeError")}


def test_a_failing_review_fields_schema_hides_only_its_own_form(enabled, client, sample):
    rid = enabled.reviews["alpha"][0].id
    sample.replies["review_fields_schema"] = {"colour": "text"}  # not a Schema class
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get(f"/t/alpha/reviews/{rid}").status_code == 200
    assert client.get(f"/t/alpha/reviews/{rid}/local/sample").status_code == 404
    assert [e.details["hook"] for e in _failures()] == ["review_fields_schema"] * 2


def test_a_failing_required_panel_agencies_shows_the_page_but_refuses_steps(
        enabled, client, sample):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    sample.replies["required_panel_agencies"] = "Sample Agency"  # a string, not a list
    assert api.get(f"/reviews/{rid}").status_code == 200
    refused = api.step(rid, "scoping", expect=409)
    assert [e["code"] for e in refused["errors"]] == ["plugin_failed"]
    assert "'sample'" in refused["errors"][0]["message"]
    assert api.get(f"/reviews/{rid}").json["stage"] == "notified"
    assert {e.details["hook"] for e in _failures()} == {"required_panel_agencies"}


# --- write-side hooks: the step is refused whole, and named -------------------------------

@pytest.mark.parametrize("reply", [None, "no", [{"code": "x", "message": "y"}]])
def test_a_malformed_check_transition_refuses_the_step(enabled, client, sample, reply):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    sample.replies["check_transition"] = reply
    refused = api.step(rid, "scoping", expect=409)
    assert [e["code"] for e in refused["errors"]] == ["plugin_failed"]
    assert "'sample'" in refused["errors"][0]["message"]
    assert api.get(f"/reviews/{rid}").json["stage"] == "notified"
    assert [(e.details["plugin"], e.details["hook"]) for e in _failures()] == \
        [("sample", "check_transition")]


def test_a_malformed_check_record_refuses_the_change(enabled, client, sample):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    sample.replies["check_record"] = ["The sample policy refuses that agency."]  # no Problem
    refused = api.post(f"/reviews/{rid}/panel-members", {"agency": "Allowed", "name": "x"})
    assert refused.status_code == 409 and "'sample'" in refused.json["errors"][0]["message"]
    assert [e.details["hook"] for e in _failures()] == ["check_record"]


@pytest.mark.parametrize("hook, reply", [
    ("publication_plan", {"documents": "executive_summary", "months": 24, "after": "removed"}),
    ("publication_plan", {"documents": [], "months": "24", "after": "removed"}),
    ("publication_plan", {"documents": [], "months": 24, "after": "forever"}),
    ("publication_items", "action_plan"),
    ("learning_outputs", [{"key": "pack", "title": "Pack", "due_days": "ten"}]),
])
def test_malformed_publication_answers_refuse_publishing(enabled, client, sample, hook, reply):
    from tests.hooks.test_hooks import _ready_to_publish

    ref = _ready_to_publish(enabled)
    sample.replies[hook] = reply
    api = Api(client, enabled)
    refused = api.step(ref.id, "published", {"published_on": "2026-06-01"}, role="csp_chair",
                       expect=409)
    assert [e["code"] for e in refused["errors"]] == ["plugin_failed"]
    assert api.get(f"/reviews/{ref.id}").json["stage"] == "ready_to_publish"
    assert api.get(f"/reviews/{ref.id}/publication-records").json == []
    assert {e.details["hook"] for e in _failures()} == {hook}


def test_a_malformed_joint_partners_saves_nothing(enabled, client, sample):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    sample.replies["joint_partners"] = "beta"
    local = f"/api/v1/t/alpha/reviews/{rid}/local/sample"
    refused = client.put(local, json={"fields": {"colour": "red"}},
                         headers=api._h("review_coordinator"))
    assert refused.status_code == 409 and "'sample'" in refused.json["errors"][0]["message"]
    assert api.get(f"/reviews/{rid}/local/sample").json == {}
    assert Api(client, enabled, "beta").get("/shares").json == []
    assert [e.details["hook"] for e in _failures()] == ["joint_partners"]


def test_a_review_transitioned_that_answers_something_is_audited(enabled, client, sample):
    api = Api(client, enabled)
    rid = enabled.reviews["alpha"][0].id
    sample.replies["review_transitioned"] = "done"
    sample.replies["check_transition"] = []
    assert api.step(rid, "scoping")["stage"] == "scoping"
    assert [(e.details["hook"], e.details["error"]) for e in _failures()] == \
        [("review_transitioned", "InvalidResult")]


# --- send-reminders: one partnership's failure stops no other -----------------------------

def _rows(world, slug):
    with tenant_scope(world.tenants[slug].id):
        rows = [(m.kind, m.sent_at is not None)
                for m in db.session.scalars(select(OutboxMessage))]
        db.session.commit()
    return rows


def _account_mail(app):
    from core.accounts.models import AccountMail

    mail = AccountMail(recipient="someone@example.test", subject="Invitation", body="link")
    db.session.add(mail)
    db.session.commit()
    return mail.id


@pytest.mark.parametrize("trouble", ["raises", "malformed"])
def test_send_reminders_goes_on_past_a_failing_partnership(enabled, app, sample, trouble):
    from core.accounts.models import AccountMail

    _overdue(enabled, "alpha")
    _overdue(enabled, "beta")
    mail_id = _account_mail(app)
    if trouble == "raises":
        sample.fail_in.add("deadline_rules")
    else:
        sample.replies["deadline_rules"] = [{"key": "sample_check", "due_days": 7}]
    result = app.test_cli_runner().invoke(args=["dhr", "send-reminders"])
    assert result.exit_code == 1
    failures = [line for line in result.output.splitlines() if "failed for" in line]
    assert len(failures) == 1, result.output
    assert "alpha" in failures[0] and "'sample'" in failures[0]
    assert "deadline_rules" in failures[0]
    assert _rows(enabled, "alpha") == []  # alpha's work rolled back
    beta = _rows(enabled, "beta")
    assert beta and all(sent for _k, sent in beta)  # beta's reminders still queued and sent
    assert db.session.get(AccountMail, mail_id).sent_at is not None  # account mail still went
    failed = _failures("deadline_rules")
    assert [(e.details["plugin"], e.tenant_id) for e in failed] == \
        [("sample", enabled.tenants["alpha"].id)]

    sample.fail_in.clear()
    sample.replies.clear()
    again = app.test_cli_runner().invoke(args=["dhr", "send-reminders"])
    assert again.exit_code == 0, again.output
    assert _rows(enabled, "alpha") and all(sent for _k, sent in _rows(enabled, "alpha"))
