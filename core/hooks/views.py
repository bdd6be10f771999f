"""Read-only values handed to plugins. Frozen: a plugin cannot change the review it sees."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
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
    # The agency categories of the panel's members (core/agencies.py).
    panel_categories: frozenset[str] = frozenset()
    date_of_death: date | None = None
    # Reads the quotes for commissioning the review when a plugin first asks for them
    # (``quotes``); only for one review at a time (its steps, records and page).
    quote_source: Callable[[], tuple] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def quotes(self) -> tuple:
        """The review's quotes (``QuoteView``), oldest first; empty in lists."""
        return tuple(self.quote_source()) if self.quote_source is not None else ()

    def local_of(self, plugin: str) -> Mapping:
        return self.local.get(plugin, MappingProxyType({}))


@dataclass(frozen=True)
class QuoteView:
    """One quote for the review's independent chair, its author, or both."""

    supplier: str
    covers: str  # chair | author | chair_and_author
    amount: Decimal  # pounds
    received_on: date
    chosen: bool


@dataclass(frozen=True)
class ActorView:
    email: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Problem:
    """A reason to refuse a step or a record; ``message`` is already translated.
    ``field``: where it is put right, which the error summary links to (a kind of record
    such as ``"quotes"``, a field of the plugin's local information, or a field of the
    step's own form; core/policies/location.py)."""

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
