"""Search, filter and sort on the reviews list and the action tracker (issue 14).

Revision ID: 0027_listing
Revises: 0026_corrections
Create Date: 2026-11-29 23:00:00

Indexes for the lists' queries (core/reviews/service.py list_reviews, dashboard, freshen;
core/records/tracker.py), each led by ``tenant_id`` as the walls read it: the reviews
list's default sort (newest notification first) and its year filter, its stage filter and
the dashboard's stage counts, the check for kept clocks past their day, the sort by next
date due, and the tracker's sort by due date. No new table, so no new policy or grant.
"""
from alembic import op

revision = '0027_listing'
down_revision = '0026_corrections'
branch_labels = None
depends_on = None

INDEXES = (
    ("reviews", "ix_reviews_tenant_notified", ["tenant_id", "notification_date"]),
    ("reviews", "ix_reviews_tenant_stage", ["tenant_id", "stage"]),
    ("review_clocks", "ix_review_clocks_tenant_fresh", ["tenant_id", "fresh_until"]),
    ("review_clocks", "ix_review_clocks_tenant_next_due", ["tenant_id", "next_due_on"]),
    ("actions", "ix_actions_tenant_due", ["tenant_id", "due_on"]),
)


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
