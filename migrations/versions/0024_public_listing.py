"""Public listing: windows kept, not-published notices, learning packs (issue 13).

Revision ID: 0024_public_listing
Revises: 0023_case_facts
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0024_public_listing'
down_revision = '0023_case_facts'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
