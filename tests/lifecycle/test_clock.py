"""The statutory clock, as a table (no Flask, no database)."""
from __future__ import annotations

from datetime import date as d

import pytest

from core.lifecycle import DatedItem, HoldPeriod, ReviewFacts, add_months, deadlines
from core.lifecycle.clock import held_days, status_of


@pytest.mark.parametrize("start, months, expected", [
    (d(2026, 1, 31), 1, d(2026, 2, 28)),   # month end, common year
    (d(2028, 1, 31), 1, d(2028, 2, 29)),   # leap year
    (d(2026, 3, 31), 1, d(2026, 4, 30)),
    (d(2026, 8, 31), 6, d(2027, 2, 28)),   # six months across a year end
    (d(2027, 8, 31), 6, d(2028, 2, 29)),
    (d(2028, 2, 29), 12, d(2029, 2, 28)),  # leap day + a year
    (d(2026, 1, 15), 1, d(2026, 2, 15)),
    (d(2026, 12, 15), 1, d(2027, 1, 15)),
    (d(2026, 1, 31), 12, d(2027, 1, 31)),
])
def test_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("due, met_on, today, expected", [
    (d(2026, 2, 28), d(2026, 2, 28), d(2026, 3, 5), "met"),       # on the due day
    (d(2026, 2, 28), d(2026, 3, 1), d(2026, 3, 5), "met_late"),   # the day after
    (d(2026, 2, 28), None, d(2026, 2, 28), "due_soon"),           # due today
    (d(2026, 2, 28), None, d(2026, 3, 1), "overdue"),             # the day after
    (d(2026, 2, 28), None, d(2026, 2, 14), "due_soon"),           # 14 days before
    (d(2026, 2, 28), None, d(2026, 2, 13), "due"),                # 15 days before
])
def test_status(due, met_on, today, expected):
    assert status_of(due, met_on, today) == expected


def _facts(**kw) -> ReviewFacts:
    base = dict(stage="setup", profile="england-2016", notification_date=d(2026, 1, 5),
                decision_date=d(2026, 1, 31))
    base.update(kw)
    return ReviewFacts(**base)


def _by_key(facts, today):
    return {x.key: x for x in deadlines(facts, today)}


@pytest.mark.parametrize("profile, completion", [
    ("england-2016", d(2026, 7, 31)),   # 6 months
    ("dardr-2024", d(2027, 1, 31)),     # 12 months
])
def test_profiles_set_the_completion_deadline(profile, completion):
    found = _by_key(_facts(profile=profile), d(2026, 3, 1))
    assert found["completion"].statutory_due == completion
    assert found["decision"].statutory_due == d(2026, 2, 5)
    assert found["decision"].status == "met"
    assert found["first_panel_meeting"].statutory_due == d(2026, 2, 28)


@pytest.mark.parametrize("decided, status", [
    (d(2026, 2, 5), "met"),        # on the due day
    (d(2026, 2, 6), "met_late"),   # the day after
])
def test_decision_on_the_due_day_and_the_day_after(decided, status):
    found = _by_key(_facts(decision_date=decided), d(2026, 3, 1))
    assert found["decision"].status == status


def test_a_hold_spanning_a_month_end_moves_the_adjusted_date_not_the_statutory_one():
    hold = HoldPeriod("inquest", d(2026, 2, 20), d(2026, 3, 10), "setup")  # 18 days
    found = _by_key(_facts(holds=(hold,)), d(2026, 3, 15))
    completion = found["completion"]
    assert completion.statutory_due == d(2026, 7, 31)
    assert completion.adjusted_due == d(2026, 8, 18)
    panel = found["first_panel_meeting"]  # due 28 Feb; the hold began inside its period
    assert (panel.statutory_due, panel.adjusted_due) == (d(2026, 2, 28), d(2026, 3, 18))
    assert panel.status == "due_soon"


def test_a_hold_never_resumed_keeps_pushing_the_date():
    hold = HoldPeriod("criminal_proceedings", d(2026, 2, 1), None, "setup")
    for today, extra in ((d(2026, 9, 1), 212), (d(2027, 1, 1), 334)):
        completion = _by_key(_facts(holds=(hold,)), today)["completion"]
        assert completion.adjusted_due == d(2026, 7, 31) + (today - d(2026, 2, 1))
        assert (completion.adjusted_due - completion.statutory_due).days == extra
        assert completion.status == "due"


def test_two_holds_add_up_and_a_hold_after_the_due_date_does_not_count():
    holds = (HoldPeriod("inquest", d(2026, 2, 1), d(2026, 2, 11), "setup"),      # 10 days
             HoldPeriod("other", d(2026, 8, 5), d(2026, 8, 15), "evidence"),     # 10 days
             HoldPeriod("other", d(2026, 12, 1), d(2026, 12, 2), "drafting"))    # after
    assert held_days(holds, d(2026, 1, 31), d(2026, 7, 31), d(2027, 1, 1)) == 20


def test_completion_is_overdue_the_day_after():
    found = _by_key(_facts(), d(2026, 8, 1))
    assert found["completion"].status == "overdue"
    assert _by_key(_facts(submitted_on=d(2026, 7, 31)), d(2026, 8, 1))["completion"].status \
        == "met"


def test_items_and_urgency_order():
    reports = (DatedItem("r1", "Police", d(2026, 2, 1), d(2026, 3, 1)),
               DatedItem("r2", "Health", d(2026, 2, 1), d(2026, 3, 20), d(2026, 3, 2)))
    actions = (DatedItem("a1", "Training", d(2026, 2, 1), d(2026, 4, 1)),)
    found = deadlines(_facts(agency_reports=reports, actions=actions,
                             first_panel_meeting=d(2026, 2, 20)), d(2026, 3, 10))
    statuses = [(x.key, x.status) for x in found]
    assert statuses[0] == ("agency_report:r1", "overdue")
    assert ("agency_report:r2", "met") in statuses and ("action:a1", "due") in statuses
    assert [x.urgency for x in found] == sorted(x.urgency for x in found)


def test_not_commissioned_reviews_have_only_the_decision_deadline():
    found = _by_key(_facts(stage="not_commissioned"), d(2026, 3, 1))
    assert set(found) == {"decision"}


def test_no_publication_window_is_invented():
    """No national period online was found (SEED-AUDIT.md england-2016 "how long online":
    invented): a published review has no publication-window deadline from its profile."""
    facts = _facts(stage="published", published_on=d(2026, 1, 31), submitted_on=d(2026, 1, 1))
    assert "publication_window" not in _by_key(facts, d(2026, 6, 1))
    assert "publication_window" not in _by_key(facts, d(2036, 6, 1))


def test_local_rules_add_and_tighten_but_never_extend():
    pack = DatedItem("learning_pack", "Learning pack", d(2026, 3, 1), d(2026, 5, 1))
    tighter = DatedItem("completion", "Completion", d(2026, 1, 31), d(2026, 6, 30))
    looser = DatedItem("decision", "Decision", d(2026, 1, 5), d(2026, 12, 1))
    found = _by_key(_facts(local_deadlines=(pack, tighter, looser)), d(2026, 3, 1))
    assert found["learning_pack"].statutory_due == d(2026, 5, 1)
    assert found["learning_pack"].kind == "local"
    assert found["completion"].statutory_due == d(2026, 6, 30)   # tightened from 31 July
    assert found["decision"].statutory_due == d(2026, 2, 5)      # not extended


# --- how long what the clock says holds (what DHR Hub keeps: core/reviews/clock.py) ---------

def _random_facts(rng) -> ReviewFacts:
    from datetime import timedelta

    from core.lifecycle.stages import Stage

    day = lambda base, spread: base + timedelta(days=rng.randint(0, spread))  # noqa: E731
    notified = day(d(2025, 1, 1), 500)
    decided = day(notified, 60) if rng.random() < 0.8 else None
    holds = []
    if decided and rng.random() < 0.4:
        start = day(decided, 200)
        holds.append(HoldPeriod("inquest", start, day(start, 90) if rng.random() < 0.6 else None,
                                "evidence"))
    items = lambda n, base: tuple(  # noqa: E731
        DatedItem(f"i{rng.random()}", "x", (s := day(base, 100)), day(s, 60),
                  day(s, 90) if rng.random() < 0.4 else None) for _ in range(n))
    published = day(decided, 400) if decided and rng.random() < 0.3 else None
    return ReviewFacts(
        stage=rng.choice(sorted(Stage)) if decided else "notified",
        profile=rng.choice(["england-2016", "dardr-2024"]), notification_date=notified,
        decision_date=decided,
        first_panel_meeting=day(decided, 40) if decided and rng.random() < 0.5 else None,
        submitted_on=day(decided, 300) if decided and rng.random() < 0.4 else None,
        published_on=published, holds=tuple(holds),
        agency_reports=items(rng.randint(0, 3), decided or notified),
        actions=items(rng.randint(0, 2), decided or notified),
        local_deadlines=items(rng.randint(0, 2), notified))


def test_what_the_clock_says_holds_until_steady_until_and_no_longer():
    """For a day ``steady_until`` covers, the clock says exactly what it said: so what is
    kept is what would be computed. The day after, something has moved."""
    import random
    from datetime import timedelta

    from core.lifecycle import steady_until

    rng = random.Random(12)
    moved = 0
    for _ in range(400):
        facts = _random_facts(rng)
        today = facts.notification_date + timedelta(days=rng.randint(-10, 900))
        said = deadlines(facts, today)
        until = steady_until(facts, today)
        assert until >= today
        horizon = min(until, today + timedelta(days=500))
        day = today
        while day <= horizon:
            assert deadlines(facts, day) == said, (facts, today, day)
            day += timedelta(days=1)
        if until < today + timedelta(days=500) and not facts.on_hold:
            assert deadlines(facts, until + timedelta(days=1)) != said
            moved += 1
    # the property was exercised, not vacuous (fewer days move since no profile invents a
    # publication window: SEED-AUDIT.md england-2016 "how long online")
    assert moved > 50


def test_a_review_on_hold_is_steady_for_today_only():
    from core.lifecycle import steady_until

    facts = _facts(holds=(HoldPeriod("inquest", d(2026, 2, 10), None, "setup"),))
    assert steady_until(facts, d(2026, 3, 1)) == d(2026, 3, 1)
    assert _by_key(facts, d(2026, 3, 1))["completion"].adjusted_due != \
        _by_key(facts, d(2026, 3, 2))["completion"].adjusted_due
