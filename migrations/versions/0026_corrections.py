"""Corrections of every field a person enters; withdrawing a notification entered in error (issue 14).

Revision ID: 0026_corrections
Revises: 0025_profile_rules
Create Date: 2026-11-29 23:00:00

- ``reviews``: ``withdrawn_on``, ``withdrawn_reason`` and ``withdrawn_by`` (the user's id,
  no foreign key, as ``created_by``): a notification entered in error, withdrawn by the
  coordinator with a reason before any decision (core/reviews/service.py ``withdraw``).
  Existing reviews are not withdrawn (NULL). The table keeps its row-level security
  policy (0001): new columns need no new policy or grant.
"""
import sqlalchemy as sa
from alembic import op

revision = '0026_corrections'
down_revision = '0025_profile_rules'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by', sa.Uuid(), nullable=True))


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_by')
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_on')
