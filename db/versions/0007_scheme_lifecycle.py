"""The scheme's lifecycle of Article 14: internal review, the authority's confirmation, revisions.

Schema:

* ``scheme_events``: every step of a scheme — submission, return (with the reviewer's comment),
  internal review (审核), the authority's confirmation (确认: its document number, date and the
  file it sent, kept in the row), revision, supersession — kept in order, never changed;
* ``schemes``: ``revision`` (版本) and ``previous_id`` (the confirmed version a revision revises),
  ``drafted_by_id``, and the confirmation recorded from the issuing authority
  (``confirmed_by_id``/``confirmed_at``, ``authority_document``, ``authority_date``) instead of
  the internal ``approved_by_id``/``approved_at``; the statuses ``approved`` → ``confirmed``,
  ``rejected`` → ``returned``, and ``superseded`` for a version replaced by a confirmed revision.

Data (:func:`app.services.tasks.upgrade_0007`, this revision's ``data_step``): each existing
scheme gets the history its columns still tell (submitted, reviewed or returned, confirmed — the
last marked as taken over from the old record, which had no document of the authority), and every
sample registered without a scheme gets its task's current scheme.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
#: run by ``app.store.db.Database.upgrade`` after the last migration, in the same transaction
data_step = "app.services.tasks:upgrade_0007"

_OLD_STATUSES = "status IN ('draft', 'submitted', 'reviewed', 'approved', 'rejected')"
_NEW_STATUSES = "status IN ('draft', 'submitted', 'reviewed', 'returned', 'confirmed', 'superseded')"
_EVENT_KINDS = "kind IN ('drafted', 'submitted', 'returned', 'reviewed', 'confirmed', 'revised', 'superseded')"


def upgrade() -> None:
    op.create_table('scheme_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('document_number', sa.String(length=100), nullable=True),
    sa.Column('document_date', sa.Date(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('mime', sa.String(length=100), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_EVENT_KINDS, name=op.f('ck_scheme_events_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_scheme_events_actor_id_users')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_scheme_events_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheme_events'))
    )
    with op.batch_alter_table('scheme_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheme_events_scheme_id'), ['scheme_id'], unique=False)

    with op.batch_alter_table('schemes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('previous_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('drafted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('authority_document', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('authority_date', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_schemes_previous_id'), ['previous_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_schemes_previous_id_schemes'), 'schemes', ['previous_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_schemes_drafted_by_id_users'), 'users', ['drafted_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_schemes_confirmed_by_id_users'), 'users',
                                    ['confirmed_by_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_schemes_status'), type_='check')

    # the old "approved" was the lab's own step standing for the confirmation: it is kept as the
    # confirmation (the data step writes its history, saying the authority's document is missing)
    op.execute("UPDATE schemes SET status = 'confirmed' WHERE status = 'approved'")
    op.execute("UPDATE schemes SET status = 'returned' WHERE status = 'rejected'")
    op.execute("UPDATE schemes SET confirmed_at = approved_at, confirmed_by_id = approved_by_id "
               "WHERE approved_at IS NOT NULL")
    op.execute("UPDATE schemes SET drafted_by_id = submitted_by_id")

    with op.batch_alter_table('schemes', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_schemes_status'), _NEW_STATUSES)
        batch_op.drop_constraint(batch_op.f('fk_schemes_approved_by_id_users'), type_='foreignkey')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by_id')


def downgrade() -> None:
    with op.batch_alter_table('schemes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_schemes_approved_by_id_users'), 'users', ['approved_by_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_schemes_status'), type_='check')

    op.execute("UPDATE schemes SET approved_at = confirmed_at, approved_by_id = confirmed_by_id "
               "WHERE confirmed_at IS NOT NULL")
    op.execute("UPDATE schemes SET status = 'approved' WHERE status IN ('confirmed', 'superseded')")
    op.execute("UPDATE schemes SET status = 'rejected' WHERE status = 'returned'")

    with op.batch_alter_table('schemes', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_schemes_status'), _OLD_STATUSES)
        batch_op.drop_constraint(batch_op.f('fk_schemes_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_schemes_drafted_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_schemes_previous_id_schemes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_schemes_previous_id'))
        batch_op.drop_column('authority_date')
        batch_op.drop_column('authority_document')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('drafted_by_id')
        batch_op.drop_column('previous_id')
        batch_op.drop_column('revision')

    with op.batch_alter_table('scheme_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheme_events_scheme_id'))
    op.drop_table('scheme_events')
