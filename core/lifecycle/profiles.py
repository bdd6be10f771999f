"""Guidance profiles as data. A review keeps the profile it was created under.

Every deadline and rule of a profile carries where it comes from and what kind of rule it
is (issue 13, part 2). The shape, for every profile (``england-2016``, ``dardr-2024``,
``wales-susr``):

* ``Profile.rules`` is a tuple of ``Rule(key, rule_class, sources, note="")``, one per key
  of ``RULE_KEYS``: the four deadlines (``decision``, ``first_panel_meeting``,
  ``completion``, ``publication_window``, whose months are the Profile's ``*_months``
  fields, see ``DEADLINE_FIELDS``), ``holds`` (which stages may be held, and that holds
  extend deadlines), ``scoping`` (``scoping_required``) and ``copies``
  (``copies_on_submission``). A profile may add keys of its own (e.g. SUSR steps).
* ``rule_class`` is one of ``STATUTORY``, ``HOME_OFFICE_GUIDANCE``,
  ``WELSH_GOVERNMENT_GUIDANCE``
  (alias ``GUIDANCE``) or ``LOCAL_PRACTICE``. A rule that no source
  confirms is ``LOCAL_PRACTICE``: people see it as a *target*, never as statutory, and a
  partnership may change the months of a local-practice deadline (its own targets, kept on
  the tenant: ``Tenant.local_targets``; the clock reads them as ``ReviewFacts.targets``).
* ``sources`` is a tuple of ``Source(tag, url, where, confirms=True, secondary=False)``:
  ``tag`` and ``url`` as in the sources table of SEED-AUDIT.md (e.g. ``"QES"``), ``where``
  the document, section, paragraph or page. ``confirms=False`` names where the rule was
  looked for and not found (only a ``LOCAL_PRACTICE`` rule may rest on such sources alone);
  ``secondary=True`` marks a secondary source (a vendor's or a newspaper's summary).
* ``Profile.draft`` (with ``Profile.status``, a ``Rule`` keyed ``"status"``) marks guidance
  that is not in force: choosing it says so (``dardr-2024``).

A profile without a sourced rule for every key fails ``tests/lifecycle/test_profiles.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.lifecycle.messages import N_

STATUTORY = "statutory"
HOME_OFFICE_GUIDANCE = "home_office_guidance"
# Welsh Government guidance (SUSR) is guidance, as the Home Office's is, but not the Home
# Office's: a page must not call a SUSR rule "Home Office guidance".
WELSH_GOVERNMENT_GUIDANCE = GUIDANCE = "welsh_government_guidance"
LOCAL_PRACTICE = "local_practice"
RULE_CLASSES = (STATUTORY, HOME_OFFICE_GUIDANCE, WELSH_GOVERNMENT_GUIDANCE, LOCAL_PRACTICE)
# The deadlines of a profile and the field holding each one's months.
DEADLINE_FIELDS = {"decision": "decision_months", "first_panel_meeting": "first_panel_months",
                   "completion": "completion_months",
                   "publication_window": "publication_months"}
RULE_KEYS = (*DEADLINE_FIELDS, "holds", "scoping", "copies")
# A partnership's own months for a local-practice target: at least one, at most five years.
TARGET_MONTHS = (1, 60)


@dataclass(frozen=True)
class Source:
    tag: str                 # SEED-AUDIT.md's tag, e.g. "QES"
    url: str
    where: str               # document, section, paragraph or page
    confirms: bool = True    # False: looked for here and not found
    secondary: bool = False  # a summary by someone else, not the guidance itself


@dataclass(frozen=True)
class Rule:
    key: str
    rule_class: str
    sources: tuple[Source, ...]
    note: str = ""           # what the sources leave unconfirmed

    @property
    def confirmed(self) -> bool:
        return any(s.confirms for s in self.sources)


@dataclass(frozen=True)
class Profile:
    name: str
    decision_months: int          # notification -> decision
    first_panel_months: int       # decision -> first panel meeting
    completion_months: int        # decision -> submitted to the Home Office
    # Months a published report must stay online before the area may take it down: None,
    # no national period was found (SEED-AUDIT.md england-2016 "how long online":
    # invented). How long reports stay online is the area's publication policy (the
    # publication_plan hook); by default they stay online.
    publication_months: int | None
    scoping_required: bool        # a formal scoping stage before the decision
    copies_on_submission: tuple[str, ...] = ()  # who else receives the report
    rules: tuple[Rule, ...] = ()  # each deadline and rule with its class and sources
    draft: bool = False           # guidance not in force: choosing it says so
    status: Rule | None = None    # why it is (not) in force, with sources

    def rule(self, key: str) -> Rule | None:
        return next((r for r in self.rules if r.key == key), None)

    def months(self, key: str, targets=()) -> int:
        """The months of deadline ``key``: the partnership's own (``targets``: pairs of
        (key, months)) for a local-practice target, the profile's otherwise."""
        rule = self.rule(key)
        if rule is not None and rule.rule_class == LOCAL_PRACTICE:
            own = dict(targets).get(key)
            if own is not None:
                return own
        return getattr(self, DEADLINE_FIELDS[key])

    def local_targets(self) -> tuple[str, ...]:
        """The deadlines a partnership may set its own months for. The publication window
        is the area's publication policy, set there, not here."""
        return tuple(key for key in DEADLINE_FIELDS if key != "publication_window"
                     and (r := self.rule(key)) is not None
                     and r.rule_class == LOCAL_PRACTICE)


# The sources, by SEED-AUDIT.md's tags (its sources table; RESEARCH.md §10).
QES = "https://www.qes-online.co.uk/case-review-dhr"
G2016 = ("https://fdocuments.net/document/multi-agency-statutory-guidance-for-the-conduct-of-"
         "statutory-guidance-for-the.html")
G2011 = ("https://pdfslide.us/documents/multi-agency-statutory-guidance-for-the-statutory-"
         "guidance-for-the-conduct-of.html")
BBC = "https://www.daily8.com/en/article/6fb76f35c590225d1b3a82fa16f28f02"
BARN = "https://barnsley.gov.uk/services/community-safety-and-crime/domestic-homicide-review-dhr"
CROY = ("https://www.croydon.gov.uk/community-and-safety/support-groups-and-advice/"
        "domestic-abuse/why-do-we-carry-out-domestic-homicide-reviews")
S_PRES = "https://www.preston.gov.uk/article/1153/Domestic-homicide-reviews"
VPA19 = "https://legislation.gov.uk/ukpga/2024/21/section/19"
PT = "https://www.parliamenttoday.com/members/viewnews.html?id=152978"
DR24 = ("https://www.gov.uk/government/consultations/updating-the-domestic-homicide-review-"
        "statutory-guidance/draft-domestic-homicide-review-statutory-guidance-accessible")
DR24C = ("https://fly1.wordsworth.site/government/consultations/updating-the-domestic-homicide-"
         "review-statutory-guidance/consultation-updating-the-domestic-homicide-review-"
         "statutory-guidance-accessible")
ROW25 = "https://www.jhrowlands.co.uk/single-post/a-frustrating-anniversary"

_G2016_S5 = Source("G2016", G2016, N_("Section 5, timescales (only the contents could be read)"),
                   confirms=False)
_DR24_NONE = Source("DR24", DR24, N_("May 2024 draft (only its opening could be read)"),
                    confirms=False)
# Holds: no source says which stages may be held or that holds extend a deadline
# (SEED-AUDIT §2 "holds only from set-up to ready-to-publish": UNCONFIRMED).
_HOLDS = Rule("holds", LOCAL_PRACTICE, (_G2016_S5,),
              N_("Holds from set-up to ready to publish, and time on hold added to the "
              "deadlines: local practice, no source found."))
# Publication window: owned by the area's publication policy (issue 13, part 1). Preston's
# 12 months is its own practice (Source: S-PRES); no national period was found (G2011 s9).
_PUBLICATION = Rule("publication_window", LOCAL_PRACTICE, (
    Source("S-PRES", S_PRES, N_("Preston's page: online 12 months, then on request")),
    Source("G2011", G2011, N_("Section 9, publication (2011; no period found)"), confirms=False)),
    N_("No national minimum or maximum period online was found: reports stay online "
       "unless the area's publication policy says otherwise."))

# Wales: the Single Unified Safeguarding Review (SEED-AUDIT.md tags SUSR, SCW). Its steps'
# extra fields and guards are in the one transitions table (transitions.Needs), keyed by
# the rules below; no source we reached gives SUSR timescales, so its deadlines are
# local-practice targets.
SUSR = "https://gov.wales/single-unified-safeguarding-review-guidance"
SCW = ("https://safercommunities.wales/safeguarding-early-intervention/"
       "safeguarding-homicide-reviews")
_SUSR_NO_TIMESCALE = Source("SUSR", SUSR, N_("SUSR process and statutory guidance page (no "
                                             "timescale could be read)"), confirms=False)
_SUSR_TARGET = N_("No SUSR timescale was found: a target your partnership may set.")

PROFILES = {
    "england-2016": Profile(
        name="england-2016", decision_months=1, first_panel_months=1, completion_months=6,
        publication_months=None, scoping_required=False,
        rules=(
            # Source: QES (https://www.qes-online.co.uk/case-review-dhr), secondary: the CSP
            # chair confirms the decision within one month of notification.
            Rule("decision", HOME_OFFICE_GUIDANCE, (
                Source("QES", QES, N_("Case Review DHR page: decision within one month of "
                       "notification"), secondary=True), _G2016_S5),
                N_("Read in a secondary source; the 2016 paragraph is UNCONFIRMED.")),
            # First panel meeting within one month: found in no source (SEED-AUDIT §2).
            Rule("first_panel_meeting", LOCAL_PRACTICE, (
                Source("G2016", G2016, N_("Section 4, conducting a review: the panel (no "
                       "one-month figure found)"), confirms=False), _G2016_S5),
                N_("A target, not a statutory deadline: no source sets it.")),
            # Source: BBC (https://www.daily8.com/en/article/6fb76f35c590225d1b3a82fa16f28f02):
            # Home Office guidance says six months; QES (secondary) reads it as completed
            # and published within six months.
            Rule("completion", HOME_OFFICE_GUIDANCE, (
                Source("BBC", BBC, N_("Home Office guidance: finished within six months")),
                Source("QES", QES, N_("a further six months to complete and publish"),
                       secondary=True), _G2016_S5),
                N_("Six months is Home Office guidance. Counting it from the decision to the "
                "submission to the Home Office, and adding time on hold, is local practice: "
                "no source confirms either.")),
            _PUBLICATION,
            _HOLDS,
            # Source: G2016 (contents): scope is set while conducting the review (s4), after
            # it is established (s3); no scoping stage before the decision.
            Rule("scoping", HOME_OFFICE_GUIDANCE, (
                Source("G2016", G2016, N_("Sections 3 and 4: establishing, then conducting "
                       "(panel, chair, scope)")),)),
            # Source: BARN (https://barnsley.gov.uk/...): the report goes to the Home Office
            # QA panel; no other copies.
            Rule("copies", HOME_OFFICE_GUIDANCE, (
                Source("BARN", BARN, N_("published once approved by the Home Office QA panel")),
                Source("CROY", CROY, N_("the Home Office is told of every decision")))),
        ),
    ),
    # Draft guidance, not in force (Source: VPA19 s19 prospective; DR24 draft; ROW25 no
    # government response by May 2025; BBC: in June 2025 the Home Office still said six
    # months). Every deadline here is a target a partnership may set (local practice).
    "dardr-2024": Profile(
        name="dardr-2024", decision_months=1, first_panel_months=1, completion_months=12,
        publication_months=None, scoping_required=True,
        copies_on_submission=("secretary_of_state", "domestic_abuse_commissioner"),
        draft=True,
        status=Rule("status", HOME_OFFICE_GUIDANCE, (
            Source("VPA19", VPA19, N_("section 19: prospective, not in force")),
            Source("DR24", DR24, N_("May 2024 draft guidance, not final")),
            Source("ROW25", ROW25, N_("no government response to the consultation by May 2025")),
            Source("BBC", BBC, N_("June 2025: Home Office guidance still says six months"))),
            N_("Draft guidance: its rules are not in force.")),
        rules=(
            # Copied from england-2016; no DARDR source (SEED-AUDIT §2: invented).
            Rule("decision", LOCAL_PRACTICE, (_DR24_NONE,),
                 N_("Copied from the 2016 profile: no source for the draft sets it.")),
            Rule("first_panel_meeting", LOCAL_PRACTICE, (_DR24_NONE,),
                 N_("Copied from the 2016 profile: no source for the draft sets it.")),
            # 12 months: UNCONFIRMED (SEED-AUDIT §2), a setting until a source confirms it.
            Rule("completion", LOCAL_PRACTICE, (
                Source("BBC", BBC, N_("12 months said to be proposed (passage not reached)"),
                       confirms=False), _DR24_NONE),
                N_("A 12-month target no source confirms: your partnership may set its own.")),
            _PUBLICATION,
            _HOLDS,
            # Source: DR24C (consultation): a "Scoping Review" to record and act on early
            # learning. That it comes before the decision is UNCONFIRMED.
            Rule("scoping", HOME_OFFICE_GUIDANCE, (
                Source("DR24C", DR24C, N_("consultation: a Scoping Review records and acts on "
                       "early learning")),),
                N_("Draft, not in force; that it comes before the decision is unconfirmed.")),
            # Source: VPA19 s19(4)-(5): a copy to the Secretary of State and the Domestic
            # Abuse Commissioner "as soon as reasonably practicable" (prospective).
            Rule("copies", STATUTORY, (
                Source("VPA19", VPA19, N_("section 19(4) and (5)")),),
                N_("Prospective: not in force.")),
            # The name: DARDR comes from the February 2024 government response (PT) and
            # VPA19 s19; the May 2024 draft is still titled "Domestic Homicide Review" (DR24).
            Rule("terms", STATUTORY, (
                Source("PT", PT, N_("5 February 2024: rename to DARDR")),
                Source("VPA19", VPA19, N_("section 19: domestic abuse related death review")),
                Source("DR24", DR24, N_("the draft is still titled Domestic Homicide Review"))),
                N_("Prospective: the 2024 draft guidance still says Domestic Homicide Review.")),
        ),
    ),
    # Source: SUSR (https://gov.wales/single-unified-safeguarding-review-guidance) and SCW
    # (https://safercommunities.wales/safeguarding-early-intervention/safeguarding-homicide-
    # reviews). Welsh Government guidance: GUIDANCE; its timescales: local practice.
    "wales-susr": Profile(
        name="wales-susr", decision_months=1, first_panel_months=1, completion_months=6,
        publication_months=None, scoping_required=False,
        rules=(
            Rule("decision", LOCAL_PRACTICE, (_SUSR_NO_TIMESCALE,), _SUSR_TARGET),
            Rule("first_panel_meeting", LOCAL_PRACTICE, (_SUSR_NO_TIMESCALE,), _SUSR_TARGET),
            Rule("completion", LOCAL_PRACTICE, (
                _SUSR_NO_TIMESCALE,
                Source("BBC", BBC, N_("Home Office guidance: a DHR within six months (not a "
                                      "SUSR timescale)"), confirms=False)), _SUSR_TARGET),
            _PUBLICATION,
            _HOLDS,
            # Referral to the board's business unit, then the case review group: no
            # separate scoping stage.
            Rule("scoping", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: referral to the safeguarding board "
                                        "business unit, then a case review group meeting")),)),
            # Welsh Government is notified (the decision step's field); the report still
            # goes to the Home Office for quality assurance; no other copies are named.
            Rule("copies", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: notifying Welsh Government whenever a "
                                        "SUSR takes place")),
                Source("SCW", SCW, N_("Reviews of Domestic Homicides: DHRs are still submitted "
                                      "to the Home Office for quality assurance")))),
            # The SUSR's own rules: what each asks for is transitions.Needs of the same key.
            Rule("case_review_group", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: referrals go to the safeguarding board "
                                        "business unit; a case review group meets to discuss "
                                        "the incident")),),
                N_("The decision step needs the date the case review group met.")),
            Rule("board_chair_decides", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: the chair of the board decides whether "
                                        "a SUSR will occur")),),
                N_("The partnership's chair role records the board chair's decision.")),
            Rule("welsh_government_notice", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: notifying Welsh Government whenever a "
                                        "SUSR takes place")),),
                N_("The decision to review needs the date Welsh Government was notified.")),
            Rule("wg_list_reviewers", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: a chair and reviewer(s) from an approved "
                                        "list administered by Welsh Government")),),
                N_("The evidence stage waits until they are confirmed from the list.")),
            Rule("learning_event", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: practitioners who worked with the "
                                        "family take part (a practitioner learning event)")),),
                N_("Monitoring the action plan waits until the event is recorded.")),
            Rule("crg_action_plan", GUIDANCE, (
                Source("SUSR", SUSR, N_("SUSR process: a clear action plan, signed off by the "
                                        "case review group")),),
                N_("Monitoring the action plan waits until its sign-off is recorded.")),
            Rule("home_office_qa", HOME_OFFICE_GUIDANCE, (
                Source("SCW", SCW, N_("Reviews of Domestic Homicides: a requirement for all "
                                      "DHRs to be submitted to the Home Office for quality "
                                      "assurance")),),
                N_("The same Home Office submission, outcome and letter as any review.")),
        ),
    ),
}
DEFAULT_PROFILE = "england-2016"


def profile_for(name: str) -> Profile:
    return PROFILES[name]
