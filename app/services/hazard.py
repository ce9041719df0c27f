"""重大质量安全风险隐患 (Article 18 ¶3): a major hazard found in a sample, recorded and reported
at once to the organising authority — uploaded ahead of the queue, or told by phone or by hand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.store.models import HazardReport, Sample

MIGRATED_NOTE = "迁移自原记录：只记录了上报时间，未记录方式和接收人。"


def upgrade_0006(connection: Any) -> None:
    """Data step of migration 0006, in its transaction: every sample marked as a major hazard
    gets its record — reported when the sample says when it was reported, a draft otherwise."""
    from sqlalchemy.orm import sessionmaker

    from app.store import audit

    factory = sessionmaker(bind=connection, autoflush=False, join_transaction_mode="rollback_only")
    audit.install(factory)
    session = factory()
    session.info["actor"] = "migration:0006"
    try:
        have = set(session.scalars(select(HazardReport.sample_id)))
        samples = session.scalars(select(Sample).where(Sample.major_hazard.is_(True)).order_by(Sample.id))
        for s in samples:
            if s.id in have:
                continue
            reported = s.major_hazard_reported_at
            items = affected_items_of(s)
            session.add(HazardReport(
                sample_id=s.id, task_id=s.task_id,
                status="reported" if reported else "draft",
                found_at=reported or s.updated_at,
                description=(s.major_hazard_note or "").strip() or "（原记录未描述）",
                affected_items=items,
                reason=None if items else "迁移前记录，未注明理由。",
                recipient=s.task.issuing_authority if s.task else None,
                reported_at=reported,
                receipt=MIGRATED_NOTE if reported else None,
            ))
        session.flush()
    finally:
        session.close()


def affected_items_of(sample: Sample) -> list[dict[str, Any]]:
    """The sample's nonconforming and panel-flagged items: name, result, unit, judgement."""
    out: list[dict[str, Any]] = []
    for r in sample.results:
        if r.judgement in ("fail", "panel"):
            out.append({"item": r.item, "value": r.value_text or "", "unit": r.unit or "",
                        "judgement": r.judgement})
    seen = {i["item"] for i in out}
    for p in sample.panel_evaluations:
        if p.item not in seen:
            out.append({"item": p.item, "value": "", "unit": "", "judgement": "panel",
                        "conclusion": p.conclusion})
            seen.add(p.item)
    return out
