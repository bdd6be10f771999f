"""Wall 2: PostgreSQL row-level security, as the application role, with raw SQL."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from core.db import db
from tenants.scoping import scoped_models
from tests.conftest import TARGET

pytestmark = pytest.mark.skipif(TARGET != "postgresql",
                                reason="row-level security exists only on PostgreSQL")


@pytest.fixture
def app_engine(database):
    engine = create_engine(database.url)
    yield engine
    engine.dispose()


def _tables():
    return [m.__tablename__ for m in scoped_models(db.Model)]


def test_the_application_role_cannot_bypass_rls(app_engine):
    with app_engine.connect() as conn:
        role = conn.execute(text(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )).one()
        assert tuple(role) == (False, False)
        owned = conn.execute(text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            "AND tableowner = current_user")).scalar()
        assert owned == 0


def test_every_tenant_owned_table_has_forced_rls(app_engine):
    with app_engine.connect() as conn:
        for table in _tables():
            enabled, forced = conn.execute(text(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = :t"
            ), {"t": table}).one()
            assert enabled and forced, table


def test_raw_select_sees_only_the_set_tenant_and_nothing_unset(app, world, app_engine):
    alpha, beta = world.tenants["alpha"].id, world.tenants["beta"].id
    for table in _tables():
        with app_engine.begin() as conn:
            rows = conn.execute(text(f"SELECT tenant_id FROM {table}")).all()
            assert rows == [], f"{table}: rows visible with no tenant set"
        with app_engine.begin() as conn:
            conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"), {"t": str(beta)})
            seen = {r[0] for r in conn.execute(text(f"SELECT tenant_id FROM {table}"))}
            assert alpha not in seen, f"{table}: alpha's rows visible to beta"
            assert seen <= {beta}
        with app_engine.begin() as conn:
            # the setting was transaction-local: a pooled connection carries nothing over
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_writing_a_row_for_another_tenant_is_refused(app, world, app_engine):
    import sqlalchemy.exc

    alpha, beta = world.tenants["alpha"].id, world.tenants["beta"].id
    with pytest.raises(sqlalchemy.exc.ProgrammingError, match="row-level security"):
        with app_engine.begin() as conn:
            conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"), {"t": str(beta)})
            conn.execute(text(
                "INSERT INTO reviews (id, tenant_id, reference, pseudonym, date_of_death, "
                "notification_date, notifying_agency, stage, guidance_profile, created_at, "
                "version) VALUES (gen_random_uuid(), :alpha, 'X', 'P', '2026-01-01', "
                "'2026-01-02', 'A', 'notified', 'england-2016', now(), 1)"), {"alpha": alpha})
    with app_engine.begin() as conn:
        conn.execute(text("SELECT set_config('dhr.tenant_id', :t, true)"), {"t": str(beta)})
        changed = conn.execute(text("UPDATE reviews SET pseudonym = 'x' WHERE tenant_id = :a"),
                               {"a": alpha}).rowcount
        assert changed == 0


def test_the_application_role_cannot_alter_audit_events(app, world, app_engine):
    import sqlalchemy.exc

    with pytest.raises(sqlalchemy.exc.ProgrammingError, match="permission denied"):
        with app_engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET action = 'x'"))
    with pytest.raises(sqlalchemy.exc.ProgrammingError, match="permission denied"):
        with app_engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))
