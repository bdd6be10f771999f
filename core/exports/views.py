"""Export routes: a review's action plan (CSV, XLSX, DOCX) and summary pack (DOCX, PDF), and
the partnership's board report (a page and a PDF). Each answers a file to download, named
safely (core/filenames.py), and is audited (what was exported, in which format, by whom);
who may export what is in core/auth/roles.py. Another partnership's review answers 404
like one that does not exist (core/reviews/lookup.py)."""
from __future__ import annotations

import io
import uuid

from flask import Blueprint, abort, g, render_template, send_file

from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.auth.roles import allows
from core.db import db
from core.exports import figures as board_figures
from core.exports import service
from core.filenames import safe_filename
from core.records.kinds import BY_SLUG
from core.reviews.lookup import review_or_404

bp = Blueprint("exports", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _download(content: bytes, name: str, extension: str):
    response = send_file(io.BytesIO(content), mimetype=TYPES[extension], as_attachment=True,
                         download_name=safe_filename(f"{name}.{extension}"), max_age=0)
    response.headers["Cache-Control"] = "no-store"  # case data: never kept by a cache
    return response


def _audit(what: str, fmt: str, review=None, **details) -> None:
    audit.record(f"export.{what}", object_type="review" if review else "tenant",
                 object_id=review.id if review else g.tenant.id,
                 details={"format": fmt, **details})
    db.session.commit()


# --- the action plan -----------------------------------------------------------------------

def _action_plan(review_id: uuid.UUID, fmt: str):
    review = review_or_404(review_id)
    if not allows(g.roles, BY_SLUG["actions"].read_permission):
        abort(403)  # the action plan follows who may read actions
    plan = service.action_plan(review)
    if fmt == "csv":
        content = service.action_plan_csv(plan)
    elif fmt == "xlsx":
        content = service.action_plan_xlsx(review, plan)
    else:
        content = service.action_plan_docx(review, plan)
    _audit("action_plan", fmt, review, reference=review.reference,
           recommendations=len(plan), actions=sum(len(i["actions"]) for i in plan))
    return _download(content, f"action-plan-{review.reference}", fmt)


@bp.get("/reviews/<uuid:review_id>/exports/action-plan.csv")
@requires("export.review")
def action_plan_csv(review_id: uuid.UUID):
    return _action_plan(review_id, "csv")


@bp.get("/reviews/<uuid:review_id>/exports/action-plan.xlsx")
@requires("export.review")
def action_plan_xlsx(review_id: uuid.UUID):
    return _action_plan(review_id, "xlsx")


@bp.get("/reviews/<uuid:review_id>/exports/action-plan.docx")
@requires("export.review")
def action_plan_docx(review_id: uuid.UUID):
    return _action_plan(review_id, "docx")


# --- the summary pack ----------------------------------------------------------------------

def _summary(review_id: uuid.UUID, fmt: str):
    review = review_or_404(review_id)
    pack = service.summary(review, g.roles)
    content = service.summary_docx(pack) if fmt == "docx" else service.summary_pdf(pack)
    _audit("summary_pack", fmt, review, reference=review.reference,
           agency_reports=pack["agency_reports"] is not None,
           family=pack["family"] is not None, timeline=len(pack["timeline"]))
    return _download(content, f"review-summary-{review.reference}", fmt)


@bp.get("/reviews/<uuid:review_id>/exports/summary.docx")
@requires("export.review")
def summary_docx(review_id: uuid.UUID):
    return _summary(review_id, "docx")


@bp.get("/reviews/<uuid:review_id>/exports/summary.pdf")
@requires("export.review")
def summary_pdf(review_id: uuid.UUID):
    return _summary(review_id, "pdf")


# --- the board report ----------------------------------------------------------------------

@bp.get("/board-report")
@requires("export.board")
def board_report():
    found = board_figures.board_figures()
    _audit("board_report", "html", reviews=found["totals"]["reviews"])
    return render_template("exports/board.html",
                           **service.board(found, links=allows(g.roles, "review.read")))


@bp.get("/board-report.pdf")
@requires("export.board")
def board_report_pdf():
    found = board_figures.board_figures()
    content = service.board_pdf(found)
    _audit("board_report", "pdf", reviews=found["totals"]["reviews"])
    return _download(content, f"board-report-{g.tenant.slug}", "pdf")
