"""Imports every model so the metadata (and Alembic) sees the whole schema."""
from core.audit.models import AuditChainHead, AuditEvent  # noqa: F401
from core.auth.models import ApiToken, User  # noqa: F401
from core.reviews.models import ReferenceCounter, Review  # noqa: F401
from tenants.models import Membership, Region, RegionMembership, Tenant  # noqa: F401
