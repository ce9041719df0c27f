"""The sample list and the dashboard at a province's size (1,000,000 samples).

* The text index of the sample list (:mod:`app.store.search_index`): on SQLite two FTS5 tables
  with the trigram tokenizer over ``samples`` (number, product, brand, model, batch) and
  ``enterprises`` (name, USCC), external-content, kept current by triggers and filled here from
  the rows already there; on PostgreSQL GIN ``gin_trgm_ops`` indexes on the same columns, with
  the ``pg_trgm`` extension created where the role may (where it may not, the indexes are left
  out with a notice: text filters then scan, with the same results; ``riskmon db reindex``
  creates them later).
* The dashboard reads open work only: ``ix_samples_open_clock`` (the samples whose Article 18
  clock runs: completed, not reported) is a partial index; ``ix_samples_task_id_problems_found``
  counts samples and problems per task from the index alone; ``notice_backlog``
  (:mod:`app.store.notice_backlog`) holds the problem samples still awaiting a notice, kept by
  triggers on ``samples`` and ``notifications`` and filled here.

Not business records: nothing here is audited (``NON_BUSINESS_TABLES``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store import search_index

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = "completed_date IS NOT NULL AND reported_date IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('samples', schema=None) as batch_op:
        batch_op.create_index('ix_samples_open_clock', ['completed_date', 'id'], unique=False,
                              sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
        batch_op.create_index('ix_samples_task_id_problems_found', ['task_id', 'problems_found'], unique=False)
    bind = op.get_bind()
    notice = search_index.install_all(bind)
    if notice:  # shown by ``riskmon db upgrade`` (and logged)
        bind.info.setdefault("riskmon_notices", []).append(notice)


def downgrade() -> None:
    search_index.uninstall(op.get_bind())
    with op.batch_alter_table('samples', schema=None) as batch_op:
        batch_op.drop_index('ix_samples_task_id_problems_found')
        batch_op.drop_index('ix_samples_open_clock')
