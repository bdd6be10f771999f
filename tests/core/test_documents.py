"""Documents (issue 14, item 8): Excel and OpenDocument spreadsheets accepted, content that
does not match its name refused, macros and zip bombs refused, the stored name ending as
the file really is; a document or version entered in error removed with a reason (its file
gone, the removal on the timeline and in the audit trail); a new version replacing the one
before; one upload form per review with the kind as a choice."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from core.documents import filetypes
from core.documents.models import Document, DocumentRemoval, DocumentVersion
from core.reviews.models import TimelineEvent
from tenants.context import tenant_scope
from tests import document_samples as samples
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in

MISMATCH = "The selected file is {real}, not {claimed}. Upload a PDF, Word, Excel or " \
           "OpenDocument file"


def _send(client, api, rid, name, content, kind="chronology", title="Chronology"):
    return client.post(f"/api/v1/t/alpha/reviews/{rid}/documents",
                       headers=api._h("review_coordinator"),
                       data={"kind": kind, "title": title,
                             "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _message(response) -> str:
    return response.json["errors"][0]["message"]


def _blobs(app) -> set[str]:
    return {p.name for p in Path(app.config["DHR_BLOB_DIR"]).rglob("*") if p.is_file()}


def _rows(world, model, **where):
    with tenant_scope(world.tenants["alpha"].id):
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        rows = list(db.session.scalars(query))
        db.session.commit()
        return rows


# Content checks -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("Chronology.xlsx", samples.xlsx(), filetypes.XLSX),
    ("Chronology.ods", samples.ods(), filetypes.ODS),
    ("Report.docx", samples.docx(), filetypes.DOCX),
    ("Report.odt", samples.odt(), filetypes.ODT),
    ("Report.PDF", samples.pdf(), filetypes.PDF),
])
def test_real_office_files_are_recognised(name, content, content_type):
    assert filetypes.examine(content) == filetypes.Examined(content_type)
    assert filetypes.mismatch(name, content_type) is None
    assert filetypes.stored_name(name, content_type) == name


def test_a_real_xlsx_and_ods_chronology_are_accepted_and_kept_as_they_are(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    for name, content, content_type in (("Chronology.xlsx", samples.xlsx(), filetypes.XLSX),
                                        ("Chronology.ods", samples.ods(), filetypes.ODS)):
        created = _send(client, api, rid, name, content)
        assert created.status_code == 201, created.json
        version = created.json["versions"][0]
        assert (version["filename"], version["content_type"]) == (name, content_type)
        download = api.get(f"/reviews/{rid}/documents/{created.json['id']}/versions/1")
        assert download.status_code == 200 and download.data == content
        assert download.mimetype == content_type


@pytest.mark.parametrize(("name", "content", "real", "claimed"), [
    ("report.pdf", b"An invented note, plain text.", "a text file", "a PDF"),
    ("chronology.xlsx", samples.docx(), "a Word document", "an Excel spreadsheet"),
    ("chronology.ods", samples.xlsx(), "an Excel spreadsheet", "an OpenDocument spreadsheet"),
    ("report.docx", samples.pdf(), "a PDF", "a Word document"),
    ("notes.txt", samples.odt(), "an OpenDocument text document", "a text file"),
    ("chronology.csv", samples.xlsx(), "an Excel spreadsheet", "a CSV file"),
])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
        app, client, world, name, content, real, claimed):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    before, blobs = len(_rows(world, DocumentVersion)), _blobs(app)
    refused = _send(client, api, rid, name, content)
    assert refused.status_code == 415
    assert _message(refused) == MISMATCH.format(real=real, claimed=claimed)
    assert len(_rows(world, DocumentVersion)) == before and _blobs(app) == blobs


def test_the_page_names_what_the_file_really_is(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    page = client.post(f"/t/alpha/reviews/{rid}/documents", data={
        "document": "new", "kind": "other", "title": "Note",
        "file": (io.BytesIO(b"An invented note."), "note.pdf")},
        content_type="multipart/form-data")
    assert page.status_code == 415
    html = page.get_data(as_text=True)
    assert "There is a problem" in html
    assert MISMATCH.format(real="a text file", claimed="a PDF") in html


@pytest.mark.parametrize(("name", "content"), [
    ("macro.xlsm", samples.xlsx(main_type=samples.XLSM_MAIN)),
    ("macro.docm", samples.docx(main_type=samples.DOCM_MAIN)),
    # macro-enabled content renamed to pass as a plain workbook
    ("macro.xlsx", samples.xlsx(main_type=samples.XLSM_MAIN)),
    ("macro.xlsx", samples.xlsx(extra=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 invented")])),
    ("macro.ods", samples.ods(extra=[("Basic/Standard/Module1.xml", b"<module/>")])),
    ("macro.odt", samples.odt(extra=[("Scripts/python/run.py", b"print(1)")])),
])
def test_files_with_macros_are_refused(client, world, name, content):
    api = Api(client, world)
    refused = _send(client, api, world.reviews["alpha"][1].id, name, content)
    assert refused.status_code == 415
    assert _message(refused).startswith("The selected file contains macros.")


def test_a_zip_bomb_is_refused_before_anything_unpacks_it(client, world):
    bomb = samples.zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    refused = _send(client, Api(client, world), world.reviews["alpha"][1].id,
                    "chronology.xlsx", bomb)
    assert refused.status_code == 413
    assert _message(refused).startswith("The selected file unpacks to more than 256 MB")
    many = samples.xlsx(extra=[(f"xl/media/{n}.bin", b"") for n in range(10_001)])
    assert filetypes.examine(many).problem == "too_large"


@pytest.mark.parametrize(("content", "problem"), [
    (b"%PDF-1.4 invented, and not a PDF at all", "damaged"),
    (samples.odt(mimetype_first=False), "unsupported"),  # mimetype must come first
    (samples.pdf()[:200], "damaged"),
    (b"PK\x03\x04 truncated", "damaged"),
])
def test_what_only_looks_like_an_accepted_type_is_refused(content, problem):
    assert filetypes.examine(content) == filetypes.Examined(None, problem)


@pytest.mark.parametrize(("typed", "stored"), [
    ("chronology", "chronology.txt"),
    ("run.sh", "run.sh.txt"),
    ("Chronology v1.2", "Chronology v1.2.txt"),
    ("notes.TXT", "notes.TXT"),
])
def test_the_stored_name_ends_as_the_file_really_is(client, world, typed, stored):
    created = _send(client, Api(client, world), world.reviews["alpha"][1].id, typed,
                    b"An invented note.", kind="other", title="Note")
    assert created.status_code == 201, created.json
    assert created.json["versions"][0]["filename"] == stored


# One upload form; replacing -------------------------------------------------------------

def test_one_upload_form_per_review_with_the_kind_and_the_document_as_choices(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id  # holds the world's terms of reference
    base = f"/t/alpha/reviews/{rid}/documents"
    html = client.get(base).get_data(as_text=True)
    assert html.count('enctype="multipart/form-data"') == 1
    assert html.count('type="file"') == 1
    assert 'name="kind"' in html and 'name="document"' in html
    assert re.search(r'<input[^>]*name="document"[^>]*value="new"', html)
    doc = world.documents["alpha"]
    assert f'value="{doc}"' in html and "A new version of Terms of reference" in html
    # the per-document form is gone; its link opens the one form with the document chosen
    assert f"{base}/{doc}/versions\"" not in html
    chosen = client.get(f"{base}?document={doc}").get_data(as_text=True)
    assert re.search(rf'<input[^>]*value="{doc}"[^>]*checked', chosen)


def test_a_new_version_replaces_the_one_before_through_the_one_form(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id
    doc = world.documents["alpha"]
    base = f"/t/alpha/reviews/{rid}/documents"
    done = client.post(base, data={
        "document": str(doc), "kind": "", "title": "",
        "file": (io.BytesIO(samples.pdf("Invented terms, second draft")), "tor v2.pdf")},
        content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)
    versions = _rows(world, DocumentVersion, document_id=doc)
    assert sorted(v.number for v in versions) == [1, 2]
    assert _rows(world, Document, id=doc)[0].latest_version == 2
    assert len(_rows(world, Document, review_id=rid)) == 1  # no second document
    bad = client.post(base, data={"document": "not-a-document",
                                  "file": (io.BytesIO(b"x"), "x.txt")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "Select a document to replace, or a new document" in bad.get_data(as_text=True)


def test_a_new_document_through_the_one_form_needs_a_kind_and_a_title(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    base = f"/t/alpha/reviews/{rid}/documents"
    missing = client.post(base, data={"document": "new", "kind": "", "title": "x",
                                      "file": (io.BytesIO(b"x"), "x.txt")},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and 'href="#kind"' in missing.get_data(as_text=True)
    made = client.post(base, data={"document": "new", "kind": "chronology",
                                   "title": "Police chronology",
                                   "file": (io.BytesIO(samples.xlsx()), "police.xlsx")},
                       content_type="multipart/form-data")
    assert made.status_code == 302
    assert [d.kind for d in _rows(world, Document, review_id=rid)] == ["chronology"]


# Removal --------------------------------------------------------------------------------

def _two_versions(client, world, api, rid, first=b"Invented chronology v1.",
                  second=b"Invented chronology v2."):
    doc = _send(client, api, rid, "c.txt", first).json["id"]
    added = client.post(f"/api/v1/t/alpha/reviews/{rid}/documents/{doc}/versions",
                        headers=api._h("review_coordinator"),
                        data={"file": (io.BytesIO(second), "c.txt")},
                        content_type="multipart/form-data")
    assert added.status_code == 201
    return doc


def test_a_version_entered_in_error_is_removed_through_the_page(app, client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    doc = _two_versions(client, world, api, rid, second=b"Wrong review's invented notes.")
    wrong = _rows(world, DocumentVersion, number=2)[0]
    sign_in(client, "review_coordinator@alpha.test")
    base = f"/t/alpha/reviews/{rid}/documents"
    listing = client.get(base).get_data(as_text=True)
    assert f"{base}/{doc}/versions/2/remove" in listing and f"{base}/{doc}/remove" in listing
    confirm = client.get(f"{base}/{doc}/versions/2/remove")
    assert confirm.status_code == 200
    assert "Why are you removing it?" in confirm.get_data(as_text=True)
    no_reason = client.post(f"{base}/{doc}/versions/2/remove", data={"reason": "  "})
    assert no_reason.status_code == 422
    assert "Enter why the document is being removed" in no_reason.get_data(as_text=True)
    assert client.get(f"{base}/{doc}/versions/2").status_code == 200  # still there
    done = client.post(f"{base}/{doc}/versions/2/remove",
                       data={"reason": "Uploaded to the wrong review"})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Version of the document removed" in page  # the banner
    assert "Uploaded to the wrong review" in page and "Removed" in page
    # not served any more, and its file is gone (no other version holds that content)
    assert client.get(f"{base}/{doc}/versions/2").status_code == 404
    assert api.get(f"/reviews/{rid}/documents/{doc}/versions/2").status_code == 404
    assert wrong.sha256 not in _blobs(app)
    assert client.get(f"{base}/{doc}/versions/1").status_code == 200
    # the record, the timeline and the audit trail keep who, when and why
    removal = _rows(world, DocumentRemoval, document_id=wrong.document_id)[0]
    assert (removal.number, removal.reason, removal.removed_by) == (
        2, "Uploaded to the wrong review", "review_coordinator@alpha.test")
    assert _rows(world, Document, id=wrong.document_id)[0].latest_version == 1
    events = _rows(world, TimelineEvent, review_id=rid, name="document.removed")
    assert events and events[0].data["versions"] == [2]
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "document.remove")).all()
    assert audit[-1].details["reason"] == "Uploaded to the wrong review"
    assert audit[-1].details["sha256"] == [wrong.sha256]
    timeline = client.get(f"/t/alpha/reviews/{rid}/timeline").get_data(as_text=True)
    assert "Document version removed" in timeline


def test_a_document_is_removed_through_the_api_with_every_version(app, client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    doc = _two_versions(client, world, api, rid)
    digests = {v.sha256 for v in _rows(world, DocumentVersion)
               if str(v.document_id) == doc}
    url = f"/api/v1/t/alpha/reviews/{rid}/documents/{doc}"
    headers = api._h("review_coordinator")
    assert client.delete(url, json={}, headers=headers).status_code == 422
    assert client.delete(url, json={"reason": "x" * 501}, headers=headers).status_code == 422
    viewer = client.delete(url, json={"reason": "Wrong review"}, headers=api._h("viewer"))
    assert viewer.status_code in (403, 404)
    removed = client.delete(url, json={"reason": "Wrong review"}, headers=headers)
    assert removed.status_code == 200, removed.json
    assert sorted(r["number"] for r in removed.json) == [1, 2]
    assert all(r["reason"] == "Wrong review" for r in removed.json)
    assert doc not in {d["id"] for d in api.get(f"/reviews/{rid}/documents").json}
    for number in (1, 2):
        assert api.get(f"/reviews/{rid}/documents/{doc}/versions/{number}").status_code == 404
    assert not digests & _blobs(app)
    listed = api.get(f"/reviews/{rid}/documents/removals").json
    assert {(r["document_id"], r["number"]) for r in listed} == {(doc, 1), (doc, 2)}
    # gone is gone: removing again, or uploading a version to it, finds nothing
    assert client.delete(url, json={"reason": "again"}, headers=headers).status_code == 404
    assert client.post(f"{url}/versions", headers=headers,
                       data={"file": (io.BytesIO(b"x"), "x.txt")},
                       content_type="multipart/form-data").status_code == 404


def test_a_removed_number_is_never_given_again_and_shared_content_stays(app, client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    same = b"Invented content held by two documents."
    doc = _two_versions(client, world, api, rid, second=same)
    other = _send(client, api, rid, "copy.txt", same, kind="other", title="Copy").json
    url = f"/api/v1/t/alpha/reviews/{rid}/documents/{doc}/versions/2"
    removed = client.delete(url, json={"reason": "Duplicate"},
                            headers=api._h("review_coordinator"))
    assert removed.status_code == 200
    # the other document still holds that content: its file stays and is served
    assert api.get(f"/reviews/{rid}/documents/{other['id']}/versions/1").data == same
    again = client.post(f"/api/v1/t/alpha/reviews/{rid}/documents/{doc}/versions",
                        headers=api._h("review_coordinator"),
                        data={"file": (io.BytesIO(b"Invented v3."), "c.txt")},
                        content_type="multipart/form-data")
    assert again.status_code == 201 and again.json["number"] == 3
    listed = next(d for d in api.get(f"/reviews/{rid}/documents").json if d["id"] == doc)
    assert listed["latest_version"] == 3
    assert [v["number"] for v in listed["versions"]] == [3, 1]
    missing = client.delete(url, json={"reason": "again"},
                            headers=api._h("review_coordinator"))
    assert missing.status_code == 404


def test_a_published_version_cannot_be_removed(client, world):
    from core.records.models import PublicationRecord

    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    created = _send(client, api, rid, "overview.pdf", samples.pdf(), kind="overview_report",
                    title="Overview report").json
    version = _rows(world, DocumentVersion, document_id=__import__("uuid").UUID(
        created["id"]))[0]
    with tenant_scope(world.tenants["alpha"].id):
        db.session.add(PublicationRecord(review_id=rid, decision="publish",
                                         decided_on=__import__("datetime").date(2026, 3, 1),
                                         documents=["overview_report"],
                                         versions={"overview_report": [str(version.id)]}))
        db.session.commit()
    refused = client.delete(f"/api/v1/t/alpha/reviews/{rid}/documents/{created['id']}",
                            json={"reason": "Wrong"}, headers=api._h("review_coordinator"))
    assert refused.status_code == 409 and "published" in _message(refused)


# What reads documents reads spreadsheets too -------------------------------------------

def test_the_redaction_gate_reads_names_in_a_spreadsheet(app):
    """Accepting .xlsx and .ods must not open a way round the redaction gate (and the
    subject access search, which reads files the same way)."""
    from core.names import redaction

    terms = [redaction.Term("Seeded Testname", "real name", "Adult A")]
    with app.test_request_context():
        for content, content_type in (
                (samples.xlsx(rows=(("Date", "Event"), ("2026-03-01", "Seeded Testname")))
                 , filetypes.XLSX),
                (samples.ods(text="Seen by Seeded Testname"), filetypes.ODS)):
            hits = redaction.scan_file("Chronology", 1, content, content_type, terms)
            assert [h.what for h in hits] == ["real name"], content_type
            clean = redaction.scan_file("Chronology", 1, samples.xlsx(), filetypes.XLSX,
                                        terms)
            assert clean == []
