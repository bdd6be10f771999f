"""Future panel meetings (issue 14).

Revision ID: 0029_meetings
Revises: 0028_documents
Create Date: 2026-11-29 23:00:00

- ``panel_meetings.planned_on``: the day a meeting is planned for, so a meeting can be
  recorded before it takes place (empty for the meetings recorded before: they were held).
- ``panel_meetings.held_on`` may now be empty: a planned meeting is not yet held. Only held
  meetings count for the clock (core/reviews/facts.py reads ``held_on`` alone).

Downgrade: the meetings never held cannot be kept (the old column needs a date held), so
they are removed, each partnership in turn (row-level security binds the migration too).
"""
import sqlalchemy as sa
from alembic import op

from tenants.rls import is_postgresql

revision = '0029_meetings'
down_revision = '0028_documents'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_on', sa.Date(), nullable=True))
        batch_op.alter_column('held_on', existing_type=sa.Date(), nullable=True)


def downgrade():
    bind = op.get_bind()
    tenants = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants"))]
    for tenant in tenants:
        if is_postgresql(bind):
            bind.execute(sa.text("SELECT set_config('dhr.tenant_id', :t, true)"),
                         {"t": str(tenant)})
        bind.execute(sa.text("DELETE FROM panel_meetings WHERE held_on IS NULL "
                             "AND tenant_id = :t"), {"t": tenant})
    if is_postgresql(bind):
        bind.execute(sa.text("SELECT set_config('dhr.tenant_id', '', true)"))
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.alter_column('held_on', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('planned_on')
