"""The guidance profiles' rules as people read them, and a partnership's own targets
(issue 13, part 2).

Every deadline and rule of a profile carries its class and sources
(``core/lifecycle/profiles.py``). A deadline of class *local practice* is a target no source
confirms: a partnership's CSP admin may set its own months for it. They are kept on the
tenant (``Tenant.local_targets``: {profile: {deadline key: months}}), audited, and the
lifecycle clock reads them (``ReviewFacts.targets``, filled by ``core/reviews/facts.py``):
changing them computes the partnership's kept deadlines again in the same transaction.
"""
from __future__ import annotations

from flask_babel import gettext as _

from core.db import db
from core.labels import code_label
from core.lifecycle.clock import LABELS
from core.lifecycle.messages import N_
from core.lifecycle.profiles import (
    DEADLINE_FIELDS,
    PROFILES,
    TARGET_MONTHS,
    Profile,
    Rule,
)

# What each rule key means, for people (a deadline's label is the clock's own).
RULE_LABELS = {
    **{key: LABELS[key] for key in DEADLINE_FIELDS},
    "holds": N_("Holds: which stages may be held, and time on hold added to deadlines"),
    "scoping": N_("A scoping stage before the decision"),
    "copies": N_("Who else receives the report"),
    "terms": N_("The name of the review"),
    "status": N_("Whether this guidance is in force"),
}


class TargetsInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def targets_of(tenant_id) -> dict[str, dict[str, int]]:
    """The partnership's own months: {profile: {deadline key: months}}."""
    from tenants.models import Tenant

    tenant = db.session.get(Tenant, tenant_id)
    return {name: dict(values) for name, values in ((tenant.local_targets if tenant else None)
                                                    or {}).items()}


def rule_class_label(rule_class: str) -> str:
    return code_label(rule_class) if rule_class else ""


def _source(source) -> dict:
    return {"tag": source.tag, "url": source.url, "where": _(source.where),
            "confirms": source.confirms, "secondary": source.secondary}


def _rule(profile: Profile, rule: Rule, own: dict) -> dict:
    months = default = None
    if rule.key in DEADLINE_FIELDS:
        default = getattr(profile, DEADLINE_FIELDS[rule.key])
        months = profile.months(rule.key, tuple(own.items()))
    return {"key": rule.key, "label": _(RULE_LABELS.get(rule.key, rule.key)),
            "rule_class": rule.rule_class, "class_label": rule_class_label(rule.rule_class),
            "months": months, "default_months": default,
            "settable": rule.key in profile.local_targets(),
            "note": _(rule.note) if rule.note else "",
            "sources": [_source(s) for s in rule.sources]}


def profiles(tenant) -> list[dict]:
    """Every guidance profile with its rules, their classes and sources, and the months in
    force for this partnership."""
    own = targets_of(tenant.id)
    found = []
    for name in sorted(PROFILES):
        profile = PROFILES[name]
        mine = own.get(name, {})
        found.append({
            "name": name, "label": code_label(name), "draft": profile.draft,
            "notice": draft_notice(name),
            "status": _rule(profile, profile.status, mine) if profile.status else None,
            "rules": [_rule(profile, r, mine) for r in profile.rules],
        })
    return found


def draft_notice(name: str) -> str | None:
    """What a person choosing profile ``name`` must know, or None when it is in force."""
    profile = PROFILES.get(name)
    if profile is None or not profile.draft:
        return None
    # Source: VPA19 s19 prospective; DR24 draft; ROW25 (SEED-AUDIT §2, dardr-2024 legal status)
    return _("%(profile)s is draft guidance: its rules are not in force. Section 19 of the "
             "Victims and Prisoners Act 2024 has not come into force, and the May 2024 draft "
             "guidance is not final. Its deadlines are your partnership's targets.",
             profile=code_label(name))


def guidance(name: str) -> dict:
    """A review's guidance profile as the API and pages show it."""
    profile = PROFILES[name]
    return {"name": name, "label": code_label(name), "draft": profile.draft,
            "in_force": not profile.draft, "notice": draft_notice(name),
            "sources": [_source(s) for s in profile.status.sources] if profile.status else []}


def _clean(values) -> dict[str, dict[str, int]]:
    """Check what was sent: {profile: {deadline key: months}} for local-practice targets
    only, whole months within TARGET_MONTHS. Raises TargetsInvalid naming each problem."""
    errors: dict[str, str] = {}
    cleaned: dict[str, dict[str, int]] = {}
    if not isinstance(values, dict):
        raise TargetsInvalid({"targets": _("Send the targets as {profile: {deadline: "
                                           "months}}.")})
    low, high = TARGET_MONTHS
    for name, keys in values.items():
        profile = PROFILES.get(name)
        if profile is None:
            errors[f"targets.{name}"] = _("There is no guidance called %(name)s.",
                                          name=str(name)[:40])
            continue
        if not isinstance(keys, dict):
            errors[f"targets.{name}"] = _("Send the months of each target.")
            continue
        for key, months in keys.items():
            field = f"targets.{name}.{key}"
            if key not in profile.local_targets():
                errors[field] = _("Only a target no source confirms can be changed: "
                                  "%(key)s is not one.", key=str(key)[:40])
            elif months in (None, ""):
                continue  # back to the profile's months
            elif isinstance(months, bool) or not isinstance(months, int | str) or \
                    not _whole(months) or not low <= int(months) <= high:
                errors[field] = _("Enter a whole number of months from %(low)s to %(high)s.",
                                  low=low, high=high)
            elif int(months) != getattr(profile, DEADLINE_FIELDS[key]):
                cleaned.setdefault(name, {})[key] = int(months)
    if errors:
        raise TargetsInvalid(errors)
    return cleaned


def set_targets(tenant, values) -> dict[str, dict[str, int]]:
    """Set the partnership's own months (every target not sent goes back to the profile's),
    audited; the partnership's kept deadlines are computed again in the same transaction.
    Nothing changes if any part is wrong. Commits."""
    from core.audit import service as audit
    from core.reviews import clock

    cleaned = _clean(values)
    before_targets = targets_of(tenant.id)
    if cleaned == before_targets:
        return cleaned
    before = clock.basis(tenant.id)
    tenant.local_targets = cleaned or None
    db.session.flush()
    audit.record("tenant.targets_changed", object_type="tenant", object_id=tenant.id,
                 tenant_id=tenant.id, details={"before": before_targets, "after": cleaned})
    clock.policies_changed(tenant, before)
    db.session.commit()
    return cleaned


def _whole(value) -> bool:
    """A whole number int() reads: ASCII digits only ("²" passes isdigit but not int)."""
    text = str(value).strip()
    return text.isascii() and text.isdecimal()
