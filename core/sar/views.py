"""Subject access requests: record one (its one-month clock starts), search the
partnership for every mention, download the bundle for redaction, mark it answered."""
from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core import lifecycle
from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.db import db
from core.sar import search
from core.sar.models import SubjectAccessRequest
from core.web import forms

bp = Blueprint("sar", __name__, url_prefix="/t/<slug>/subject-access",
               template_folder="templates")
tenant_pages(bp)
FIELDS = [
    {"name": "requester", "label": "", "widget": "text", "required": True},
    {"name": "terms", "label": "", "widget": "textarea", "required": True},
    {"name": "received_on", "label": "", "widget": "date", "required": True},
]


def _fields() -> list[dict]:
    labels = (_("Who is asking (for example, a family member, through a solicitor)"),
              _("Names and details to search for, one per line"),
              _("Date the request arrived"))
    return [dict(f, label=label) for f, label in zip(FIELDS, labels, strict=True)]


def _find(sar_id: uuid.UUID) -> SubjectAccessRequest:
    row = db.session.scalar(select(SubjectAccessRequest).where(
        SubjectAccessRequest.id == sar_id))
    if row is None:
        abort(404)
    return row


@bp.route("", methods=["GET", "POST"])
@requires("sar.manage")
def requests():
    errors = {}
    if request.method == "POST":
        received, error = forms.date_from(request.form, "received_on")
        requester = request.form.get("requester", "").strip()[:200]
        terms = request.form.get("terms", "").strip()[:2000]
        errors = {k: v for k, v in {
            "requester": None if requester else _("Enter who is asking"),
            "terms": None if search._terms(terms) else _("Enter at least one name to search for"),
            "received_on": error or (None if received else _("Enter a date")),
        }.items() if v}
        if not errors:
            arrived = date.fromisoformat(received)
            row = SubjectAccessRequest(requester=requester, terms=terms, received_on=arrived,
                                       due_on=lifecycle.add_months(arrived, 1))
            db.session.add(row)
            db.session.flush()
            audit.record("sar.recorded", object_type="subject_access_request", object_id=row.id)
            db.session.commit()
            return redirect(url_for("sar.detail", sar_id=row.id))
    rows = db.session.scalars(select(SubjectAccessRequest).order_by(
        SubjectAccessRequest.due_on)).all()
    return render_template("sar/requests.html", rows=rows, fields=_fields(), errors=errors,
                           form=request.form, today=date.today()), 400 if errors else 200


@bp.get("/<uuid:sar_id>")
@requires("sar.manage")
def detail(sar_id: uuid.UUID):
    row = _find(sar_id)
    mentions, _found = search.find(g.tenant.id, row.terms)
    audit.record("sar.searched", object_type="subject_access_request", object_id=row.id,
                 details={"mentions": len(mentions)})
    db.session.commit()
    return render_template("sar/detail.html", row=row, mentions=mentions, today=date.today())


@bp.get("/<uuid:sar_id>/bundle")
@requires("sar.manage")
def bundle(sar_id: uuid.UUID):
    row = _find(sar_id)
    mentions, found = search.find(g.tenant.id, row.terms)
    audit.record("sar.bundle_downloaded", object_type="subject_access_request",
                 object_id=row.id, details={"mentions": len(mentions)})
    db.session.commit()
    return Response(search.bundle(mentions, found), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="subject-access-{row.id}.zip"'})


@bp.post("/<uuid:sar_id>/complete")
@requires("sar.manage")
def complete(sar_id: uuid.UUID):
    row = _find(sar_id)
    row.completed_on = date.today()
    audit.record("sar.completed", object_type="subject_access_request", object_id=row.id)
    db.session.commit()
    return redirect(url_for("sar.detail", sar_id=row.id))
