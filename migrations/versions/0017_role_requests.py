"""When each role was given (memberships.created_at: a partnership's audit export holds a
member's account events only from then), and role requests: a role someone asks for
themselves waits for a second admin (RLS).

Revision ID: 0017_role_requests
Revises: 0016_user_sessions
Create Date: 2026-11-30 10:00:00

Existing memberships take the time of the latest ``member.role_added`` event for the same
person, partnership and role, or else the partnership's own creation time (they were there
from its start: the demo, the command line).
"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import enable_tenant_rls, grant

revision = '0017_role_requests'
down_revision = '0016_user_sessions'
branch_labels = None
depends_on = None

ROLE = sa.Enum('csp_admin', 'csp_chair', 'review_coordinator', 'independent_chair',
               'panel_member', 'viewer', name='tenantrole', native_enum=False, length=32)


def _backfill(bind) -> None:
    if bind.dialect.name == "postgresql":
        same_person = "e.object_id = CAST(m.user_id AS text)"
        same_role = "(e.details ->> 'role') = m.role"
    else:  # SQLite keeps a UUID as 32 hex digits; the audit writes it with hyphens
        same_person = "REPLACE(e.object_id, '-', '') = m.user_id"
        same_role = "json_extract(e.details, '$.role') = m.role"
    bind.execute(sa.text(
        "UPDATE memberships AS m SET created_at = COALESCE("
        " (SELECT MAX(e.occurred_at) FROM audit_events AS e"
        "  WHERE e.action = 'member.role_added' AND e.tenant_id = m.tenant_id"
        f"  AND e.object_type = 'user' AND {same_person} AND {same_role}),"
        " (SELECT t.created_at FROM tenants AS t WHERE t.id = m.tenant_id))"))


def upgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.add_column(sa.Column('awaiting_sign_in', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    op.create_table('role_requests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', ROLE, nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_role_requests_tenant_id_tenants')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_requests'))
    )
    with op.batch_alter_table('role_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_requests_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_requests_user_id'), ['user_id'], unique=False)

    bind = op.get_bind()
    enable_tenant_rls(bind, "role_requests")
    grant(bind, context.config.attributes.get("app_role"), "role_requests",
          "SELECT, INSERT, UPDATE, DELETE")


def downgrade():
    with op.batch_alter_table('role_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_role_requests_tenant_id'))
    op.drop_table('role_requests')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('awaiting_sign_in')
        batch_op.drop_column('created_at')
