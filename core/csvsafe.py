"""The one way the service writes a CSV or an XLSX cell: spreadsheets run a cell that starts
with = + - @ (or a tab or a carriage return, or the full-width ＝ ＋ － ＠) as a formula, so
such a cell is written with a ' before it, as OWASP's advice on CSV injection says
(https://owasp.org/www-community/attacks/CSV_Injection). A real number is written as it
is: a spreadsheet reads it as a number, never as a formula.

In an XLSX file the same cell is kept as text, never as a formula, and marked with the
spreadsheet's own "quote prefix" as well as the ' (so whoever edits the cell later does not
turn it into a formula either); numbers and dates stay numbers and dates."""
from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


# What XML 1.0 cannot hold: the C0 controls but tab, line feed and carriage return, lone
# surrogates and U+FFFE/U+FFFF (https://www.w3.org/TR/xml/#charsets). An XLSX or DOCX is
# XML, so a vertical tab pasted from Word into an action would otherwise break the export.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """``value`` as text an XML document can hold: each character it cannot, a space."""
    return NOT_XML.sub(" ", "" if value is None else str(value))


def formula_like(value: Any) -> bool:
    """Whether a spreadsheet would read ``value`` (as text) as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will show it, never run it."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) \
            and math.isfinite(value):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """A ``csv.writer`` that passes every cell through :func:`safe_cell`."""

    def __init__(self, fileobj, **options):
        self._writer = csv.writer(fileobj, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fileobj, **options) -> SafeWriter:
    return SafeWriter(fileobj, **options)


def xlsx_cell(sheet, row: int, column: int, value: Any):
    """Write ``value`` into an openpyxl ``sheet`` as :func:`safe_cell` writes it into a
    CSV: a date stays a date, a number a number, and text is always text (an openpyxl cell
    given text starting with = would otherwise be saved as a formula)."""
    from datetime import date, datetime

    if isinstance(value, (date, datetime)):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.number_format = "d mmmm yyyy"
        return cell
    safe = safe_cell(value)
    if isinstance(safe, str):
        safe = xml_text(safe)
    cell = sheet.cell(row=row, column=column)
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"  # text, whatever it starts with: never "f" (a formula)
        if formula_like(value):
            cell.quotePrefix = True
    return cell


def xlsx(sheet_title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], *,
         title: str = "", creator: str = "") -> bytes:
    """A workbook of one sheet (``header`` in bold, frozen above ``rows``), every cell
    written by :func:`xlsx_cell`: the one way the service writes an XLSX file."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]  # the longest name a sheet may have
    for column, value in enumerate(header, start=1):
        xlsx_cell(sheet, 1, column, value).font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            xlsx_cell(sheet, number, column, value)
    sheet.freeze_panes = "A2"
    book.properties.creator = creator
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
