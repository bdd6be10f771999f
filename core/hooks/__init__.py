"""The plugin surface: the only module a plugin imports.

``hookimpl`` marks a plugin's implementations; ``PluginContext``, ``ReviewView`` and
``ActorView`` are the read-only views hooks receive (never a database session or a
request); ``Problem`` is what a guard hook returns; ``messages`` gives a plugin its own
translated strings (its own Babel domain and ``cy`` catalogue); ``CATEGORY_CODES`` (and
``AGENCY_CATEGORIES``, code to words) are the agency categories panel members carry.
"""
from __future__ import annotations

import pluggy

from core.agencies import AGENCY_CATEGORIES, CATEGORY_CODES
from core.hooks.views import ActorView, PluginContext, Problem, ReviewView, messages

# The new name belongs to the new statutory basis: the Feb 2024 government response and
# VPA 2024 s19 rename DHRs "Domestic Abuse Related Death Reviews". Source: PT / GR24
# (https://www.parliamenttoday.com/members/viewnews.html?id=152978), VPA19
# (https://legislation.gov.uk/ukpga/2024/21/section/19). A review keeps the name of the
# guidance it runs under (SEED-AUDIT.md W3, dardr-2024 "profile name"); the core's default
# terms and an area's own (Warrington) read this one set.
DARDR_PROFILES = frozenset({"dardr-2024"})
PROJECT = "dhr_hub"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["AGENCY_CATEGORIES", "CATEGORY_CODES", "DARDR_PROFILES", "PROJECT", "ActorView",
           "PluginContext", "Problem", "ReviewView", "hookimpl", "hookspec", "messages"]
