"""Risk intelligence at a province's size, and the hazard class of each scheme item.

* ``risk_counts`` (:mod:`app.store.risk_counts`): the batches tested and with problems per task,
  test item, division, place type and enterprise size, counted from the approved results and kept
  by triggers on ``reports``, ``samples``, ``item_results`` and ``enterprises`` in the same
  transaction as every change; filled here from the rows already there. The 风险研判 view and the
  reports' cross-round sections read these counts instead of every result of every round. Not a
  business record (not audited); ``riskmon db check`` compares it with the base rows and
  ``riskmon db reindex`` rebuilds it.
* ``scheme_items.hazard_class``: the hazard class (危害类别) of each test item of a scheme, from
  which the risk-level proposal suggests 危害程度; set here for the existing items from the hazard
  class table (``resources/rules/hazard_classes.json``: the item's own entry, else a keyword of
  its name; empty when the table does not know the item). A person may set another in the scheme.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app import ruledata
from app.store import risk_counts

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('scheme_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hazard_class', sa.String(length=40), nullable=True))
    bind = op.get_bind()
    table = ruledata.load_hazard_classes()
    items = bind.execute(sa.text("SELECT id, name FROM scheme_items ORDER BY id")).all()
    for item_id, name in items:
        code = ruledata.hazard_class_of(name, table)
        if code:
            bind.execute(sa.text("UPDATE scheme_items SET hazard_class = :c WHERE id = :i"), {"c": code, "i": item_id})
    risk_counts.install(bind)


def downgrade() -> None:
    risk_counts.uninstall(op.get_bind())
    with op.batch_alter_table('scheme_items', schema=None) as batch_op:
        batch_op.drop_column('hazard_class')
