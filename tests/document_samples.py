"""Small real files of every accepted type, built by hand (no openpyxl, no office suite),
and their look-alikes: what the upload checks must accept and refuse. Every text is
invented."""
from __future__ import annotations

import io
import zipfile

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def pdf(text: str = "Invented test document") -> bytes:
    """A one-page PDF with ``text`` on it, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _zip(members: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members):
            compress = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compress)
    return buffer.getvalue()


def _content_types(main_part: str, main_type: str, extra: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Types xmlns="{CT_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{extra}'
            "</Types>").encode()


def _rels(main_part: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{main_part}"/></Relationships>').encode()


def docx(text: str = "Invented paragraph", main_type: str = WORD_MAIN,
         extra: list[tuple[str, bytes]] = ()) -> bytes:
    body = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{text}</w:t></w:r></w:p></w:body></w:document>").encode()
    return _zip([("[Content_Types].xml", _content_types("word/document.xml", main_type)),
                 ("_rels/.rels", _rels("word/document.xml")),
                 ("word/document.xml", body), *extra])


def xlsx(rows=(("Date", "Event"), ("2026-03-01", "Invented contact")),
         main_type: str = SHEET_MAIN, extra: list[tuple[str, bytes]] = ()) -> bytes:
    """A workbook of one sheet, its cells inline strings (as an export writes them)."""
    cells = "".join(
        f'<row r="{r}">' + "".join(
            f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{value}</t></is></c>'
            for c, value in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, 1))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel}><sheets>'
                '<sheet name="Chronology" sheetId="1" r:id="rId1"/></sheets></workbook>')
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{cells}' \
            "</sheetData></worksheet>"
    workbook_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                     'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                     'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                     "</Relationships>")
    sheet_type = ('<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    return _zip([("[Content_Types].xml", _content_types("xl/workbook.xml", main_type,
                                                        sheet_type)),
                 ("_rels/.rels", _rels("xl/workbook.xml")),
                 ("xl/workbook.xml", workbook.encode()),
                 ("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
                 ("xl/worksheets/sheet1.xml", sheet.encode()), *extra])


def odf(mimetype: str = ODS, text: str = "Invented cell",
        extra: list[tuple[str, bytes]] = (), mimetype_first: bool = True) -> bytes:
    """An OpenDocument package: ``mimetype`` first and stored, then content.xml."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    body = ('<table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
            '<table:table-row><table:table-cell><text:p xmlns:text="urn:oasis:names:tc:'
            f'opendocument:xmlns:text:1.0">{text}</text:p></table:table-cell>'
            "</table:table-row></table:table>") if mimetype == ODS else (
            '<text:p xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            f"{text}</text:p>")
    inner = "office:spreadsheet" if mimetype == ODS else "office:text"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               f'xmlns:office="{office}" office:version="1.3"><office:body><{inner}>'
               f"{body}</{inner}></office:body></office:document-content>").encode()
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>').encode()
    members = [("mimetype", mimetype.encode()), ("content.xml", content),
               ("META-INF/manifest.xml", manifest), *extra]
    if not mimetype_first:
        members = members[1:] + members[:1]
    return _zip(members, stored_first=mimetype_first)


def ods(**kwargs) -> bytes:
    return odf(ODS, **kwargs)


def odt(**kwargs) -> bytes:
    return odf(ODT, **kwargs)


def zip_bomb(size: int = 300 * 1024 * 1024) -> bytes:
    """A valid .xlsx whose one extra member unpacks to ``size`` bytes of zeros (a few
    hundred kilobytes packed)."""
    buffer = io.BytesIO(xlsx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("xl/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
    return buffer.getvalue()
