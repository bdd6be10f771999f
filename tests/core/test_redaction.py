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


def pdf(page_text: str, author: str = "Invented Author", extra: bytes = b"",
        field: bytes = b"") -> bytes:
    """A minimal one-page PDF with a text layer and an Author in its details; ``extra`` is
    an image drawn on the page as well."""
    stream = f"BT /F1 12 Tf 72 720 Td ({page_text}) Tj ET".encode() if page_text else b""
    if extra:
        stream += b" q 100 0 0 100 72 500 cm /Im1 Do Q"
    images = b" /XObject << /Im1 7 0 R >>" if extra else b""
    form = b" /AcroForm << /Fields [8 0 R] >>" if field else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R" + form + b" >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >>" + images + b" >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Author (" + author.encode() + b") >>", extra or b"<< >>"]
    objects += [field] if field else []
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


def _with_parts(content: bytes, parts: dict[str, str]) -> bytes:
    """The same DOCX package with more XML parts, or parts replaced."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            if item not in parts:
                target.writestr(item, source.read(item))
        for item, xml in parts.items():
            target.writestr(item, xml)
    return out.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_docx_comments_tracked_changes_text_boxes_notes_and_custom_details_are_searched():
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Adult A met the panel.")
    document.add_comment(paragraph.runs, text="Check with Seedy T first", author="Invented",
                         initials="IN")
    changed = document.add_paragraph("Adult A ")
    changed._p.append(parse_xml(  # a tracked deletion of the name, and a tracked insertion
        f'<w:del {W_NS} w:id="91" w:author="S. Testname"><w:r><w:delText>Seeded '
        'Testname</w:delText></w:r></w:del>'))
    changed._p.append(parse_xml(
        f'<w:ins {W_NS} w:id="92" w:author="Invented"><w:r><w:t>lived at 12 Invented '
        'Road</w:t></w:r></w:ins>'))
    boxed = document.add_paragraph()
    boxed._p.append(parse_xml(
        f'<w:r {W_NS}><w:pict><w:txbxContent><w:p><w:r><w:t>Born 3 March 1980</w:t></w:r>'
        '</w:p></w:txbxContent></w:pict></w:r>'))
    controlled = document.add_paragraph()
    controlled._p.append(parse_xml(  # a content control (a form field of Word's)
        f'<w:sdt {W_NS}><w:sdtContent><w:r><w:t>Seedy T</w:t></w:r></w:sdtContent></w:sdt>'))
    out = io.BytesIO()
    document.save(out)
    content = _with_parts(out.getvalue(), {
        "word/header7.xml": f'<w:hdr {W_NS}><w:p><w:r><w:t>First page: Seeded Testname'
                            '</w:t></w:r></w:p></w:hdr>',
        "word/footnotes.xml": f'<w:footnotes {W_NS}><w:footnote w:id="1"><w:p><w:r><w:t>'
                              'Seeded Test</w:t></w:r><w:r><w:t>name told police'
                              '</w:t></w:r></w:p></w:footnote></w:footnotes>',
        "docProps/custom.xml": '<Properties xmlns="http://schemas.openxmlformats.org/'
                               'officeDocument/2006/custom-properties"><property name="Case">'
                               '<lpwstr>Nowhere Town</lpwstr></property></Properties>'})
    hits = _where(redaction.scan_file("Overview", 1, content, filetypes.DOCX, TERMS))
    assert {("comments", "other name"), ("tracked deletion", "real name"),
            ("names of people who made changes or comments", "other name"),
            ("tracked insertion", "address"), ("text box", "date of birth"),
            ("footnotes", "real name"), ("file details", "address"),
            ("content control", "other name"), ("header", "real name")} <= hits
    assert not any(where.startswith("paragraph") for where, _ in hits)
    clean = docx.Document()
    clean.add_paragraph("Adult A met the panel.")
    clean.add_comment(clean.paragraphs[0].runs, text="Checked", author="Invented")
    out = io.BytesIO()
    clean.save(out)
    assert redaction.scan_file("Overview", 1, out.getvalue(), filetypes.DOCX, TERMS) == []


def test_pdf_comments_xmp_fields_bookmarks_and_attachments_are_searched():
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Text

    filled = pdf("Adult A was known to police",
                 field=b"<< /FT /Tx /T (next_of_kin) /V (Nowhere Town) >>")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(filled)))
    writer.add_annotation(0, Text(rect=(50, 550, 200, 650), text="Was this Seedy T?"))
    writer.add_outline_item(title="Chronology for 12 Invented Road", page_number=0)
    writer.add_attachment("notes.txt", b"Seeded Testname, notes")
    writer.add_attachment("report.docx", word("Adult A was born on 3 March 1980."))
    writer.add_attachment("blob.bin", b"\x00\x01\x02 binary")
    writer.xmp_metadata = (  # a creator left in the XMP packet, not in the document details
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Seeded '
        b'Testname</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'
        b'<?xpacket end="w"?>')
    out = io.BytesIO()
    writer.write(out)
    hits = _where(redaction.scan_file("Overview", 3, out.getvalue(), filetypes.PDF, TERMS))
    assert {("comments on page 1", "other name"), ("bookmarks", "address"),
            ("attached file notes.txt: line 1", "real name"),
            ("attached file report.docx: paragraph 2", "date of birth"),
            ("attached file blob.bin", "could not be read"), ("file details: XMP", "real name"),
            ("form fields", "address")} <= hits
    assert not any(where == "page 1" for where, _ in hits)


def test_a_pdf_page_that_is_only_an_image_is_not_cleared():
    """A scan has no text layer: the gate cannot read it, so it does not pass it."""
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray " \
            b"/BitsPerComponent 8 /Length 1 >>\nstream\n\xff\nendstream"
    scanned = pdf("", extra=image)
    hits = redaction.scan_file("Overview", 4, scanned, filetypes.PDF, TERMS)
    assert [(h.where, h.what) for h in hits] == [
        ("page 1", "an image without text: cannot be checked")]
    assert redaction.scan_file("Overview", 4, pdf("Adult A.", extra=image), filetypes.PDF,
                               TERMS) == []


def test_docx_picture_descriptions_are_searched_and_zip_bombs_are_not_opened():
    from docx.oxml import parse_xml

    document = docx.Document()
    pictured = document.add_paragraph()
    pictured._p.append(parse_xml(
        f'<w:r {W_NS} xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
        'wordprocessingDrawing"><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" '
        'descr="Photo of Seeded Testname"/></wp:inline></w:drawing></w:r>'))
    out = io.BytesIO()
    document.save(out)
    hits = _where(redaction.scan_file("Overview", 1, out.getvalue(), filetypes.DOCX, TERMS))
    assert ("image descriptions", "real name") in hits
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (redaction.UNZIPPED_LIMIT + 1))
    assert len(bomb.getvalue()) < 1024 * 1024
    refused = redaction.scan_file("Overview", 1, bomb.getvalue(), filetypes.DOCX, TERMS)
    assert [(h.where, h.what) for h in refused] == [("whole file", "could not be read")]
