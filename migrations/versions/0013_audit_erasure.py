"""Audit events that can be erased when a partnership leaves, with the chain intact.

Each event gains ``body_hash`` (its hash now covers the link and this digest) and
``erased``. On PostgreSQL a SECURITY DEFINER function owned by the migration role erases one
departed tenant's events and records each in ``audit_erasures``; the application role may
execute it, may only read ``audit_erasures``, and still cannot UPDATE audit events itself.

Revision ID: 0013_audit_erasure
Revises: 0012_subject_access
Create Date: 2026-11-23 16:05:00

"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import definer_function, grant, is_postgresql

revision = '0013_audit_erasure'
down_revision = '0012_subject_access'
branch_labels = None
depends_on = None

# Every name is schema-qualified and pg_temp comes last, so a temporary table the caller
# made cannot stand in for public.tenants (a SECURITY DEFINER function runs as its owner).
FUNCTION = """
CREATE FUNCTION dhr_erase_tenant_audit(target uuid) RETURNS SETOF integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF target IS NULL OR EXISTS (SELECT 1 FROM public.tenants WHERE id = target) THEN
    RAISE EXCEPTION 'partnership % still exists: offboard it before erasing its audit', target;
  END IF;
  RETURN QUERY
    WITH blanked AS (
      UPDATE public.audit_events SET actor_id = NULL, actor = 'erased', tenant_id = NULL,
        action = 'erased', object_type = NULL, object_id = NULL, source_ip = NULL,
        details = '{}'::json, erased = true
      WHERE tenant_id = target
      RETURNING seq)
    INSERT INTO public.audit_erasures (seq, erased_at)
      SELECT seq, (now() AT TIME ZONE 'utc') FROM blanked
    RETURNING seq;
END
$$
"""


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('erased', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table('audit_erasures',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('erased_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_erasures'))
    )
    role = context.config.attributes.get("app_role")
    grant(op.get_bind(), role, "audit_erasures", "SELECT")  # only the functions write it
    definer_function(op.get_bind(), role, FUNCTION, "dhr_erase_tenant_audit(uuid)")


def downgrade():
    if is_postgresql(op.get_bind()):
        op.execute(sa.text("DROP FUNCTION dhr_erase_tenant_audit(uuid)"))
    op.drop_table('audit_erasures')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('erased')
        batch_op.drop_column('body_hash')
