"""The monthly risk-information report as an issued record, and 即时报送 in the register (Article 11).

* ``reports``: a monthly report keeps its frozen Excel workbook beside its frozen PDF
  (``workbook``, ``workbook_sha256``); compiling it freezes the month's register in ``snapshot``;
* ``report_submissions``: 报送 — when an issued report went to whom, how (upload / e-mail / post /
  by hand / other) and the receipt, one row per sending;
* ``risk_information``: 即时报送 of major information — ``reported_at``, ``reported_to`` and
  ``report_method`` (an entry linked to a reported major hazard reads them from the hazard record).

Data (:func:`app.services.monthly_reports.upgrade_0010`, this revision's ``data_step``): a
monthly report compiled or reviewed before this revision froze nothing, so it goes back to its
compiler (``draft``, with a note) to be compiled again; approved ones stay as they were.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
#: run by ``app.store.db.Database.upgrade`` after the last migration, in the same transaction
data_step = "app.services.monthly_reports:upgrade_0010"


def upgrade() -> None:
    op.create_table('report_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('receipt', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method IN ('upload', 'email', 'post', 'hand', 'other')",
                       name=op.f('ck_report_submissions_method')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                            name=op.f('fk_report_submissions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_submissions_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submissions'))
    )
    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_submissions_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workbook', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('workbook_sha256', sa.String(length=64), nullable=True))

    with op.batch_alter_table('risk_information', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reported_to', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('report_method', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(op.f('ck_risk_information_report_method'),
                                         "report_method IN ('upload', 'phone', 'hand', 'email')")


def downgrade() -> None:
    with op.batch_alter_table('risk_information', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_risk_information_report_method'), type_='check')
        batch_op.drop_column('report_method')
        batch_op.drop_column('reported_to')
        batch_op.drop_column('reported_at')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('workbook_sha256')
        batch_op.drop_column('workbook')

    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_submissions_report_id'))

    op.drop_table('report_submissions')
