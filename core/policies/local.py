"""A review's local fields: declared by an enabled plugin (``review_fields_schema``) for the
review's stage, validated by that schema, stored under the plugin's name."""
from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified

from core.audit import service as audit
from core.db import db
from core.hooks.manager import PluginFailed
from core.policies import service as policies
from core.reviews import timeline


class LocalConflict(Exception):
    pass


def schema_for(tenant, review, plugin: str):
    """The plugin's schema for this review's stage, or None (not enabled, or no fields).
    The review's guidance profile, named as ``plugin``, has a record too when its own rules
    ask for fields outside its steps (wales-susr: the Single Unified Safeguarding Review's
    dates): kept, shown and changed the same way."""
    if plugin == review.guidance_profile:
        from core.reviews.schemas import guidance_record_schema

        return guidance_record_schema(plugin)
    if plugin not in policies.enabled(tenant.id):
        return None
    found = dict(policies.collect(tenant, "review_fields_schema", stage=review.stage))
    return found.get(plugin)


def save(review, plugin: str, schema, data: dict) -> dict:
    # Closed and withdrawn reviews are read-only; a joint review's local fields are its
    # lead's to set.
    if (review.stage == "closed" or review.withdrawn_on is not None
            or review.tenant_id != policies.current_tenant().id):
        raise LocalConflict()
    values = schema().dump(data)
    current = dict(review.local_fields or {})
    if plugin == review.guidance_profile:
        _in_order(review, schema().load({**current.get(plugin, {}), **values}))
    current[plugin] = {**current.get(plugin, {}), **values}
    review.local_fields = current
    flag_modified(review, "local_fields")
    timeline.add(review, "record", "local_fields.updated", {"plugin": plugin,
                                                            "changed": sorted(values)})
    audit.record("review.local_fields", object_type="review", object_id=review.id,
                 details={"plugin": plugin, "fields": sorted(values)})
    try:
        _sync_partners(review)
    except PluginFailed:  # a policy that names the partners failed: nothing is saved
        db.session.rollback()
        raise
    db.session.commit()
    return current[plugin]


def _in_order(review, record: dict) -> None:
    """A guidance record's dates in the order its steps require (422 otherwise)."""
    from marshmallow import ValidationError

    from core.lifecycle.transitions import guidance_record_problems
    from core.reviews.clock import say
    from core.reviews.facts import base_facts

    problems = guidance_record_problems(base_facts([review], full=False)[review.id], record)
    if problems:
        raise ValidationError({p.field: [say(p.message, p.params)] for p in problems})


def _sync_partners(review) -> None:
    """The partners a joint-review policy names become shares the partners accept."""
    from core.joint.service import sync
    from core.reviews.facts import full_facts

    tenant = policies.current_tenant()
    if review.tenant_id != tenant.id:
        return  # only the lead's local fields name partners
    view = policies.review_view(review, full_facts(review))
    named = policies.collect(tenant, "joint_partners", review=view)
    if named:
        sync(review, {slug for _plugin, slugs in named for slug in slugs})
