"""Each kind of record a review holds, declared once: its model, what it takes in, what
may be changed later (a correction: every kind people enter by hand), and who may write
it. Service, API and pages are built from this."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from core.records import models as m
from core.records import schemas as s


@dataclass(frozen=True)
class Kind:
    slug: str            # URL segment: /reviews/<id>/<slug>
    model: type
    title: object        # lazy label for people
    summary_field: str   # what a list shows for each record
    create: type[Schema] | None
    update: type[Schema] | None
    output: type[Schema]
    order_by: str
    read_permission: str = "review.read"  # need to know: some kinds are not for viewers
    removable: bool = True  # False: made by a step (kept whole), only ever updated

    @property
    def key(self) -> str:  # endpoint-safe name
        return self.slug.replace("-", "_")


KINDS: tuple[Kind, ...] = (
    Kind("scoping-returns", m.ScopingReturn, _l("Scoping returns"), "agency",
         s.ScopingReturnIn, s.ScopingReturnIn,
         s.output_schema("ScopingReturnOut", s.ScopingReturnIn), "asked_on"),
    Kind("quotes", m.Quote, _l("Quotes for the chair and author"), "supplier", s.QuoteIn,
         s.QuoteIn, s.output_schema("QuoteOut", s.QuoteIn), "received_on"),
    Kind("chair-appointments", m.ChairAppointment, _l("Independent chair"), "name",
         s.ChairAppointmentIn, s.ChairAppointmentIn,
         s.output_schema("ChairAppointmentOut", s.ChairAppointmentIn), "appointed_on"),
    Kind("panel-members", m.PanelMember, _l("Panel members"), "agency", s.PanelMemberIn,
         s.PanelMemberIn,
         s.output_schema("PanelMemberOut", s.PanelMemberIn), "agency"),
    # a meeting is recorded ahead (planned) and later marked held (issue 14)
    Kind("panel-meetings", m.PanelMeeting, _l("Panel meetings"), "meeting_on",
         s.PanelMeetingIn, s.PanelMeetingIn, s.PanelMeetingOut, "meeting_on"),
    Kind("agency-reports", m.AgencyReportRequest, _l("Agency reports"), "agency",
         s.AgencyReportRequestIn, s.AgencyReportUpdate,
         s.output_schema("AgencyReportOut", s.AgencyReportUpdate),
         "due_on", "agency_reports.read"),
    Kind("family-contacts", m.FamilyContact, _l("Family and friends engagement"),
         "relationship", s.FamilyContactIn, s.FamilyContactIn,
         s.FamilyContactOut, "contacted_on", "family.read"),
    Kind("parallel-processes", m.ParallelProcess, _l("Parallel processes"), "process_type",
         s.ParallelProcessIn, s.ParallelProcessIn,
         s.output_schema("ParallelProcessOut", s.ParallelProcessIn), "created_at"),
    Kind("recommendations", m.Recommendation, _l("Recommendations"), "text",
         s.RecommendationIn, s.RecommendationIn,
         s.output_schema("RecommendationOut", s.RecommendationIn), "created_at"),
    Kind("actions", m.Action, _l("Action plan"), "description", s.ActionIn, s.ActionUpdate,
         s.output_schema("ActionOut", s.ActionUpdate), "due_on"),
    Kind("home-office-submissions", m.HomeOfficeSubmission, _l("Home Office submissions"),
         "submitted_on", None, s.HomeOfficeSubmissionUpdate, s.HomeOfficeSubmissionOut,
         "submitted_on", removable=False),
    Kind("home-office-changes", m.HomeOfficeChange, _l("Changes the Home Office asked for"),
         "change", s.HomeOfficeChangeIn, s.HomeOfficeChangeUpdate,
         s.output_schema("HomeOfficeChangeOut", s.HomeOfficeChangeUpdate, s.DoneBy), "asked_on",
         # the Home Office's list: removing an item would let publication skip it (BAS)
         removable=False),
    Kind("publication-records", m.PublicationRecord, _l("Publication record"), "decision",
         None, None, s.PublicationRecordOut, "decided_on"),
    Kind("learning-tasks", m.LearningTask, _l("Learning tasks"), "title", None,
         s.LearningTaskUpdate, s.output_schema("LearningTaskOut", s.LearningTaskOut,
                                               s.LearningTaskUpdate, s.DoneBy),
         "due_on", removable=False),
    Kind("learning-receipts", m.LearningReceipt, _l("Learning received by its recipients"),
         "recipient", None, s.LearningReceiptUpdate,
         s.output_schema("LearningReceiptOut", s.LearningReceiptOut, s.LearningReceiptUpdate),
         "recipient", removable=False),
    Kind("early-learning", m.EarlyLearning, _l("Early learning from scoping"), "learning",
         s.EarlyLearningIn, s.EarlyLearningUpdate,
         s.output_schema("EarlyLearningOut", s.EarlyLearningUpdate), "noted_on"),
)
BY_SLUG = {kind.slug: kind for kind in KINDS}
