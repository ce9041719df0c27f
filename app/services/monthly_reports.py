"""风险信息月报 as an issued record (Article 11: 风险信息报送实行月报制).

Compiling freezes the month's risk-information register (a snapshot of its entries, with their
即时报送); review and approval are :func:`app.services.reports.review_report` /
:func:`~app.services.reports.approve_report` — different people, the signer's password again —
and approval freezes the PDF and the Excel workbook. Each sending (报送: date, recipient, method,
receipt) is a :class:`~app.store.models.ReportSubmission`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.store.models import Report

#: why a monthly report compiled before migration 0010 went back to its compiler
RECOMPILE_NOTE = "升级后须重新编制：编制时冻结当月风险信息登记。"


def upgrade_0010(connection: Any) -> None:
    """Data step of migration 0010, in its transaction: a monthly report compiled or reviewed before
    this revision froze nothing to sign, so it goes back to its compiler to be compiled again."""
    from sqlalchemy.orm import sessionmaker

    from app.store import audit

    factory = sessionmaker(bind=connection, autoflush=False, join_transaction_mode="rollback_only")
    audit.install(factory)
    session = factory()
    session.info["actor"] = "migration:0010"
    try:
        for r in session.scalars(select(Report).where(Report.kind == "monthly",
                                                      Report.status.in_(("compiled", "reviewed")))):
            if r.snapshot is None:
                r.status = "draft"
                r.reviewed_by_id = r.reviewed_at = None
                r.return_comment = RECOMPILE_NOTE
        session.flush()
    finally:
        session.close()
