"""The one way the service writes a CSV: spreadsheets run a cell that starts with = + - @
(or a tab or a carriage return, or the full-width ＝ ＋ － ＠) as a formula, so such a
cell is written with a ' before it, as OWASP's advice on CSV injection says. A real number
is written as it is: a spreadsheet reads it as a number, never as a formula."""
from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


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
