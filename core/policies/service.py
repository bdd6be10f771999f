"""Enabling plugins per tenant and calling the enabled ones.

Every call goes through ``call``, ``collect`` or ``each``: the tenant's enabled set is read
once per request and the plugin host answers with only those plugins.

A plugin that fails (raises, or answers another shape than its hook's, see
``core.hooks.specs.RESULTS``) hurts only its own partnership's step. Read-side hooks leave
its answer out and go on (the page shows the core's answer); write-side hooks refuse the
step whole. Either way the failure is logged and audited (``plugin.failed``) once per
request per plugin and hook: the audit events wait until the request's own work is done
(``flush_failures``, after the response is made), so they never join or break its
transaction.
"""
from __future__ import annotations

import logging
from contextvars import ContextVar
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
from core.hooks.manager import FIRSTRESULT, PluginFailed, PluginHost
from core.hooks.results import InvalidResult
from core.hooks.specs import RESULTS, SKIP
from core.lifecycle import DatedItem
from tenants.context import current_tenant_id
from tenants.models import Tenant, TenantPlugin
from tenants.sharing import ReviewPartner

log = logging.getLogger(__name__)
# Hooks whose answers the lifecycle's guards read: while one fails for a review, its steps
# are refused (the pages still show it, without that plugin's answer).
GUARD_INPUTS = ("required_panel_agencies",)
GUARDS = ("check_transition",)


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
    query more: used for a single review, never in lists) and its quotes (read only if a
    plugin asks for them)."""
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
        partners=MappingProxyType(_partners(review) if with_partners else {}),
        panel_categories=facts.panel_categories, date_of_death=review.date_of_death,
        quote_source=(lambda: _quotes(review)) if with_partners else None)


def _quotes(review) -> tuple:
    from core.hooks.views import QuoteView
    from core.records.models import Quote

    return tuple(QuoteView(q.supplier, q.covers, q.amount, q.received_on, q.chosen)
                 for q in db.session.scalars(select(Quote).where(Quote.review_id == review.id)
                                             .order_by(Quote.received_on, Quote.created_at)))


def _partners(review) -> dict:
    rows = db.session.execute(
        select(Tenant.slug, ReviewPartner.accepted_at, ReviewPartner.signed_off_on)
        .join(ReviewPartner, ReviewPartner.partner_tenant_id == Tenant.id)
        .where(ReviewPartner.review_id == review.id, ReviewPartner.removed_at.is_(None)))
    return {slug: MappingProxyType({"accepted": accepted is not None, "signed_off_on": on})
            for slug, accepted, on in rows}


def actor(roles) -> ActorView:
    return ActorView(email=who()[1], roles=frozenset(str(r) for r in roles))


def call(tenant: Tenant, hook: str, *, strict: bool = False, **kwargs):
    """A firstresult hook. A read-side hook that fails falls back to the next answer (in
    the end the core's); with ``strict``, or for a write-side hook, ``PluginFailed``."""
    try:
        return host().call(hook, enabled(tenant.id), ctx=context(tenant),
                           on_failure=_skipping(tenant, hook, strict, kwargs), **kwargs)
    except PluginFailed as failed:
        report(tenant, failed)
        raise


def collect(tenant: Tenant, hook: str, *, strict: bool = False, on_skip=None,
            **kwargs) -> list[tuple[str, object]]:
    """Every enabled plugin's answer. A read-side hook that fails leaves that plugin's
    answer out (and is told to ``on_skip``, if given); with ``strict``, or for a write-side
    hook, ``PluginFailed``."""
    try:
        if hook in GUARDS and "review" in kwargs:
            _refuse_if_inputs_failed(kwargs["review"])
        return host().collect(hook, enabled(tenant.id), ctx=context(tenant),
                              on_failure=_skipping(tenant, hook, strict, kwargs, on_skip),
                              **kwargs)
    except PluginFailed as failed:
        report(tenant, failed)
        raise


def each(tenant: Tenant, hook: str, **kwargs):
    """Every implementation on its own; the caller audits the failures it returns."""
    return host().each(hook, enabled(tenant.id), ctx=context(tenant), **kwargs)


# --- failures: named, logged, audited once per request ------------------------------------

_outside_requests: ContextVar[dict | None] = ContextVar("dhr_plugin_failures", default=None)


def _failures() -> dict:
    """This request's failures (outside a request: this command's)."""
    if has_request_context():
        state = g.get("dhr_plugin_failures")
        if state is None:
            state = g.dhr_plugin_failures = _fresh()
        return state
    state = _outside_requests.get()
    if state is None:
        state = _fresh()
        _outside_requests.set(state)
    return state


def _fresh() -> dict:
    return {"seen": set(), "pending": [], "tainted": {}}


def _skipping(tenant: Tenant, hook: str, strict: bool, kwargs: dict, on_skip=None):
    """What the host does with a failure: for a read-side hook (unless ``strict``), report
    it and go on without that plugin's answer; otherwise raise."""
    if strict or RESULTS[hook].on_failure != SKIP:
        return None

    def skip(failed: PluginFailed) -> None:
        report(tenant, failed)
        if on_skip is not None:
            on_skip(failed)
        review = kwargs.get("review")
        if hook in GUARD_INPUTS and review is not None:
            _failures()["tainted"].setdefault(review.id, failed)

    return skip


def _refuse_if_inputs_failed(review) -> None:
    failed = _failures()["tainted"].get(getattr(review, "id", None))
    if failed is not None:
        raise PluginFailed(failed.plugin, failed.hook, failed.error)


def report(tenant: Tenant, failed: PluginFailed) -> None:
    """Log a plugin's failure and queue its audit event, once per request (or command) per
    partnership, plugin and hook; ``flush_failures`` writes the events."""
    state = _failures()
    key = (tenant.id, failed.plugin, failed.hook)
    if key in state["seen"]:
        return
    state["seen"].add(key)
    details = {"plugin": failed.plugin, "hook": failed.hook, "error": failed.error_type}
    if isinstance(failed.error, InvalidResult):
        details["problem"] = str(failed.error)[:300]  # the core's words: never case data
    log.warning("local policy %s failed in %s for %s: %s", failed.plugin, failed.hook,
                tenant.slug, details.get("problem", failed.error_type))
    state["pending"].append((tenant.id, details))


def flush_failures() -> None:
    """Write the audit events of the failures reported so far, in a transaction of their
    own: whatever the caller left uncommitted is rolled back first (at the end of a request
    it would be discarded anyway), so the events never commit half a step. Called after
    each request, and by ``flask dhr send-reminders`` after each partnership."""
    state = _failures()
    pending = state["pending"]
    state.update(_fresh())
    if not pending:
        return
    db.session.rollback()
    for tenant_id, details in pending:
        audit.record("plugin.failed", object_type="tenant", object_id=tenant_id,
                     tenant_id=tenant_id, details=details)
    db.session.commit()


def failures_after_request(response):
    """``after_app_request``: audit this request's plugin failures; never break the page."""
    try:
        flush_failures()
    except Exception:  # noqa: BLE001 - the response is already made
        log.exception("plugin failures could not be audited")
        db.session.rollback()
    return response


def current_tenant() -> Tenant:
    tenant = getattr(g, "tenant", None) if has_request_context() else None
    return tenant if tenant is not None else db.session.get(Tenant, current_tenant_id())


def local_facts(tenant: Tenant, review, facts, strict: bool = False, *,
                agencies: bool = True, deadlines: bool = True, on_skip=None):
    """Facts with what ``tenant``'s enabled local policies add: required agencies (what the
    guards read) and deadlines (what the clock reads). A plugin that fails adds nothing
    (``strict``: ``PluginFailed``). A deadline rule's label is taken in the partnership's
    own language: the clock keeps it (core/reviews/clock.py)."""
    from flask_babel import force_locale

    view = review_view(review, facts)
    found = set()
    if agencies:
        found = {str(a).strip().lower() for _n, names in
                 collect(tenant, "required_panel_agencies", strict=strict, review=view)
                 for a in names}
    rules: tuple = ()
    if deadlines and implemented(tenant, "deadline_rules"):
        with force_locale(tenant.locale or "en"):
            rules = tuple(
                DatedItem(rule["key"], str(rule["label"]), rule["start"], rule["due"],
                          rule.get("met_on"))
                for _n, answer in collect(tenant, "deadline_rules", strict=strict,
                                          on_skip=on_skip, review=view)
                for rule in answer)
    if not found and not rules:
        return facts
    return replace(facts, required_agencies=frozenset(found) | facts.required_agencies,
                   local_deadlines=facts.local_deadlines + rules)


def implemented(tenant: Tenant, hook: str) -> bool:
    """Whether any plugin the tenant enabled implements ``hook`` (no call is made)."""
    return any(host().implements(name, hook) for name in enabled(tenant.id))


def terms(tenant: Tenant, review=None, facts=None) -> dict:
    """The words for the process: for ``review`` (its guidance and the area's policy), or
    for the partnership as a whole (SEED-AUDIT.md W3)."""
    if review is None:
        return call(tenant, "review_terms", review=None)
    if facts is None:
        from core.reviews.facts import base_facts

        facts = base_facts([review])[review.id]
    return call(tenant, "review_terms", review=review_view(review, facts))


def terms_of(tenant: Tenant, reviews) -> dict:
    """{review id: its words} for many reviews, with their facts read at once (what the
    clock reads, one statement: a review's name depends on its profile and dates, never on
    what its guards read; the public page asks this on every view)."""
    from core.reviews.facts import base_facts

    reviews = list(reviews)
    facts = base_facts(reviews, full=False)
    return {r.id: terms(tenant, r, facts[r.id]) for r in reviews}


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
        raise PolicyInvalid(422, {f"settings.{k}": _(_first(v))
                                  for k, v in invalid.messages.items()}) from None


def _first(message) -> str:
    """The first message of a field's errors (a list's are by item: {1: [...]})."""
    while isinstance(message, list | dict):
        message = next(iter(message.values()), "") if isinstance(message, dict) \
            else (message[0] if message else "")
    return str(message)


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
    """Enable ``name`` for the tenant, or change its settings. When that changes the
    deadlines its reviews have, they are computed again in the same transaction."""
    from core.reviews import clock

    values = _validate(name, settings)
    before = clock.basis(tenant.id)
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
    clock.policies_changed(tenant, before)
    db.session.commit()
    g.pop("dhr_enabled", None) if has_request_context() else None
    return row


def disable(tenant: Tenant, name: str) -> bool:
    from core.reviews import clock

    before = clock.basis(tenant.id)
    row = db.session.scalar(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id,
                                                       TenantPlugin.name == name))
    if row is None:
        return False
    db.session.delete(row)
    audit.record("policy.disable", object_type="tenant_plugin", object_id=row.id,
                 tenant_id=tenant.id, details={"plugin": name})
    db.session.flush()
    clock.policies_changed(tenant, before)
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
