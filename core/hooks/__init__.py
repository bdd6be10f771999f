"""The plugin surface: the only module a plugin imports.

``hookimpl`` marks a plugin's implementations; ``PluginContext``, ``ReviewView`` and
``ActorView`` are the read-only views hooks receive (never a database session or a
request); ``Problem`` is what a guard hook returns; ``messages`` gives a plugin its own
translated strings (its own Babel domain and ``cy`` catalogue).
"""
from __future__ import annotations

import pluggy

from core.hooks.views import ActorView, PluginContext, Problem, ReviewView, messages

PROJECT = "dhr_hub"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["PROJECT", "ActorView", "PluginContext", "Problem", "ReviewView", "hookimpl",
           "hookspec", "messages"]
