"""A page per kind of record: the list, and a form to add one (and to change one, for the
kinds that change). Built from ``kinds.py``, like the API."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.auth.roles import allows
from core.labels import code_label
from core.records import service
from core.records.kinds import BY_SLUG, KINDS, Kind
from core.records.models import Recommendation
from core.reviews.lookup import review_or_404
from core.web import banners, forms, prefill

bp = Blueprint("records", __name__, url_prefix="/t/<slug>/reviews/<uuid:review_id>",
               template_folder="templates")
tenant_pages(bp)



def _options(review, kind: Kind) -> list[tuple[str, str]]:
    if kind.slug != "actions":
        return []
    recs = service.list_records(review, BY_SLUG["recommendations"])
    return [(str(r.id), r.text[:80]) for r in recs if isinstance(r, Recommendation)]


def _columns(kind: Kind) -> list[dict]:
    return forms.describe(kind.output, columns=True)


def _page(review, kind: Kind, errors=None, form=None, status=200):
    return render_template(
        "records/list.html", review=review, kind=kind, records=service.list_records(review, kind),
        columns=_columns(kind), fields=forms.describe(kind.create) if kind.create else [],
        options=_options(review, kind), errors=errors or {}, form=form or {},
        code_label=code_label), status


def _list_view(kind: Kind):
    def view(review_id: uuid.UUID):
        review = review_or_404(review_id)
        audit.read(kind.key, review.id)
        return _page(review, kind)

    return requires(kind.read_permission)(view)


def _add_view(kind: Kind):
    def view(review_id: uuid.UUID):
        review = review_or_404(review_id)
        data, errors = forms.read(kind.create)
        if not errors:
            try:
                service.add_record(review, kind, data, g.roles)
                return redirect(url_for(f"records.{kind.key}", review_id=review.id))
            except service.RecordInvalid as invalid:
                errors = invalid.errors
            except service.RecordConflict as conflict:
                errors = {"form": str(conflict)}
        return _page(review, kind, errors, request.form, 409 if "form" in errors else 400)

    return requires("review.update")(view)


def _edit_view(kind: Kind):
    """A change form (issue 14): it opens with what the record holds; a field left as it
    was changes nothing, an optional field emptied is cleared (the form names every field
    it carries), a required one emptied is refused."""
    def view(review_id: uuid.UUID, item_id: uuid.UUID):
        review = review_or_404(review_id)
        record = service.get_record(review, kind, item_id)
        if record is None or not allows(g.roles, kind.read_permission):
            abort(404)  # need to know: the edit page shows the record
        fields = forms.describe(kind.update)
        context = {"review": review, "kind": kind, "record": record, "fields": fields,
                   "options": _options(review, kind)}
        if request.method == "GET":
            audit.read(kind.key, review.id, item=str(record.id))
            return render_template("records/edit.html", errors={},
                                   form=prefill.form_values(record, fields), **context)
        data, errors = prefill.read_correction(kind.update, record)
        if not errors:
            try:
                with banners.unless_unchanged(record):
                    service.update_record(review, kind, record, data,
                                          _int(request.form.get("version")), g.roles)
                return redirect(url_for(f"records.{kind.key}", review_id=review.id))
            except service.RecordInvalid as invalid:
                errors = invalid.errors
            except service.RecordConflict as conflict:
                errors = {"form": str(conflict)}
        return render_template("records/edit.html", errors=errors, form=request.form,
                               **context), 409 if "form" in errors else 400

    return requires("review.update")(view)


def _remove_view(kind: Kind):
    """GET: are you sure? POST: remove the record entered in error."""
    def view(review_id: uuid.UUID, item_id: uuid.UUID):
        review = review_or_404(review_id)
        record = service.get_record(review, kind, item_id)
        if record is None or not allows(g.roles, kind.read_permission):
            abort(404)
        context = {"review": review, "kind": kind, "record": record}
        if request.method == "GET":  # the page shows the record: a read
            audit.read(kind.key, review.id, item=str(record.id))
            return render_template("records/remove.html", errors={}, **context)
        try:
            service.remove_record(review, kind, record, _int(request.form.get("version")),
                                  g.roles)
        except service.RecordConflict as conflict:
            return render_template("records/remove.html", errors={"form": str(conflict)},
                                   **context), 409
        return redirect(url_for(f"records.{kind.key}", review_id=review.id))

    return requires("review.update")(view)


def _int(value):
    return int(value) if value and value.isdigit() else None


for _kind in KINDS:
    bp.add_url_rule(f"/{_kind.slug}", f"{_kind.key}", _list_view(_kind), methods=["GET"])
    if _kind.create is not None:
        bp.add_url_rule(f"/{_kind.slug}", f"{_kind.key}_add", _add_view(_kind),
                        methods=["POST"])
    if _kind.update is not None:
        bp.add_url_rule(f"/{_kind.slug}/<uuid:item_id>", f"{_kind.key}_edit",
                        _edit_view(_kind), methods=["GET", "POST"])
        if _kind.removable:
            bp.add_url_rule(f"/{_kind.slug}/<uuid:item_id>/remove", f"{_kind.key}_remove",
                            _remove_view(_kind), methods=["GET", "POST"])
