"""Public listing: windows kept, not-published notices, learning packs (issue 13).

Revision ID: 0024_public_listing
Revises: 0023_case_facts
Create Date: 2026-12-03 10:00:00

- ``publication_records.notice``: for a decision not to publish that the area's policy
  announces, what the public page cites (the guidance section the decision rests on); NULL
  for every existing row (nothing was announced before).
- Reports published with ``after = 'removed'`` were taken down after 12 months by an
  invented default (the core's, Wigan's and Warrington's plans; SEED-AUDIT.md W10, M6, G3).
  No policy in this repository says to remove them, so they are online again
  (``online_until`` NULL). Reports "available on request" after their window (Preston)
  keep their dates. The downgrade drops the column and does not take reports down again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0024_public_listing'
down_revision = '0023_case_facts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('publication_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice', sa.Text(), nullable=True))
    records = sa.table('publication_records', sa.column('online_until', sa.Date),
                       sa.column('decision', sa.String), sa.column('after', sa.String))
    op.execute(records.update()
               .where(records.c.decision == 'publish', records.c.after == 'removed')
               .values(online_until=None))


def downgrade():
    with op.batch_alter_table('publication_records', schema=None) as batch_op:
        batch_op.drop_column('notice')
