"""A whole review through the API, notified to closed, with a hold and a resubmit loop."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from core.db import db
from core.reviews.models import TimelineEvent
from tenants.context import tenant_scope


class Api:
    def __init__(self, client, world, slug="alpha"):
        self.client, self.slug = client, slug
        roles = ("review_coordinator", "csp_chair", "viewer")
        self.tokens = {r: world.tokens[(slug, r)] for r in roles if (slug, r) in world.tokens}

    def _h(self, role):
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path, role="review_coordinator"):
        return self.client.get(f"/api/v1/t/{self.slug}{path}", headers=self._h(role))

    def post(self, path, body, role="review_coordinator"):
        return self.client.post(f"/api/v1/t/{self.slug}{path}", json=body, headers=self._h(role))

    def patch(self, path, body, role="review_coordinator"):
        return self.client.patch(f"/api/v1/t/{self.slug}{path}", json=body,
                                 headers=self._h(role))

    def upload(self, review, kind, title, content=None):
        from tests.document_samples import pdf

        content = pdf() if content is None else content
        # named as it really is: a text file named .pdf is refused (issue 14, item 8)
        name = f"{kind}.pdf" if content.startswith(b"%PDF") else f"{kind}.txt"
        return self.client.post(
            f"/api/v1/t/{self.slug}/reviews/{review}/documents", headers=self._h(
                "review_coordinator"),
            data={"kind": kind, "title": title, "file": (io.BytesIO(content), name)},
            content_type="multipart/form-data")

    def step(self, review, to, data=None, role="review_coordinator", expect=200):
        response = self.post(f"/reviews/{review}/transitions", {"to": to, "data": data or {}},
                             role)
        assert response.status_code == expect, (to, response.json)
        return response.json


def test_notified_to_closed_with_a_hold_and_a_resubmit(client, world):
    api = Api(client, world)
    created = api.post("/reviews", {"pseudonym": "Journey Adult (invented)",
                                    "date_of_death": "2026-01-02",
                                    "notification_date": "2026-01-05",
                                    "notifying_agency": "Test Police"})
    assert created.status_code == 201
    rid = created.json["id"]
    assert created.json["next_steps"] == ["scoping", "setup", "not_commissioned"]
    decision = {d["key"]: d for d in created.json["deadlines"]}["decision"]
    assert decision["statutory_due"] == "2026-02-05"

    api.step(rid, "scoping")
    api.post(f"/reviews/{rid}/scoping-returns", {"agency": "Health", "asked_on": "2026-01-06"})
    # the coordinator may not decide: the CSP chair does
    api.step(rid, "setup", {"decision_date": "2026-01-20", "reasons": "Criteria met",
                            "home_office_told_on": "2026-01-21"}, expect=403)
    body = api.step(rid, "setup", {"decision_date": "2026-01-20", "reasons": "Criteria met",
                                   "home_office_told_on": "2026-01-21"}, role="csp_chair")
    assert body["stage"] == "setup" and body["decision"] == "commission"

    refused = api.step(rid, "evidence", expect=409)
    assert {e["code"] for e in refused["errors"]} == {
        "chair_missing", "panel_empty", "terms_missing", "family_not_contacted"}
    assert all(e["message"] for e in refused["errors"])
    api.post(f"/reviews/{rid}/chair-appointments", {
        "name": "Invented Chair", "appointed_on": "2026-01-25",
        "independence_statement": "No prior involvement."})
    api.post(f"/reviews/{rid}/panel-members", {"agency": "Police", "name": "Invented Officer"})
    api.post(f"/reviews/{rid}/panel-meetings", {"held_on": "2026-02-10"})
    assert api.upload(rid, "terms_of_reference", "Terms of reference").status_code == 201
    api.post(f"/reviews/{rid}/family-contacts", {
        "contacted_on": "2026-01-26", "relationship": "sister", "method": "letter",
        "contribution": "none", "leaflet_given": True})
    api.step(rid, "evidence")

    # a hold for an inquest, then resume to the same stage
    held = api.step(rid, "hold", {"reason": "inquest", "started_on": "2026-02-15"})
    assert held["on_hold"] and held["stage"] == "evidence" and held["next_steps"] == ["resume"]
    assert api.step(rid, "drafting", expect=409)["errors"][0]["code"] == "on_hold"
    resumed = api.step(rid, "resume", {"resumed_on": "2026-03-01"})
    assert not resumed["on_hold"] and resumed["stage"] == "evidence"
    completion = {d["key"]: d for d in resumed["deadlines"]}["completion"]
    assert completion["statutory_due"] == "2026-07-20"
    assert completion["adjusted_due"] == "2026-08-03"  # 14 days on hold

    report = api.post(f"/reviews/{rid}/agency-reports", {
        "agency": "Health", "report_type": "imr", "requested_on": "2026-03-02",
        "due_on": "2026-04-02", "contact_email": "imr@health.example"}).json
    assert api.step(rid, "drafting", expect=409)["errors"][0]["code"] == "reports_outstanding"
    api.patch(f"/reviews/{rid}/agency-reports/{report['id']}", {"returned_on": "2026-03-20"})
    api.post(f"/reviews/{rid}/family-contacts", {
        "contacted_on": "2026-03-21", "relationship": "sister", "method": "meeting",
        "contribution": "given"})
    api.step(rid, "drafting")
    for kind in ("overview_report", "executive_summary", "action_plan"):
        api.upload(rid, kind, kind.replace("_", " "))
    api.post(f"/reviews/{rid}/family-contacts", {
        "contacted_on": "2026-05-01", "relationship": "sister", "method": "meeting",
        "contribution": "given", "saw_draft": True})
    api.step(rid, "local_signoff")
    submit = {"signed_off_on": "2026-05-10", "submitted_on": "2026-05-12"}
    api.step(rid, "home_office_qa", submit, role="csp_chair")

    # the Home Office asks for changes: back to drafting, then submitted again
    assert api.step(rid, "drafting", {"outcome_on": "2026-06-01"},
                    expect=409)["errors"][0]["code"] == "letter_missing"
    api.upload(rid, "home_office_letter", "Home Office letter 1")
    api.step(rid, "drafting", {"outcome_on": "2026-06-01"})
    api.step(rid, "local_signoff")
    api.step(rid, "home_office_qa", {"signed_off_on": "2026-06-10",
                                     "submitted_on": "2026-06-11"}, role="csp_chair")
    assert api.step(rid, "ready_to_publish", {"outcome": "approved", "outcome_on": "2026-07-01"},
                    expect=409)["errors"][0]["code"] == "letter_missing"
    api.upload(rid, "home_office_letter", "Home Office letter 2")
    api.step(rid, "ready_to_publish", {"outcome": "approved", "outcome_on": "2026-07-01"})
    submissions = api.get(f"/reviews/{rid}/home-office-submissions").json
    assert [s["outcome"] for s in submissions] == ["resubmit", "approved"]

    published = api.step(rid, "published", {"published_on": "2026-07-15"}, role="csp_chair")
    assert published["submitted_on"] == "2026-05-12"  # the first submission counts
    # no publication window: no source sets one, reports stay online (SEED-AUDIT.md M6)
    keys = {d["key"] for d in published["deadlines"]}
    assert "completion" in keys and "publication_window" not in keys
    api.step(rid, "monitoring")
    recommendation = api.post(f"/reviews/{rid}/recommendations", {
        "text": "Train staff", "scope": "multi_agency", "addressed_to": "Invented Board",
        "level": "local"}).json
    action = api.post(f"/reviews/{rid}/actions", {
        "recommendation_id": recommendation["id"], "description": "Deliver training",
        "owner": "Invented Board", "due_on": "2026-12-01"}).json
    assert api.step(rid, "closed", role="csp_chair", expect=409)["errors"][0]["code"] == \
        "actions_open"
    api.patch(f"/reviews/{rid}/actions/{action['id']}",
              {"status": "complete", "completed_on": "2026-09-01", "evidence": "Attendance"})
    closed = api.step(rid, "closed", role="csp_chair")
    assert closed["stage"] == "closed" and closed["next_steps"] == []

    timeline = api.get(f"/reviews/{rid}/timeline").json
    steps = [e["name"] for e in reversed(timeline) if e["kind"] == "transition"]
    assert steps == ["scoping", "commission", "start_evidence", "hold", "resume",
                     "start_drafting", "drafts_complete", "submit", "resubmit",
                     "drafts_complete", "submit", "approve", "publish", "start_monitoring",
                     "close"]
    holds = api.get(f"/reviews/{rid}/holds").json
    assert [(h["reason"], h["started_on"], h["resumed_on"]) for h in holds] == [
        ("inquest", "2026-02-15", "2026-03-01")]
    # closed: read-only
    assert api.post(f"/reviews/{rid}/panel-members",
                    {"agency": "Fire", "name": "Late"}).status_code == 409


def test_not_commissioned_then_home_office_accepts(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    api.step(rid, "not_commissioned", {"decision_date": "2026-02-10", "reasons": "Not met",
                                       "home_office_told_on": "2026-02-11"}, role="csp_chair")
    assert api.step(rid, "closed", {"decided_on": "2026-03-01"})["stage"] == "closed"


def test_refused_and_invalid_steps_change_nothing(client, world, app):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    before = api.get(f"/reviews/{rid}").json

    def timeline_count():
        with tenant_scope(world.tenants["alpha"].id):
            count = db.session.scalar(select(func.count()).select_from(TimelineEvent))
            db.session.commit()
            return count

    events = timeline_count()
    cases = [
        ({"to": "teleported"}, 422, "to"),
        ({"to": "published"}, 409, None),
        ({"to": "setup", "data": {"decision_date": "2026-01-01", "reasons": "r",
                                  "home_office_told_on": "2026-02-04"}}, 422, "decision_date"),
        ({"to": "setup", "data": {"decision_date": "2026-02-10"}}, 422, "data.reasons"),
        ({"to": "setup", "data": {"decision_date": "2099-01-01", "reasons": "r",
                                  "home_office_told_on": "2099-01-01"}}, 422,
         "data.decision_date"),
        ({"to": "setup", "data": {"decision_date": "2026-02-10", "reasons": "r",
                                  "home_office_told_on": "2026-02-11", "extra": 1}}, 422,
         "data.extra"),
        ({"to": "setup", "data": "not an object"}, 422, "data"),
        ({"to": "scoping", "version": 99}, 409, None),
    ]
    for body, status, field in cases:
        response = api.post(f"/reviews/{rid}/transitions", body, role="csp_chair")
        assert response.status_code == status, (body, response.json)
        assert response.mimetype == "application/problem+json"
        if field:
            assert field in {e["field"] for e in response.json["errors"]}, response.json
    assert api.get(f"/reviews/{rid}").json == before
    assert timeline_count() == events


def test_an_action_needs_an_owner_and_a_recommendation_of_this_review(client, world):
    api = Api(client, world)
    rid, other = world.reviews["alpha"][1].id, world.reviews["alpha"][0].id
    recommendation = api.post(f"/reviews/{other}/recommendations", {
        "text": "t", "scope": "single_agency", "addressed_to": "Body", "level": "local"}).json
    no_owner = api.post(f"/reviews/{rid}/actions", {
        "recommendation_id": recommendation["id"], "description": "d", "due_on": "2026-12-01"})
    assert no_owner.status_code == 422 and "owner" in {e["field"] for e in
                                                       no_owner.json["errors"]}
    wrong_review = api.post(f"/reviews/{rid}/actions", {
        "recommendation_id": recommendation["id"], "description": "d", "owner": "o",
        "due_on": "2026-12-01"})
    assert wrong_review.status_code == 422
    assert api.get(f"/reviews/{rid}/actions").json == []


def test_documents_have_versions_limits_and_types(client, world, app):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id  # the first review already holds a document
    first = api.upload(rid, "chronology", "Chronology", b"plain text chronology v1").json
    doc = first["id"]
    second = client.post(f"/api/v1/t/alpha/reviews/{rid}/documents/{doc}/versions",
                         headers=api._h("review_coordinator"),
                         data={"file": (io.BytesIO(b"plain text chronology v2"), "c.txt")},
                         content_type="multipart/form-data")
    assert second.status_code == 201 and second.json["number"] == 2
    listed = api.get(f"/reviews/{rid}/documents").json
    assert [v["number"] for v in listed[0]["versions"]] == [2, 1]
    # an agency's chronology is for the roles that handle agency reports, not for viewers
    assert api.get(f"/reviews/{rid}/documents/{doc}/versions/1", role="viewer"
                   ).status_code == 404
    download = api.get(f"/reviews/{rid}/documents/{doc}/versions/1", role="csp_chair")
    assert download.status_code == 200 and download.data == b"plain text chronology v1"
    assert "attachment" in download.headers["Content-Disposition"]
    refused = api.upload(rid, "other", "Script", b"<html><script>alert(1)</script></html>")
    assert refused.status_code == 415
    assert api.upload(rid, "other", "Binary", b"MZ\x90\x00\x03").status_code == 415
    assert api.upload(rid, "nonsense", "x").status_code == 422
    app.config["DHR_MAX_UPLOAD_BYTES"] = 10
    too_big = api.upload(rid, "other", "Big", b"%PDF-1.4 more than ten bytes")
    assert too_big.status_code == 413 and too_big.json["errors"][0]["field"] == "file"
    assert len(api.get(f"/reviews/{rid}/documents").json) == 1


def test_a_review_keeps_the_guidance_it_was_created_under(client, world):
    api = Api(client, world)
    body = {"pseudonym": "DARDR Adult (invented)", "date_of_death": "2026-03-01",
            "notification_date": "2026-03-04", "notifying_agency": "Test Police",
            "guidance_profile": "dardr-2024"}
    created = api.post("/reviews", body).json
    assert created["guidance_profile"] == "dardr-2024"
    assert created["next_steps"] == ["scoping", "setup", "not_commissioned"]
    refused = api.step(created["id"], "setup", {
        "decision_date": "2026-03-10", "reasons": "r", "home_office_told_on": "2026-03-11"},
        role="csp_chair", expect=409)
    assert refused["errors"][0]["code"] == "scoping_required"
    assert api.post("/reviews", {**body, "guidance_profile": "wales-2030"}).status_code == 422


def test_a_failed_row_write_leaves_no_blob_behind(client, world, app, monkeypatch):
    from pathlib import Path

    from core.audit import service as audit

    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    blobs = Path(app.config["DHR_BLOB_DIR"])
    before = sorted(p.name for p in blobs.rglob("*") if p.is_file())

    def broken(*_a, **_k):
        raise RuntimeError("database went away mid-upload")

    monkeypatch.setattr(audit, "record", broken)
    response = api.upload(rid, "chronology", "Doomed", b"unique invented content 8812")
    assert response.status_code == 500
    monkeypatch.undo()
    assert sorted(p.name for p in blobs.rglob("*") if p.is_file()) == before
    assert api.get(f"/reviews/{rid}/documents").json == []
