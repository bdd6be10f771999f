"""HEAD is a read, everywhere: it runs the GET view and never a submission.

Werkzeug routes HEAD to every GET view, and a view that treats "not GET" as a submission
would then run its form handling without a CSRF check (Flask-WTF, like the rate limiter,
only looks at POST, PUT, PATCH and DELETE). So before any view, limiter or CSRF check sees
the request, a HEAD becomes a GET with no body, and the body of the answer is dropped.
"""
from __future__ import annotations

import io


class HeadIsGet:
    """WSGI middleware: HEAD → GET without a body; the response keeps its headers only."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD", "").upper() != "HEAD":
            return self.app(environ, start_response)
        environ = dict(environ)
        environ.update({"REQUEST_METHOD": "GET", "CONTENT_LENGTH": "0",
                        "wsgi.input": io.BytesIO(b""), "dhr.head_request": True})
        for header in ("CONTENT_TYPE", "HTTP_TRANSFER_ENCODING"):
            environ.pop(header, None)
        result = self.app(environ, start_response)
        close = getattr(result, "close", None)
        if close is not None:
            close()
        return []
