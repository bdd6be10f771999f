"""Writes the hook reference of docs/plugins.md from the hookspec docstrings, so the
reference is never written twice: ``python -m core.hooks.docs > docs/plugins.md``."""
from __future__ import annotations

import inspect
from pathlib import Path

from core.hooks import PROJECT, specs

INTRO = Path(__file__).resolve().parents[2] / "docs" / "plugins.intro.md"
ON_FAILURE = {
    specs.SKIP: "its answer is left out; the page shows the core's",
    specs.REFUSE: "the step or change is refused whole",
    specs.AFTER: "audited; the step stays taken",
    specs.CATALOGUE: "the plugin is left out of the catalogue and the failure logged",
}


def hookspecs() -> list:
    functions = [f for _n, f in inspect.getmembers(specs, inspect.isfunction)
                 if hasattr(f, f"{PROJECT}_spec")]
    return sorted(functions, key=lambda f: f.__code__.co_firstlineno)


def reference() -> str:
    parts = ["## Hook reference", "",
             "Generated from `core/hooks/specs.py` by `make docs`; do not edit by hand.", ""]
    for function in hookspecs():
        args = ", ".join(inspect.signature(function).parameters)
        options = getattr(function, f"{PROJECT}_spec")
        flag = " — firstresult" if options.get("firstresult") else ""
        result = specs.RESULTS[function.__name__]
        parts += [f"### `{function.__name__}({args})`{flag}", "",
                  inspect.cleandoc(function.__doc__ or ""), "",
                  f"Checked: each answer must be {result.shape.words}; anything else, or an "
                  f"exception, is the plugin's failure ({ON_FAILURE[result.on_failure]}).", ""]
    return "\n".join(parts)


def document() -> str:
    return INTRO.read_text() + "\n" + reference()


if __name__ == "__main__":
    print(document(), end="")
