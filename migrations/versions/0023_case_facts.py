"""Case facts at notification, parallel processes, family engagement (issue 13).

Revision ID: 0023_case_facts
Revises: 0022_local_practice
Create Date: 2026-12-03 10:00:00

- ``reviews``: the case facts at notification (age of the person who died, relationship to
  the suspect, kind of death, police force) and the scope reasons a decision not to review
  cites. Existing reviews have none recorded (NULL): nothing is guessed.
- ``parallel_processes`` (tenant-owned, RLS; a joint review's partners reach its rows as
  they reach the review's other rows): a trial, an inquest, another statutory review, an
  IOPC investigation, with its own dates. ``holds.parallel_process_id`` names the one a
  hold waits for.
- ``family_contacts``: advocacy offered and through whom, which leaflet, the agreed update
  schedule, the family's say on the pseudonym and on the draft, preferred language. A
  contact whose old yes/no said a leaflet was given reads "which one was not recorded".
"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import enable_tenant_rls, grant, share_review_rows

revision = '0023_case_facts'
down_revision = '0022_local_practice'
branch_labels = None
depends_on = None


FAMILY_COLUMNS = (
    ('leaflet', sa.String(length=32)),
    ('advocacy_by', sa.String(length=32)),
    ('update_schedule', sa.String(length=200)),
    ('pseudonym_say', sa.String(length=32)),
    ('draft_response', sa.String(length=32)),
    ('preferred_language', sa.String(length=100)),
)


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('victim_age', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('relationship_to_suspect', sa.String(length=32),
                                      nullable=True))
        batch_op.add_column(sa.Column('death_type', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('police_force', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decision_scope_reasons', sa.JSON(), nullable=True))

    op.create_table('parallel_processes',
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('process_type', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('expected_on', sa.Date(), nullable=True),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_parallel_processes_review_id_reviews')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_parallel_processes_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parallel_processes'))
    )
    with op.batch_alter_table('parallel_processes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parallel_processes_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parallel_processes_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parallel_process_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_holds_parallel_process_id'), ['parallel_process_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_holds_parallel_process_id_parallel_processes'),
                                    'parallel_processes', ['parallel_process_id'], ['id'])

    with op.batch_alter_table('family_contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advocacy_offered', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        for name, kind in FAMILY_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    # the old yes/no said "a leaflet" without saying which: keep that readable
    op.execute(sa.text("UPDATE family_contacts SET leaflet = 'not_recorded' "
                       "WHERE leaflet_given AND leaflet IS NULL"))

    bind = op.get_bind()
    enable_tenant_rls(bind, "parallel_processes")
    share_review_rows(bind, "parallel_processes", form="any")
    grant(bind, context.config.attributes.get("app_role"), "parallel_processes",
          "SELECT, INSERT, UPDATE, DELETE")


def downgrade():
    with op.batch_alter_table('family_contacts', schema=None) as batch_op:
        for name, _kind in reversed(FAMILY_COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column('advocacy_offered')
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_holds_parallel_process_id_parallel_processes'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_holds_parallel_process_id'))
        batch_op.drop_column('parallel_process_id')
    with op.batch_alter_table('parallel_processes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parallel_processes_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_parallel_processes_review_id'))
    op.drop_table('parallel_processes')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('decision_scope_reasons')
        batch_op.drop_column('police_force')
        batch_op.drop_column('death_type')
        batch_op.drop_column('relationship_to_suspect')
        batch_op.drop_column('victim_age')
