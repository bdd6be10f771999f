"""Guidance profile rules with their sources and a partnership's own targets; Wales SUSR (issue 13).

Revision ID: 0025_profile_rules
Revises: 0024_public_listing
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0025_profile_rules'
down_revision = '0024_public_listing'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
