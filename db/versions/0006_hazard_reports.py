"""Major quality-safety hazards (重大质量安全风险隐患, Article 18 ¶3) as a record.

* ``hazard_reports``: the hazard found in a sample — discovery (who, when), description,
  measures, the affected items (or the reason when none is nonconforming), the organising
  authority told, how (upload / phone / by hand), whom, the receipt, the frozen letter and its
  link to the 即时报送 entry of the risk register;
* ``sync_outbox``: the kind ``hazard`` (its package goes ahead of the queue).

Data (:func:`app.services.hazard.upgrade_0006`, this revision's ``data_step``): every sample
marked as a major hazard gets its record — a reported one when ``major_hazard_reported_at`` is
set, a draft otherwise. The samples' columns stay, kept in step with the records.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
#: run by ``app.store.db.Database.upgrade`` after the last migration, in the same transaction
data_step = "app.services.hazard:upgrade_0006"

_OLD_KINDS = "kind IN ('result', 'notice', 'analysis_report', 'task_results')"
_NEW_KINDS = "kind IN ('result', 'notice', 'analysis_report', 'task_results', 'hazard')"


def upgrade() -> None:
    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sync_outbox_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sync_outbox_kind'), _NEW_KINDS)

    op.create_table('hazard_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('found_by_id', sa.Integer(), nullable=True),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('affected_items', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=True),
    sa.Column('contact_person', sa.String(length=100), nullable=True),
    sa.Column('receipt', sa.String(length=200), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('risk_information_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method IN ('upload', 'phone', 'hand')", name=op.f('ck_hazard_reports_method')),
    sa.CheckConstraint("status IN ('draft', 'reported')", name=op.f('ck_hazard_reports_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_hazard_reports_created_by_id_users')),
    sa.ForeignKeyConstraint(['found_by_id'], ['users.id'], name=op.f('fk_hazard_reports_found_by_id_users')),
    sa.ForeignKeyConstraint(['outbox_id'], ['sync_outbox.id'], name=op.f('fk_hazard_reports_outbox_id_sync_outbox')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_hazard_reports_reported_by_id_users')),
    sa.ForeignKeyConstraint(['risk_information_id'], ['risk_information.id'],
                            name=op.f('fk_hazard_reports_risk_information_id_risk_information')),
    sa.ForeignKeyConstraint(['sample_id'], ['samples.id'], name=op.f('fk_hazard_reports_sample_id_samples')),
    sa.ForeignKeyConstraint(['task_id'], ['monitoring_tasks.id'],
                            name=op.f('fk_hazard_reports_task_id_monitoring_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_reports')),
    sa.UniqueConstraint('number', name=op.f('uq_hazard_reports_number'))
    )
    with op.batch_alter_table('hazard_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_reports_outbox_id'), ['outbox_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_reports_risk_information_id'), ['risk_information_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_reports_sample_id'), ['sample_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_reports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_reports_task_id'), ['task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('hazard_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_reports_task_id'))
        batch_op.drop_index(batch_op.f('ix_hazard_reports_status'))
        batch_op.drop_index(batch_op.f('ix_hazard_reports_sample_id'))
        batch_op.drop_index(batch_op.f('ix_hazard_reports_risk_information_id'))
        batch_op.drop_index(batch_op.f('ix_hazard_reports_outbox_id'))
    op.drop_table('hazard_reports')
    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sync_outbox_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sync_outbox_kind'), _OLD_KINDS)
