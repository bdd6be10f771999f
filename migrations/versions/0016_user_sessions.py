"""Signed-in sessions held on the server (hashes of their ids), so that signing out ends a
session even for a copy of its cookie: a platform table, read before a tenant is chosen.

Revision ID: 0016_user_sessions
Revises: 0015_erase_account_audit
Create Date: 2026-11-29 17:10:00

"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import grant

revision = '0016_user_sessions'
down_revision = '0015_erase_account_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    grant(op.get_bind(), context.config.attributes.get("app_role"), "user_sessions",
          "SELECT, INSERT, UPDATE, DELETE")


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
