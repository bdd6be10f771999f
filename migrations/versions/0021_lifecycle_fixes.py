"""The lifecycle against the guidance: Home Office changes asked for, learning tasks done, scoping records (issue 13).

Revision ID: 0021_lifecycle_fixes
Revises: 0020_audit_chains
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import enable_tenant_rls, grant, share_review_rows

revision = '0021_lifecycle_fixes'
down_revision = '0020_audit_chains'
branch_labels = None
depends_on = None


NEW_TABLES = ("learning_receipts", "home_office_changes", "early_learning")


def _record(table: str, *columns) -> None:
    """A review's record table: its columns, the common ones, keys and indexes."""
    op.create_table(table,
    sa.Column('review_id', sa.Uuid(), nullable=False),
    *columns,
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f(f'fk_{table}_review_id_reviews')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f(f'fk_{table}_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}'))
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{table}_tenant_id'), ['tenant_id'], unique=False)


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('home_office_submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panel_on', sa.Date(), nullable=True))
    with op.batch_alter_table('learning_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('done_by', sa.String(length=254), nullable=True))

    _record('learning_receipts',
            sa.Column('learning_task_id', sa.Uuid(), nullable=False),
            sa.Column('recipient', sa.String(length=200), nullable=False),
            sa.Column('sent_on', sa.Date(), nullable=True),
            sa.Column('received_on', sa.Date(), nullable=True),
            sa.Column('note', sa.Text(), nullable=True),
            sa.Column('recorded_by', sa.String(length=254), nullable=True),
            sa.ForeignKeyConstraint(['learning_task_id'], ['learning_tasks.id'], name=op.f('fk_learning_receipts_learning_task_id_learning_tasks')))
    with op.batch_alter_table('learning_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_receipts_learning_task_id'), ['learning_task_id'], unique=False)
    _record('home_office_changes',
            sa.Column('submission_id', sa.Uuid(), nullable=True),
            sa.Column('change', sa.Text(), nullable=False),
            sa.Column('asked_on', sa.Date(), nullable=False),
            sa.Column('done_on', sa.Date(), nullable=True),
            sa.Column('evidence', sa.Text(), nullable=True),
            sa.Column('done_by', sa.String(length=254), nullable=True),
            sa.ForeignKeyConstraint(['submission_id'], ['home_office_submissions.id'], name=op.f('fk_home_office_changes_submission_id_home_office_submissions')))
    with op.batch_alter_table('home_office_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_office_changes_submission_id'), ['submission_id'], unique=False)
    _record('early_learning',
            sa.Column('noted_on', sa.Date(), nullable=False),
            sa.Column('learning', sa.Text(), nullable=False),
            sa.Column('action', sa.Text(), nullable=False),
            sa.Column('owner', sa.String(length=200), nullable=False),
            sa.Column('due_on', sa.Date(), nullable=True),
            sa.Column('done_on', sa.Date(), nullable=True))

    bind = op.get_bind()
    for table in NEW_TABLES:  # a joint review's partners reach them as its other records
        enable_tenant_rls(bind, table)
        share_review_rows(bind, table, form="any")
        grant(bind, context.config.attributes.get("app_role"), table,
              "SELECT, INSERT, UPDATE, DELETE")


def downgrade():
    for table in ("early_learning", "home_office_changes", "learning_receipts"):
        op.drop_table(table)
    with op.batch_alter_table('learning_tasks', schema=None) as batch_op:
        batch_op.drop_column('done_by')
        batch_op.drop_column('evidence')
    with op.batch_alter_table('home_office_submissions', schema=None) as batch_op:
        batch_op.drop_column('panel_on')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('directed_on')
