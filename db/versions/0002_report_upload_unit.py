"""The approved report as the upload unit; frozen notices; the analysis report as a record.

Schema:

* ``notifications``: ``issued_at``, ``file_sha256`` and ``pdf`` — a notice's letter is frozen when
  it is issued, like a test report's PDF at approval;
* ``reports.snapshot``: the analysis report's data frozen when it is compiled; ``return_comment``;
* ``sync_outbox``: kinds ``result`` (one approved test report) and ``notice`` beside
  ``analysis_report`` and the old whole-task ``task_results``; the state ``superseded``;
  ``sample_id``, ``note`` and ``recipe`` (how to make the package again from the stored
  documents, instead of a second copy of them in ``package``).

Data (:func:`app.services.deliverables.upgrade_0002`, this revision's ``data_step``: run after the
last migration of the upgrade, in its transaction, with the models as they are then):
existing notices get their PDFs frozen, and whole-task items that were not yet accepted are
superseded by one item per approved report that the province has not received yet. Accepted
whole-task items and their receipts stay untouched as history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
#: run by ``app.store.db.Database.upgrade`` after the last migration, in the same transaction
data_step = "app.services.deliverables:upgrade_0002"

_OLD_KINDS = "kind IN ('task_results', 'analysis_report')"
_NEW_KINDS = "kind IN ('result', 'notice', 'analysis_report', 'task_results')"
_OLD_STATES = "state IN ('pending', 'sending', 'accepted', 'failed', 'cancelled', 'delivered_by_hand')"
_NEW_STATES = ("state IN ('pending', 'sending', 'accepted', 'failed', 'cancelled', 'delivered_by_hand', "
               "'superseded')")


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('file_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('return_comment', sa.Text(), nullable=True))

    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sample_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('recipe', sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sync_outbox_sample_id'), ['sample_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sync_outbox_sample_id_samples'), 'samples', ['sample_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_sync_outbox_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_sync_outbox_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sync_outbox_kind'), _NEW_KINDS)
        batch_op.create_check_constraint(op.f('ck_sync_outbox_state'), _NEW_STATES)



def downgrade() -> None:
    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sync_outbox_state'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_sync_outbox_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sync_outbox_state'), _OLD_STATES)
        batch_op.create_check_constraint(op.f('ck_sync_outbox_kind'), _OLD_KINDS)
        batch_op.drop_constraint(batch_op.f('fk_sync_outbox_sample_id_samples'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sync_outbox_sample_id'))
        batch_op.drop_column('recipe')
        batch_op.drop_column('note')
        batch_op.drop_column('sample_id')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('return_comment')
        batch_op.drop_column('snapshot')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('pdf')
        batch_op.drop_column('file_sha256')
        batch_op.drop_column('issued_at')
