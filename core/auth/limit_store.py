"""Where sign-in attempts are counted when there is no Redis: one SQLite file in the
instance folder, shared by every worker process on the machine (gunicorn's workers would
otherwise each count on their own and so multiply every limit). Production requires Redis
(core/app.py), which every instance shares.

A storage for the ``limits`` library (fixed windows, as Flask-Limiter uses by default),
registered under the URI scheme ``dhr-sqlite``: ``dhr-sqlite:////abs/path/limits.sqlite3``.
"""
from __future__ import annotations

import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "dhr-sqlite"


class SQLiteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").split("://", 1)[1]
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, "
                         "count INTEGER NOT NULL, expires REAL NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return _Transaction(conn)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._connect() as conn:
            conn.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            conn.execute(
                "INSERT INTO counters (key, count, expires) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET count = count + excluded.count",
                (key, amount, now + expiry))
            return conn.execute("SELECT count FROM counters WHERE key = ?",
                                (key,)).fetchone()[0]

    def get(self, key: str) -> int:
        with self._connect() as conn:
            row = conn.execute("SELECT count FROM counters WHERE key = ? AND expires > ?",
                               (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        with self._connect() as conn:
            row = conn.execute("SELECT expires FROM counters WHERE key = ?",
                               (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            with self._connect() as conn:
                conn.execute("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        with self._connect() as conn:
            return conn.execute("DELETE FROM counters").rowcount

    def keys(self) -> list[str]:
        """Every key counted now (for tests and operators: they hold no typed text)."""
        with self._connect() as conn:
            return [row[0] for row in conn.execute("SELECT key FROM counters")]

    def clear(self, key: str) -> None:
        with self._connect() as conn:
            conn.execute("DELETE FROM counters WHERE key = ?", (key,))


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: one writer at a time across processes."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind, *_):
        self.conn.execute("ROLLBACK" if kind else "COMMIT")
        return False
