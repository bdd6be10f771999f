"""What a second read of the issue-14 change found, each seen failing before its fix: a
partner deleting a file the lead still uses, dates that ended in a 500, a withdrawn
notification still taking documents and local information, exports broken by a control
character, the review page reading every document to be published, a correction slipping
past a date rule, and a conflict message with a version number in it."""
from __future__ import annotations

import io
import uuid
from datetime import date

import openpyxl
import pytest
from docx import Document as Docx
from sqlalchemy import select

from core.db import db
from core.documents import service as docs
from core.documents.models import DocumentVersion
from core.records.kinds import BY_SLUG
from core.records.models import ParallelProcess
from core.records.service import RecordConflict, _conflict
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tenants.roles import TenantRole
from tests.core.test_change_forms import form_of
from tests.core.test_review_journey_api import Api
from tests.factories import add_member, make_tenant, make_user, sign_in

INVENTED = "Entered in error (invented)"


def test_a_partner_cannot_remove_a_joint_reviews_document_nor_the_leads_file(client, world):
    """Files are stored once per partnership by their SHA-256: the lead's other review may
    hold the same file, which the partner cannot see. Only the lead removes."""
    from core.joint import service as joint

    gamma = make_tenant("gamma", world.regions["south"], "GAM")
    add_member(make_user("review_coordinator@gamma.test"), gamma,
               TenantRole.REVIEW_COORDINATOR)
    db.session.commit()
    alpha = world.tenants["alpha"]
    content = b"The same invented text in two reviews.\n"
    with tenant_scope(alpha.id):
        shared = find_review(world.reviews["alpha"][1].id)
        other = find_review(world.reviews["alpha"][0].id)
        joint.sync(shared, {"gamma"})
        db.session.commit()
        kept = docs.upload(other, content, "notes.txt", kind="other", title="Other notes")
        doc_id = docs.upload(shared, content, "notes.txt", kind="other",
                             title="Shared notes").document_id
        other_id, sha = other.id, kept.sha256
    with tenant_scope(gamma.id):
        joint.accept(joint.invitations()[0][0].id)
    sign_in(client, "review_coordinator@gamma.test")
    url = f"/t/gamma/reviews/{shared.id}/documents/{doc_id}/remove"
    refused = client.post(url, data={"reason": INVENTED})
    assert refused.status_code == 403
    assert "Only the lead partnership" in refused.get_data(as_text=True)
    with tenant_scope(alpha.id):
        assert db.session.scalar(select(DocumentVersion.id).where(
            DocumentVersion.review_id == shared.id)) is not None  # nothing removed
        assert db.session.scalar(select(DocumentVersion.id).where(
            DocumentVersion.review_id == other_id, DocumentVersion.sha256 == sha))
        assert docs.store(alpha.id).get(sha) == content


@pytest.mark.parametrize("day", ["9" * 30, "9" * 5000, "²"])
def test_a_date_box_holding_no_real_number_is_an_error_in_words(client, world, day):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    item = world.items[("alpha", "parallel_processes")]
    for url, name in ((f"/t/alpha/reviews/{rid}/parallel-processes/{item}", "started_on"),
                      (f"/t/alpha/reviews/{rid}/details", "date_of_death")):
        form = form_of(client, url)
        form[f"{name}-day"], form[f"{name}-month"], form[f"{name}-year"] = day, "1", "2025"
        answer = client.post(url, data=form)
        assert answer.status_code == 400, url
        assert "must be a real date" in answer.get_data(as_text=True)


def _withdrawn(api) -> str:
    made = api.post("/reviews", {"pseudonym": "Adult W (invented)",
                                 "date_of_death": "2026-01-02",
                                 "notification_date": "2026-01-05",
                                 "notifying_agency": "Police (invented)"})
    assert made.status_code == 201, made.get_json()
    rid = made.get_json()["id"]
    assert api.post(f"/reviews/{rid}/withdraw", {"reason": INVENTED}).status_code == 200
    return rid


def test_a_withdrawn_notification_takes_no_documents_nor_local_information(client, world):
    from core.policies import local

    api = Api(client, world)
    rid = _withdrawn(api)
    upload = api.upload(rid, "other", "Invented note")
    assert upload.status_code == 409
    assert "withdrawn" in upload.get_json()["errors"][0]["message"]
    with tenant_scope(world.tenants["alpha"].id):
        review = find_review(uuid.UUID(rid))
        with pytest.raises(local.LocalConflict):
            local.save(review, "warrington", None, {})


def test_a_control_character_pasted_from_word_does_not_break_the_exports(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    item = world.items[("alpha", "actions")]
    changed = api.patch(f"/reviews/{rid}/actions/{item}",
                        {"description": "Line one\x0bline two (invented)"})
    assert changed.status_code == 200
    sign_in(client, "review_coordinator@alpha.test")
    base = f"/t/alpha/reviews/{rid}/exports"
    xlsx = client.get(f"{base}/action-plan.xlsx")
    assert xlsx.status_code == 200
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()
             for c in row]
    assert "Line one line two (invented)" in cells
    for path in ("action-plan.docx", "summary.docx"):
        got = client.get(f"{base}/{path}")
        assert got.status_code == 200, path
        text = "\n".join(c.text for t in Docx(io.BytesIO(got.data)).tables
                         for row in t.rows for c in row.cells)
        assert "Line one line two (invented)" in text, path


def test_the_review_page_does_not_read_the_documents_to_be_published(client, world,
                                                                     monkeypatch):
    """The redaction gate reads every document to be published: the publish step's own
    page and its POST run it, not every view of the review page."""
    from core.names import redaction
    from core.reviews import transitions

    scanned = []
    monkeypatch.setattr(redaction, "scan", lambda *a, **k: scanned.append(a) or [])
    publish = next(t for t in transitions.lifecycle.TRANSITIONS if t.name == "publish")
    with tenant_scope(world.tenants["alpha"].id):
        review = find_review(world.reviews["alpha"][0].id)
        assert transitions.blockers(review, publish, {TenantRole.CSP_CHAIR},
                                    scan_documents=False) is not None
        assert not scanned
        transitions.blockers(review, publish, {TenantRole.CSP_CHAIR})
        assert scanned  # the step's own check still reads them


def test_a_correction_of_one_date_is_checked_against_the_dates_it_keeps(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][0].id
    item = world.items[("alpha", "parallel_processes")]
    with tenant_scope(world.tenants["alpha"].id):
        row = db.session.get(ParallelProcess, item)
        row.started_on, row.expected_on = date(2024, 1, 10), date(2024, 2, 1)
        db.session.commit()
    refused = api.patch(f"/reviews/{rid}/parallel-processes/{item}",
                        {"started_on": "2024-03-01"})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.get_json()["errors"]} == {"expected_on"}


def test_a_conflict_says_what_the_record_holds_now_in_words(app, world):
    with tenant_scope(world.tenants["alpha"].id):
        row = db.session.get(ParallelProcess, world.items[("alpha", "parallel_processes")])
        message = str(_conflict(BY_SLUG["parallel-processes"], row,
                                {"started_on": None, "description": "x"}))
    assert isinstance(_conflict(BY_SLUG["parallel-processes"], row, {}), RecordConflict)
    assert "version" not in message and "It now holds" in message
    assert row.started_on.isoformat() not in message  # a date in words, not ISO
