"""The audit export page: a CSP admin downloads the partnership's own audit trail."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext as _

from core.audit import export
from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.db import db
from core.web import forms

bp = Blueprint("audit", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)


def _range() -> tuple[date | None, date | None, dict[str, str]]:
    errors: dict[str, str] = {}
    found = {}
    for name in ("start", "end"):
        value, error = forms.date_from(request.args, name)
        if error or value is None:
            errors[name] = error or _("Enter a date")
        else:
            found[name] = date.fromisoformat(value)
    start, end = found.get("start"), found.get("end")
    if start and end and end < start:
        errors["end"] = _("The end date must be on or after the start date")
    elif start and end and (end - start).days > export.MAX_DAYS:
        errors["end"] = _("Export at most one year at a time")
    return start, end, errors


@bp.get("/audit")
@requires("audit.export")
def page():
    if "start-day" not in request.args:
        return render_template("audit/export.html", errors={}, form={})
    start, end, errors = _range()
    if errors:
        return render_template("audit/export.html", errors=errors, form=request.args), 400
    rows = export.events(g.tenant.id, start, end)
    audit.record("audit.exported", details={"start": start.isoformat(), "end": end.isoformat(),
                                            "events": len(rows)})
    db.session.commit()
    name = f"audit-{g.tenant.slug}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(export.to_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
