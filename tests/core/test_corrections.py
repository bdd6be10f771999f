"""Corrections (UK GDPR Art. 16, and plain typing mistakes): every kind of record people
enter by hand can be changed later, through the page and the API, field by field, with the
version check, the timeline and the audit trail; need to know still holds."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.auth.roles import PERMISSIONS
from core.db import db
from core.records.kinds import BY_SLUG
from core.records.models import PanelMember
from tenants.context import tenant_scope
from tenants.roles import TenantRole
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in

FIELDS = {"scoping-returns": ("agency", "Corrected Agency"),
          "chair-appointments": ("name", "Corrected Chair (invented)"),
          "panel-members": ("name", "Corrected Officer (invented)"),
          "panel-meetings": ("summary", "Corrected summary"),
          "family-contacts": ("relationship", "sister"),
          "recommendations": ("addressed_to", "Corrected Board")}


@pytest.mark.parametrize("slug", sorted(FIELDS))
def test_each_kind_is_corrected_through_the_api_field_by_field(client, world, slug):
    api = Api(client, world)
    kind = BY_SLUG[slug]
    rid, item = world.reviews["alpha"][0].id, world.items[("alpha", kind.key)]
    field, value = FIELDS[slug]
    before = api.get(f"/reviews/{rid}/{slug}/{item}").json
    changed = client.patch(f"/api/v1/t/alpha/reviews/{rid}/{slug}/{item}",
                           json={field: value, "version": before["version"]},
                           headers=api._h("review_coordinator"))
    assert changed.status_code == 200, changed.json
    after = changed.json
    assert after[field] == value and after["version"] == before["version"] + 1
    untouched = {k: v for k, v in before.items() if k not in (field, "version", "updated_at")}
    assert {k: after[k] for k in untouched} == untouched  # only the field sent changed
    stale = client.patch(f"/api/v1/t/alpha/reviews/{rid}/{slug}/{item}",
                         json={field: "Lost edit", "version": before["version"]},
                         headers=api._h("review_coordinator"))
    assert stale.status_code == 409
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == f"{kind.key}.update")).one()
    assert event.details == {"fields": [field]}


def test_a_panel_member_is_corrected_through_the_page(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid, item = world.reviews["alpha"][0].id, world.items[("alpha", "panel_members")]
    page = client.get(f"/t/alpha/reviews/{rid}/panel-members/{item}")
    assert page.status_code == 200 and 'name="name"' in page.get_data(as_text=True)
    saved = client.post(f"/t/alpha/reviews/{rid}/panel-members/{item}",
                        data={"name": "Corrected Officer (invented)", "version": "1"})
    assert saved.status_code == 302
    with tenant_scope(world.tenants["alpha"].id):
        row = db.session.get(PanelMember, item)
        assert (row.name, row.agency) == ("Corrected Officer (invented)", "Police")


def test_viewers_cannot_correct_and_need_to_know_holds(client, world, monkeypatch):
    api = Api(client, world)
    rid, contact = world.reviews["alpha"][0].id, world.items[("alpha", "family_contacts")]
    viewer = client.patch(f"/api/v1/t/alpha/reviews/{rid}/family-contacts/{contact}",
                          json={"relationship": "cousin"}, headers=api._h("viewer"))
    assert viewer.status_code in (403, 404)
    sign_in(client, "viewer@alpha.test")
    assert client.get(f"/t/alpha/reviews/{rid}/family-contacts/{contact}").status_code in (
        403, 404)
    # a role that may change records but not read family contacts may not change them either
    monkeypatch.setitem(PERMISSIONS, "family.read", frozenset({TenantRole.CSP_CHAIR}))
    hidden = client.patch(f"/api/v1/t/alpha/reviews/{rid}/family-contacts/{contact}",
                          json={"relationship": "cousin"}, headers=api._h("review_coordinator"))
    assert hidden.status_code == 404
    monkeypatch.undo()
    blank = api.post(f"/reviews/{rid}/panel-members", {"agency": "x", "name": "y"}).json
    emptied = client.patch(f"/api/v1/t/alpha/reviews/{rid}/panel-members/{blank['id']}",
                           json={"name": ""}, headers=api._h("review_coordinator"))
    assert emptied.status_code == 422  # a correction cannot blank a required field


def test_a_record_entered_in_error_is_removed_and_the_timeline_says_so(client, world):
    api = Api(client, world)
    rid, contact = world.reviews["alpha"][0].id, world.items[("alpha", "family_contacts")]
    url = f"/api/v1/t/alpha/reviews/{rid}/family-contacts/{contact}"
    coordinator = api._h("review_coordinator")
    assert client.delete(url + "?version=99", headers=coordinator).status_code == 409
    assert client.delete(url, headers=api._h("viewer")).status_code in (403, 404)
    assert client.delete(url + "?version=1", headers=coordinator).status_code == 204
    assert client.get(url, headers=coordinator).status_code == 404
    timeline = api.get(f"/reviews/{rid}/timeline").json
    assert any(e["name"] == "family_contacts.removed" for e in timeline)
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "family_contacts.remove")).one().object_id == str(contact)


def test_a_recommendation_with_actions_stays_until_they_go(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    recommendation = world.items[("alpha", "recommendations")]
    base = f"/t/alpha/reviews/{rid}"
    check = client.get(f"{base}/recommendations/{recommendation}/remove")
    assert check.status_code == 200 and "Are you sure" in check.get_data(as_text=True)
    refused = client.post(f"{base}/recommendations/{recommendation}/remove",
                          data={"version": "1"})
    assert refused.status_code == 409 and "Remove them first" in refused.get_data(as_text=True)
    action = world.items[("alpha", "actions")]
    assert client.post(f"{base}/actions/{action}/remove", data={}).status_code == 302
    assert client.post(f"{base}/recommendations/{recommendation}/remove",
                       data={"version": "1"}).status_code == 302
    assert client.get(f"{base}/recommendations/{recommendation}").status_code == 404


def test_a_removal_that_loses_a_race_with_an_edit_is_a_409(client, world, admin_engine,
                                                           monkeypatch):
    """The record changed between reading it and removing it: nothing is removed."""
    from sqlalchemy import text

    from core.reviews import timeline

    api = Api(client, world)
    rid, member = world.reviews["alpha"][0].id, world.items[("alpha", "panel_members")]
    real_add = timeline.add

    def edit_meanwhile(*args, **kwargs):
        with admin_engine.begin() as conn:  # another person's edit lands first
            if admin_engine.dialect.name == "postgresql":  # row-level security binds the owner
                conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"),
                             {"t": str(world.tenants["alpha"].id)})
            conn.execute(text("UPDATE panel_members SET version = version + 1, "
                              "name = 'Edited meanwhile' WHERE id = :i"),
                         {"i": member.hex if admin_engine.dialect.name == "sqlite"
                          else str(member)})
        return real_add(*args, **kwargs)

    monkeypatch.setattr(timeline, "add", edit_meanwhile)
    lost = client.delete(f"/api/v1/t/alpha/reviews/{rid}/panel-members/{member}",
                         headers=api._h("review_coordinator"))
    monkeypatch.undo()
    assert lost.status_code == 409 and "while you were removing it" in lost.json["errors"][0][
        "message"]
    assert api.get(f"/reviews/{rid}/panel-members/{member}").json["name"] == "Edited meanwhile"


def test_an_edit_of_a_record_removed_meanwhile_is_a_409(client, world, admin_engine,
                                                        monkeypatch):
    from sqlalchemy import text

    from core.reviews import timeline

    api = Api(client, world)
    rid, meeting = world.reviews["alpha"][0].id, world.items[("alpha", "panel_meetings")]
    real_add = timeline.add

    def removed_meanwhile(*args, **kwargs):
        with admin_engine.begin() as conn:
            if admin_engine.dialect.name == "postgresql":
                conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"),
                             {"t": str(world.tenants["alpha"].id)})
            conn.execute(text("DELETE FROM panel_meetings WHERE id = :i"),
                         {"i": meeting.hex if admin_engine.dialect.name == "sqlite"
                          else str(meeting)})
        return real_add(*args, **kwargs)

    monkeypatch.setattr(timeline, "add", removed_meanwhile)
    lost = client.patch(f"/api/v1/t/alpha/reviews/{rid}/panel-meetings/{meeting}",
                        json={"summary": "Too late"}, headers=api._h("review_coordinator"))
    monkeypatch.undo()
    assert lost.status_code == 409 and "removed this record" in lost.json["errors"][0][
        "message"]


def test_a_correction_that_changes_nothing_writes_nothing(client, world):
    """Issue 14: the change pages send every field; only what really changed is written,
    on the timeline and in the audit trail."""
    api = Api(client, world)
    rid, member = world.reviews["alpha"][0].id, world.items[("alpha", "panel_members")]
    same = api.patch(f"/reviews/{rid}/panel-members/{member}",
                     {"agency": "Police", "name": "Invented Officer", "version": 1})
    assert same.status_code == 200 and same.json["version"] == 1
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "panel_members.update")).all()
    mixed = api.patch(f"/reviews/{rid}/panel-members/{member}",
                      {"agency": "Police", "name": "Invented Sergeant"})
    assert mixed.json["version"] == 2
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "panel_members.update")).one().details == {"fields": ["name"]}


def test_a_waived_report_keeps_its_date_when_only_the_reason_is_corrected(client, world):
    """The rules read what the record will hold: the waived date already recorded counts
    (it used to be asked for again when only the reason was sent)."""
    api = Api(client, world)
    rid, report = world.reviews["alpha"][0].id, world.items[("alpha", "agency_reports")]
    url = f"/reviews/{rid}/agency-reports/{report}"
    assert api.patch(url, {"waived_reason": "No contact with the person (invented).",
                           "waived_on": "2026-03-05"}).status_code == 200
    corrected = api.patch(url, {"waived_reason": "No contact with either person."})
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["waived_on"] == "2026-03-05"
