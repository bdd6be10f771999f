"""Joint reviews: the lead shares one review; partners see it and nothing else of the lead;
every partner signs off before submission; removing a partner ends its access at once."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import create_engine, select, text

from core.db import db
from core.policies import service as policies
from core.records.models import PanelMember
from tenants.context import tenant_scope
from tenants.roles import TenantRole
from tests.conftest import TARGET
from tests.core.test_review_journey_api import Api
from tests.factories import add_member, make_tenant, make_user
from tests.plugins.walk import review_at


@pytest.fixture
def joint(app, world, client):
    """alpha leads a review at local sign-off, shared with beta (accepted); gamma is a
    third partnership with nothing to do with it."""
    gamma = make_tenant("gamma", world.regions["south"], "GAM")
    user = make_user("review_coordinator@gamma.test")
    add_member(user, gamma, TenantRole.REVIEW_COORDINATOR)
    db.session.commit()
    from core.auth import service as auth

    world.tenants["gamma"] = gamma
    world.tokens[("gamma", "review_coordinator")] = auth.create_token(user, gamma, "t")[1]
    rid = review_at(world, "alpha", "local_signoff")
    policies.enable(world.tenants["alpha"], "joint", {})
    lead = Api(client, world)
    put = client.put(f"/api/v1/t/alpha/reviews/{rid}/local/joint",
                     json={"fields": {"partners": "beta"}}, headers=lead._h("review_coordinator"))
    assert put.status_code == 200
    partner = Api(client, world, "beta")
    assert partner.get(f"/reviews/{rid}").status_code == 404  # not before accepting
    invitation = partner.get("/shares").json
    assert [i["review_id"] for i in invitation] == [str(rid)]
    assert partner.post(f"/shares/{invitation[0]['id']}/accept", {}).status_code == 200
    return {"rid": rid, "share": invitation[0]["id"], "lead": lead, "partner": partner,
            "third": Api(client, world, "gamma")}


def test_a_partner_sees_and_works_on_the_shared_review_only(joint, world):
    rid, lead, partner = joint["rid"], joint["lead"], joint["partner"]
    shared = partner.get(f"/reviews/{rid}")
    assert shared.status_code == 200 and shared.json["reference"].startswith("ALP-")
    listed = {r["reference"] for r in partner.get("/reviews").json}
    assert shared.json["reference"] in listed
    assert not any(ref.startswith("ALP-") and ref != shared.json["reference"] for ref in listed)
    other = world.reviews["alpha"][0].id
    assert partner.get(f"/reviews/{other}").status_code == 404
    added = partner.post(f"/reviews/{rid}/panel-members", {"agency": "Bolton Health",
                                                           "name": "Invented"})
    assert added.status_code == 201
    with tenant_scope(world.tenants["alpha"].id):
        row = db.session.scalar(select(PanelMember).where(PanelMember.agency == "Bolton Health"))
        assert row.tenant_id == world.tenants["alpha"].id  # it belongs to the lead's review
    upload = partner.client.post(
        f"/api/v1/t/beta/reviews/{rid}/documents", headers=partner._h("review_coordinator"),
        data={"kind": "other", "title": "Partner note",
              "file": (io.BytesIO(b"invented partner note"), "n.txt")},
        content_type="multipart/form-data")
    assert upload.status_code == 201
    doc = upload.json["id"]
    assert lead.get(f"/reviews/{rid}/documents/{doc}/versions/1").data == b"invented partner note"


def test_a_third_partnership_sees_nothing(joint):
    third, rid = joint["third"], joint["rid"]
    assert third.get(f"/reviews/{rid}").status_code == 404
    assert third.get(f"/reviews/{rid}/panel-members").status_code == 404
    assert third.get("/shares").json == []
    assert third.post(f"/shares/{joint['share']}/accept", {}).status_code == 404


def test_every_partner_signs_off_before_submission(joint):
    rid, lead, partner = joint["rid"], joint["lead"], joint["partner"]
    submit = {"signed_off_on": "2025-06-10", "submitted_on": "2025-06-11"}
    refused = lead.step(rid, "home_office_qa", submit, role="csp_chair", expect=409)
    assert refused["errors"][0]["code"] == "partner_signoff"
    assert "beta" in refused["errors"][0]["message"]
    assert partner.post(f"/reviews/{rid}/partners/signoff", {}).status_code == 403  # chair only
    assert partner.post(f"/reviews/{rid}/partners/signoff", {},
                        role="csp_chair").status_code == 200
    assert lead.step(rid, "home_office_qa", submit, role="csp_chair")["reference"] == \
        partner.get(f"/reviews/{rid}").json["reference"]  # one shared reference


def test_removing_a_partner_removes_its_access_at_once(joint):
    rid, lead, partner = joint["rid"], joint["lead"], joint["partner"]
    assert partner.client.delete(f"/api/v1/t/beta/reviews/{rid}/partners/{joint['share']}",
                                 headers=partner._h("review_coordinator")).status_code == 403
    assert lead.client.delete(f"/api/v1/t/alpha/reviews/{rid}/partners/{joint['share']}",
                              headers=lead._h("review_coordinator")).status_code == 204
    assert partner.get(f"/reviews/{rid}").status_code == 404
    assert partner.get(f"/reviews/{rid}/panel-members").status_code == 404


@pytest.mark.skipif(TARGET != "postgresql", reason="row-level security exists only on PostgreSQL")
def test_postgresql_admits_the_partner_to_the_shared_review_rows_only(joint, world, database):
    engine = create_engine(database.url)
    alpha, beta = world.tenants["alpha"].id, world.tenants["beta"].id
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"), {"t": str(beta)})
            alpha_reviews = {r[0] for r in conn.execute(
                text("SELECT id FROM reviews WHERE tenant_id = :a"), {"a": alpha})}
            assert alpha_reviews == {joint["rid"]}
            members = {r[0] for r in conn.execute(
                text("SELECT review_id FROM panel_members WHERE tenant_id = :a"), {"a": alpha})}
            assert members == {joint["rid"]}
            assert conn.execute(text("SELECT count(*) FROM outbox_messages WHERE tenant_id = :a"),
                                {"a": alpha}).scalar() == 0
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"),
                         {"t": str(world.tenants["gamma"].id)})
            assert conn.execute(text("SELECT count(*) FROM reviews WHERE tenant_id = :a"),
                                {"a": alpha}).scalar() == 0
    finally:
        engine.dispose()


def test_only_the_lead_moves_the_review_and_names_partners(joint):
    rid, partner = joint["rid"], joint["partner"]
    refused = partner.step(rid, "hold", {"reason": "inquest", "started_on": "2025-06-01"},
                           expect=403)
    assert refused["errors"][0]["code"] == "not_lead"
    local = partner.client.put(f"/api/v1/t/beta/reviews/{rid}/local/joint",
                               json={"fields": {"partners": "beta,gamma"}},
                               headers=partner._h("review_coordinator"))
    assert local.status_code in (404, 409)  # beta has not enabled joint, or may not set it


def test_a_partner_keeps_its_own_mail_and_public_page(joint, world, app):
    rid, partner = joint["rid"], joint["partner"]
    added = partner.post(f"/reviews/{rid}/agency-reports", {
        "agency": "Bolton Probation", "report_type": "chronology", "requested_on": "2025-06-01",
        "due_on": "2025-07-01", "contact_email": "imr@probation.example"})
    assert added.status_code == 201
    from core.notifications.models import OutboxMessage

    with tenant_scope(world.tenants["beta"].id):
        mine = db.session.scalars(select(OutboxMessage)).all()
        assert [m.recipient for m in mine] == ["imr@probation.example"]
        assert all(m.tenant_id == world.tenants["beta"].id for m in mine)
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["dhr", "send-reminders"]).exit_code == 0
    second = runner.invoke(args=["dhr", "send-reminders"])
    assert second.exit_code == 0 and "queued 0, sent 0" in second.output
    reference = partner.get(f"/reviews/{rid}").json["reference"]
    assert reference not in partner.client.get("/t/beta/published").get_data(as_text=True)


def test_a_partners_reads_of_the_joint_review_are_in_the_leads_audit_export(joint, world):
    """The lead is answerable for its review: what partners did to it is in its export,
    while nothing else of the partner's is."""
    import csv
    from datetime import date

    from tests.factories import sign_in

    rid, partner = joint["rid"], joint["partner"]
    assert partner.get(f"/reviews/{rid}").status_code == 200
    added = partner.post(f"/reviews/{rid}/panel-members", {"agency": "Bolton Health",
                                                           "name": "Invented"}).json["id"]
    partner.get(f"/reviews/{world.reviews['beta'][0].id}")  # the partner's own review
    client = partner.client.application.test_client()
    sign_in(client, "csp_admin@alpha.test")
    d = date.today()
    span = "&".join(f"{e}-{p}={v}" for e in ("start", "end") for p, v in
                    (("day", d.day), ("month", d.month), ("year", d.year)))
    rows = list(csv.DictReader(client.get(f"/t/alpha/audit?{span}").get_data(
        as_text=True).splitlines()))
    partner_rows = [r for r in rows if r["actor"].endswith("@beta.test")]
    assert any(r["action"] == "review.read" and r["object_id"] == str(rid)
               for r in partner_rows)
    assert any(r["object_id"] == added for r in partner_rows)  # a record it added
    assert {r["object_id"] for r in partner_rows} == {str(rid), added}


def test_a_partners_work_on_the_joint_review_stays_with_the_lead_when_the_partner_leaves(
        joint, world, app):
    """Events about the lead's review belong to the lead, whoever acted: offboarding the
    partner erases the partner's own trail, not the lead's record of what it did."""
    from sqlalchemy import select

    from core.audit.models import AuditEvent
    from core.audit.service import verify

    rid, partner = joint["rid"], joint["partner"]
    assert partner.get(f"/reviews/{rid}").status_code == 200
    reads = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "review.read", AuditEvent.object_id == str(rid),
        AuditEvent.actor == "review_coordinator@beta.test")).all()
    assert reads and {e.tenant_id for e in reads} == {world.tenants["alpha"].id}
    done = app.test_cli_runner().invoke(args=["dhr", "tenant", "offboard", "beta",
                                              "--confirm", "beta"])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    kept = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "review.read", AuditEvent.object_id == str(rid))).all()
    assert any(e.actor == "review_coordinator@beta.test" for e in kept)
    assert verify()[1] is None
