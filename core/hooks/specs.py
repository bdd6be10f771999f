"""Hook specifications: the public API between the core and local-policy plugins.

Each hook is called only with the plugins **enabled for the review's tenant**. Results of
the collecting hooks are merged in an order that does not depend on plugin order. A hook's
signature is public: arguments may be added, never renamed or removed. ``docs/plugins.md``
is generated from these docstrings (``make docs``).

What each implementation answers is checked against its hook's shape in ``RESULTS`` (at the
end of this module). An implementation that raises, or answers another shape, has failed:
the failure names the plugin and the hook, is audited (``plugin.failed``), and hurts only
its own partnership's step. ``RESULTS`` also says what the core does then: leave that
plugin's answer out (pages show the core's answer), or refuse the step whole.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.hooks import hookspec
from core.hooks.results import (
    DATE,
    NOTHING,
    SCHEMA_CLASS,
    TEXT,
    Shape,
    instance_of,
    integer,
    list_of,
    one_of,
    optional,
    record,
)
from core.hooks.views import Problem


@hookspec
def policy_info():
    """Describe the plugin for the catalogue regional admins choose from.

    Called: when the admin pages list the installed plugins, and when settings are saved.
    Arguments: none.
    Returns: a dict with exactly ``name`` (the entry-point name), ``title`` and
    ``description`` (text for people) and ``settings`` (a marshmallow ``Schema`` class, or
    ``None``).
    The core: validates a tenant's settings with that schema (422 naming the field) and
    hands the loaded values back through ``ctx.settings_of(name)``. If it fails, the plugin
    is left out of the catalogue (it cannot be enabled) and the failure is logged.
    """


@hookspec(firstresult=True)
def review_terms(ctx, review):
    """Name the review process (DHR or DARDR) for one review, or for the tenant.

    Called: whenever a page or message names the process: the public page and mail
    subjects for each review, page captions for the partnership.
    Arguments: ``ctx`` (PluginContext), ``review`` (ReviewView, or ``None`` when the words
    are for the partnership as a whole). An implementation may leave ``review`` out of its
    signature (then it names every review alike).
    Returns: ``{"short": text, "long": text}`` (exactly those keys) or ``None``.
    firstresult: at most one enabled plugin may implement it (checked when enabling); the
    core's default runs last: a review under the ``dardr-2024`` profile is a Domestic
    Abuse Related Death Review (DARDR), any other a Domestic Homicide Review (DHR).
    The core: shows the words in page headings, captions, the public page and mail
    subjects. If it fails, they use the core's words.
    """


@hookspec
def review_fields_schema(ctx, stage):
    """Declare local fields a review records at a stage (a review's cost, quotes).

    Called: when the local fields page or API for this plugin is shown or saved.
    Arguments: ``ctx`` (PluginContext), ``stage`` (the review's stage).
    Returns: a marshmallow ``Schema`` class (the class, not an instance), or ``None`` when
    the plugin records nothing.
    The core: validates the data with it and stores it under the plugin's name; hooks see
    it as ``review.local_of(name)``. If it fails, that plugin's local fields are not
    offered (its page answers 404); the review page and other plugins' fields are unharmed.
    """


@hookspec
def required_panel_agencies(ctx, review):
    """Agencies the panel must include before set-up can complete.

    Called: when the core checks the step from set-up to evidence.
    Arguments: ``ctx`` (PluginContext), ``review`` (ReviewView).
    Returns: a list (or tuple) of text, or ``None``; a bare string is not a list. Each
    item is an agency category code (``core.hooks.CATEGORY_CODES``: ``police``,
    ``fire_and_rescue``…), met by a panel member of that category whatever the agency's
    name, or else an agency's name (matched without regard to case).
    The core: takes the union with its own list; the step is refused while one is missing,
    naming the missing categories in words.
    If it fails, pages show the review without the plugin's agencies, and every step of
    the review is refused (naming the plugin) while it fails: the core cannot tell whether
    the panel is complete.
    """


@hookspec
def deadline_rules(ctx, review):
    """Local deadlines (a learning pack due 60 days after publication).

    Called: whenever the review's kept deadlines are computed: after a change to the
    review (a step, a record, a hold), when a policy is enabled, disabled or set, by the
    daily refresh in ``flask dhr send-reminders``, and when a page reads kept deadlines
    that are missing or past the day they hold for. A rule that reads today's date is
    therefore asked at least once a day.
    Arguments: ``ctx`` (PluginContext), ``review`` (ReviewView).
    Returns: a list of dicts with exactly ``key`` and ``label`` (text), ``start`` and
    ``due`` (dates, not datetimes; ``due`` not before ``start``) and, if wanted, ``met_on``
    (a date or ``None``); or ``None``. An unknown key is refused, not ignored.
    The core: adds them to the clock; a rule may add deadlines or tighten one, never
    extend a statutory deadline (a later date for a statutory key is ignored). If it
    fails, the review page and the dashboard show the core's deadlines without the
    plugin's, and ``flask dhr send-reminders`` rolls back that partnership's reminders,
    goes on with the others, and exits with status 1 naming the partnership and plugin.
    """


@hookspec
def check_transition(ctx, review, transition, actor, data):
    """Local conditions on a step of the lifecycle.

    Called: before every step, after the core's own guards are computed; and before
    the step's form is filled in, when the review page lists its next steps and when the
    step's page opens, so that an objection shows before anything is submitted (then
    ``data`` is empty, and ``actor`` is the person looking, who may not be the one who
    takes the step).
    Arguments: ``ctx`` (PluginContext), ``review`` (ReviewView), ``transition`` (its
    name: ``commission``, ``submit``, ``not_publish``…), ``actor`` (ActorView), ``data``
    (the step's validated data, read-only).
    Returns: a list of ``Problem`` (empty when the plugin has no objection); ``None`` or
    anything else is a failure, never "no objection".
    The core: refuses the step (409) when any problem is returned, listing every one. If
    it fails, the step is refused whole (409, naming the plugin).
    """


@hookspec
def check_record(ctx, review, kind, change, actor, data):
    """Local conditions on adding or changing a record (an action signed off, a chair).

    Called: before a record of ``kind`` (``actions``, ``chair_appointments``…) is added
    (``change="add"``), changed (``change="update"``) or removed (``change="remove"``,
    with empty ``data``).
    Arguments: ``ctx``, ``review`` (ReviewView), ``kind``, ``change``, ``actor``
    (ActorView), ``data`` (the validated fields, read-only).
    Returns: a list of ``Problem`` (empty when the plugin has no objection); ``None`` or
    anything else is a failure.
    The core: refuses the change (409) when any problem is returned. If it fails, nothing
    is saved (409, naming the plugin).
    """


@hookspec(firstresult=True)
def publication_plan(ctx, review, decision):
    """What is published, for how long, and what happens after.

    Called: when the review is published (``decision="publish"``), and when the decision
    not to publish it is taken (``decision="not_publish"``).
    Arguments: ``ctx``, ``review`` (ReviewView), ``decision``.
    Returns: ``{"documents": [kinds as text], "months": whole number ≥ 0 or None,
    "after": "on_request" | "removed"}`` and, if wanted, ``"notice"`` (text or None); or
    ``None``. firstresult: at most one enabled implementer per tenant.
    The core: records the plan on the publication record. ``months`` is how long the
    documents stay online; ``None`` keeps them online (nothing is taken down unless the
    policy says so; no national period was found). After ``months``, ``after`` says what
    the public page shows: the review "available on request" with a way to ask, or
    nothing. The core default publishes the overview report and executive summary and
    keeps them online. For ``decision="not_publish"`` only ``notice`` is read: when given,
    the public page tells the public that the review (its reference and year) was not
    published, citing ``notice`` (the guidance section the decision rests on); the
    reasons stay private. If it fails, the step is refused whole (409, naming the plugin).
    """


@hookspec
def publication_items(ctx, review):
    """Extra document kinds to add to the published bundle.

    Called: when the review is published, after ``publication_plan``.
    Arguments: ``ctx``, ``review`` (ReviewView).
    Returns: a list of document kinds (text), or ``None``.
    The core: adds them to the plan's documents (a set: order and duplicates do not matter).
    If it fails, publishing is refused whole (409, naming the plugin).
    """


@hookspec
def learning_outputs(ctx, review):
    """Learning tasks that follow the review (packs, events, boards told).

    Called: when the review is published, and when the CSP decides not to publish it
    (learning is shared either way).
    Arguments: ``ctx``, ``review`` (ReviewView).
    Returns: a list of dicts with exactly ``key`` and ``title`` (text), ``due_days`` (a
    whole number ≥ 0) and, if wanted, ``recipients`` (a list of text); or ``None``.
    The core: records each as a learning task of the review, due ``due_days`` after
    the decision to publish or not, with its recipients (a receipt to record for each);
    the clock tracks it until it is marked done, with its evidence, on the learning tasks
    page or API. If it fails, the step is refused whole (409, naming the plugin).
    """


@hookspec
def joint_partners(ctx, review):
    """The partner CSPs of a joint review led by this tenant.

    Called: when the lead records the review's local fields.
    Arguments: ``ctx``, ``review`` (ReviewView).
    Returns: a list of partner CSP slugs (text), or ``None``.
    The core: invites each partner (it must accept before it sees anything), and removes
    the partners no longer named; a removed partner loses access at once. If it fails,
    nothing is saved and no partner is invited or removed (409, naming the plugin).
    """


@hookspec
def page_slot(ctx, slot, review):
    """Short local text for a named place on a page (``review_summary``).

    Called: when a page with that slot is shown.
    Arguments: ``ctx``, ``slot`` (its name), ``review`` (ReviewView or ``None``).
    Returns: a list of plain-text lines (non-empty text; the core escapes them; no HTML),
    or ``None``.
    The core: shows the lines of every enabled plugin, sorted by plugin name. If it fails,
    the page is shown without that plugin's lines.
    """


@hookspec
def review_transitioned(ctx, review, transition, actor):
    """Tell the plugin a step was taken (after it is committed).

    Called: after every accepted step.
    Arguments: ``ctx``, ``review`` (ReviewView, after the step), ``transition`` (its name),
    ``actor`` (ActorView).
    Returns: nothing (``None``; any other answer is a failure).
    The core: calls each implementation on its own; one that fails is audited and does
    not stop the others, and the step stays taken.
    """


# --- what each hook must answer, and what the core does when an implementation fails -------

SKIP = "skip"  # read side: leave that plugin's answer out; pages show the core's answer
REFUSE = "refuse"  # write side: the step or change is refused whole, naming the plugin
AFTER = "after"  # after a step: audited, the step stays taken
CATALOGUE = "catalogue"  # the plugin is left out of the catalogue (cannot be enabled)


@dataclass(frozen=True)
class Result:
    shape: Shape
    on_failure: str


def _due_after_start(rule: dict) -> str | None:
    return "due is before start" if rule["due"] < rule["start"] else None


RESULTS: dict[str, Result] = {
    "policy_info": Result(record({"name": TEXT, "title": TEXT, "description": TEXT,
                                  "settings": optional(SCHEMA_CLASS)}), CATALOGUE),
    "review_terms": Result(optional(record({"short": TEXT, "long": TEXT})), SKIP),
    "review_fields_schema": Result(optional(SCHEMA_CLASS), SKIP),
    "required_panel_agencies": Result(optional(list_of(TEXT)), SKIP),
    "deadline_rules": Result(optional(list_of(record(
        {"key": TEXT, "label": TEXT, "start": DATE, "due": DATE},
        {"met_on": optional(DATE)}, rule=_due_after_start,
        rule_words="`due` not before `start`"))), SKIP),
    "check_transition": Result(list_of(instance_of(Problem)), REFUSE),
    "check_record": Result(list_of(instance_of(Problem)), REFUSE),
    "publication_plan": Result(optional(record({
        "documents": list_of(TEXT), "months": optional(integer(0)),
        "after": one_of("on_request", "removed")}, {"notice": optional(TEXT)})), REFUSE),
    "publication_items": Result(optional(list_of(TEXT)), REFUSE),
    "learning_outputs": Result(optional(list_of(record(
        {"key": TEXT, "title": TEXT, "due_days": integer(0)},
        {"recipients": list_of(TEXT)}))), REFUSE),
    "joint_partners": Result(optional(list_of(TEXT)), REFUSE),
    "page_slot": Result(optional(list_of(TEXT)), SKIP),
    "review_transitioned": Result(NOTHING, AFTER),
}
