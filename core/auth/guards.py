"""Binding a request to its tenant, and role checks.

A tenant URL (``/t/<slug>/…`` or ``/api/v1/t/<slug>/…``) is honoured only for a member of
that tenant (or a token issued in it). Anyone else gets the same 404 as for a tenant that
does not exist. Inside the tenant, a role that may not act gets 403.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from core.audit import alerts
from core.audit import service as audit
from core.auth import service as auth
from core.auth.roles import allows
from core.db import db
from tenants import context
from tenants.service import tenant_and_roles, tenant_by_slug


def _pop_slug(_endpoint, values):
    g.tenant_slug = (values or {}).pop("slug", None)


def _add_slug(_endpoint, values):
    if "slug" not in values and getattr(g, "tenant", None) is not None:
        values["slug"] = g.tenant.slug


def _bind(user, token=None, found=None) -> None:
    """The URL's tenant, honoured only for a member (and for a token, only the tenant it
    was issued in): anyone else gets the 404 of a tenant that does not exist. ``found``:
    the tenant and roles already read with the token."""
    tenant, roles = found or tenant_and_roles(g.tenant_slug or "", user.id)
    if token is not None and (tenant is None or token.tenant_id != tenant.id):
        roles = frozenset()
    if not roles:
        alerts.cross_tenant(user.id, user.email, g.tenant_slug or "")
        abort(404)
    g.tenant, g.roles = tenant, roles
    g.tenant_token = context.enter(tenant.id)


def _session_guard():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.path))
    _bind(current_user)
    return None


def _token_guard():
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    found, here = (auth.token_in_tenant(presented.strip(), g.tenant_slug or "")
                   if scheme.lower() == "bearer" else (None, None))
    if found is None:
        raise Unauthorized(www_authenticate=_bearer_challenge())
    token, user = found
    g.api_user, g.api_token = user, token
    _bind(user, token, here)


def _bearer_challenge():
    from werkzeug.datastructures import WWWAuthenticate

    return WWWAuthenticate("bearer", {"realm": "dhr-hub"})


def tenant_pages(bp) -> None:
    """HTML blueprint under /t/<slug>: signed-in members only."""
    bp.url_value_preprocessor(_pop_slug)
    bp.url_defaults(_add_slug)
    bp.before_request(_session_guard)


def tenant_api(bp) -> None:
    """JSON blueprint under /api/v1/t/<slug>: bearer tokens of that tenant only."""
    bp.url_value_preprocessor(_pop_slug)
    bp.url_defaults(_add_slug)
    bp.before_request(_token_guard)


def release_tenant(_exc=None) -> None:
    token = g.pop("tenant_token", None)
    if token is not None:
        context.leave(token)


def requires(permission: str):
    """Refuse with 403 (audited) unless one of the user's roles here allows ``permission``."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not allows(g.roles, permission):
                db.session.rollback()
                audit.record("access.denied", details={"permission": permission,
                                                       "path": request.path[:200]})
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


# --- administration of tenants (regional and platform admins; never case data) ------------

def administrable(user, tenant) -> bool:
    """A platform admin runs every tenant; a regional admin those of their regions."""
    from tenants.service import regions_of

    if tenant is None or user is None:
        return False
    return bool(user.is_platform_admin or tenant.region_id in {r.id for r in regions_of(user.id)})


def _pop_tenant_slug(_endpoint, values):
    g.admin_slug = (values or {}).pop("tenant_slug", None)


def _add_tenant_slug(_endpoint, values):
    if "tenant_slug" not in values and getattr(g, "admin_tenant", None) is not None:
        values["tenant_slug"] = g.admin_tenant.slug


def _bind_admin(user) -> None:
    if g.admin_slug is None:
        return
    tenant = tenant_by_slug(g.admin_slug)
    if not administrable(user, tenant):
        abort(404)
    g.admin_tenant = tenant


def _admin_session_guard():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.path))
    _bind_admin(current_user)
    return None


def _admin_token_guard():
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    found = auth.token_user(presented.strip()) if scheme.lower() == "bearer" else None
    if found is None or found[0].tenant_id is not None:
        raise Unauthorized(www_authenticate=_bearer_challenge())
    g.api_user = found[1]
    _bind_admin(found[1])


def admin_pages(bp) -> None:
    bp.url_value_preprocessor(_pop_tenant_slug)
    bp.url_defaults(_add_tenant_slug)
    bp.before_request(_admin_session_guard)


def admin_api(bp) -> None:
    bp.url_value_preprocessor(_pop_tenant_slug)
    bp.url_defaults(_add_tenant_slug)
    bp.before_request(_admin_token_guard)
