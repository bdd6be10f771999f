"""What a list of reviews or actions may be filtered and sorted by (issue 14): one
marshmallow schema per list, read from the query string by the page (a GOV.UK error
summary for a bad value) and by the API (422), so the rules live in one place. The
queries that apply them are in core/reviews/service.py and core/records/tracker.py."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from core.lifecycle.profiles import PROFILES
from core.lifecycle.stages import STAGES
from core.records.schemas import ACTION_STATUSES

ORDERS = ("asc", "desc")
REVIEW_SORTS = ("notified", "reference", "due")
ACTION_SORTS = ("due", "reference", "owner")


def _yes(label) -> fields.Boolean:
    return fields.Boolean(load_default=False, metadata={"label": label}, error_messages={
        "invalid": _l("Choose yes or no.")})


def _choice(choices, error, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(choices, error=error), **kwargs)


# A search box holds at most 80 characters: three of them, percent-encoded, must still fit
# in the request line a server accepts (gunicorn: 4,094 bytes), or the person would get the
# server's own 414 page instead of an error in words.
def _search(label) -> fields.String:
    return fields.String(load_default=None, validate=validate.Length(
        max=80, error=_l("Search for 80 characters or fewer.")), metadata={"label": label})


class _Filters(Schema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pager

    order = _choice(ORDERS, _l("Choose ascending or descending order."), load_default=None)


class ReviewFilterSchema(_Filters):
    """Filters of the reviews list: the dashboard page and ``GET …/reviews``."""

    q = _search(_l("Reference or pseudonym"))
    stage = _choice(STAGES, _l("Choose a stage from the list."), load_default=None,
                    metadata={"label": _l("Stage")})
    guidance_profile = _choice(tuple(PROFILES), _l("Choose a guidance from the list."),
                               load_default=None, metadata={"label": _l("Guidance")})
    year = fields.Integer(load_default=None, strict=False, validate=validate.Range(
        min=2000, max=2100, error=_l("Enter a year between 2000 and 2100, like 2025.")),
        error_messages={"invalid": _l("Enter a year as 4 digits, like 2025.")},
        metadata={"label": _l("Year notified")})
    overdue = _yes(_l("Overdue only"))
    on_hold = _yes(_l("On hold only"))
    closed = _yes(_l("Include closed reviews"))
    withdrawn = _yes(_l("Include withdrawn notifications"))
    sort = _choice(REVIEW_SORTS, _l("Choose how to sort the list."), load_default="notified",
                   metadata={"label": _l("Sort by")})


class ActionFilterSchema(_Filters):
    """Filters of the action tracker: its page and ``GET …/actions``."""

    q = _search(_l("Action or review reference"))
    owner = _search(_l("Owner"))
    agency = _search(_l("Agency"))
    status = _choice(ACTION_STATUSES, _l("Choose a status from the list."), load_default=None,
                     metadata={"label": _l("Status")})
    overdue = _yes(_l("Overdue only"))
    sort = _choice(ACTION_SORTS, _l("Choose how to sort the list."), load_default="due",
                   metadata={"label": _l("Sort by")})


def read(schema: type[Schema]) -> tuple[dict, dict[str, str]]:
    """A page's filters from the query string: (values, {field: message}). Bad values are
    left out, so the page still shows the list as if they had not been sent."""
    args = {k: v for k, v in request.args.items() if v != ""}
    try:
        return schema().load(args), {}
    except ValidationError as invalid:
        errors = {name: _(str(messages[0] if isinstance(messages, list) else messages))
                  for name, messages in invalid.messages.items()}
        good = {k: v for k, v in args.items() if k not in errors}
        return schema().load(good), errors


def read_page() -> tuple[int, dict[str, str]]:
    """The page number a page was asked for (1 if none): (page, {"page": message})."""
    raw = request.args.get("page", "")
    if raw == "":
        return 1, {}
    if raw.isascii() and raw.isdecimal() and 1 <= int(raw) <= 10**6:
        return int(raw), {}
    return 1, {"page": _("Enter a page number, like 2.")}
