"""Subject access: a search finds every record and file of one partnership mentioning a
person, gives a bundle for redaction, and runs a one-month clock."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from core.documents import service as documents
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.core.test_redaction import word
from tests.factories import sign_in


def test_every_mention_in_one_partnership_and_a_bundle(client, world):
    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    for tenant, slug in ((alpha, "alpha"), (beta, "beta")):
        with tenant_scope(tenant.id):
            review = find_review(world.reviews[slug][0].id)
            records.add_record(review, BY_SLUG["family-contacts"], {
                "contacted_on": date(2026, 3, 5), "relationship": "sister",
                "method": "meeting", "contribution": "given",
                "summary": "Spoke with Seeded Sister about Adult A."})
            documents.upload(review, word("Seeded Sister gave a statement."), "s.docx",
                             kind="other", title=f"Statement {slug}")
    sign_in(client, "csp_chair@alpha.test")
    created = client.post("/t/alpha/subject-access", data={
        "requester": "A family member (invented)", "terms": "Seeded Sister\n",
        "received_on-day": "2", "received_on-month": "10", "received_on-year": "2026"})
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "2 November 2026" in page  # due one month after it arrived
    assert "family_contacts" in page and "Statement alpha v1" in page
    assert "Statement beta" not in page
    bundle = client.get(created.headers["Location"] + "/bundle")
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("mentions.csv").decode())))
        names = archive.namelist()
        assert {r["place"] for r in rows} == {"family_contacts", "document"}
        assert "records/family_contacts.jsonl" in names
        assert any(n.startswith("files/") and n.endswith("s.docx") for n in names)
        assert str(beta.id) not in archive.read("records/family_contacts.jsonl").decode()
    client.post(created.headers["Location"] + "/complete")
    assert "Answered" in client.get("/t/alpha/subject-access").get_data(as_text=True)
    actions = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"sar.recorded", "sar.searched", "sar.bundle_downloaded", "sar.completed"} <= actions


def test_only_the_chair_runs_subject_access_and_bad_input_is_named(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    assert client.get("/t/alpha/subject-access").status_code == 403
    client.post("/sign-out")
    sign_in(client, "csp_chair@alpha.test")
    bad = client.post("/t/alpha/subject-access", data={"requester": "", "terms": " "})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Enter who is asking" in html
    assert "Enter at least one name" in html and "Enter a date" in html


def test_a_scanned_page_is_put_in_the_bundle_to_be_read_by_hand(app, world):
    """The search cannot read a scan: the file goes in the bundle, marked, not skipped."""
    from core.sar.search import bundle, find
    from tests.core.test_redaction import pdf

    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray " \
            b"/BitsPerComponent 8 /Length 1 >>\nstream\n\xff\nendstream"
    alpha = world.tenants["alpha"]
    with tenant_scope(alpha.id):
        review = find_review(world.reviews["alpha"][0].id)
        documents.upload(review, pdf("", extra=image), "scan.pdf", kind="other",
                         title="Scanned letter")
        mentions, found = find(alpha.id, "Seeded Sister")
    assert mentions == []
    labels = [entry[0] for entry in found["files"].values()]
    assert any(label.startswith("Scanned letter v1 (not fully readable") for label in labels)
    with zipfile.ZipFile(io.BytesIO(bundle(mentions, found))) as archive:
        assert any(n.startswith("files/") and n.endswith("-scan.pdf")
                   for n in archive.namelist())
