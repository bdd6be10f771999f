"""Erasing a deleted account's platform audit events (its sign-ins and resets), for
offboarding: people who belonged only to the departing partnership go with it.

Revision ID: 0015_erase_account_audit
Revises: 0014_account_links
Create Date: 2026-11-23 16:15:00

"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import definer_function, is_postgresql

revision = '0015_erase_account_audit'
down_revision = '0014_account_links'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE FUNCTION dhr_erase_user_audit(target uuid) RETURNS SETOF integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF target IS NULL OR EXISTS (SELECT 1 FROM public.users WHERE id = target) THEN
    RAISE EXCEPTION 'account % still exists: delete it before erasing its audit', target;
  END IF;
  RETURN QUERY
    WITH blanked AS (
      UPDATE public.audit_events SET actor_id = NULL, actor = 'erased', tenant_id = NULL,
        action = 'erased', object_type = NULL, object_id = NULL, source_ip = NULL,
        details = '{}'::json, erased = true
      WHERE tenant_id IS NULL AND erased = false AND (actor_id = target OR
        (object_type = 'user' AND object_id = target::text))
      RETURNING seq)
    INSERT INTO public.audit_erasures (seq, erased_at)
      SELECT seq, (now() AT TIME ZONE 'utc') FROM blanked
    RETURNING seq;
END
$$
"""


def upgrade():
    definer_function(op.get_bind(), context.config.attributes.get("app_role"), FUNCTION,
                     "dhr_erase_user_audit(uuid)")


def downgrade():
    if is_postgresql(op.get_bind()):
        op.execute(sa.text("DROP FUNCTION dhr_erase_user_audit(uuid)"))
