"""Walsall agency categories and Warrington quotes (issue 13).

Revision ID: 0022_local_practice
Revises: 0021_lifecycle_fixes
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0022_local_practice'
down_revision = '0021_lifecycle_fixes'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
