"""Documents removed or replaced; one upload form with the kind as a choice (issue 14).

- ``document_removals`` (tenant-owned, RLS; a joint review's partners reach its rows as
  they reach the review's other rows): a version removed because it was entered in error,
  who removed it, when and why. The version's row and its file go; this stays.

Revision ID: 0028_documents
Revises: 0027_listing
Create Date: 2026-11-29 23:00:00
"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import enable_tenant_rls, grant, share_review_rows

revision = '0028_documents'
down_revision = '0027_listing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_removals',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=254), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=False),
    sa.Column('removed_by', sa.String(length=254), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_document_removals_review_id_reviews')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_document_removals_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_removals'))
    )
    with op.batch_alter_table('document_removals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_removals_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_removals_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_removals_tenant_id'), ['tenant_id'], unique=False)

    bind = op.get_bind()
    enable_tenant_rls(bind, "document_removals")
    share_review_rows(bind, "document_removals", form="any")
    grant(bind, context.config.attributes.get("app_role"), "document_removals",
          "SELECT, INSERT, UPDATE, DELETE")


def downgrade():
    with op.batch_alter_table('document_removals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_removals_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_document_removals_review_id'))
        batch_op.drop_index(batch_op.f('ix_document_removals_document_id'))
    op.drop_table('document_removals')
