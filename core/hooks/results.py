"""Checking what a plugin's hook answers: small explicit shapes, one per hook, listed in
``core.hooks.specs.RESULTS``. A shape returns the value (normalised: tuples become lists)
or raises ``InvalidResult`` saying what is wrong; the plugin host turns that into
``PluginFailed``, naming the plugin and the hook. Each shape also says what it accepts, in
words, for the generated hook reference (docs/plugins.md)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import LazyString
from marshmallow import Schema


class InvalidResult(ValueError):
    """A hook answered with a value of the wrong shape."""


@dataclass(frozen=True)
class Shape:
    check: Callable[[object, str], object]  # (value, where) -> value, or InvalidResult
    words: str

    def __call__(self, value, where: str = "result"):
        return self.check(value, where)


def _type_name(value) -> str:
    return type(value).__name__


def _is_text(value) -> bool:
    return isinstance(value, (str, LazyString))


def _text(value, where):
    if not _is_text(value) or not str(value).strip():
        raise InvalidResult(f"{where}: expected non-empty text, got {_type_name(value)}")
    return value


def _date(value, where):
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidResult(f"{where}: expected a date, got {_type_name(value)}")
    return value


def _schema_class(value, where):
    if not (isinstance(value, type) and issubclass(value, Schema)):
        raise InvalidResult(f"{where}: expected a marshmallow Schema class, "
                            f"got {_type_name(value)}")
    return value


def _nothing(value, where):
    if value is not None:
        raise InvalidResult(f"{where}: expected nothing (None), got {_type_name(value)}")
    return value


TEXT = Shape(_text, "text")
DATE = Shape(_date, "a date (not a datetime)")
SCHEMA_CLASS = Shape(_schema_class, "a marshmallow `Schema` class")
NOTHING = Shape(_nothing, "`None`")


def instance_of(cls: type) -> Shape:
    def check(value, where):
        if not isinstance(value, cls):
            raise InvalidResult(f"{where}: expected a {cls.__name__}, got {_type_name(value)}")
        return value

    return Shape(check, f"`{cls.__name__}`")


def integer(minimum: int | None = None) -> Shape:
    def check(value, where):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidResult(f"{where}: expected a whole number, got {_type_name(value)}")
        if minimum is not None and value < minimum:
            raise InvalidResult(f"{where}: expected at least {minimum}, got {value}")
        return value

    return Shape(check, "a whole number" + (f" ≥ {minimum}" if minimum is not None else ""))


def one_of(*choices: str) -> Shape:
    def check(value, where):
        if not isinstance(value, str) or value not in choices:
            raise InvalidResult(f"{where}: expected one of {', '.join(choices)}")
        return value

    return Shape(check, " or ".join(f'`"{c}"`' for c in choices))


def optional(shape: Shape) -> Shape:
    def check(value, where):
        return None if value is None else shape(value, where)

    return Shape(check, f"{shape.words}, or `None`")


def list_of(shape: Shape) -> Shape:
    """A list (or tuple, set): never a string or a dict, whose items are iterable too."""

    def check(value, where):
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise InvalidResult(f"{where}: expected a list, got {_type_name(value)}")
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [shape(item, f"{where}[{i}]") for i, item in enumerate(items)]

    return Shape(check, f"a list (each item: {shape.words})")


def record(required: dict[str, Shape], optional_keys: dict[str, Shape] | None = None,
           rule: Callable[[dict], str | None] | None = None, rule_words: str = "") -> Shape:
    """A dict with exactly these keys (the optional ones may be left out); an unknown key is
    refused, so a misspelt one is not silently ignored. ``rule`` checks the whole dict."""
    optional_keys = optional_keys or {}

    def check(value, where):
        if not isinstance(value, dict):
            raise InvalidResult(f"{where}: expected a dict, got {_type_name(value)}")
        missing = sorted(set(required) - set(value))
        if missing:
            raise InvalidResult(f"{where}: missing {', '.join(missing)}")
        unknown = sorted(str(k) for k in set(value) - set(required) - set(optional_keys))
        if unknown:
            raise InvalidResult(f"{where}: unknown {', '.join(unknown)}")
        checked = {key: shape(value[key], f"{where}.{key}")
                   for key, shape in {**required, **optional_keys}.items() if key in value}
        problem = rule(checked) if rule else None
        if problem:
            raise InvalidResult(f"{where}: {problem}")
        return checked

    fields = [f"`{k}`: {s.words}" for k, s in required.items()]
    fields += [f"`{k}` (may be left out): {s.words}" for k, s in optional_keys.items()]
    return Shape(check, "a dict {" + "; ".join(fields) + "}" + (f" with {rule_words}"
                                                               if rule_words else ""))
