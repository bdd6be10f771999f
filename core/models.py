"""Imports every model so the metadata (and Alembic) sees the whole schema."""
from core.accounts.models import AccountLink, AccountMail  # noqa: F401
from core.audit.models import AuditChainHead, AuditEvent  # noqa: F401
from core.auth.models import ApiToken, User  # noqa: F401
from core.dataops.models import RetentionRule  # noqa: F401
from core.documents.models import Document, DocumentRemoval, DocumentVersion  # noqa: F401
from core.names.models import ProtectedName  # noqa: F401
from core.notifications.models import OutboxMessage  # noqa: F401
from core.public.models import DocumentRequest  # noqa: F401
from core.records.models import (  # noqa: F401
    Action,
    AgencyReportRequest,
    ChairAppointment,
    EarlyLearning,
    FamilyContact,
    HomeOfficeChange,
    HomeOfficeSubmission,
    LearningReceipt,
    LearningTask,
    PanelMeeting,
    PanelMember,
    ParallelProcess,
    PublicationRecord,
    Quote,
    Recommendation,
    ScopingReturn,
)
from core.reviews.models import Hold, ReferenceCounter, Review, TimelineEvent  # noqa: F401
from core.sar.models import SubjectAccessRequest  # noqa: F401
from tenants.models import (  # noqa: F401
    Membership,
    Region,
    RegionMembership,
    Tenant,
    TenantPlugin,
)
from tenants.sharing import ReviewPartner  # noqa: F401
