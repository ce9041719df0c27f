"""Traceability fields, the lab's document assets and its signing key.

* ``samples``: ``sampling_record_number`` (抽样单编号, unique within a task),
  ``condition_on_receipt`` (样品状态 at 收样) and ``test_category`` (检验类别, default 风险监测);
* ``monitoring_tasks.objection_authority``: where objections and re-test applications go
  (异议受理单位; by default the issuing authority), the same in the test report and the notice;
* ``lab_assets``: the CMA mark, the lab's seal and signatories' signature images;
* ``lab_keys``: the lab's signing certificates with their encrypted PKCS#12.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('samples', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sampling_record_number', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('condition_on_receipt', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('test_category', sa.String(length=32), server_default='风险监测',
                                      nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_samples_task_id_sampling_record_number'),
                                          ['task_id', 'sampling_record_number'])

    with op.batch_alter_table('monitoring_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objection_authority', sa.String(length=200), nullable=True))

    op.create_table('lab_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('media_type', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('cma_mark', 'seal', 'signature')", name=op.f('ck_lab_assets_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lab_assets_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_assets')),
    sa.UniqueConstraint('kind', 'user_id', name=op.f('uq_lab_assets_kind_user_id'))
    )
    op.create_table('lab_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('certificate', sa.LargeBinary(), nullable=False),
    sa.Column('pkcs12', sa.LargeBinary(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('not_after', sa.DateTime(timezone=True), nullable=False),
    sa.Column('self_signed', sa.Boolean(), nullable=False),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_lab_keys_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_keys')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_lab_keys_fingerprint'))
    )
    with op.batch_alter_table('lab_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lab_keys_active'), ['active'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lab_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lab_keys_active'))
    op.drop_table('lab_keys')
    op.drop_table('lab_assets')
    with op.batch_alter_table('monitoring_tasks', schema=None) as batch_op:
        batch_op.drop_column('objection_authority')
    with op.batch_alter_table('samples', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_samples_task_id_sampling_record_number'), type_='unique')
        batch_op.drop_column('test_category')
        batch_op.drop_column('condition_on_receipt')
        batch_op.drop_column('sampling_record_number')
