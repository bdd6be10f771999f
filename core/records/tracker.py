"""The action tracker (issue 14): every action of every review the partnership sees (its own
and the joint reviews shared with it, as the dashboard lists them), with its owner, the
agency its recommendation is addressed to, its due date, whether it is overdue and its
status; filtered, sorted and paged in SQL like the reviews list (core/reviews/listing.py).

Need to know: the tracker lists action records, so it asks for the actions kind's read
permission (core/records/kinds.py), the one a review's action plan asks for.

"Overdue" is what the review's kept clock says about the action (core/reviews/clock.py: an
action's deadline moves with the review's holds), read in SQL from the kept deadlines
after ``freshen`` has made every clock current: never computed again row by row."""
from __future__ import annotations

from flask import Blueprint as PageBlueprint
from flask import render_template
from marshmallow import Schema, fields
from sqlalchemy import Boolean, func, literal_column, or_, select

from core.audit import service as audit
from core.auth.guards import requires, tenant_api, tenant_pages
from core.db import db
from core.records.kinds import BY_SLUG
from core.records.models import Action, Recommendation
from core.records.schemas import ACTION_STATUSES
from core.reviews import listing
from core.reviews import service as reviews
from core.reviews.models import Review, ReviewClock
from core.web import paging

READ = BY_SLUG["actions"].read_permission

bp = PageBlueprint("tracker", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)
blp = paging.Blueprint("tracker_api", __name__, url_prefix="/api/v1/t/<slug>",
                       description="Every action across a partnership's reviews.")
tenant_api(blp)

# The kept clock's word on an action (its deadline "action:<id>", as core/lifecycle/clock.py
# keys it): one correlated EXISTS over the kept deadlines, per dialect (SQLite keeps a UUID
# as 32 hex digits, the deadline's key has dashes).
_OVERDUE = {
    "postgresql": "EXISTS (SELECT 1 FROM json_array_elements(review_clocks.deadlines::json) "
                  "AS kept WHERE kept->>'key' = 'action:' || actions.id::text "
                  "AND kept->>'status' = 'overdue')",
    "sqlite": "EXISTS (SELECT 1 FROM json_each(review_clocks.deadlines) AS kept "
              "WHERE replace(json_extract(kept.value, '$.key'), '-', '') = 'action:' || "
              "actions.id AND json_extract(kept.value, '$.status') = 'overdue')",
}


def _overdue():
    dialect = db.session.get_bind().dialect.name
    return literal_column(_OVERDUE[dialect], Boolean)


SORTS = {"due": Action.due_on, "reference": Review.reference, "owner": Action.owner}
DEFAULT_ORDER = {"due": "asc", "reference": "asc", "owner": "asc"}


def action_conditions(filters: dict) -> list:
    """The SQL conditions of the tracker's filters. Withdrawn notifications' actions are
    never listed (entered in error)."""
    conditions = [Review.withdrawn_on.is_(None)]
    if filters.get("q"):
        term = reviews._like(filters["q"])
        conditions.append(or_(Action.description.ilike(term, escape="\\"),
                              Review.reference.ilike(term, escape="\\")))
    if filters.get("owner"):
        conditions.append(Action.owner.ilike(reviews._like(filters["owner"]), escape="\\"))
    if filters.get("agency"):
        conditions.append(Recommendation.addressed_to.ilike(reviews._like(filters["agency"]),
                                                            escape="\\"))
    if filters.get("status"):
        conditions.append(Action.status == filters["status"])
    if filters.get("overdue"):
        conditions.append(_overdue())
    return conditions


def _joined(*columns):
    return (select(*columns).join(Review, Review.id == Action.review_id)
            .join(Recommendation, Recommendation.id == Action.recommendation_id)
            .outerjoin(ReviewClock, ReviewClock.review_id == Action.review_id))


def list_actions(filters: dict | None = None, page: int = 1,
                 page_size: int = paging.PAGE_SIZE) -> paging.Paged:
    """One page of the actions, and how many there are: the kept clocks made current first
    (``freshen``), then two queries however many reviews and actions there are. Items:
    {"action", "reference", "agency", "overdue"}."""
    filters = filters or {}
    reviews.freshen()
    conditions = action_conditions(filters)
    sort = filters.get("sort") or "due"
    query = _joined(Action, Review.reference, Recommendation.addressed_to,
                    _overdue().label("overdue")).where(*conditions)
    query = reviews._ordered(query, SORTS[sort], (Review.reference, Action.due_on, Action.id),
                             filters.get("order") or DEFAULT_ORDER[sort])
    rows = db.session.execute(query.limit(page_size).offset(paging.offset(page, page_size))).all()
    total = db.session.scalar(_joined(func.count(Action.id)).where(*conditions))
    audit.record("actions.list", object_type="tenant",
                 details={"count": len(rows), "total": total, "page": page,
                          "filters": {k: str(v) for k, v in filters.items() if v}})
    db.session.commit()
    return paging.Paged([{"action": action, "reference": reference, "agency": agency,
                          "overdue": bool(overdue)}
                         for action, reference, agency, overdue in rows], total, page,
                        page_size)


@bp.get("/actions")
@requires(READ)
def page():
    """The tracker page: a GET form of filters (a link to share), the table, its pages."""
    filters, errors = listing.read(listing.ActionFilterSchema)
    number, page_error = listing.read_page()
    errors.update(page_error)
    found = list_actions(filters, number)
    return render_template("records/tracker.html", listed=found, filters=filters,
                           errors=errors, statuses=ACTION_STATUSES,
                           pagination=paging.pagination(found)), 400 if errors else 200


class TrackedActionSchema(Schema):
    id = fields.UUID()
    review_id = fields.UUID()
    reference = fields.String(metadata={"description": "The review's reference."})
    recommendation_id = fields.UUID()
    description = fields.String()
    owner = fields.String()
    agency = fields.String(metadata={
        "description": "Who the action's recommendation is addressed to."})
    due_on = fields.Date()
    status = fields.String(metadata={"enum": list(ACTION_STATUSES)})
    completed_on = fields.Date(allow_none=True)
    overdue = fields.Boolean(metadata={
        "description": "Past its due date (after the review's holds) and not done."})


@blp.route("/actions", methods=["GET"])
@requires(READ)
@blp.arguments(listing.ActionFilterSchema, location="query", as_kwargs=False)
@blp.response(200, TrackedActionSchema(many=True))
@blp.paginate()
def list_api(filters, pagination_parameters):
    """Every action across the partnership's reviews (and the joint reviews shared with
    it), 25 a page, soonest due first unless ``sort``/``order`` say otherwise. Paging:
    ``page``, ``page_size`` (at most 100); ``X-Pagination`` and ``Link`` headers."""
    found = list_actions(filters, pagination_parameters.page,
                         pagination_parameters.page_size)
    pagination_parameters.item_count = found.total
    return [{**{c.key: getattr(item["action"], c.key)
                for c in Action.__table__.columns},
             "reference": item["reference"], "agency": item["agency"],
             "overdue": item["overdue"]} for item in found.items]
