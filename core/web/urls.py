"""Links and redirects that stay on this site: one place decides what is a local path.

A redirect target or a link built from what a request carried must never lead elsewhere.
Browsers drop tab, CR and LF inside a URL and read a backslash as a slash, so
``/\\t/evil.example`` and ``/\\evil.example`` both mean ``//evil.example``, another site.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

# RFC 3986 path characters that need no escaping (and "%" for what is already escaped)
PATH_SAFE = "/-._~!$&'()*+,;=:@%"


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (with an optional query), else None."""
    if not target or not target.startswith("/") or len(target) > 2000:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target) or "\\" in target:
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def path_link(path: str) -> str:
    """A link to ``path`` (a request's decoded path) that cannot leave the site: every
    character outside a plain path is escaped and leading slashes collapse to one."""
    return "/" + quote(path, safe=PATH_SAFE).lstrip("/")
