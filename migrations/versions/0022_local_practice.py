"""Walsall agency categories and Warrington quotes (issue 13).

Revision ID: 0022_local_practice
Revises: 0021_lifecycle_fixes
Create Date: 2026-12-03 10:00:00

- ``panel_members.category``: the agency category a local policy matches the panel by
  (core/agencies.py; SEED-AUDIT.md S5). Members recorded before get the category their
  agency's name makes obvious ("West Midlands Police": police), or "other": the backfill
  never fails, and a coordinator can correct any member's category.
- ``quotes``: a review's quotes for its chair and author (SEED-AUDIT.md W11), tenant-owned
  with RLS; a joint review's partners reach its rows as they reach its other records. The
  counts typed before (Warrington's local field ``chair_quotes``) stay where they are and
  are shown beside the quotes; they name no one, so no quote can be made from them.
- ``agency_report_requests.author_independence``: whether the report's author was involved
  in the case (SEED-AUDIT.md W13); empty for the reports recorded before.
"""
import sqlalchemy as sa
from alembic import context, op

from core.agencies import guess_category
from tenants.rls import enable_tenant_rls, grant, is_postgresql, share_review_rows

revision = '0022_local_practice'
down_revision = '0021_lifecycle_fixes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=32), nullable=False,
                                      server_default='other'))
    with op.batch_alter_table('agency_report_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_independence', sa.String(length=16),
                                      nullable=True))

    op.create_table('quotes',
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('covers', sa.String(length=16), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('chosen', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_quotes_review_id_reviews')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_quotes_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_tenant_id'), ['tenant_id'], unique=False)

    bind = op.get_bind()
    enable_tenant_rls(bind, "quotes")
    share_review_rows(bind, "quotes", form="any")
    grant(bind, context.config.attributes.get("app_role"), "quotes",
          "SELECT, INSERT, UPDATE, DELETE")
    _backfill_categories(bind)


def _backfill_categories(bind) -> None:
    """Each partnership's panel members in turn (on PostgreSQL row-level security binds
    the migration too: the partnership is set as the application sets it)."""
    tenants = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants"))]
    for tenant in tenants:
        if is_postgresql(bind):
            bind.execute(sa.text("SELECT set_config('dhr.tenant_id', :t, true)"),
                         {"t": str(tenant)})
        members = bind.execute(sa.text(
            "SELECT id, agency FROM panel_members WHERE tenant_id = :t"), {"t": tenant}).all()
        for member, agency in members:
            category = guess_category(agency)
            if category != "other":
                bind.execute(sa.text("UPDATE panel_members SET category = :c WHERE id = :id"),
                             {"c": category, "id": member})
    if is_postgresql(bind):
        bind.execute(sa.text("SELECT set_config('dhr.tenant_id', '', true)"))


def downgrade():
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_quotes_review_id'))
    op.drop_table('quotes')
    with op.batch_alter_table('agency_report_requests', schema=None) as batch_op:
        batch_op.drop_column('author_independence')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_column('category')
