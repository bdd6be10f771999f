"""The two isolation walls.

Wall 1 (ORM): every SELECT/UPDATE/DELETE that touches a ``TenantScoped`` model gets
``with_loader_criteria(tenant_id == current)``; with no tenant context it raises. New rows
are stamped with the current tenant before flush, and rows of another tenant are refused
(loader criteria never see INSERTs).

Wall 2 (PostgreSQL): each transaction carries ``dhr.tenant_id`` through
``set_config(..., true)`` with a bound parameter; row-level security policies (created by
the migrations) compare every row with it. Raw SQL that forgets the tenant sees nothing.
"""
from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Uuid, event, text
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql.util import find_tables

from tenants import context

_RLS_MARK = "dhr_tenant_id"


_SCOPED_TABLES: set[str] = set()


class TenantScoped:
    """Mixin for every tenant-owned model: a NOT NULL, indexed ``tenant_id``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "__tablename__", None):
            _SCOPED_TABLES.add(cls.__tablename__)

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(Uuid, ForeignKey("tenants.id"), nullable=False, index=True)


def scoped_models(base) -> list[type]:
    """Every mapped class that is tenant-owned (used by migrations tests and the matrix)."""
    return sorted(
        (m.class_ for m in base.registry.mappers if issubclass(m.class_, TenantScoped)),
        key=lambda cls: cls.__tablename__,
    )


def _set_rls(connection, tenant_id: uuid.UUID | None) -> None:
    if connection.dialect.name != "postgresql":
        return
    if connection.info.get(_RLS_MARK) == tenant_id:
        return
    connection.execute(
        text("SELECT set_config('dhr.tenant_id', :tid, true)"),
        {"tid": str(tenant_id) if tenant_id else ""},
    )
    connection.info[_RLS_MARK] = tenant_id


def _tenant_of_context() -> uuid.UUID | None:
    ctx = context.current()
    return ctx.tenant_id if ctx else None


@event.listens_for(Session, "after_begin")
def _on_begin(session, _transaction, connection):
    # The setting is transaction-local; forget what the pooled connection held before.
    connection.info.pop(_RLS_MARK, None)
    tid = _tenant_of_context()
    if tid is not None:
        _set_rls(connection, tid)


def _touches_scoped(state: ORMExecuteState) -> bool:
    """Any tenant-owned entity or table anywhere in the statement (counts, joins, aliases)."""
    if any(issubclass(m.class_, TenantScoped) for m in state.all_mappers):
        return True
    for table in find_tables(state.statement, include_aliases=True, include_crud=True,
                             include_joins=True):
        base = getattr(table, "element", table)
        if getattr(base, "name", None) in _SCOPED_TABLES:
            return True
    return False


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state: ORMExecuteState):
    tid = _tenant_of_context()
    if tid is not None:
        # The context may have changed since the transaction began.
        _set_rls(state.session.connection(), tid)
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the parent row was already scoped, and criteria propagate to loaders
    if tid is None:
        if _touches_scoped(state):
            raise context.NoTenantContext(
                "tenant-owned data queried with no tenant context"
            )
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tid, include_aliases=True)
    )


@event.listens_for(Session, "before_flush")
def _stamp_and_check(session, _flush_context, _instances):
    scoped_new = [o for o in session.new if isinstance(o, TenantScoped)]
    scoped_old = [o for o in (*session.dirty, *session.deleted) if isinstance(o, TenantScoped)]
    if not scoped_new and not scoped_old:
        return
    tid = context.current_tenant_id()
    for obj in scoped_new:
        if obj.tenant_id is None:
            obj.tenant_id = tid
    for obj in (*scoped_new, *scoped_old):
        if obj.tenant_id != tid:
            raise context.CrossTenantWrite(
                f"{type(obj).__name__} of another tenant written while acting for {tid}"
            )
    _set_rls(session.connection(), tid)
