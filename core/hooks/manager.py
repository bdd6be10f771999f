"""The plugin manager: built inside ``create_app``, never at import time.

Every installed plugin (entry-point group ``dhr_hub.plugins``) is registered once. A call
goes only to the plugins a tenant has enabled, through pluggy's ``subset_hook_caller``,
cached per enabled set (a tenant that changes its plugins simply gets another set).

Each implementation is called on its own and its answer checked against the hook's shape
(``core.hooks.specs.RESULTS``): one that raises or answers another shape fails as
``PluginFailed``, naming the plugin and the hook. The caller decides what a failure does
(``on_failure``: leave that answer out and go on; without it: raise).
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
    """A plugin raised, or answered with a value of the wrong shape (``InvalidResult``)."""

    def __init__(self, plugin: str, hook: str, error: Exception):
        super().__init__(f"plugin {plugin!r} failed in {hook}: {type(error).__name__}")
        self.plugin, self.hook, self.error = plugin, hook, error

    @property
    def error_type(self) -> str:
        return type(self.error).__name__


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
        """The plugin's ``policy_info``; ``None`` when it has none, or when it fails (then
        it is left out of the catalogue and cannot be enabled)."""
        plugin = self.pm.get_plugin(name)
        if plugin is None or not hasattr(plugin, "policy_info"):
            return None
        try:
            return _checked("policy_info", plugin.policy_info())
        except Exception as error:  # noqa: BLE001 - a broken plugin stays out of the catalogue
            log.warning("plugin %s failed in policy_info: %s", name, type(error).__name__)
            return None

    def implements(self, name: str, hook: str) -> bool:
        plugin = self.pm.get_plugin(name)
        return any(impl.plugin is plugin for impl in getattr(self.pm.hook, hook).get_hookimpls())

    def _make_subset(self, hook: str, enabled: frozenset[str]):
        others = [p for n, p in self.pm.list_name_plugin() if n not in enabled]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    @staticmethod
    def _run(hook: str, impl, kwargs):
        """One implementation's answer, checked against the hook's shape."""
        try:
            return _checked(hook, impl.function(**{a: kwargs[a] for a in impl.argnames}))
        except Exception as error:
            raise PluginFailed(impl.plugin_name, hook, error) from error

    def call(self, hook: str, enabled, on_failure=None, **kwargs):
        """A firstresult hook: the first enabled implementation (in pluggy's order, the
        core's default last) that answers something. A failure names the plugin; with
        ``on_failure``, it is handed to it and the next implementation answers instead."""
        if hook not in FIRSTRESULT:
            raise ValueError(f"{hook} is not a firstresult hook: use collect")
        caller = self._subset(hook, frozenset(enabled) | {CORE})
        impls = reversed(caller.get_hookimpls())  # pluggy calls them in this order
        for _impl, value in self._answers(hook, impls, kwargs, on_failure):
            if value is not None:
                return value
        return None

    def collect(self, hook: str, enabled, on_failure=None,
                **kwargs) -> list[tuple[str, object]]:
        """(plugin, result) of every enabled implementation, sorted by plugin name, so no
        result depends on registration order. A failure names the plugin; with
        ``on_failure``, it is handed to it and that plugin's answer is left out."""
        impls = self._subset(hook, frozenset(enabled)).get_hookimpls()
        results = [(impl.plugin_name, value)
                   for impl, value in self._answers(hook, impls, kwargs, on_failure)
                   if value is not None]
        return sorted(results, key=lambda pair: pair[0])

    def _answers(self, hook: str, impls, kwargs, on_failure):
        """(implementation, checked answer) of each in turn; a failure is raised, or with
        ``on_failure`` handed to it and that implementation skipped."""
        for impl in impls:
            try:
                yield impl, self._run(hook, impl, kwargs)
            except PluginFailed as failed:
                if on_failure is None:
                    raise
                on_failure(failed)

    def each(self, hook: str, enabled, **kwargs) -> list[tuple[str, Exception]]:
        """Call every enabled implementation on its own; return the failures (an answer of
        the wrong shape is one too: ``InvalidResult``)."""
        failures = []
        for impl in self._subset(hook, frozenset(enabled) | {CORE}).get_hookimpls():
            try:
                self._run(hook, impl, kwargs)
            except PluginFailed as failed:  # isolated by design
                failures.append((failed.plugin, failed.error))
        return failures


def _checked(hook: str, value):
    return specs.RESULTS[hook].shape(value, hook)


def _entry_points():
    for entry in entry_points(group=GROUP):
        try:
            yield entry.name, entry.load()
        except Exception:  # a broken plugin must not stop the service
            log.exception("plugin %s could not be loaded", entry.name)
