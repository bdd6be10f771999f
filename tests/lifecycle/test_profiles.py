"""Every deadline and rule of every guidance profile carries its source and its class
(issue 13, part 2; SEED-AUDIT.md §2). No Flask, no database."""
from __future__ import annotations

import dataclasses
from datetime import date as d

import pytest

from core.lifecycle import ReviewFacts, deadlines
from core.lifecycle.profiles import (
    DEADLINE_FIELDS,
    HOME_OFFICE_GUIDANCE,
    LOCAL_PRACTICE,
    PROFILES,
    RULE_CLASSES,
    RULE_KEYS,
    STATUTORY,
    Profile,
    Rule,
    Source,
)

# The tags of SEED-AUDIT.md's sources table, and the seed pages (RESEARCH.md §10).
KNOWN_TAGS = {"CPS", "OL", "G2016", "G2011", "QES", "CROY", "BBC", "SUF", "FAMG", "AAFDA",
              "BAS", "HAN21a", "HAN21b", "BARN", "CAMB", "VPA19", "PT", "GR24", "DR24",
              "DR24C", "ROW25", "SUSR", "SCW", "WINS", "CHE", "GCQES", "LFL", "GUAR", "SCRT",
              "SCOT", "S-PRES", "S-WARR", "S-MAN", "S-WIG", "S-WAL"}


def _problems(profile: Profile) -> list[str]:
    """What a profile lacks: a rule for every key, a known class, and sources."""
    found = []
    keys = [r.key for r in profile.rules]
    for key in RULE_KEYS:
        if key not in keys:
            found.append(f"{profile.name}: no rule for {key}")
    for rule in (*profile.rules, *((profile.status,) if profile.status else ())):
        where = f"{profile.name}.{rule.key}"
        if rule.rule_class not in RULE_CLASSES:
            found.append(f"{where}: class {rule.rule_class!r}")
        if not rule.sources:
            found.append(f"{where}: no source")
        for source in rule.sources:
            if source.tag not in KNOWN_TAGS or not source.url.startswith("https://") \
                    or not source.where.strip():
                found.append(f"{where}: source {source.tag!r} lacks a tag, URL or place")
        # Only a target may rest on places where it was looked for and not found.
        if rule.rule_class != LOCAL_PRACTICE and not rule.confirmed:
            found.append(f"{where}: {rule.rule_class} but no source confirms it")
    if profile.draft and profile.status is None:
        found.append(f"{profile.name}: a draft must say why it is not in force")
    return found


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_profile_rule_has_a_source_and_a_class(name):
    assert _problems(PROFILES[name]) == []


def test_a_profile_rule_without_a_source_fails_the_meta_test():
    good = PROFILES["england-2016"]
    unsourced = dataclasses.replace(good, rules=tuple(
        dataclasses.replace(r, sources=()) if r.key == "first_panel_meeting" else r
        for r in good.rules))
    assert _problems(unsourced) == ["england-2016.first_panel_meeting: no source"]
    missing = dataclasses.replace(good, rules=tuple(r for r in good.rules if r.key != "holds"))
    assert _problems(missing) == ["england-2016: no rule for holds"]
    unconfirmed = dataclasses.replace(good, rules=tuple(
        Rule(r.key, HOME_OFFICE_GUIDANCE, (Source("G2016", "https://x.test", "s5",
                                                  confirms=False),))
        if r.key == "first_panel_meeting" else r for r in good.rules))
    assert _problems(unconfirmed) == [
        "england-2016.first_panel_meeting: home_office_guidance but no source confirms it"]


# Each profile's deadlines: months, class, and the tags that confirm it.
TABLE = [
    ("england-2016", "decision", 1, HOME_OFFICE_GUIDANCE, {"QES"}),
    ("england-2016", "first_panel_meeting", 1, LOCAL_PRACTICE, set()),
    ("england-2016", "completion", 6, HOME_OFFICE_GUIDANCE, {"BBC", "QES"}),
    ("england-2016", "publication_window", None, LOCAL_PRACTICE, {"S-PRES"}),
    ("dardr-2024", "decision", 1, LOCAL_PRACTICE, set()),
    ("dardr-2024", "first_panel_meeting", 1, LOCAL_PRACTICE, set()),
    ("dardr-2024", "completion", 12, LOCAL_PRACTICE, set()),
    ("dardr-2024", "publication_window", None, LOCAL_PRACTICE, {"S-PRES"}),
    ("wales-susr", "decision", 1, LOCAL_PRACTICE, set()),
    ("wales-susr", "first_panel_meeting", 1, LOCAL_PRACTICE, set()),
    ("wales-susr", "completion", 6, LOCAL_PRACTICE, set()),
    ("wales-susr", "publication_window", None, LOCAL_PRACTICE, {"S-PRES"}),
]


@pytest.mark.parametrize("name, key, months, rule_class, confirmed_by", TABLE)
def test_each_profile_deadline_has_its_months_and_class(name, key, months, rule_class,
                                                         confirmed_by):
    profile = PROFILES[name]
    rule = profile.rule(key)
    assert getattr(profile, DEADLINE_FIELDS[key]) == months
    assert rule.rule_class == rule_class
    assert {s.tag for s in rule.sources if s.confirms} == confirmed_by


def test_the_table_covers_every_deadline_of_every_profile():
    assert {(n, k) for n, k, *_r in TABLE} == {(n, k) for n in PROFILES for k in DEADLINE_FIELDS}


def _facts(**kw) -> ReviewFacts:
    base = dict(stage="setup", profile="england-2016", notification_date=d(2026, 1, 5),
                decision_date=d(2026, 1, 31))
    return ReviewFacts(**{**base, **kw})


def test_first_panel_is_a_target_not_statutory():
    """SEED-AUDIT §2: "first panel meeting within 1 month ... UNCONFIRMED ... shown as a
    statutory deadline". It is local practice, a target a partnership may change."""
    rule = PROFILES["england-2016"].rule("first_panel_meeting")
    assert rule.rule_class == LOCAL_PRACTICE and not rule.confirmed
    assert "first_panel_meeting" in PROFILES["england-2016"].local_targets()
    found = {x.key: x for x in deadlines(_facts(), d(2026, 3, 1))}
    assert found["first_panel_meeting"].rule_class == LOCAL_PRACTICE
    # the partnership's own months move it; a profile's confirmed rule does not move
    own = {x.key: x for x in deadlines(_facts(targets=(("first_panel_meeting", 2),
                                                       ("completion", 3))), d(2026, 3, 1))}
    assert own["first_panel_meeting"].statutory_due == d(2026, 3, 31)
    assert own["completion"].statutory_due == d(2026, 7, 31)  # Home Office guidance: 6


def test_decision_due_one_month_cites_QES_as_secondary():
    """SEED-AUDIT §2: "decision due 1 calendar month" rests on QES, a secondary source."""
    rule = PROFILES["england-2016"].rule("decision")
    qes = [s for s in rule.sources if s.tag == "QES"]
    assert qes and qes[0].secondary and qes[0].confirms
    assert [s.tag for s in rule.sources if not s.confirms] == ["G2016"]


def test_completion_end_point_and_hold_extension_are_local_practice():
    """SEED-AUDIT §2: the 6 months is sourced; its end point (submission) and extension by
    holds are assertions, said as local practice."""
    completion = PROFILES["england-2016"].rule("completion")
    assert completion.rule_class == HOME_OFFICE_GUIDANCE
    assert "local practice" in completion.note and "submission" in completion.note
    holds = PROFILES["england-2016"].rule("holds")
    assert holds.rule_class == LOCAL_PRACTICE and not holds.confirmed


def test_holds_only_from_setup_to_ready_to_publish_is_unconfirmed():
    """SEED-AUDIT §2: "holds only from set-up to ready-to-publish": UNCONFIRMED."""
    for profile in PROFILES.values():
        holds = profile.rule("holds")
        assert holds.rule_class == LOCAL_PRACTICE and not holds.confirmed, profile.name


def test_dardr_2024_is_marked_draft():
    """SEED-AUDIT §2 dardr-2024 "legal status": s19 prospective (VPA19), the draft not final
    (DR24, ROW25): its rules are not in force."""
    dardr = PROFILES["dardr-2024"]
    assert dardr.draft and not PROFILES["england-2016"].draft
    assert {s.tag for s in dardr.status.sources} >= {"VPA19", "DR24", "ROW25"}


def test_dardr_2024_completion_12_months_is_a_local_target():
    """SEED-AUDIT §2: completion_months=12 UNCONFIRMED: a setting until a source confirms."""
    dardr = PROFILES["dardr-2024"]
    assert dardr.rule("completion").rule_class == LOCAL_PRACTICE
    assert not dardr.rule("completion").confirmed
    assert "completion" in dardr.local_targets()
    found = {x.key: x for x in deadlines(_facts(profile="dardr-2024",
                                                targets=(("completion", 9),)), d(2026, 3, 1))}
    assert found["completion"].statutory_due == d(2026, 10, 31)


@pytest.mark.parametrize("key", ["decision", "first_panel_meeting"])
def test_dardr_2024_copied_deadlines_are_invented_targets(key):
    """SEED-AUDIT §2: decision_months, first_panel_months "copied from england-2016; no
    DARDR source": invented, so local practice."""
    rule = PROFILES["dardr-2024"].rule(key)
    assert rule.rule_class == LOCAL_PRACTICE and not rule.confirmed


def test_dardr_2024_profile_name_cites_its_sources():
    """SEED-AUDIT §2 "profile name": DARDR comes from PT and VPA19, the draft still says
    DHR (DR24): the name rule cites all three and is not in force."""
    terms = PROFILES["dardr-2024"].rule("terms")
    assert {s.tag for s in terms.sources} == {"PT", "VPA19", "DR24"}
    assert terms.rule_class == STATUTORY and "Prospective" in terms.note


def test_a_targets_months_apply_only_to_local_practice():
    england = PROFILES["england-2016"]
    assert england.months("decision", (("decision", 5),)) == 1  # guidance: not settable
    assert england.months("first_panel_meeting", (("first_panel_meeting", 3),)) == 3
    assert england.local_targets() == ("first_panel_meeting",)
    assert PROFILES["dardr-2024"].local_targets() == (
        "decision", "first_panel_meeting", "completion")
