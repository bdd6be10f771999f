"""The plugin manager: built inside ``create_app``, never at import time.

Every installed plugin (entry-point group ``dhr_hub.plugins``) is registered once. A call
goes only to the plugins a tenant has enabled, through pluggy's ``subset_hook_caller``,
cached per enabled set (a tenant that changes its plugins simply gets another set).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from importlib.metadata import entry_points

import pluggy

from core.hooks import PROJECT, specs
from core.hooks.defaults import NAME as CORE
from core.hooks.defaults import CoreDefaults

log = logging.getLogger(__name__)
GROUP = "dhr_hub.plugins"
FIRSTRESULT = ("review_terms", "publication_plan")  # one enabled implementer per tenant


class PluginFailed(RuntimeError):
    """A plugin raised; the step it was part of is refused whole."""

    def __init__(self, plugin: str, hook: str, error: Exception):
        super().__init__(f"plugin {plugin!r} failed in {hook}: {type(error).__name__}")
        self.plugin, self.hook, self.error = plugin, hook, error


class PluginHost:
    def __init__(self, plugins: dict[str, object] | None = None, discover: bool = True):
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(specs)
        found = dict(_entry_points()) if discover else {}
        found.update(plugins or {})
        self.pm.register(CoreDefaults(), name=CORE)
        for name, plugin in sorted(found.items()):
            self.pm.register(plugin, name=name)
        self.pm.check_pending()
        self._subset = lru_cache(maxsize=256)(self._make_subset)

    @property
    def names(self) -> list[str]:
        """Installed local-policy plugins (the core's defaults are not one)."""
        return sorted(name for name, _p in self.pm.list_name_plugin() if name != CORE)

    def info(self, name: str) -> dict | None:
        plugin = self.pm.get_plugin(name)
        if plugin is None or not hasattr(plugin, "policy_info"):
            return None
        return plugin.policy_info()

    def implements(self, name: str, hook: str) -> bool:
        plugin = self.pm.get_plugin(name)
        return any(impl.plugin is plugin for impl in getattr(self.pm.hook, hook).get_hookimpls())

    def _make_subset(self, hook: str, enabled: frozenset[str]):
        others = [p for n, p in self.pm.list_name_plugin() if n not in enabled]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    def call(self, hook: str, enabled, **kwargs):
        """Call ``hook`` on the enabled plugins; a failure names the plugin."""
        caller = self._subset(hook, frozenset(enabled) | {CORE})
        try:
            return caller(**kwargs)
        except Exception as error:
            raise PluginFailed(self._culprit(caller, kwargs) or "?", hook, error) from error

    def collect(self, hook: str, enabled, **kwargs) -> list[tuple[str, object]]:
        """(plugin, result) of every enabled implementation, sorted by plugin name, so no
        result depends on registration order. A failure names the plugin."""
        results = []
        for impl in self._subset(hook, frozenset(enabled)).get_hookimpls():
            try:
                value = impl.function(**{a: kwargs[a] for a in impl.argnames})
            except Exception as error:
                raise PluginFailed(impl.plugin_name, hook, error) from error
            if value is not None:
                results.append((impl.plugin_name, value))
        return sorted(results, key=lambda pair: pair[0])

    def each(self, hook: str, enabled, **kwargs) -> list[tuple[str, Exception]]:
        """Call every enabled implementation on its own; return the failures."""
        failures = []
        for impl in self._subset(hook, frozenset(enabled) | {CORE}).get_hookimpls():
            try:
                impl.function(**{a: kwargs[a] for a in impl.argnames})
            except Exception as error:  # noqa: BLE001 - isolated by design
                failures.append((impl.plugin_name, error))
        return failures

    @staticmethod
    def _culprit(caller, kwargs) -> str | None:
        for impl in caller.get_hookimpls():
            try:
                impl.function(**{a: kwargs[a] for a in impl.argnames})
            except Exception:  # noqa: BLE001 - finding which plugin raised
                return impl.plugin_name
        return None


def _entry_points():
    for entry in entry_points(group=GROUP):
        try:
            yield entry.name, entry.load()
        except Exception:  # a broken plugin must not stop the service
            log.exception("plugin %s could not be loaded", entry.name)
