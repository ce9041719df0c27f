"""Article 8's consent to publication as a record, and amendments authorised by a signatory.

* ``publication_consents``: per task, the organising regulator's consent to make its monitoring
  information public (公开同意: authority, document number, date, note, who recorded it); only
  with it can a copy without 内部资料 注意保密 be exported;
* ``result_amendments``: ``status`` (``pending`` until an authorised signatory other than the
  amender approves it, ``approved``, or ``rejected``), ``decided_by_id``/``decided_at`` and the
  refusal's ``decision_comment``. Amendments made before this revision took effect at once: they
  become ``approved`` (the column's server default), which the upgrade records in the audit log.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('publication_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('authority', sa.String(length=100), nullable=False),
    sa.Column('document_number', sa.String(length=64), nullable=False),
    sa.Column('consent_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                            name=op.f('fk_publication_consents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['monitoring_tasks.id'],
                            name=op.f('fk_publication_consents_task_id_monitoring_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_consents')),
    sa.UniqueConstraint('task_id', name=op.f('uq_publication_consents_task_id'))
    )

    with op.batch_alter_table('result_amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='approved', nullable=False))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decision_comment', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_result_amendments_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_result_amendments_decided_by_id_users'), 'users',
                                    ['decided_by_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_result_amendments_status'),
                                         "status IN ('pending', 'approved', 'rejected')")


def downgrade() -> None:
    # a pending or refused amendment never changed its result: it has no place in the older schema
    op.execute("DELETE FROM result_amendments WHERE status <> 'approved'")
    with op.batch_alter_table('result_amendments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_result_amendments_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_result_amendments_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_result_amendments_status'))
        batch_op.drop_column('decision_comment')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('status')

    op.drop_table('publication_consents')
