"""Issue 14, item 2 (and the step wording of item 1): the review page as a GOV.UK task list.

Each kind of record, grouped by the stage it belongs to, with its status and count; the next
steps named as actions, each with what blocks it and who can take it, computed by the same
check the step's POST makes (so a local policy's objection shows before submitting)."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from core.db import db
from tests.conftest import _clear, make_test_app
from tests.factories import sign_in
from tests.hooks.sample import Sample


@pytest.fixture
def sample():
    return Sample()


@pytest.fixture
def app(database, admin_engine, sample):
    """The app with the sample plugin installed (enabled only where a test enables it)."""
    _clear(admin_engine)
    application = make_test_app(database, DHR_EXTRA_PLUGINS={"sample": sample})
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def _date(prefix: str, value: date) -> dict:
    return {f"{prefix}-day": value.day, f"{prefix}-month": value.month,
            f"{prefix}-year": value.year}


def _items(html: str, list_id: str) -> dict[str, str]:
    """The items of one task list, by their title text: each item's whole markup."""
    block = html.split(f'id="{list_id}"', 1)[1].split("\n</ul>", 1)[0]
    found = {}
    for item in block.split('<li class="govuk-task-list__item')[1:]:
        head = item.split('class="govuk-task-list__name-and-hint">', 1)[1]
        found[_text(re.split(r'<div id="[^"]*-hint"|<div class="govuk-task-list__status',
                             head)[0])] = item
    return found


def _text(markup: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _page(client, rid) -> str:
    response = client.get(f"/t/alpha/reviews/{rid}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _status(item: str) -> str:
    return _text(item.split('class="govuk-task-list__status', 1)[1].split(">", 1)[1])


def _hint(item: str) -> str:
    if 'class="govuk-task-list__hint"' not in item:
        return ""
    return _text(item.split('class="govuk-task-list__hint"', 1)[1].split(">", 1)[1]
                 .split('class="govuk-task-list__status')[0])


# --- the sections: each kind of record, by stage, with its status and count ---------------

def test_every_kind_of_record_is_in_one_section_and_every_step_has_an_action():
    from core.lifecycle.transitions import TRANSITIONS
    from core.records.kinds import KINDS
    from core.reviews.tasklist import SECTIONS

    placed = [slug for _stage, slugs in SECTIONS for slug in slugs]
    assert sorted(placed) == sorted(k.slug for k in KINDS)
    assert all(t.action for t in TRANSITIONS)
    assert len({t.action for t in TRANSITIONS}) == len(TRANSITIONS)


def test_sections_show_status_and_count_as_the_review_moves_on(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id  # a review with no records yet
    html = _page(client, rid)
    scoping = _items(html, "tasks-scoping")
    assert _status(scoping["Scoping returns"]) == "Cannot start yet"
    assert "No records yet" in _hint(scoping["Scoping returns"])
    # a section that cannot start yet is not a link (GOV.UK task list pattern)
    assert "govuk-task-list__link" not in scoping["Scoping returns"]

    assert client.post(f"/t/alpha/reviews/{rid}/steps/scoping", data={}).status_code == 302
    client.post(f"/t/alpha/reviews/{rid}/scoping-returns",
                data={"agency": "Health", **_date("asked_on", date(2026, 2, 5))})
    scoping = _items(_page(client, rid), "tasks-scoping")
    assert _status(scoping["Scoping returns"]) == "In progress"
    assert "1 record" in _hint(scoping["Scoping returns"])
    assert f"/t/alpha/reviews/{rid}/scoping-returns" in scoping["Scoping returns"]
    assert _status(scoping["Early learning from scoping"]) == "Not started"
    assert _status(_items(_page(client, rid), "tasks-setup")["Panel members"]) \
        == "Cannot start yet"

    chair = client.application.test_client()
    sign_in(chair, "csp_chair@alpha.test")
    decided = chair.post(f"/t/alpha/reviews/{rid}/steps/setup", data={
        **_date("decision_date", date(2026, 2, 10)),
        **_date("home_office_told_on", date(2026, 2, 11)),
        "reasons": "Criteria met", "confirmed": "yes"})
    assert decided.status_code == 302
    html = _page(client, rid)
    assert _status(_items(html, "tasks-scoping")["Scoping returns"]) == "Completed"
    assert _status(_items(html, "tasks-setup")["Panel members"]) == "Not started"


def test_a_review_not_commissioned_leaves_out_the_stages_it_never_reached(client, world):
    chair = client
    sign_in(chair, "csp_chair@alpha.test")
    rid = world.reviews["alpha"][1].id
    assert chair.post(f"/t/alpha/reviews/{rid}/steps/not_commissioned", data={
        **_date("decision_date", date(2026, 2, 10)),
        **_date("home_office_told_on", date(2026, 2, 11)),
        "reasons": "Criteria not met", "confirmed": "yes"}).status_code == 302
    html = _page(chair, rid)
    assert _status(_items(html, "tasks-scoping")["Scoping returns"]) == "Completed"
    assert _status(_items(html, "tasks-setup")["Panel members"]) == "Cannot start yet"
    accepted = _items(html, "next-steps")[
        "Record that the Home Office accepted the decision not to review"]
    assert "Who can take this step: Review coordinator" in _hint(accepted)
    assert "Who can take the next step: Review coordinator." in _text(html)

    coordinator = client.application.test_client()
    sign_in(coordinator, "review_coordinator@alpha.test")
    assert coordinator.post(f"/t/alpha/reviews/{rid}/steps/closed", data={
        **_date("decided_on", date(2026, 3, 1))}).status_code == 302
    html = _page(coordinator, rid)
    assert _status(_items(html, "tasks-scoping")["Scoping returns"]) == "Completed"
    assert 'id="tasks-setup"' not in html and 'id="tasks-monitoring"' not in html
    assert "There is no next step at this stage." in html


def test_counts_are_per_kind_and_kinds_a_role_may_not_read_are_left_out(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][0].id  # one record of every kind
    client.post(f"/t/alpha/reviews/{rid}/panel-members",
                data={"agency": "Health", "name": "Invented Nurse"})
    html = _page(client, rid)
    setup = _items(html, "tasks-setup")
    assert "2 records" in _hint(setup["Panel members"])
    assert "1 record" in _hint(setup["Independent chair"])
    assert "Family and friends engagement" in setup
    viewer = client.application.test_client()
    sign_in(viewer, "viewer@alpha.test")
    setup = _items(_page(viewer, rid), "tasks-setup")
    assert "Panel members" in setup and "Family and friends engagement" not in setup


# --- the next steps: named as actions, who can take them, what blocks them ---------------

def test_next_steps_are_named_as_actions_with_who_can_take_them(client, world):
    sign_in(client, "csp_chair@alpha.test")
    rid = world.reviews["alpha"][1].id
    steps = _items(_page(client, rid), "next-steps")
    assert set(steps) >= {"Start scoping", "Record the decision to commission a review",
                          "Record the decision not to commission a review"}
    commission = steps["Record the decision to commission a review"]
    assert f'href="/t/alpha/reviews/{rid}/steps/setup"' in commission
    assert "Who can take this step: CSP chair" in _hint(commission)
    assert "Review coordinator" in _hint(steps["Start scoping"])
    # the step's own page carries the same name
    page = client.get(f"/t/alpha/reviews/{rid}/steps/setup").get_data(as_text=True)
    assert "Record the decision to commission a review</h1>" in page


def test_a_coordinator_is_told_who_can_take_a_step_they_cannot(client, world):
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    client.post(f"/t/alpha/reviews/{rid}/steps/scoping", data={})
    html = _page(client, rid)
    steps = _items(html, "next-steps")
    commission = steps["Record the decision to commission a review"]
    assert "/steps/setup" not in commission  # not theirs: named, not linked
    assert "Who can take this step: CSP chair" in _hint(commission)
    text = _text(html)
    assert "There is no step you can take now. Who can take the next step: CSP chair." in text
    # the step's page says who can take it instead of offering a form that would be refused
    page = client.get(f"/t/alpha/reviews/{rid}/steps/setup").get_data(as_text=True)
    assert "Your role cannot take this step. Who can take it: CSP chair." in page
    assert 'name="decision_date-day"' not in page


def test_what_blocks_a_step_shows_on_the_review_page(client, world):
    sign_in(client, "csp_chair@alpha.test")
    rid = world.reviews["alpha"][1].id
    client.post(f"/t/alpha/reviews/{rid}/steps/setup", data={
        **_date("decision_date", date(2026, 2, 10)),
        **_date("home_office_told_on", date(2026, 2, 11)),
        "reasons": "Criteria met", "confirmed": "yes"})
    evidence = _items(_page(client, rid), "next-steps")["Start gathering evidence"]
    assert _status(evidence) == "Cannot start yet"
    for reason in ("Appoint an independent chair.", "Add at least one panel member.",
                   "Upload the terms of reference."):
        assert reason in _hint(evidence)


def test_a_local_objection_shows_before_submitting(client, world):
    from core.policies import service as policies

    policies.enable(world.tenants["alpha"], "sample", {"level": 2})
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    scoping = _items(_page(client, rid), "next-steps")["Start scoping"]
    assert "Set the sample colour to blue first." in _hint(scoping)
    assert _status(scoping) == "Cannot start yet"
    page = client.get(f"/t/alpha/reviews/{rid}/steps/scoping")
    assert page.status_code == 200
    assert "Set the sample colour to blue first." in page.get_data(as_text=True)
    # the POST meets the same objection
    assert client.post(f"/t/alpha/reviews/{rid}/steps/scoping", data={}).status_code == 409


def test_a_failing_local_policy_is_named_before_submitting_never_a_500(client, world, sample):
    from core.policies import service as policies

    policies.enable(world.tenants["alpha"], "sample", {"level": 2})
    sample.replies["check_transition"] = None  # a malformed answer: the plugin failed
    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    scoping = _items(_page(client, rid), "next-steps")["Start scoping"]
    assert "The local policy 'sample' failed" in _hint(scoping)
    page = client.get(f"/t/alpha/reviews/{rid}/steps/scoping")
    assert page.status_code == 200
    assert "The local policy 'sample' failed" in _text(page.get_data(as_text=True))


# --- the stale version, in words -----------------------------------------------------------

def test_a_stale_step_is_explained_in_words(client, world):
    from tests.core.test_review_journey_api import Api

    sign_in(client, "review_coordinator@alpha.test")
    rid = world.reviews["alpha"][1].id
    form = client.get(f"/t/alpha/reviews/{rid}/steps/scoping").get_data(as_text=True)
    version = form.split('name="version" value="')[1].split('"')[0]
    # meanwhile someone else corrects the case facts: the review changed, its stage did not
    api = Api(client.application.test_client(), world)
    changed = api.patch(f"/reviews/{rid}/case-facts", {"victim_age": 40,
                                                      "version": int(version)})
    assert changed.status_code == 200, changed.json
    stale = client.post(f"/t/alpha/reviews/{rid}/steps/scoping", data={"version": version})
    assert stale.status_code == 409
    text = _text(stale.get_data(as_text=True))
    assert ("Someone else changed this review while you were working on it (it is now at "
            "the stage 'Notified'). Reload the page to see the change, then try again.") in text
    assert "at version" not in text and "stage notified" not in text


def test_the_api_names_the_next_steps_as_the_page_does(client, world):
    """The API and the page share the lifecycle table's action names (issue 14, item 2)."""
    token = world.tokens[("alpha", "csp_chair")]
    rid = world.reviews["alpha"][1].id
    for lang, name in (("en", "Record the decision to commission a review"),
                       ("cy", "Cofnodi'r penderfyniad i gomisiynu adolygiad")):
        body = client.get(f"/api/v1/t/alpha/reviews/{rid}",
                          headers={"Authorization": f"Bearer {token}",
                                   "Accept-Language": lang}).get_json()
        steps = {s["to"]: s for s in body["steps"]}
        assert [s["to"] for s in body["steps"]] == body["next_steps"]
        assert steps["setup"]["action"] == name, lang
        assert steps["setup"]["roles"] == ["csp_chair"]
