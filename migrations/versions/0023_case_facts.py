"""Case facts at notification, parallel processes, family engagement (issue 13).

Revision ID: 0023_case_facts
Revises: 0022_local_practice
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0023_case_facts'
down_revision = '0022_local_practice'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
