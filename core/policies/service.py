"""Enabling plugins per tenant and calling the enabled ones.

Every call goes through ``call`` or ``each``: the tenant's enabled set is read once per
request and the plugin host answers with only those plugins.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.audit import service as audit
from core.audit.service import who
from core.db import db
from core.hooks import ActorView, PluginContext, ReviewView
from core.hooks.manager import FIRSTRESULT, PluginHost
from core.lifecycle import DatedItem
from tenants.context import current_tenant_id
from tenants.models import Tenant, TenantPlugin
from tenants.sharing import ReviewPartner


class PolicyInvalid(Exception):
    def __init__(self, status: int, errors: dict[str, str]):
        super().__init__(errors)
        self.status, self.errors = status, errors


def host() -> PluginHost:
    return current_app.extensions["dhr_plugins"]


def enabled(tenant_id) -> dict[str, dict]:
    """The tenant's enabled plugins and their settings (cached for the request)."""
    cache = g.setdefault("dhr_enabled", {}) if has_request_context() else {}
    if tenant_id not in cache:
        rows = db.session.execute(select(TenantPlugin.name, TenantPlugin.settings)
                                  .where(TenantPlugin.tenant_id == tenant_id)).all()
        installed = set(host().names)
        cache[tenant_id] = {name: settings or {} for name, settings in rows if name in installed}
    return cache[tenant_id]


def context(tenant: Tenant) -> PluginContext:
    settings = {name: MappingProxyType(dict(values))
                for name, values in enabled(tenant.id).items()}
    return PluginContext(tenant.slug, tenant.name, date.today(), MappingProxyType(settings))


def review_view(review, facts, with_partners: bool = False) -> ReviewView:
    """What plugins see of a review. ``with_partners`` adds a joint review's partners (one
    query more: used for a single review, never in lists)."""
    local = {name: MappingProxyType(dict(values))
             for name, values in (review.local_fields or {}).items()}
    return ReviewView(
        id=review.id, reference=review.reference, stage=review.stage,
        guidance_profile=review.guidance_profile, notification_date=review.notification_date,
        notifying_agency=review.notifying_agency,
        decision=review.decision, decision_date=review.decision_date,
        submitted_on=review.submitted_on, published_on=review.published_on,
        on_hold=facts.on_hold, panel_agencies=facts.panel_agencies,
        document_kinds=facts.document_kinds, local=MappingProxyType(local),
        partners=MappingProxyType(_partners(review) if with_partners else {}))


def _partners(review) -> dict:
    rows = db.session.execute(
        select(Tenant.slug, ReviewPartner.accepted_at, ReviewPartner.signed_off_on)
        .join(ReviewPartner, ReviewPartner.partner_tenant_id == Tenant.id)
        .where(ReviewPartner.review_id == review.id, ReviewPartner.removed_at.is_(None)))
    return {slug: MappingProxyType({"accepted": accepted is not None, "signed_off_on": on})
            for slug, accepted, on in rows}


def actor(roles) -> ActorView:
    return ActorView(email=who()[1], roles=frozenset(str(r) for r in roles))


def call(tenant: Tenant, hook: str, **kwargs):
    return host().call(hook, enabled(tenant.id), ctx=context(tenant), **kwargs)


def collect(tenant: Tenant, hook: str, **kwargs) -> list[tuple[str, object]]:
    return host().collect(hook, enabled(tenant.id), ctx=context(tenant), **kwargs)


def each(tenant: Tenant, hook: str, **kwargs):
    return host().each(hook, enabled(tenant.id), ctx=context(tenant), **kwargs)


def current_tenant() -> Tenant:
    tenant = getattr(g, "tenant", None) if has_request_context() else None
    return tenant if tenant is not None else db.session.get(Tenant, current_tenant_id())


def local_facts(tenant: Tenant, review, facts):
    """Facts with what the enabled local policies add: required agencies and deadlines."""
    view = review_view(review, facts)
    agencies = {a.strip().lower() for _n, names in
                collect(tenant, "required_panel_agencies", review=view) for a in names}
    deadlines = tuple(
        DatedItem(rule["key"], rule["label"], rule["start"], rule["due"], rule.get("met_on"))
        for _n, rules in collect(tenant, "deadline_rules", review=view) for rule in rules)
    return replace(facts, required_agencies=frozenset(agencies) | facts.required_agencies,
                   local_deadlines=facts.local_deadlines + deadlines)


def terms(tenant: Tenant) -> dict:
    return call(tenant, "review_terms")


# --- enabling -----------------------------------------------------------------------------

def catalogue() -> list[dict]:
    return [info for name in host().names if (info := host().info(name))]


def _validate(name: str, settings: dict) -> dict:
    info = host().info(name)
    if info is None:
        raise PolicyInvalid(404, {"name": _("There is no local policy called that.")})
    schema = info.get("settings")
    if schema is None:
        if settings:
            raise PolicyInvalid(422, {"settings": _("This policy takes no settings.")})
        return {}
    try:
        return schema().dump(schema().load(settings))
    except ValidationError as invalid:
        raise PolicyInvalid(422, {f"settings.{k}": _(v[0] if isinstance(v, list) else str(v))
                                  for k, v in invalid.messages.items()}) from None


def _conflicts(tenant: Tenant, name: str) -> None:
    """A firstresult hook may have one enabled implementer per tenant: no plugin order."""
    others = set(enabled(tenant.id)) - {name}
    for hook in FIRSTRESULT:
        if host().implements(name, hook):
            clash = sorted(o for o in others if host().implements(o, hook))
            if clash:
                raise PolicyInvalid(409, {"name": _(
                    "%(name)s and %(other)s both decide %(hook)s; disable %(other)s first.",
                    name=name, other=clash[0], hook=hook)})


def enable(tenant: Tenant, name: str, settings: dict) -> TenantPlugin:
    values = _validate(name, settings)
    row = db.session.scalar(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id,
                                                       TenantPlugin.name == name))
    if row is None:
        _conflicts(tenant, name)
        row = TenantPlugin(tenant_id=tenant.id, name=name, enabled_by=who()[1])
        db.session.add(row)
    row.settings = values
    db.session.flush()
    audit.record("policy.enable", object_type="tenant_plugin", object_id=row.id,
                 tenant_id=tenant.id, details={"plugin": name, "settings": values})
    db.session.commit()
    g.pop("dhr_enabled", None) if has_request_context() else None
    return row


def disable(tenant: Tenant, name: str) -> bool:
    row = db.session.scalar(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id,
                                                       TenantPlugin.name == name))
    if row is None:
        return False
    db.session.delete(row)
    audit.record("policy.disable", object_type="tenant_plugin", object_id=row.id,
                 tenant_id=tenant.id, details={"plugin": name})
    db.session.commit()
    g.pop("dhr_enabled", None) if has_request_context() else None
    return True


def allows_update(roles) -> bool:
    from core.auth.roles import allows

    return allows(roles, "review.update")


def slot_lines(tenant: Tenant, slot: str, review=None) -> list[str]:
    """Plain-text lines the enabled plugins put in a page slot, by plugin name."""
    return [str(line) for _name, lines in collect(tenant, "page_slot", slot=slot, review=review)
            for line in lines]
