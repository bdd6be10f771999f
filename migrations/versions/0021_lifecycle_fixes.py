"""The lifecycle against the guidance: Home Office changes asked for, learning tasks done, scoping records (issue 13).

Revision ID: 0021_lifecycle_fixes
Revises: 0020_audit_chains
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0021_lifecycle_fixes'
down_revision = '0020_audit_chains'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
