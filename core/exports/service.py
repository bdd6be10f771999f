"""The exports people ask for (issue 14, item 5), each built from what the services and the
pages already read, so an export never shows more than the pages would:

- a review's action plan: CSV and XLSX (every cell through core/csvsafe.py, so nothing in it
  runs as a formula), and DOCX in the Home Office action plan layout;
- a review's summary pack: DOCX and PDF (its facts, deadlines met and missed, timeline,
  recommendations and actions; agency reports and family engagement only for the roles
  that may read them);
- the partnership's board report: an HTML page and a PDF from one template, with charts of
  the numbers in core/exports/figures.py and the same numbers as a table.

PDFs are rendered by WeasyPrint from HTML and CSS with the fonts installed on the server:
nothing is fetched over the network (``LocalOnly`` refuses every URL but inline ``data:``).
Documents call people by their pseudonyms, as the pages do; real names (core/names) are
never read here. Who may export what: core/auth/roles.py ("export.review",
"export.board"); every export is audited by the view that serves it."""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from core import csvsafe
from core.auth.roles import allows
from core.csvsafe import xml_text
from core.i18n import uk_date
from core.labels import code_label, stage_label
from core.records import service as records
from core.records.kinds import BY_SLUG
from core.reviews import clock, timeline
from core.reviews.case_facts import family_summary
from core.reviews.models import Review

AUTHOR = "DHR Hub"  # the documents' author property: never the person who exported them

# --- the action plan -------------------------------------------------------------------------

# The columns of the Home Office's DHR action plan template, in its order. Source: Home
# Office, Multi-agency Statutory Guidance for the Conduct of Domestic Homicide Reviews
# (2016), action plan template. The template itself could not be read in the project's
# source store: /work/shared/domain/RESEARCH.md records only "owner, action, milestones per
# recommendation" [PDOR] [SLAK]; the column names follow the template as the issue names
# them (UNCONFIRMED against the template's text). "Scope" is the recommendation's level
# (this service records local or national; the template also allows regional).
HOME_OFFICE_COLUMNS = (
    _l("Recommendation"), _l("Scope of recommendation (local, regional or national)"),
    _l("Action to take"), _l("Lead agency"), _l("Key milestones achieved"),
    _l("Target date"), _l("Date of completion and outcome"))
# The spreadsheet's columns: the same, with the date and outcome apart (so they sort and
# filter) and the recommendation's own scope (single or multi-agency).
SHEET_COLUMNS = (
    _l("Recommendation number"), _l("Recommendation"), _l("Level"),
    _l("Single or multi-agency"), _l("Addressed to"), _l("Action to take"), _l("Lead agency"),
    _l("Key milestones achieved"), _l("Target date"), _l("Status"), _l("Date of completion"),
    _l("Outcome"))


def action_plan(review: Review) -> list[dict]:
    """Each recommendation with its actions, in the order the pages list them."""
    recommendations = records.list_records(review, BY_SLUG["recommendations"])
    actions = records.list_records(review, BY_SLUG["actions"])
    return [{"number": number, "recommendation": rec,
             "actions": [a for a in actions if a.recommendation_id == rec.id]}
            for number, rec in enumerate(recommendations, start=1)]


def _outcome(action) -> str:
    if action.status == "closed":
        return action.closed_reason or code_label("closed")
    if action.status == "complete":
        return code_label("complete")
    return ""


def _sheet_rows(plan: list[dict]) -> list[list]:
    rows = []
    for item in plan:
        rec = item["recommendation"]
        head = [item["number"], rec.text, code_label(rec.level), code_label(rec.scope),
                rec.addressed_to]
        for action in item["actions"] or [None]:
            if action is None:  # a recommendation with no action yet still shows
                rows.append([*head, "", "", "", None, "", None, ""])
                continue
            rows.append([*head, action.description, action.owner, action.evidence or "",
                         action.due_on, code_label(action.status), action.completed_on,
                         _outcome(action)])
    return rows


def action_plan_csv(plan: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csvsafe.writer(out)  # a cell a spreadsheet would run as a formula is quoted
    writer.writerow([str(c) for c in SHEET_COLUMNS])
    for row in _sheet_rows(plan):
        writer.writerow([uk_date(v) if isinstance(v, date) else v for v in row])
    # with a byte order mark, so Excel reads the file as UTF-8 (Welsh letters, £)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def action_plan_xlsx(review: Review, plan: list[dict]) -> bytes:
    return csvsafe.xlsx(_("Action plan"), [str(c) for c in SHEET_COLUMNS], _sheet_rows(plan),
                        title=_("Action plan for %(reference)s", reference=review.reference),
                        creator=AUTHOR)


def _new_document(title: str, landscape: bool = False):
    document = Document()
    if landscape:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    properties = document.core_properties
    properties.author = properties.last_modified_by = AUTHOR
    properties.title = title
    properties.comments = ""
    return document


def _table(document, headers, rows):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, headers, strict=True):
        cell.text = xml_text(title)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = xml_text(value)
    return table


def action_plan_docx(review: Review, plan: list[dict]) -> bytes:
    """The Home Office action plan layout: one row per action, each under its
    recommendation."""
    title = _("Action plan for %(reference)s", reference=review.reference)
    document = _new_document(title, landscape=True)
    document.add_heading(xml_text(title), level=1)
    document.add_paragraph(xml_text(_("Pseudonym: %(pseudonym)s", pseudonym=review.pseudonym)))
    document.add_paragraph(_("Produced on %(date)s.", date=uk_date(date.today())))
    rows = []
    for item in plan:
        rec = item["recommendation"]
        text = f"{item['number']}. {rec.text}"
        for action in item["actions"] or [None]:
            if action is None:
                rows.append([text, code_label(rec.level), "", "", "", "", ""])
                continue
            done = ", ".join(x for x in (uk_date(action.completed_on) if action.completed_on
                                         else "", _outcome(action)) if x)
            rows.append([text, code_label(rec.level), action.description, action.owner,
                         action.evidence or "", uk_date(action.due_on), done])
    _table(document, HOME_OFFICE_COLUMNS, rows)
    if not plan:
        document.add_paragraph(_("The review has no recommendations yet."))
    return _save(document)


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the summary pack ------------------------------------------------------------------------

def _event_text(event) -> str:
    """A timeline entry in words, as the timeline page words it (core/reviews/timeline.py
    ``describe``, the one place an entry is put in words)."""
    describe = getattr(timeline, "describe", None)
    if describe is not None:
        words = describe(event)
        return ": ".join(str(x) for x in (words["heading"], words.get("detail")) if x)
    # until ``describe`` is there: the words the timeline page used before it
    if event.kind == "transition":
        return code_label(event.name) if event.name in ("hold", "resume") \
            else stage_label(event.to_stage)
    if event.kind == "document":
        return _("Document uploaded")
    return _("Record removed") if event.name.endswith(".removed") else _("Record changed")


def summary(review: Review, roles) -> dict:
    """What the summary pack holds, for a reader with ``roles``: nothing the pages would not
    show them. Agency reports (and their deadlines) need "agency_reports.read", family
    engagement "family.read"; the timeline withholds the details of what they may not read
    (core/reviews/timeline.py)."""
    kept = clock.kept([review])[review.id]
    agency_kind, family_kind = BY_SLUG["agency-reports"], BY_SLUG["family-contacts"]
    may_agency = allows(roles, agency_kind.read_permission)
    may_family = allows(roles, family_kind.read_permission)
    deadlines = [d for d in clock.rows(kept) if may_agency or d["kind"] != "agency_report"]
    deadlines.sort(key=lambda d: (d["adjusted_due"], d["label"]))
    counts = {status: sum(1 for d in deadlines if d["status"] == status)
              for status in ("met", "met_late", "overdue", "due_soon", "due")}
    events = sorted(timeline.of(review, roles), key=lambda e: e.occurred_at)
    facts = [
        (_("Reference"), review.reference),
        (_("Pseudonym"), review.pseudonym),
        (_("Date of death"), uk_date(review.date_of_death)),
        (_("Date the CSP was notified"), uk_date(review.notification_date)),
        (_("Notifying agency"), review.notifying_agency),
        (_("Stage"), stage_label(review.stage)),
        (_("Guidance"), code_label(review.guidance_profile)),
        (_("Decision"), ", ".join(x for x in (code_label(review.decision),
                                                uk_date(review.decision_date)) if x)
         or _("Not decided yet")),
    ]
    for label, value in ((_("Directed by the Secretary of State"), review.directed_on),
                         (_("Home Office told"), review.home_office_told_on),
                         (_("Submitted to the Home Office"), review.submitted_on),
                         (_("Published"), review.published_on)):
        if value:
            facts.append((label, uk_date(value)))
    pack = {
        "review": review, "facts": facts, "deadlines": deadlines, "counts": counts,
        "timeline": [{"on": uk_date(e.occurred_at), "what": _event_text(e), "who": e.actor}
                     for e in events],
        "plan": action_plan(review), "agency_reports": None, "family": None,
        "produced_on": uk_date(date.today()),
    }
    if may_agency:
        pack["agency_reports"] = records.list_records(review, agency_kind)
    if may_family:
        pack["family"] = family_summary(records.list_records(review, family_kind))
    return pack


def _deadline_rows(pack: dict) -> list[list[str]]:
    return [[d["label"], uk_date(d["adjusted_due"]), uk_date(d["met_on"]) if d["met_on"]
             else "", code_label(d["status"])] for d in pack["deadlines"]]


DEADLINE_COLUMNS = (_l("Deadline"), _l("Due (adjusted for holds)"), _l("Met on"), _l("Status"))
TIMELINE_COLUMNS = (_l("Date"), _l("What happened"), _l("Who"))
AGENCY_COLUMNS = (_l("Agency"), _l("Report"), _l("Requested"), _l("Due"), _l("Returned"))


def _agency_rows(pack: dict) -> list[list[str]]:
    return [[r.agency, code_label(r.report_type), uk_date(r.requested_on), uk_date(r.due_on),
             uk_date(r.returned_on) if r.returned_on else
             (_("Waived") if r.waived_on else "")] for r in pack["agency_reports"] or []]


def _family_rows(family: dict) -> list[tuple[str, str]]:
    return [
        (_("First contact"), uk_date(family["first_contact_on"])
         if family.get("first_contact_on") else _("Only attempts so far")),
        (_("Advocacy offered at first contact"),
         _("Yes") if family.get("offered_at_first") else _("No")),
        (_("Agreed schedule of updates"), family.get("update_schedule") or _("Not recorded")),
    ]


def summary_docx(pack: dict) -> bytes:
    review = pack["review"]
    title = _("Review summary: %(reference)s", reference=review.reference)
    document = _new_document(title)
    document.add_heading(xml_text(title), level=1)
    document.add_paragraph(_("Produced on %(date)s. For internal use.", date=pack["produced_on"]))
    document.add_heading(_("Facts"), level=2)
    _table(document, (_("Fact"), _("Value")), pack["facts"])
    document.add_heading(_("Deadlines met and missed"), level=2)
    document.add_paragraph(_counts_text(pack["counts"]))
    _table(document, DEADLINE_COLUMNS, _deadline_rows(pack))
    document.add_heading(_("Recommendations and actions"), level=2)
    if not pack["plan"]:
        document.add_paragraph(_("The review has no recommendations yet."))
    for item in pack["plan"]:
        rec = item["recommendation"]
        document.add_paragraph(xml_text(f"{item['number']}. {rec.text} ({code_label(rec.level)}, "
                                        f"{code_label(rec.scope)}; {rec.addressed_to})"))
        if item["actions"]:
            _table(document, (_("Action"), _("Lead agency"), _("Target date"), _("Status")),
                   [[a.description, a.owner, uk_date(a.due_on), code_label(a.status)]
                    for a in item["actions"]])
    if pack["agency_reports"] is not None:
        document.add_heading(_("Agency reports"), level=2)
        _table(document, AGENCY_COLUMNS, _agency_rows(pack))
    if pack["family"] is not None:
        document.add_heading(_("Family engagement"), level=2)
        _table(document, (_("Fact"), _("Value")), _family_rows(pack["family"]))
    document.add_heading(_("Timeline"), level=2)
    _table(document, TIMELINE_COLUMNS,
           [[e["on"], e["what"], e["who"]] for e in pack["timeline"]])
    return _save(document)


def _counts_text(counts: dict) -> str:
    return _("Met on time: %(met)d. Met late: %(late)d. Overdue: %(overdue)d. "
             "Still to come: %(coming)d.", met=counts["met"], late=counts["met_late"],
             overdue=counts["overdue"], coming=counts["due"] + counts["due_soon"])


def govuk_table(table_id: str, caption: str, head, rows, numeric=()) -> dict:
    """The parameters of a govukTable (rows of plain values; ``numeric``: the columns of
    numbers, by index)."""
    def cell(index, value, key="text"):
        found = value if isinstance(value, dict) else {key: "" if value is None else value}
        return {**found, "format": "numeric"} if index in numeric else found
    return {"caption": caption, "captionClasses": "govuk-table__caption--s",
            "attributes": {"id": table_id},
            "head": [cell(i, str(h)) for i, h in enumerate(head)],
            "rows": [[cell(i, v) for i, v in enumerate(row)] for row in rows]}


def govuk_summary(rows) -> dict:
    return {"rows": [{"key": {"text": str(k)}, "value": {"text": v}} for k, v in rows]}


def summary_pdf(pack: dict) -> bytes:
    tables = {
        "deadlines": govuk_table("deadlines", _("Deadlines"), DEADLINE_COLUMNS,
                                 _deadline_rows(pack)),
        "timeline": govuk_table("timeline", _("Timeline"), TIMELINE_COLUMNS,
                                [[e["on"], e["what"], e["who"]] for e in pack["timeline"]]),
        "agency": govuk_table("agency-reports", _("Agency reports"), AGENCY_COLUMNS,
                              _agency_rows(pack)) if pack["agency_reports"] is not None
        else None,
        "actions": {item["number"]: govuk_table(
            f"actions-{item['number']}", _("Actions"),
            (_("Action"), _("Lead agency"), _("Target date"), _("Status")),
            [[a.description, a.owner, uk_date(a.due_on), code_label(a.status)]
             for a in item["actions"]]) if item["actions"] else None
            for item in pack["plan"]},
    }
    return render_pdf("exports/summary_pdf.html", pack=pack, tables=tables,
                      counts_text=_counts_text(pack["counts"]),
                      facts=govuk_summary(pack["facts"]),
                      family=govuk_summary(_family_rows(pack["family"]))
                      if pack["family"] else None)


# --- the board report ------------------------------------------------------------------------

def board(figures: dict, links: bool) -> dict:
    """What the board report's template reads (the page and the PDF alike): the figures,
    a chart of each, and the table of the same numbers. ``links``: link each reference to
    its review (the page, for a reader of reviews; never the PDF)."""
    from flask import url_for
    from markupsafe import Markup, escape

    from core.exports import charts

    rows = figures["rows"]
    table_rows = []
    for r in rows:
        reference = (Markup('<a class="govuk-link" href="{}">{}</a>').format(
            url_for("reviews.detail", review_id=r["review_id"]), r["reference"])
            if links else escape(r["reference"]))
        table_rows.append([
            {"html": reference}, stage_label(r["stage"]),
            "" if r["days_to_decision"] is None else r["days_to_decision"],
            code_label(r["decision_status"]),
            "" if r["days_to_submission"] is None else r["days_to_submission"],
            code_label(r["submission_status"]), r["overdue_actions"]])
    days = _("days")
    return {
        "figures": figures, "number": lambda v: "" if v is None else charts._number(v),
        "produced_on": uk_date(date.today()),
        "charts": {
            "decision": charts.bar_chart(
                "chart-decision", _("Days from notification to the decision, by review"),
                [(r["reference"], r["days_to_decision"]) for r in rows
                 if r["days_to_decision"] is not None], days),
            "submission": charts.bar_chart(
                "chart-submission",
                _("Days from the decision to Home Office submission, by review"),
                [(r["reference"], r["days_to_submission"]) for r in rows
                 if r["days_to_submission"] is not None], days),
            "actions": charts.bar_chart(
                "chart-actions", _("Overdue actions, by review"),
                [(r["reference"], r["overdue_actions"]) for r in rows if r["overdue_actions"]]),
        },
        "table": govuk_table(
            "board-table", _("The same numbers, review by review"),
            (_("Reference"), _("Stage"), _("Days to decision"), _("Decision deadline"),
             _("Days from the decision to Home Office submission"), _("Submission deadline"),
             _("Overdue actions")), table_rows, numeric=(2, 4, 6)),
    }


def board_pdf(figures: dict) -> bytes:
    return render_pdf("exports/board_pdf.html", **board(figures, links=False))


# --- PDF -------------------------------------------------------------------------------------

class LocalOnly(URLFetcher):
    """WeasyPrint's fetcher for a document of ours: it fetches nothing over the network (nor
    from the server's files). Only inline ``data:`` URLs are read; any other URL stops the
    rendering, so a template that asks for one fails loudly in the tests."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise FatalURLFetchingError(f"refused to fetch {url[:80]!r}: exports fetch nothing")


def render_pdf(template: str, **context) -> bytes:
    html = render_template(template, **context)
    return HTML(string=html, base_url=None, url_fetcher=LocalOnly()).write_pdf()
