"""Guidance profile rules with their sources and a partnership's own targets; Wales SUSR (issue 13).

Revision ID: 0025_profile_rules
Revises: 0024_public_listing
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0025_profile_rules'
down_revision = '0024_public_listing'
branch_labels = None
depends_on = None


def upgrade():
    # A partnership's own months for its local-practice targets (core/targets.py). On the
    # tenants table: configuration, not case data, and a joint review's partners read the
    # lead's targets (its clock) as they read its local policies.
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('local_targets', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('local_targets')
