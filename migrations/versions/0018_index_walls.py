"""The walls use their indexes (issue 12): the row-level security policies of a joint
review's rows admit partners with ``= ANY (ARRAY(subquery))`` instead of ``IN (subquery)``.

Revision ID: 0018_index_walls
Revises: 0017_role_requests
Create Date: 2026-12-01 10:00:00

``tenant_id = X OR review_id IN (SELECT … FROM review_partners …)`` is a hashed SubPlan
that no index can serve: every query read every partnership's rows (70,000 actions to keep
215 with 330 partnerships). Written ``review_id = ANY (ARRAY(SELECT …))`` the subquery is an
InitPlan run once and the policy a BitmapOr of the ``tenant_id`` and ``review_id`` indexes.
The same rows are admitted, for reading and writing alike. The ORM wall
(tenants/scoping.py) has the same shape.
"""
from alembic import op

from tenants.rls import share_review_rows

revision = '0018_index_walls'
down_revision = '0017_role_requests'
branch_labels = None
depends_on = None

# Every table whose policy 0005_joint_reviews made with share_review_rows, and the column
# that names its review (no later revision calls it).
SHARED = (
    ("reviews", "id"),
    *((table, "review_id") for table in (
        "holds", "timeline_events", "scoping_returns", "chair_appointments", "panel_members",
        "panel_meetings", "agency_report_requests", "family_contacts", "recommendations",
        "actions", "home_office_submissions", "publication_records", "documents",
        "document_versions", "learning_tasks")),
)


def upgrade():
    bind = op.get_bind()
    for table, column in SHARED:
        share_review_rows(bind, table, column, form="any")


def downgrade():
    bind = op.get_bind()
    for table, column in SHARED:
        share_review_rows(bind, table, column, form="in")
