"""Which tenant the running code acts for.

A context variable, set from the URL for a request and by ``tenant_scope`` elsewhere (CLI,
tests). There is no "current tenant" in the session cookie: a stale tab cannot confuse it.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass


class NoTenantContext(RuntimeError):
    """Tenant-owned data was queried with no tenant chosen."""


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was written while acting for another."""


@dataclass(frozen=True)
class TenantContext:
    tenant_id: uuid.UUID


_current: ContextVar[TenantContext | None] = ContextVar("dhr_tenant", default=None)


def current() -> TenantContext | None:
    return _current.get()


def current_tenant_id() -> uuid.UUID:
    ctx = _current.get()
    if ctx is None:
        raise NoTenantContext("no tenant context: tenant-owned data needs one")
    return ctx.tenant_id


def enter(tenant_id: uuid.UUID) -> Token:
    return _current.set(TenantContext(tenant_id))


def leave(token: Token) -> None:
    _current.reset(token)


@contextmanager
def tenant_scope(tenant_id: uuid.UUID) -> Iterator[TenantContext]:
    """Act for one tenant inside the block (CLI commands, demo loading, tests)."""
    token = enter(tenant_id)
    try:
        yield _current.get()
    finally:
        leave(token)
