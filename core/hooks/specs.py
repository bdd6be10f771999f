"""Hook specifications: the public API between the core and local-policy plugins.

Each hook is called only with the plugins **enabled for the review's tenant**. Results of
the collecting hooks are merged in an order that does not depend on plugin order. A hook's
signature is public: arguments may be added, never renamed or removed. ``docs/plugins.md``
is generated from these docstrings (``make docs``).
"""
from __future__ import annotations

from core.hooks import hookspec


@hookspec
def policy_info():
    """Describe the plugin for the catalogue regional admins choose from.

    Called: when the admin pages list the installed plugins, and when settings are saved.
    Arguments: none.
    Returns: a dict with ``name`` (the entry-point name), ``title`` and ``description``
    (text for people) and ``settings`` (a marshmallow ``Schema`` class, or ``None``).
    The core: validates a tenant's settings with that schema (422 naming the field) and
    hands the loaded values back through ``ctx.settings_of(name)``.
    """


@hookspec(firstresult=True)
def review_terms(ctx):
    """Name the review process for this tenant (DHR or DARDR).

    Called: whenever a page or message names the process.
    Arguments: ``ctx`` (PluginContext).
    Returns: ``{"short": ..., "long": ...}`` or ``None``. firstresult: at most one enabled
    plugin may implement it (checked when enabling); the core's default runs last.
    The core: shows the words in page headings and captions.
    """


@hookspec
def review_fields_schema(ctx, stage):
    """Declare local fields a review records at a stage (a review's cost, quotes).

    Called: when the local fields page or API for this plugin is shown or saved.
    Arguments: ``ctx`` (PluginContext), ``stage`` (the review's stage).
    Returns: a marshmallow ``Schema`` class, or ``None`` when the plugin records nothing.
    The core: validates the data with it and stores it under the plugin's name; hooks see
    it as ``review.local_of(name)``.
    """


@hookspec
def required_panel_agencies(ctx, review):
    """Agencies the panel must include before set-up can complete.

    Called: when the core checks the step from set-up to evidence.
    Arguments: ``ctx`` (PluginContext), ``review`` (ReviewView).
    Returns: an iterable of agency names (matched without regard to case).
    The core: takes the union with its own list; the step is refused while one is missing.
    """


@hookspec
def deadline_rules(ctx, review):
    """Local deadlines (a learning pack due 60 days after publication).

    Called: whenever the review's clock is computed (review page, dashboard, reminders).
    Arguments: ``ctx`` (PluginContext), ``review`` (ReviewView).
    Returns: a list of dicts ``{key, label, start, due, met_on}`` (dates).
    The core: adds them to the clock; a rule may add deadlines or tighten one, never
    extend a statutory deadline (a later date for a statutory key is ignored).
    """


@hookspec
def check_transition(ctx, review, transition, actor, data):
    """Local conditions on a step of the lifecycle.

    Called: before every step, after the core's own guards are computed.
    Arguments: ``ctx`` (PluginContext), ``review`` (ReviewView), ``transition`` (its
    name: ``commission``, ``submit``, ``not_publish``…), ``actor`` (ActorView), ``data``
    (the step's validated data, read-only).
    Returns: a list of ``Problem`` (empty when the plugin has no objection).
    The core: refuses the step (409) when any problem is returned, listing every one.
    """


@hookspec
def check_record(ctx, review, kind, change, actor, data):
    """Local conditions on adding or changing a record (an action signed off, a chair).

    Called: before a record of ``kind`` (``actions``, ``chair_appointments``…) is added
    (``change="add"``), changed (``change="update"``) or removed (``change="remove"``,
    with empty ``data``).
    Arguments: ``ctx``, ``review`` (ReviewView), ``kind``, ``change``, ``actor``
    (ActorView), ``data`` (the validated fields, read-only).
    Returns: a list of ``Problem``.
    The core: refuses the change (409) when any problem is returned.
    """


@hookspec(firstresult=True)
def publication_plan(ctx, review, decision):
    """What is published, for how long, and what happens after.

    Called: when the review is published (``decision="publish"``).
    Arguments: ``ctx``, ``review`` (ReviewView), ``decision``.
    Returns: ``{"documents": [kinds], "months": int or None, "after": "on_request" |
    "removed"}`` or ``None``. firstresult: at most one enabled implementer per tenant.
    The core: records the plan on the publication record (the core default publishes the
    overview report and executive summary for the guidance's minimum period).
    """


@hookspec
def publication_items(ctx, review):
    """Extra document kinds to add to the published bundle.

    Called: when the review is published, after ``publication_plan``.
    Arguments: ``ctx``, ``review`` (ReviewView).
    Returns: a list of document kinds.
    The core: adds them to the plan's documents (a set: order and duplicates do not matter).
    """


@hookspec
def learning_outputs(ctx, review):
    """Learning tasks that follow publication (packs, events, boards told).

    Called: when the review is published.
    Arguments: ``ctx``, ``review`` (ReviewView).
    Returns: a list of dicts ``{key, title, due_days, recipients}``.
    The core: records each as a learning task of the review, due ``due_days`` after
    publication, with its recipients; the clock tracks it.
    """


@hookspec
def joint_partners(ctx, review):
    """The partner CSPs of a joint review led by this tenant.

    Called: when the lead records the review's local fields.
    Arguments: ``ctx``, ``review`` (ReviewView).
    Returns: a list of partner CSP slugs.
    The core: invites each partner (it must accept before it sees anything), and removes
    the partners no longer named; a removed partner loses access at once.
    """


@hookspec
def page_slot(ctx, slot, review):
    """Short local text for a named place on a page (``review_summary``).

    Called: when a page with that slot is shown.
    Arguments: ``ctx``, ``slot`` (its name), ``review`` (ReviewView or ``None``).
    Returns: a list of plain-text lines (the core escapes them; no HTML).
    The core: shows the lines of every enabled plugin, sorted by plugin name.
    """


@hookspec
def review_transitioned(ctx, review, transition, actor):
    """Tell the plugin a step was taken (after it is committed).

    Called: after every accepted step.
    Arguments: ``ctx``, ``review`` (ReviewView, after the step), ``transition`` (its name),
    ``actor`` (ActorView).
    Returns: nothing.
    The core: calls each implementation on its own; one that fails is audited and does
    not stop the others, and the step stays taken.
    """
