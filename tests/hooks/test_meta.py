"""Hooks stay honest (after datasette): each has a contract test and a documented
signature, the reference in docs/plugins.md is generated, and plugins load from entry
points for the tenants that enabled them only."""
from __future__ import annotations

import inspect
import sys
import textwrap
from pathlib import Path

from core.hooks.docs import document, hookspecs
from tests.conftest import _clear, make_test_app

ROOT = Path(__file__).resolve().parents[2]


def test_every_hook_has_a_contract_test():
    from tests.hooks import test_hooks

    tested = {name.removeprefix("test_hook_") for name, _f in
              inspect.getmembers(test_hooks, inspect.isfunction) if name.startswith("test_hook_")}
    assert {f.__name__ for f in hookspecs()} - tested == set()


def test_every_hook_is_documented_with_its_signature():
    docs = (ROOT / "docs" / "plugins.md").read_text()
    for spec in hookspecs():
        args = ", ".join(inspect.signature(spec).parameters)
        assert f"### `{spec.__name__}({args})`" in docs, spec.__name__
        assert spec.__doc__ and "Returns:" in spec.__doc__ and "The core:" in spec.__doc__


def test_the_hook_reference_is_generated_not_written_twice():
    assert (ROOT / "docs" / "plugins.md").read_text() == document(), "run `make docs`"


def test_plugins_import_only_core_hooks():
    for path in (ROOT / "plugins").glob("*/*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("from core", "import core")):
                assert line.startswith("from core.hooks import"), f"{path}: {line}"
            assert not line.startswith(("from plugins", "import plugins")), f"{path}: {line}"


def test_an_installed_plugin_is_found_by_entry_point_and_acts_only_where_enabled(
        tmp_path, monkeypatch, database, admin_engine, world):
    (tmp_path / "outside_policy.py").write_text(textwrap.dedent('''
        from core.hooks import hookimpl

        class Outside:
            @hookimpl
            def policy_info(self):
                return {"name": "outside", "title": "Outside", "description": "x",
                        "settings": None}

            @hookimpl
            def page_slot(self, ctx, slot, review):
                return ["Outside policy was here"]

        plugin = Outside()
    '''))
    dist = tmp_path / "outside_policy-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: outside-policy\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[dhr_hub.plugins]\noutside = outside_policy:plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("outside_policy", None)
    app = make_test_app(database)
    assert "outside" in app.extensions["dhr_plugins"].names
    with app.app_context():
        from core.policies import service as policies
        from tests.factories import sign_in

        policies.enable(world.tenants["alpha"], "outside", {})
        client = app.test_client()
        sign_in(client, "review_coordinator@alpha.test")
        alpha = client.get(f"/t/alpha/reviews/{world.reviews['alpha'][0].id}")
        assert "Outside policy was here" in alpha.get_data(as_text=True)
        sign_in(client, "review_coordinator@beta.test")
        beta = client.get(f"/t/beta/reviews/{world.reviews['beta'][0].id}")
        assert "Outside policy was here" not in beta.get_data(as_text=True)
        from core.db import db

        db.session.remove()
        db.engine.dispose()
    _clear(admin_engine)


def test_two_firstresult_plugins_cannot_both_be_enabled(app, world):
    import pytest

    from core.policies import service as policies

    policies.enable(world.tenants["alpha"], "sample", {})
    with pytest.raises(policies.PolicyInvalid) as refused:
        policies.enable(world.tenants["alpha"], "wigan", {})  # both decide publication_plan
    assert refused.value.status == 409
    assert set(policies.enabled(world.tenants["alpha"].id)) == {"sample"}


def test_every_hook_has_a_result_shape_and_a_failure_rule():
    """Each hookspec's answers are checked (core/hooks/specs.py RESULTS), and the table
    names no hook that does not exist."""
    from core.hooks import specs

    assert set(specs.RESULTS) == {f.__name__ for f in hookspecs()}
    for name, result in specs.RESULTS.items():
        assert result.on_failure in (specs.SKIP, specs.REFUSE, specs.AFTER, specs.CATALOGUE), \
            name


def test_every_in_tree_plugin_answers_in_shape():
    """The shapes accept what the shipped plugins and the sample plugin answer (their
    contract tests would fail otherwise); this checks their policy_info directly."""
    from core.hooks.manager import PluginHost
    from tests.hooks.sample import Sample

    host = PluginHost({"sample": Sample()})
    assert {"joint", "manchester", "preston", "sample", "walsall", "warrington",
            "wigan"} <= set(host.names)
    assert all(host.info(name) is not None for name in host.names)
