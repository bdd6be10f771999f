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
from functools import lru_cache

from sqlalchemy import Boolean, ForeignKey, Uuid, event, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql import ColumnElement, coercions, operators, roles
from sqlalchemy.sql.elements import Grouping
from sqlalchemy.sql.util import find_tables
from sqlalchemy.sql.visitors import InternalTraversal

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


def _scoped_in(state: ORMExecuteState) -> frozenset[str]:
    """Names of the tenant-owned tables anywhere in the statement (joins, subqueries,
    aliases, counts), so only their criteria are attached."""
    names = {m.class_.__tablename__ for m in state.all_mappers
             if issubclass(m.class_, TenantScoped)}
    for table in find_tables(state.statement, include_aliases=True, include_crud=True,
                             include_joins=True):
        base = getattr(table, "element", table)
        name = getattr(base, "name", None)
        if name in _SCOPED_TABLES:
            names.add(name)
    return frozenset(names)


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
    tables = _scoped_in(state)
    if not tables:
        return
    if tid is None:
        raise context.NoTenantContext("tenant-owned data queried with no tenant context")
    state.statement = state.statement.options(*_criteria(tid, tables))


class InShared(ColumnElement[bool]):
    """``column IN (subquery)`` written so that PostgreSQL can use the indexes:
    ``column = ANY (ARRAY(subquery))``. The subquery becomes an InitPlan run once, and
    ``tenant_id = :t OR column = ANY (…)`` a BitmapOr of two index scans; ``IN (subquery)``
    is a hashed SubPlan that no index can serve, so every tenant's rows are read. Other
    databases (SQLite) get the plain ``IN``. One construct, compiled per dialect, so the
    criteria stay cacheable whatever the engine."""

    __visit_name__ = "in_shared"
    inherit_cache = True
    _traverse_internals = [  # what caching, copying and adapting to aliases walk
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()

    def __init__(self, column, subquery):
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.subquery = subquery.scalar_subquery()

    @property
    def _from_objects(self):
        return self.column._from_objects

    def self_group(self, against=None):
        if against in (None, operators.and_, operators.or_, operators._asbool):
            return self
        return Grouping(self)


@compiles(InShared)
def _in_shared(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.subquery, **kw)}"


@compiles(InShared, "postgresql")
def _in_shared_postgresql(element, compiler, **kw):
    return (f"{compiler.process(element.column, **kw)} = ANY (ARRAY"
            f"{compiler.process(element.subquery, **kw)})")


@lru_cache(maxsize=8192)
def _criteria(tid: uuid.UUID, tables: frozenset[str]) -> tuple:
    """One criterion per tenant-owned model: its own rows, plus, for a review and what it
    holds, the joint reviews shared with this tenant (tenants/sharing.py)."""
    from tenants.sharing import ReviewPartner, shared_with

    shared = shared_with(tid)
    options = []
    # The share subquery reads review_partners: its own criterion must come along.
    wanted = tables | {"review_partners"} if tables - LEAD_ONLY else tables
    for cls in _scoped_classes():
        if cls.__tablename__ not in wanted:
            continue
        if cls is ReviewPartner:
            clause = or_(cls.tenant_id == tid, cls.partner_tenant_id == tid)
        elif cls.__tablename__ == "reviews":
            clause = or_(cls.tenant_id == tid, InShared(cls.id, shared))
        elif "review_id" in cls.__table__.c and cls.__tablename__ not in LEAD_ONLY:
            clause = or_(cls.tenant_id == tid, InShared(cls.review_id, shared))
        else:
            clause = cls.tenant_id == tid
        options.append(with_loader_criteria(cls, clause, include_aliases=True))
    return tuple(options)


# Rows that stay the lead's alone even in a joint review (its outgoing mail, the requests
# it receives, its real-name map).
LEAD_ONLY = frozenset({"outbox_messages", "document_requests", "protected_names"})
_CLASSES: list[type] = []


def _scoped_classes() -> list[type]:
    if not _CLASSES:
        from core.db import db

        _CLASSES.extend(scoped_models(db.Model))
    return _CLASSES


@event.listens_for(Session, "before_flush")
def _stamp_and_check(session, _flush_context, _instances):
    scoped_new = [o for o in session.new if isinstance(o, TenantScoped)]
    scoped_old = [o for o in (*session.dirty, *session.deleted) if isinstance(o, TenantScoped)]
    if not scoped_new and not scoped_old:
        return
    tid = context.current_tenant_id()
    _set_rls(session.connection(), tid)
    leads = _leads_of_shared(session, tid, [*scoped_new, *scoped_old])
    for obj in scoped_new:
        if obj.tenant_id is None:
            # What a partner adds to a joint review belongs to the review, so to its lead;
            # its own mail and requests stay its own (LEAD_ONLY tables admit no partner).
            lead_only = obj.__tablename__ in LEAD_ONLY
            obj.tenant_id = tid if lead_only else leads.get(getattr(obj, "review_id", None), tid)
    for obj in (*scoped_new, *scoped_old):
        review_id = getattr(obj, "review_id", None) if obj.__tablename__ not in LEAD_ONLY \
            else None
        # A partner may change its own share (accepting, signing off), never create one.
        own_share = getattr(obj, "partner_tenant_id", None) == tid and obj not in session.new
        if obj.tenant_id != tid and leads.get(review_id) != obj.tenant_id and not own_share:
            raise context.CrossTenantWrite(
                f"{type(obj).__name__} of another tenant written while acting for {tid}"
            )


def _own_review_loaded(session, review_id, tid) -> bool:
    from core.reviews.models import Review

    review = session.identity_map.get(identity_key(Review, review_id))
    return review is not None and review.__dict__.get("tenant_id") == tid


def _leads_of_shared(session, tid, objects) -> dict:
    """{review id: lead tenant} for the joint reviews among ``objects`` shared with us."""
    from tenants.sharing import ReviewPartner

    review_ids = {getattr(o, "review_id", None) for o in objects
                  if not isinstance(o, ReviewPartner)} - {None}
    # A review this session already read as the current tenant's own is led by it, so shared
    # with it by nobody (a partnership is never a partner of its own review): no lookup.
    review_ids = {rid for rid in review_ids if not _own_review_loaded(session, rid, tid)}
    if not review_ids:
        return {}
    with session.no_autoflush:
        rows = session.execute(
            select(ReviewPartner.review_id, ReviewPartner.tenant_id).where(
                ReviewPartner.review_id.in_(review_ids), ReviewPartner.partner_tenant_id == tid,
                ReviewPartner.accepted_at.is_not(None), ReviewPartner.removed_at.is_(None)))
        return dict(rows.all())
