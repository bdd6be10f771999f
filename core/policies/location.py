"""Where a local policy's objection can be put right (issue 14: Warrington's quotes rule
linked the error summary to ``#form``, a place on no page, while what it asked for was
recorded on another page). One place decides where a ``Problem.field`` lives:

- a kind of record (``quotes``, ``panel_members``…): that kind's page on the review;
- a field of the policy's local information (``review_fields_schema``): the review's local
  information page of that policy, at the field;
- anything else (a field of the step or record being entered): this page, as before.

A message that points elsewhere is a ``Linked`` text: still the text itself everywhere it
is shown or sent, and carrying ``href`` (and ``place``, the page's name) for the error
summary (core/app.py ``errors_list``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _


class Linked(str):
    """A message with the address of the page (and field) where it is put right."""

    href: str | None = None
    place: str | None = None

    @classmethod
    def to(cls, text: str, href: str, place: str) -> Linked:
        linked = cls(text)
        linked.href, linked.place = href, place
        return linked


@dataclass(frozen=True)
class Location:
    href: str
    place: str  # the page's name as its link reads


def policy_title(plugin: str) -> str:
    """The policy's name for people (its catalogue title), never its code."""
    from core.policies import service as policies

    info = policies.host().info(plugin)
    return str(info["title"]) if info else plugin


def local_place(plugin: str) -> str:
    """What a review's link to a policy's local information reads."""
    return _("Local information (%(policy)s)", policy=policy_title(plugin))


def field_location(review, plugin: str, field: str | None) -> Location | None:
    """Where ``field`` named by ``plugin``'s objection lives, when not on this page."""
    if not field:
        return None
    from core.records.kinds import BY_SLUG

    kind = BY_SLUG.get(field) or BY_SLUG.get(field.replace("_", "-"))
    if kind is not None:
        return Location(url_for(f"records.{kind.key}", review_id=review.id),
                        str(kind.title))
    from core.policies import local
    from core.policies import service as policies

    schema = local.schema_for(policies.current_tenant(), review, plugin)
    if schema is not None and field in schema._declared_fields:
        widget = schema._declared_fields[field].metadata.get("widget")
        anchor = f"{field}-day" if widget == "date" else field
        return Location(url_for("policies.local_fields", review_id=review.id,
                                plugin=plugin) + f"#{anchor}", local_place(plugin))
    return None


def linked(review, plugin: str, problem) -> str:
    """One problem's message, linked to where it is put right when that is elsewhere."""
    where = field_location(review, plugin, problem.field)
    return problem.message if where is None else Linked.to(problem.message, where.href,
                                                           where.place)


def objection(review, found) -> str:
    """The messages of the problems ``found`` ([(plugin, [Problem])]) as one text; linked
    to the page where the first of them that names a field elsewhere is put right."""
    text = " ".join(p.message for _plugin, problems in found for p in problems)
    for plugin, problems in found:
        for problem in problems:
            first = linked(review, plugin, problem)
            if isinstance(first, Linked):
                return Linked.to(text, first.href, first.place)
    return text
