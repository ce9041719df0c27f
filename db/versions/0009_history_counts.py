"""Imported history: earlier rounds' problem counts (往期监测数据) for the cross-round analysis.

* ``history_counts``: per product category, plan year (the round), test item ("" = the batches
  of all items) and region (the sampled party's city), the batches tested and those with a
  problem, as imported from the lab's Excel template (``riskmon import history``); the file it
  came from and who imported it. Counts are checked (``problems <= tested``).

No data step: nothing existing is changed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('history_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('tested', sa.Integer(), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('tested >= 0 AND problems >= 0 AND problems <= tested',
                       name=op.f('ck_history_counts_counts')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'],
                            name=op.f('fk_history_counts_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_counts')),
    sa.UniqueConstraint('category', 'year', 'item', 'region', name=op.f('uq_history_counts_category_year_item_region'))
    )


def downgrade() -> None:
    op.drop_table('history_counts')
