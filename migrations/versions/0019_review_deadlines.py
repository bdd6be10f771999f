"""Deadlines kept, not recomputed (issue 12, part 4): ``review_clocks`` holds each review's
deadlines and statuses as the lifecycle clock last computed them (tenant-owned, RLS; a joint
review's partners reach its row as they reach the review's other rows).

Revision ID: 0019_review_deadlines
Revises: 0018_index_walls
Create Date: 2026-12-02 10:00:00

The table starts empty: the clock needs the application (its local policies add deadlines),
so a migration cannot fill it. A review without a row is computed and kept the first time
anything reads it (the dashboard, a review page, the reminders); ``flask dhr deadlines
refresh`` fills every partnership's at once.
"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import enable_tenant_rls, grant, share_review_rows

revision = '0019_review_deadlines'
down_revision = '0018_index_walls'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_clocks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.Column('fresh_until', sa.Date(), nullable=False),
    sa.Column('basis', sa.String(length=32), nullable=False),
    sa.Column('degraded', sa.Boolean(), nullable=False),
    sa.Column('on_hold', sa.Boolean(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('due_soon', sa.Integer(), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('deadlines', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_clocks_review_id_reviews')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_review_clocks_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_clocks')),
    sa.UniqueConstraint('review_id', name=op.f('uq_review_clocks_review_id'))
    )
    with op.batch_alter_table('review_clocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_clocks_tenant_id'), ['tenant_id'], unique=False)

    bind = op.get_bind()
    enable_tenant_rls(bind, "review_clocks")
    share_review_rows(bind, "review_clocks", form="any")
    grant(bind, context.config.attributes.get("app_role"), "review_clocks",
          "SELECT, INSERT, UPDATE, DELETE")


def downgrade():
    with op.batch_alter_table('review_clocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_clocks_tenant_id'))
    op.drop_table('review_clocks')
