"""Read-only values handed to plugins. Frozen: a plugin cannot change the review it sees."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType


@dataclass(frozen=True)
class PluginContext:
    """Who the call is for: the tenant, its guidance, today, and the enabled plugins'
    validated settings (``ctx.settings_of("preston")``)."""

    tenant_slug: str
    tenant_name: str
    today: date
    settings: Mapping[str, Mapping] = field(default_factory=lambda: MappingProxyType({}))

    def settings_of(self, plugin: str) -> Mapping:
        return self.settings.get(plugin, MappingProxyType({}))


@dataclass(frozen=True)
class ReviewView:
    id: uuid.UUID
    reference: str
    stage: str
    guidance_profile: str
    notification_date: date
    notifying_agency: str
    decision: str | None
    decision_date: date | None
    submitted_on: date | None
    published_on: date | None
    on_hold: bool
    panel_agencies: frozenset[str]
    document_kinds: frozenset[str]
    local: Mapping[str, Mapping]  # each plugin's local fields, by plugin name
    # Joint reviews: partner slug -> {"accepted": bool, "signed_off_on": date or None}
    partners: Mapping[str, Mapping] = field(default_factory=lambda: MappingProxyType({}))

    def local_of(self, plugin: str) -> Mapping:
        return self.local.get(plugin, MappingProxyType({}))


@dataclass(frozen=True)
class ActorView:
    email: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Problem:
    """A reason to refuse a step or a record; ``message`` is already translated."""

    code: str
    message: str
    field: str | None = None


def messages(package_file: str, domain: str):
    """``gettext`` for a plugin's own catalogue: ``_ = messages(__file__, "preston")``, and
    ``_l = _.lazy`` for labels defined at import time. Catalogues live in
    ``<plugin>/translations/<lang>/LC_MESSAGES/<domain>.mo``."""
    from flask_babel import Domain

    translations = Domain(str(Path(package_file).parent / "translations"), domain=domain)

    def gettext(text: str, **values) -> str:
        return translations.gettext(text, **values)

    gettext.lazy = translations.lazy_gettext
    return gettext
