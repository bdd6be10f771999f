"""Counts the SQL statements each request sends, for the benchmark only: an
``X-SQL-Statements`` response header from a ``before_cursor_execute`` counter.

Installed by bench/wsgi.py when DHR_BENCH_COUNT_SQL=1; the service itself never loads it.
"""
from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "X-SQL-Statements"


def _count(_conn, _cursor, _statement, _parameters, _context, _executemany):
    if has_request_context():
        g.bench_sql_statements = g.get("bench_sql_statements", 0) + 1


def _header(response):
    response.headers[HEADER] = str(g.get("bench_sql_statements", 0))
    return response


def install(app: Flask) -> None:
    event.listen(Engine, "before_cursor_execute", _count)
    # after_request functions run last-registered first: at the front of the list, this
    # one runs after every other (so it counts what they send too).
    app.after_request_funcs.setdefault(None, []).insert(0, _header)
