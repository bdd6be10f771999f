"""PostgreSQL row-level security and grants, for migrations to call.

The application connects as a role that owns no table and has neither SUPERUSER nor
BYPASSRLS; FORCE makes the policy bind the table owner too. An unset or reset setting
(``''``) matches no row.
"""
from __future__ import annotations

from sqlalchemy import text

TENANT_EXPR = "NULLIF(current_setting('dhr.tenant_id', true), '')::uuid"


def is_postgresql(bind) -> bool:
    return bind.dialect.name == "postgresql"


def enable_tenant_rls(bind, table: str) -> None:
    if not is_postgresql(bind):
        return
    bind.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    bind.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
    bind.execute(text(
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING (tenant_id = {TENANT_EXPR}) WITH CHECK (tenant_id = {TENANT_EXPR})"
    ))


def grant(bind, app_role: str | None, table: str, privileges: str) -> None:
    """Grant the application role exactly what it needs on one table."""
    if not app_role or not is_postgresql(bind):
        return
    role = bind.dialect.identifier_preparer.quote(app_role)
    bind.execute(text(f"GRANT {privileges} ON {table} TO {role}"))


def definer_function(bind, app_role: str | None, create_sql: str, signature: str) -> None:
    """Create a SECURITY DEFINER function (it runs with the migration role's rights) that
    only the application role may execute."""
    if not is_postgresql(bind):
        return
    bind.execute(text(create_sql))
    bind.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
    if app_role:
        role = bind.dialect.identifier_preparer.quote(app_role)
        bind.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {role}"))


SHARED = ("(SELECT review_id FROM review_partners WHERE partner_tenant_id = "
          f"{TENANT_EXPR} AND accepted_at IS NOT NULL AND removed_at IS NULL)")

# How a policy admits a joint review's partners. A migration names the form it was written
# with, so that what it creates never changes when this module does.
SHARE_FORMS = {
    # 0005_joint_reviews: a hashed SubPlan that no index can serve, so every query read every
    # tenant's rows (issue 12).
    "in": "{column} IN " + SHARED,
    # 0018_index_walls on: the subquery is an InitPlan run once, and the policy a BitmapOr
    # of the tenant_id index and the {column} index.
    "any": "{column} = ANY (ARRAY" + SHARED + ")",
}


def share_rule(column: str = "review_id", form: str = "any") -> str:
    """The policy expression: the tenant's own rows and the joint reviews shared with it."""
    return f"tenant_id = {TENANT_EXPR} OR " + SHARE_FORMS[form].format(column=column)


def share_review_rows(bind, table: str, column: str = "review_id", form: str = "any") -> None:
    """Admit a joint review's partners to the rows of ``table`` that belong to it (replaces
    the table's ``tenant_isolation`` policy). ``form="in"`` is the shape 0005 made."""
    if not is_postgresql(bind):
        return
    rule = share_rule(column, form)
    bind.execute(text(f"DROP POLICY tenant_isolation ON {table}"))
    bind.execute(text(f"CREATE POLICY tenant_isolation ON {table} "
                      f"USING ({rule}) WITH CHECK ({rule})"))


def enable_partner_rls(bind, table: str) -> None:
    """The share rows themselves: seen by the lead and by the partner they name."""
    if not is_postgresql(bind):
        return
    rule = f"tenant_id = {TENANT_EXPR} OR partner_tenant_id = {TENANT_EXPR}"
    bind.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    bind.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
    bind.execute(text(f"CREATE POLICY tenant_isolation ON {table} USING ({rule}) "
                      f"WITH CHECK ({rule})"))
