"""Panel meetings recorded ahead (issue 14): a meeting can be recorded before it takes place
(the day it is planned for) and later marked held; a day held in the future is refused in
words; only held meetings count for the clock (the first panel meeting's target, the kept
deadlines the dashboard and reminders read)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from core.db import db
from core.reviews.models import ReviewClock
from tenants.context import tenant_scope
from tests.core.test_review_journey_api import Api
from tests.factories import sign_in

TODAY = date.today()


def _days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def _boxes(prefix: str, value: date) -> dict:
    return {f"{prefix}-day": value.day, f"{prefix}-month": value.month,
            f"{prefix}-year": value.year}


def _commissioned(api, world) -> str:
    """The second alpha review (no records), commissioned 50 days ago: the first panel
    meeting's target (one month, local practice) has passed."""
    rid = str(world.reviews["alpha"][1].id)
    api.step(rid, "setup", {"decision_date": _days(-50), "reasons": "Criteria met.",
                            "home_office_told_on": _days(-49)}, role="csp_chair")
    return rid


def _panel(api, rid) -> dict:
    return {d["key"]: d for d in api.get(f"/reviews/{rid}").json["deadlines"]}[
        "first_panel_meeting"]


def _kept_panel(world, rid) -> dict:
    db.session.rollback()
    with tenant_scope(world.tenants["alpha"].id):
        kept = db.session.scalar(select(ReviewClock.deadlines).where(
            ReviewClock.review_id == uuid.UUID(rid)))
    return {d["key"]: d for d in kept}["first_panel_meeting"]


def test_a_meeting_still_to_come_is_recorded_and_listed_as_upcoming(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    added = api.post(f"/reviews/{rid}/panel-meetings", {"planned_on": _days(14),
                                                        "summary": "Invented agenda."})
    assert added.status_code == 201, added.json
    assert added.json["planned_on"] == _days(14) and added.json["held_on"] is None
    assert added.json["status"] == "upcoming"
    # on the review's panel-meetings page too, through its form
    sign_in(client, "review_coordinator@alpha.test")
    base = f"/t/alpha/reviews/{rid}/panel-meetings"
    form = client.get(base).get_data(as_text=True)
    assert 'name="planned_on-day"' in form and 'name="held_on-day"' in form
    saved = client.post(base, data=_boxes("planned_on", TODAY + timedelta(days=30)))
    assert saved.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert page.count(">Upcoming<") == 2 and ">None<" not in page


def test_a_day_held_in_the_future_is_refused_in_words(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    refused = api.post(f"/reviews/{rid}/panel-meetings", {"held_on": _days(1)})
    assert refused.status_code == 422
    assert "The date the meeting was held must be today or in the past" in str(refused.json)
    nothing = api.post(f"/reviews/{rid}/panel-meetings", {"summary": "No date."})
    assert nothing.status_code == 422
    assert "the date it is planned for" in str(nothing.json)
    sign_in(client, "review_coordinator@alpha.test")
    page = client.post(f"/t/alpha/reviews/{rid}/panel-meetings",
                       data=_boxes("held_on", TODAY + timedelta(days=1)))
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "The date the meeting was held must be today or in the past" in text
    assert 'href="#held_on-day"' in text
    assert api.get(f"/reviews/{rid}/panel-meetings").json == []
    # today is a day gone by enough
    assert api.post(f"/reviews/{rid}/panel-meetings",
                    {"held_on": TODAY.isoformat()}).status_code == 201


def test_only_a_held_meeting_meets_the_first_panel_meeting_target(client, world):
    api = Api(client, world)
    rid = _commissioned(api, world)
    base = f"/reviews/{rid}/panel-meetings"
    assert _panel(api, rid)["status"] == "overdue"
    upcoming = api.post(base, {"planned_on": _days(7)}).json
    missed = api.post(base, {"planned_on": _days(-20)}).json
    assert missed["status"] == "not_recorded_held"
    # recorded, not held: the target is still not met, on the page, the API and as kept
    assert _panel(api, rid)["status"] == "overdue" and _panel(api, rid)["met_on"] is None
    assert _kept_panel(world, rid)["met_on"] is None
    sign_in(client, "review_coordinator@alpha.test")
    page = client.get(f"/t/alpha{base}").get_data(as_text=True)
    assert "Not yet recorded as held" in page and "Upcoming" in page
    # marked held (a day later than planned): now it counts, from the day it was held
    held = api.patch(f"{base}/{missed['id']}", {"held_on": _days(-18),
                                                "version": missed["version"]})
    assert held.status_code == 200, held.json
    assert held.json["status"] == "held"
    assert _panel(api, rid)["met_on"] == _days(-18)
    assert _kept_panel(world, rid)["met_on"] == _days(-18)
    # the upcoming meeting cannot be marked held before its day comes
    early = api.patch(f"{base}/{upcoming['id']}", {"held_on": _days(7),
                                                   "version": upcoming["version"]})
    assert early.status_code == 422
    assert _panel(api, rid)["met_on"] == _days(-18)


def test_a_meeting_keeps_a_date(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    base = f"/reviews/{rid}/panel-meetings"
    held = api.post(base, {"held_on": _days(-3)}).json
    cleared = api.patch(f"{base}/{held['id']}", {"held_on": None, "version": held["version"]})
    assert cleared.status_code == 422
    # not held after all: cleared with the day it is now planned for
    moved = api.patch(f"{base}/{held['id']}", {"held_on": None, "planned_on": _days(5),
                                               "version": held["version"]})
    assert moved.status_code == 200, moved.json
    assert moved.json["status"] == "upcoming"


def test_a_planned_meeting_is_marked_held_through_its_change_page(client, world):
    api = Api(client, world)
    rid = world.reviews["alpha"][1].id
    planned = api.post(f"/reviews/{rid}/panel-meetings", {"planned_on": _days(-2)}).json
    sign_in(client, "review_coordinator@alpha.test")
    url = f"/t/alpha/reviews/{rid}/panel-meetings/{planned['id']}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="held_on-day"' in form and 'name="planned_on-day"' in form
    ahead = client.post(url, data={**_boxes("planned_on", TODAY - timedelta(days=2)),
                                   **_boxes("held_on", TODAY + timedelta(days=1)),
                                   "version": planned["version"]})
    assert ahead.status_code == 400
    assert "The date the meeting was held must be today or in the past" in \
        ahead.get_data(as_text=True)
    held = client.post(url, data={**_boxes("planned_on", TODAY - timedelta(days=2)),
                                  **_boxes("held_on", TODAY - timedelta(days=1)),
                                  "version": planned["version"]})
    assert held.status_code == 302
    after = api.get(f"/reviews/{rid}/panel-meetings/{planned['id']}").json
    assert after["held_on"] == _days(-1) and after["status"] == "held"
