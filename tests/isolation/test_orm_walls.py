"""Wall 1: the ORM scopes every query to the current tenant and refuses to guess."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update

from core.db import db
from core.reviews.models import Review
from tenants.context import CrossTenantWrite, NoTenantContext, tenant_scope
from tenants.scoping import TenantScoped, scoped_models


def test_query_without_tenant_context_raises(app, world):
    with pytest.raises(NoTenantContext):
        db.session.scalars(select(Review)).all()
    db.session.rollback()
    with pytest.raises(NoTenantContext):
        db.session.scalar(select(func.count()).select_from(Review))


def test_queries_see_only_the_current_tenant(app, world):
    alpha, beta = world.tenants["alpha"].id, world.tenants["beta"].id
    alpha_review = world.reviews["alpha"][0].id
    with tenant_scope(beta):
        seen = db.session.scalars(select(Review)).all()
        assert {r.tenant_id for r in seen} == {beta}
        # loaded by id alone, as Redash's leaking children were: still nothing
        assert db.session.scalar(select(Review).where(Review.id == alpha_review)) is None
        db.session.expunge_all()
        assert db.session.get(Review, alpha_review) is None
    db.session.rollback()
    with tenant_scope(alpha):
        assert len(db.session.scalars(select(Review)).all()) == 2


def test_bulk_update_touches_only_the_current_tenant(app, world):
    with tenant_scope(world.tenants["beta"].id):
        db.session.execute(update(Review).values(notifying_agency="overwritten"))
        db.session.commit()
    with tenant_scope(world.tenants["alpha"].id):
        agencies = set(db.session.scalars(select(Review.notifying_agency)))
    assert "overwritten" not in agencies


def test_new_rows_are_stamped_and_foreign_rows_refused(app, world):
    alpha, beta = world.tenants["alpha"], world.tenants["beta"]
    from datetime import date

    data = dict(reference="X-1", pseudonym="P", date_of_death=date(2026, 1, 1),
                notification_date=date(2026, 1, 2), notifying_agency="A")
    with tenant_scope(beta.id):
        stamped = Review(**data)
        db.session.add(stamped)
        db.session.flush()
        assert stamped.tenant_id == beta.id
        db.session.rollback()
        db.session.add(Review(tenant_id=alpha.id, **data))
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
        db.session.rollback()
    with pytest.raises(NoTenantContext):
        db.session.add(Review(**data))
        db.session.flush()
    db.session.rollback()


def test_changing_a_row_of_another_tenant_is_refused(app, world):
    with tenant_scope(world.tenants["alpha"].id):
        review = db.session.scalars(select(Review)).first()
    with tenant_scope(world.tenants["beta"].id):
        review.pseudonym = "changed by beta"
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()


def test_every_tenant_owned_model_has_an_indexed_not_null_tenant_id(app):
    models = scoped_models(db.Model)
    assert {m.__tablename__ for m in models} >= {"reviews", "reference_counters"}
    for model in models:
        column = model.__table__.c.tenant_id
        assert not column.nullable and column.index, model.__tablename__
        assert issubclass(model, TenantScoped)


def test_raw_sql_is_not_filtered_by_the_orm_so_postgresql_must_be(app, world, database):
    """Wall 1 cannot see raw SQL; on SQLite it sees every tenant (documented), which is why
    production runs on PostgreSQL where Wall 2 hides other tenants (test_postgresql_rls)."""
    with tenant_scope(world.tenants["beta"].id):
        tenants = set(db.session.scalars(text("SELECT tenant_id FROM reviews")))
    db.session.rollback()
    if database.is_postgresql:
        assert len(tenants) == 1
    else:
        assert len(tenants) == 2
