"""Exports (issue 14, item 5): each is downloaded through its page route, opened with the
library people's software would use (openpyxl, python-docx, pypdf) and read back; formula
cells are neutralised; every export is audited; need-to-know and the tenant wall hold; the
board report's numbers are the dashboard's."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from core.exports.service import HOME_OFFICE_COLUMNS, LocalOnly
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews import clock
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.factories import sign_in

FORMULAS = ("=HYPERLINK(\"http://example.invalid\",\"x\")", "+SUM(1,1)", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1")


def _review(world, slug="alpha", index=0):
    return world.reviews[slug][index]


def _url(world, what: str, slug="alpha") -> str:
    return f"/t/{slug}/reviews/{_review(world, slug).id}/exports/{what}"


def _add_plan(world, slug="alpha", texts=FORMULAS, due=date(2026, 9, 1)):
    """A recommendation and one action for each text (every text also as its owner)."""
    with tenant_scope(world.tenants[slug].id):
        review = find_review(_review(world, slug).id)
        for text in texts:
            rec = records.add_record(review, BY_SLUG["recommendations"], {
                "text": text, "scope": "single_agency", "addressed_to": text,
                "level": "national"})
            records.add_record(review, BY_SLUG["actions"], {
                "recommendation_id": rec.id, "description": text, "owner": text,
                "due_on": due})
        db.session.commit()


def _signed_in(client, role="review_coordinator", slug="alpha"):
    assert sign_in(client, f"{role}@{slug}.test").status_code == 302
    return client


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)))


# --- the action plan -------------------------------------------------------------------------

def test_action_plan_csv_reads_back_with_every_formula_neutralised(client, world):
    _add_plan(world)
    response = _signed_in(client).get(_url(world, "action-plan.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and \
        f"action-plan-{_review(world).reference}.csv" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Recommendation number", "Recommendation"]
    by_text = {row[1]: row for row in rows[1:]}
    assert by_text["Train staff"][5:7] == ["Deliver training", "Invented Board"]
    assert by_text["Train staff"][8] == "1 September 2026"  # dates as people write them
    for text in FORMULAS:
        row = by_text["'" + text]  # the recommendation, quoted
        assert row[4] == row[5] == row[6] == "'" + text  # addressed to, action, lead agency
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for row in rows for cell in row)


def test_action_plan_xlsx_keeps_every_cell_text_never_a_formula(client, world):
    _add_plan(world)
    response = _signed_in(client).get(_url(world, "action-plan.xlsx"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]][:2] == ["Recommendation number", "Recommendation"]
    cells = [c for row in rows for c in row]
    assert not any(c.data_type == "f" for c in cells)
    neutralised = [c for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    for text in FORMULAS:
        found = [c for c in neutralised if c.value == "'" + text]
        assert len(found) == 4, text  # recommendation, addressed to, action, agency
        assert all(c.data_type == "s" and c.quotePrefix for c in found)
    training = next(row for row in rows if row[1].value == "Train staff")
    assert training[8].value.date() == date(2026, 9, 1)  # a real date, shown in words
    assert training[8].number_format == "d mmmm yyyy"
    assert training[0].value == 1 and training[0].data_type == "n"


def test_action_plan_docx_is_in_the_home_office_layout(client, world):
    response = _signed_in(client).get(_url(world, "action-plan.docx"))
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [str(c) for c in HOME_OFFICE_COLUMNS]
    assert [c.text for c in table.rows[1].cells] == [
        "1. Train staff", "Local", "Deliver training", "Invented Board", "",
        "1 September 2026", ""]
    assert document.core_properties.author == "DHR Hub"
    assert "review_coordinator" not in _docx_text(response.data)


# --- the summary pack ------------------------------------------------------------------------

def test_summary_pack_holds_the_facts_deadlines_timeline_and_plan(client, world):
    _signed_in(client)
    reference = _review(world).reference
    docx = client.get(_url(world, "summary.docx"))
    pdf = client.get(_url(world, "summary.pdf"))
    assert docx.status_code == pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert f"review-summary-{reference}.pdf" in pdf.headers["Content-Disposition"]
    for text in (_docx_text(docx.data), _pdf_text(pdf.data)):
        assert f"Review summary: {reference}" in text
        assert "Test Adult (invented)" in text  # the pseudonym, as the pages show
        assert "3 February 2026" in text  # notified
        for heading in ("Facts", "Deadlines met and missed", "Recommendations and actions",
                        "Agency reports", "Family engagement", "Timeline"):
            assert heading in text
        assert "Decision whether to review" in text and "Deliver training" in text
        assert "Agency report: Health" in text
        # real names never: the pack uses pseudonyms as the pages do
        assert "Invented alpha Person" not in text


def test_a_viewer_s_pack_leaves_out_what_a_viewer_may_not_read(client, world):
    _signed_in(client, "viewer")
    for text in (_docx_text(client.get(_url(world, "summary.docx")).data),
                 _pdf_text(client.get(_url(world, "summary.pdf")).data)):
        assert "Deliver training" in text and "Timeline" in text
        assert "Agency reports" not in text and "Agency report: Health" not in text
        assert "Family engagement" not in text


# --- audit, need-to-know and the tenant wall -------------------------------------------------

ROUTES = ("action-plan.csv", "action-plan.xlsx", "action-plan.docx", "summary.docx",
          "summary.pdf")


def test_every_export_is_audited_naming_what_was_exported(client, world):
    _signed_in(client)
    for what in ROUTES:
        assert client.get(_url(world, what)).status_code == 200
    assert client.get("/t/alpha/board-report").status_code == 200
    assert client.get("/t/alpha/board-report.pdf").status_code == 200
    plans, packs = _events("export.action_plan"), _events("export.summary_pack")
    boards = _events("export.board_report")
    assert [e.details["format"] for e in plans] == ["csv", "xlsx", "docx"]
    assert [e.details["format"] for e in packs] == ["docx", "pdf"]
    assert [e.details["format"] for e in boards] == ["html", "pdf"]
    review = _review(world)
    for event in plans + packs:
        assert event.object_type == "review" and event.object_id == str(review.id)
        assert event.details["reference"] == review.reference
        assert event.actor == "review_coordinator@alpha.test"
        assert event.tenant_id == world.tenants["alpha"].id
    assert plans[0].details["actions"] == 1 and packs[0].details["agency_reports"] is True


@pytest.mark.parametrize("role", ["csp_admin", "independent_chair", "panel_member"])
def test_roles_that_may_not_read_the_review_cannot_export_it(client, world, role):
    _signed_in(client, role)
    for what in ROUTES:
        assert client.get(_url(world, what)).status_code == 403, what
    assert not _events("export.action_plan") and not _events("export.summary_pack")
    assert _events("access.denied")


@pytest.mark.parametrize("role,status", [("viewer", 403), ("panel_member", 403),
                                         # case data: not for the CSP admin (need to know)
                                         ("csp_admin", 403), ("csp_chair", 200),
                                         ("review_coordinator", 200)])
def test_the_board_report_is_for_the_roles_that_report_to_the_board(client, world, role,
                                                                    status):
    _signed_in(client, role)
    assert client.get("/t/alpha/board-report").status_code == status
    assert client.get("/t/alpha/board-report.pdf").status_code == status


def test_another_partnership_gets_404_and_nothing_is_exported(client, world):
    _signed_in(client, "review_coordinator", "beta")
    for what in ROUTES:
        assert client.get(_url(world, what)).status_code == 404  # alpha's URL
        # beta's own URL with alpha's review: the same 404 as a review that does not exist
        assert client.get(f"/t/beta/reviews/{_review(world).id}/exports/{what}"
                          ).status_code == 404
    assert client.get("/t/alpha/board-report").status_code == 404
    assert client.get("/t/alpha/board-report.pdf").status_code == 404
    assert not _events("export.action_plan") and not _events("export.summary_pack")


# --- the board report ------------------------------------------------------------------------

def _set_facts(world, index, **values):
    with tenant_scope(world.tenants["alpha"].id):
        review = find_review(_review(world, "alpha", index).id)
        for name, value in values.items():
            setattr(review, name, value)
        clock.changed(review, "test")
        db.session.commit()


def _dashboard_overdue_actions(client) -> int:
    page = client.get("/t/alpha/").get_data(as_text=True)
    table = page[page.index('id="urgent"'):page.index("</table>", page.index('id="urgent"'))]
    rows = table.split("<tr")[2:]
    return sum(1 for row in rows if "Action:" in row and "Overdue" in row)


def test_the_board_report_numbers_are_the_dashboard_s(client, world):
    today = date.today()
    notified = today - timedelta(days=200)
    # the first review: decided 20 days after notification, submitted 120 days later
    _set_facts(world, 0, notification_date=notified, decision="commission",
               decision_date=notified + timedelta(days=20), stage="drafting",
               submitted_on=notified + timedelta(days=140))
    # the second: decided after 45 days, not yet submitted
    _set_facts(world, 1, notification_date=notified, decision="commission",
               decision_date=notified + timedelta(days=45), stage="evidence")
    _add_plan(world, texts=("Overdue one", "Overdue two", "Overdue three"),
              due=today - timedelta(days=3))
    _signed_in(client)
    overdue = _dashboard_overdue_actions(client)
    assert overdue == 4  # these three, and the sample action due on 1 September 2026

    page = client.get("/t/alpha/board-report").get_data(as_text=True)
    totals = _summary_list(page[page.index('id="board-totals"'):])
    expected = {"Reviews": "2", "Open reviews": "2", "Decisions made": "2",
                "Median time to decision": "32.5 days",  # the median of 20 and 45
                "Decisions made after their deadline, or overdue": "1",  # 45 days > 1 month
                "Reviews submitted to the Home Office": "1",
                "Median time from the decision to Home Office submission": "120 days",
                "Reviews submitted after their deadline, or overdue": "0",
                "Overdue actions": str(overdue),  # the dashboard's number
                "Reviews with overdue actions": "1"}
    assert totals == expected
    table = page[page.index('id="board-table"'):]
    first = table[table.index(_review(world, "alpha", 0).reference):]
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">\s*([^<]*?)\s*</td>',
                       first[:first.index("</tr>")])
    assert cells[1:] == ["20", "Met", "120", "Met", str(overdue)]
    assert 'id="chart-decision"' in page and 'id="chart-actions"' in page

    pdf = " ".join(_pdf_text(client.get("/t/alpha/board-report.pdf").data).split())
    for key, value in expected.items():
        assert f"{key} {value}" in pdf, key
    assert "Days from notification to the decision, by review" in pdf or "Time to decision" in pdf


def _summary_list(html: str) -> dict:
    html = html[:html.index("</dl>")]
    pairs = re.findall(r'<dt class="govuk-summary-list__key">\s*(.*?)\s*</dt>\s*'
                       r'<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>', html, re.S)
    return {k: v for k, v in pairs}


def test_pdfs_fetch_nothing_from_the_network_or_the_server_s_files():
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    for url in ("http://example.invalid/logo.png", "https://fonts.example.invalid/a.woff2",
                "file:///etc/passwd"):
        with pytest.raises(FatalURLFetchingError):
            LocalOnly().fetch(url)
        with pytest.raises(FatalURLFetchingError):
            HTML(string=f'<img src="{url}">', url_fetcher=LocalOnly()).write_pdf()
    pixel = ("data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==")
    assert HTML(string=f'<p>ok</p><img src="{pixel}">',
                url_fetcher=LocalOnly()).write_pdf().startswith(b"%PDF")


def test_the_review_and_the_dashboard_link_to_the_exports(client, world):
    _signed_in(client)
    detail = client.get(f"/t/alpha/reviews/{_review(world).id}").get_data(as_text=True)
    for what in ROUTES:
        assert _url(world, what) in detail
    assert "/t/alpha/board-report" in client.get("/t/alpha/").get_data(as_text=True)
    viewer = _signed_in(client.application.test_client(), "viewer")
    assert "/t/alpha/board-report" not in viewer.get("/t/alpha/").get_data(as_text=True)


def test_every_formula_start_is_neutralised_in_a_workbook():
    """The one XLSX writer (core/csvsafe.py): = + - @ tab CR and their full-width forms
    stay text; numbers and dates stay what they are."""
    from core import csvsafe

    texts = ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠A1", "plain"]
    content = csvsafe.xlsx("Sheet", ["Header"], [[t] for t in texts] + [[7], [date(2025, 11, 4)]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    for text, cell in zip(texts, cells, strict=False):
        assert cell.data_type == "s"
        assert cell.value == (text if text == "plain" else "'" + text)
        assert cell.quotePrefix is (text != "plain")
    assert cells[-2].value == 7 and cells[-1].value.date() == date(2025, 11, 4)
    assert cells[-1].number_format == "d mmmm yyyy"  # shown as 4 November 2025
