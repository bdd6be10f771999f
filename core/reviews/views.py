"""Review pages for people: the tenant's list, recording a notification, one review."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from core.auth.guards import requires, tenant_pages
from core.reviews import service
from core.reviews.schemas import ReviewCreateSchema

bp = Blueprint("reviews", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)

DATE_FIELDS = ("date_of_death", "notification_date")
TEXT_FIELDS = ("pseudonym", "notifying_agency")


@bp.get("/")
@requires("review.list")
def dashboard():
    return render_template("reviews/list.html", reviews=service.list_reviews())


def _date_from_parts(name: str) -> tuple[str | None, str | None]:
    """The GOV.UK three-box date as ISO text, or an error a person can act on."""
    parts = [request.form.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, None
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, _("Enter the date as day, month and year, for example 27 3 2026")
    day, month, year = (int(p) for p in parts)
    return f"{year:04d}-{month:02d}-{day:02d}", None


def _form_data() -> tuple[dict, dict]:
    data, errors = {}, {}
    for name in TEXT_FIELDS:
        data[name] = request.form.get(name, "")
    for name in DATE_FIELDS:
        value, error = _date_from_parts(name)
        if error:
            errors[name] = error
        elif value:
            data[name] = value
    return data, errors


@bp.route("/reviews/new", methods=["GET", "POST"])
@requires("review.create")
def new():
    if request.method == "GET":
        return render_template("reviews/new.html", errors={}, form={})
    data, errors = _form_data()
    try:
        loaded = ReviewCreateSchema().load(data)
    except ValidationError as invalid:
        for field, messages in invalid.messages.items():
            errors.setdefault(field, messages[0] if isinstance(messages, list) else messages)
    if errors:
        return render_template("reviews/new.html", errors=errors, form=request.form), 400
    review = service.create_review(g.tenant, loaded, current_user.id)
    return redirect(url_for("reviews.detail", review_id=review.id))


@bp.get("/reviews/<uuid:review_id>")
@requires("review.read")
def detail(review_id: uuid.UUID):
    review = service.get_review(review_id)
    if review is None:
        abort(404)
    return render_template("reviews/detail.html", review=review)
