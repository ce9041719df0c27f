"""A year's holiday notice is announced only as a whole; per-grade requirements in the catalog.

Schema:

* ``calendar_years``: one row per year whose State Council notice the lab entered, with
  ``complete`` (通知已完整录入). Only a complete year is announced; rows of an incomplete year
  override the days they name while every deadline depending on the year stays provisional
  (``spec/RULES.md`` §1). Existing entries are *not* marked complete here: before this revision
  any entered row made its year look official, which is the defect this revision removes, so an
  administrator confirms each year (设置 → 工作日日历, or ``riskmon calendar complete YEAR``).
* ``standard_items.grades``: per-grade requirements of a catalog item (``{"合格品": {...}}``),
  chosen by a declared grade such as "GB/T 22849-2014 合格品" (``spec/RULES.md`` §2).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_years')),
    sa.UniqueConstraint('year', name=op.f('uq_calendar_years_year'))
    )
    with op.batch_alter_table('standard_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grades', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('standard_items', schema=None) as batch_op:
        batch_op.drop_column('grades')
    op.drop_table('calendar_years')
