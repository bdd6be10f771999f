"""Paging, in one place for every list (issue 14): 25 rows a page on pages and in the API.

* The API pages with flask-smorest's ``Blueprint.paginate`` (``page`` and ``page_size`` in the
  query, its ``X-Pagination`` header); this Blueprint adds an RFC 8288 ``Link`` header
  (``first``, ``prev``, ``next``, ``last``, each the same address with another ``page``), so
  every paginated list of the API says where its other pages are the same way.
* A page draws the GOV.UK pagination component (govukPagination) from ``pagination``: the
  same query string with another ``page``, so a filtered list stays filtered.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import flask_smorest
from flask import request
from flask_babel import gettext as _
from werkzeug.urls import urlencode

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def offset(page: int, page_size: int) -> int:
    """The rows before ``page``; a page far past the end (page=10**18) asks the database for
    no number it cannot hold: it is simply empty."""
    return min((page - 1) * page_size, 2**31 - 1)


@dataclass(frozen=True)
class Paged:
    """One page of a list and how many rows the whole list has."""

    items: list
    total: int
    page: int
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def _with_page(page: int, args=None) -> str:
    """The current address with ``page`` set (every other parameter kept)."""
    args = request.args if args is None else args
    pairs = [(k, v) for k, v in args.items(multi=True) if k != "page"]
    pairs.append(("page", str(page)))
    return f"{request.base_url}?{urlencode(pairs)}"


def link_header(page: int, last: int) -> str:
    """RFC 8288 ``Link``: first, prev, next and last (prev/next only where they exist)."""
    links = [("first", 1)]
    if page > 1:
        links.append(("prev", min(page - 1, last)))
    if page < last:
        links.append(("next", page + 1))
    links.append(("last", last))
    return ", ".join(f'<{_with_page(n)}>; rel="{rel}"' for rel, n in links)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, with paging set to this service's sizes and a ``Link``
    header beside ``X-Pagination`` on every paginated response."""

    DEFAULT_PAGINATION_PARAMETERS = {  # noqa: RUF012
        "page": 1, "page_size": PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}

    def _set_pagination_metadata(self, page_params, result, headers):
        result, headers = super()._set_pagination_metadata(page_params, result, headers)
        meta = json.loads(headers[self.PAGINATION_HEADER_NAME])
        headers["Link"] = link_header(page_params.page, meta.get("last_page", 1))
        return result, headers

    def _document_pagination_metadata(self, spec, resp_doc):
        super()._document_pagination_metadata(spec, resp_doc)
        resp_doc["headers"]["Link"] = {
            "description": "RFC 8288 links to the first, previous, next and last pages.",
            "schema": {"type": "string"}}


def pagination(paged: Paged) -> dict | None:
    """The govukPagination parameters for ``paged`` (None when there is one page): numbered
    links around the current page, the first and last, and ellipses between."""
    if paged.pages <= 1:
        return None
    shown = sorted({1, paged.pages, *range(max(1, paged.page - 1),
                                          min(paged.pages, paged.page + 1) + 1)})
    items, before = [], 0
    for number in shown:
        if number - before > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": _with_page(number),
                      "current": number == paged.page,
                      "visuallyHiddenText": _("Page %(number)s", number=number)})
        before = number
    out = {"items": items, "landmarkLabel": _("Results pages")}
    if paged.page > 1:
        out["previous"] = {"href": _with_page(min(paged.page - 1, paged.pages)),
                           "text": _("Previous")}
    if paged.page < paged.pages:
        out["next"] = {"href": _with_page(paged.page + 1), "text": _("Next")}
    return out
