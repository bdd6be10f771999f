"""The stages of a review (LIFECYCLE.md, "Stages")."""
from __future__ import annotations

from enum import StrEnum

from core.lifecycle.messages import N_


class Stage(StrEnum):
    NOTIFIED = "notified"
    SCOPING = "scoping"
    NOT_COMMISSIONED = "not_commissioned"
    SETUP = "setup"
    EVIDENCE = "evidence"
    DRAFTING = "drafting"
    LOCAL_SIGNOFF = "local_signoff"
    HOME_OFFICE_QA = "home_office_qa"
    READY_TO_PUBLISH = "ready_to_publish"
    PUBLISHED = "published"
    NOT_PUBLISHED = "not_published"
    MONITORING = "monitoring"
    CLOSED = "closed"


STAGES = tuple(Stage)

# The main path of a review, in order (LIFECYCLE.md, "Stages"). A side stage stands in for
# a stage of the path: not commissioned comes before set-up (the Home Office accepts the
# decision, or directs a review), not published in place of published.
MAIN_PATH = (Stage.NOTIFIED, Stage.SCOPING, Stage.SETUP, Stage.EVIDENCE, Stage.DRAFTING,
             Stage.LOCAL_SIGNOFF, Stage.HOME_OFFICE_QA, Stage.READY_TO_PUBLISH,
             Stage.PUBLISHED, Stage.MONITORING, Stage.CLOSED)
SIDE_STAGES = {Stage.NOT_COMMISSIONED: Stage.SETUP, Stage.NOT_PUBLISHED: Stage.PUBLISHED}


def path_position(stage: str) -> float:
    """Where ``stage`` stands on the main path: a side stage just before the stage it
    stands in for (not commissioned: before set-up) or at it (not published)."""
    if stage in SIDE_STAGES:
        at = MAIN_PATH.index(SIDE_STAGES[stage])
        return at - 0.5 if stage == Stage.NOT_COMMISSIONED else at
    return MAIN_PATH.index(stage)

# A review may be put on hold from set-up until it is ready to publish.
HOLDABLE = frozenset({Stage.SETUP, Stage.EVIDENCE, Stage.DRAFTING, Stage.LOCAL_SIGNOFF,
                      Stage.HOME_OFFICE_QA, Stage.READY_TO_PUBLISH})

HOLD_REASONS = ("criminal_proceedings", "inquest", "parallel_review", "family_contact", "other")

STAGE_LABELS = {
    Stage.NOTIFIED: N_("Notified"),
    Stage.SCOPING: N_("Scoping"),
    Stage.NOT_COMMISSIONED: N_("Not commissioned"),
    Stage.SETUP: N_("Set-up"),
    Stage.EVIDENCE: N_("Evidence"),
    Stage.DRAFTING: N_("Drafting"),
    Stage.LOCAL_SIGNOFF: N_("Local sign-off"),
    Stage.HOME_OFFICE_QA: N_("Home Office quality assurance"),
    Stage.READY_TO_PUBLISH: N_("Ready to publish"),
    Stage.PUBLISHED: N_("Published"),
    Stage.NOT_PUBLISHED: N_("Not published"),
    Stage.MONITORING: N_("Monitoring the action plan"),
    Stage.CLOSED: N_("Closed"),
}

HOLD_REASON_LABELS = {
    "criminal_proceedings": N_("Criminal proceedings"),
    "inquest": N_("Inquest"),
    "parallel_review": N_("Parallel review"),
    "family_contact": N_("Family contact"),
    "other": N_("Other"),
}
