"""The redaction gate: publication is refused while a protected name, other name, date of
birth or address is in a document to be published (text, PDF text layer, DOCX text and
file details); the coordinator sees where; a clean document passes."""
from __future__ import annotations

import io
from datetime import date

import docx

from core.documents import filetypes
from core.documents import service as documents
from core.names import redaction
from core.names import service as names
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.factories import sign_in
from tests.plugins.walk import review_at


class Name:  # the fields the gate reads, without a database row
    def __init__(self, **kw):
        self.__dict__.update({"aliases": None, "date_of_birth": None, "address": None,
                              "pseudonym": "Adult A", **kw})


TERMS = redaction.terms_of([Name(real_name="Seeded Testname", aliases="Seedy T\nS. Testname",
                                 date_of_birth=date(1980, 3, 3),
                                 address="12 Invented Road\nNowhere Town")])


def pdf(page_text: str, author: str = "Invented Author") -> bytes:
    """A minimal one-page PDF with a text layer and an Author in its details."""
    stream = f"BT /F1 12 Tf 72 720 Td ({page_text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Author (" + author.encode() + b") >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref))
    return bytes(out)


def word(body: str, header: str = "", author: str = "") -> bytes:
    document = docx.Document()
    document.add_paragraph("Overview report (invented).")
    document.add_paragraph(body)
    document.sections[0].header.paragraphs[0].text = header
    document.core_properties.author = author
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _where(hits) -> set[tuple[str, str]]:
    return {(h.where, h.what) for h in hits}


def test_plain_text_hits_name_alias_date_and_address():
    text = (b"Line one is clean.\nAdult A, known as seedy   t, was born 03/03/1980.\n"
            b"She lived at 12 Invented Road.\n")
    hits = redaction.scan_file("Overview", 1, text, filetypes.TEXT, TERMS)
    assert _where(hits) == {("line 2", "other name"), ("line 2", "date of birth"),
                            ("line 3", "address")}
    assert all(h.pseudonym == "Adult A" for h in hits)
    assert redaction.scan_file("Overview", 1, b"Adult A lived in a town.", filetypes.TEXT,
                               TERMS) == []


def test_pdf_text_layer_and_details_are_searched():
    hits = redaction.scan_file("Overview", 2, pdf("Seeded Testname was known to police",
                                                  author="S. Testname"), filetypes.PDF, TERMS)
    assert ("page 1", "real name") in _where(hits)
    assert ("file details: Author", "other name") in _where(hits)
    assert redaction.scan_file("Overview", 2, pdf("Adult A was known to police"),
                               filetypes.PDF, TERMS) == []


def test_docx_body_header_and_details_are_searched():
    content = word("Adult A was born on 3 March 1980.", header="Seeded Testname - draft",
                   author="seeded testname")
    hits = redaction.scan_file("Overview", 1, content, filetypes.DOCX, TERMS)
    assert _where(hits) == {("paragraph 2", "date of birth"), ("header", "real name"),
                            ("file details: author", "real name")}
    assert redaction.scan_file("Overview", 1, word("Adult A."), filetypes.DOCX, TERMS) == []


def test_a_file_that_cannot_be_read_is_not_cleared():
    hits = redaction.scan_file("Overview", 1, b"%PDF-1.4 broken", filetypes.PDF, TERMS)
    assert [(h.where, h.what) for h in hits] == [("whole file", "could not be read")]


def test_publication_waits_for_a_clean_report(client, world):
    review_id = review_at(world, "alpha", "ready_to_publish")
    tenant = world.tenants["alpha"]
    with tenant_scope(tenant.id):
        review = find_review(review_id)
        names.add(review, {"role": "perpetrator", "pseudonym": "Adult B",
                           "real_name": "Seeded Testname", "aliases": None,
                           "date_of_birth": None, "address": None})
        documents.upload(review, word("Seeded Testname was charged."), "overview.docx",
                         kind="overview_report", title="Final overview report")
    sign_in(client, "csp_chair@alpha.test")
    url = f"/t/alpha/reviews/{review_id}/steps/published"
    data = {"published_on-day": date.today().day, "published_on-month": date.today().month,
            "published_on-year": date.today().year, "confirmed": "yes"}
    refused = client.post(url, data=data)
    assert refused.status_code == 409
    assert "Protected names or details appear 1 times" in refused.get_data(as_text=True)
    check = client.get(f"/t/alpha/reviews/{review_id}/redaction").get_data(as_text=True)
    assert "paragraph 2" in check and "Adult B" in check and "Final overview report" in check
    with tenant_scope(tenant.id):
        review = find_review(review_id)
        document = next(d for d, _v in documents.documents_of(review)
                        if d.title == "Final overview report")
        documents.upload(review, word("Adult B was charged."), "overview.docx",
                         document=document)
    assert client.post(url, data=data).status_code == 302
