"""One audit chain per partnership and one for the platform (issue 12): an audited request
locks only its own partnership's chain head, never a head every partnership shares.

Revision ID: 0020_audit_chains
Revises: 0019_review_deadlines
Create Date: 2026-12-02 10:00:00

Each event gains ``chain`` (a partnership's id, or ``platform``) and ``chain_seq`` (its
place in that chain); ``audit_chains`` holds each chain's head, made at its first event.
Every event already written becomes the ``legacy`` chain, place = seq, hashes untouched, so
it verifies as before and old anchors still match; its head stays in ``audit_chain_head``,
sealed: the application role may no longer move it. Every new chain starts from the legacy
chain's last hash. On PostgreSQL ``seq`` now comes from a sequence, which takes no lock.
The erasing functions (0013, 0015) need no change: they blank by ``tenant_id`` and leave
``chain``, ``chain_seq`` and the hashes as they are.
"""
import sqlalchemy as sa
from alembic import context, op

from tenants.rls import grant, is_postgresql

revision = '0020_audit_chains'
down_revision = '0019_review_deadlines'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.String(length=36), nullable=False,
                                      server_default='legacy'))
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE audit_events SET chain_seq = seq"))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('chain', server_default=None)
        batch_op.alter_column('chain_seq', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_chain_chain_seq'),
                                          ['chain', 'chain_seq'])
    op.create_table('audit_chains',
    sa.Column('chain', sa.String(length=36), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_chains'))
    )
    role = context.config.attributes.get("app_role")
    # a chain's head is made at its first event and moved by each; never deleted
    grant(bind, role, "audit_chains", "SELECT, INSERT, UPDATE")
    if is_postgresql(bind):
        op.execute(sa.text("CREATE SEQUENCE audit_event_seq OWNED BY audit_events.seq"))
        op.execute(sa.text("SELECT setval('audit_event_seq', "
                           "COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false)"))
        grant(bind, role, "SEQUENCE audit_event_seq", "USAGE")
        if role:  # the legacy chain is sealed: its head no longer moves
            quoted = bind.dialect.identifier_preparer.quote(role)
            op.execute(sa.text(f"REVOKE UPDATE ON audit_chain_head FROM {quoted}"))


def downgrade():
    bind = op.get_bind()
    newer = bind.execute(sa.text(
        "SELECT count(*) FROM audit_events WHERE chain <> 'legacy'")).scalar()
    if newer:
        raise RuntimeError(f"{newer} audit events are on per-partnership chains: one chain "
                           "cannot hold them without rewriting their hashes")
    role = context.config.attributes.get("app_role")
    if is_postgresql(bind):
        grant(bind, role, "audit_chain_head", "UPDATE")
        op.execute(sa.text("DROP SEQUENCE audit_event_seq"))
    op.drop_table('audit_chains')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_chain_chain_seq'), type_='unique')
        batch_op.drop_column('chain_seq')
        batch_op.drop_column('chain')
