"""Article 8 at the lab's door: what leaves the lab, marked confidential, and the consent to publish.

Every export (ledger, results workbook, monthly report, export and hand-upload packages, saved PDFs,
the notices batch) carries 内部资料 注意保密 and the sentence of Article 8. A 公开同意 record per
task — the organising regulator's consent: authority, document number, date, entered by an
administrator — unlocks a publication-ready copy of the task's ledger or results without the mark,
naming the consent instead. The issued PDFs stay as they were issued (frozen), mark included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.rules import publication as rules
from app.services import permissions
from app.services._common import check_version, get_or_404
from app.services.context import Context
from app.store.models import MonitoringTask, PublicationConsent, Sample, User
from app.store.queries import lab_today

ARTICLE_8 = rules.ARTICLE_8
MARK = rules.MARK


@dataclass(frozen=True)
class ConsentInfo:
    """公开同意 of one task, as recorded."""

    id: int
    version: int
    task_id: int
    task_number: str
    authority: str
    document_number: str
    consent_date: dt.date
    note: str
    recorded_by: str
    recorded_at: dt.datetime | None

    @property
    def line(self) -> str:
        """``经湖北省市场监督管理局同意公开（鄂市监质函〔2026〕12号，2026-11-20，《办法》第八条）``."""
        return rules.consent_line(self.authority, self.document_number, self.consent_date)


@dataclass(frozen=True)
class ExportMark:
    """How an export is marked: confidential (the mark and Article 8), or publication-ready (the
    consent it rests on). ``title`` names what leaves the lab."""

    title: str
    confidential: bool = True
    consent: str = ""  # the consent line of a publication-ready copy

    @property
    def footer(self) -> str:
        return ARTICLE_8 if self.confidential else self.consent


def _info(session: Session, c: PublicationConsent) -> ConsentInfo:
    who = session.get(User, c.recorded_by_id) if c.recorded_by_id else None
    return ConsentInfo(c.id, c.version, c.task_id, c.task.number if c.task else "", c.authority, c.document_number,
                       c.consent_date, c.note or "", who.display_name if who else "", c.updated_at or c.created_at)


def _consent(session: Session, task_id: int) -> PublicationConsent | None:
    return session.scalar(select(PublicationConsent).where(PublicationConsent.task_id == task_id))


def get_consent(ctx: Context, task_id: int) -> ConsentInfo | None:
    """The task's 公开同意 record, or None (its information may not be made public)."""
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        c = _consent(uow.session, task_id)
        return _info(uow.session, c) if c is not None else None


def record_consent(ctx: Context, task_id: int, *, authority: str, document_number: str,
                   consent_date: dt.date | None, note: str = "", version: int | None = None) -> ConsentInfo:
    """An administrator records (or corrects) the organising regulator's consent to publish the
    task's monitoring information (Article 8). Every field is checked before anything is written."""
    # deferred: the users service brings argon2, needed only to record a consent
    from app.services.users import acting_admin

    permissions.publication_actions(ctx.user).require("record_consent")
    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        errors = rules.consent_problems(authority, document_number, consent_date, today=lab_today(uow.session),
                                        note=note)
        if errors:
            raise ValidationError(errors)
        acting_admin(uow.session, ctx, "登记公开同意")
        c = _consent(uow.session, task.id)
        if c is None:
            c = PublicationConsent(task_id=task.id)
            uow.session.add(c)
        else:
            check_version(c, version, "该任务的公开同意记录")
        c.authority = authority.strip()
        c.document_number = document_number.strip()
        c.consent_date = consent_date
        c.note = note.strip() or None
        c.recorded_by_id = ctx.user.id
        uow.session.flush()
        info = _info(uow.session, c)
        uow.commit()
    return info


def export_mark(session: Session, task: MonitoringTask, what: str, *, public: bool = False) -> ExportMark:
    """How an export of ``task`` is marked. ``public`` (a publication-ready copy without the mark) is
    refused unless the task has a 公开同意 record."""
    title = f"{what} · 任务 {task.number}"
    if not public:
        return ExportMark(title)
    c = _consent(session, task.id)
    if c is None:
        raise ValidationError(
            f"任务 {task.number} 没有公开同意记录：未经组织风险监测的市场监管部门同意，不得导出可公开的版本"
            "（《办法》第八条）。请由管理员在“报告与告知 → 导出”中登记同意公开的部门、文号和日期。",
            field="public",
        )
    return ExportMark(title, confidential=False, consent=rules.consent_line(c.authority, c.document_number,
                                                                            c.consent_date))


@dataclass(frozen=True)
class ExportDescription:
    """What an export takes out of the lab, for the confirmation asked before it (Article 8)."""

    what: str  # e.g. 样品台账：任务 HBFX-2026-DQ-01 2026年…（12 个样品）
    consent: ConsentInfo | None  # the task's 公开同意, if recorded: a publication-ready copy is possible

    @property
    def text(self) -> str:
        return f"{self.what}\n\n{MARK}：{ARTICLE_8}"


EXPORT_KINDS = {
    "ledger": "样品台账",
    "results": "检验结果汇总",
    "package": "任务导出包（检验报告、告知书、分析报告）",
    "notices": "告知书",
}


def describe_export(ctx: Context, kind: str, task_id: int) -> ExportDescription:
    """Names what a task export takes out of the lab: the kind, the task and how many samples."""
    if kind not in EXPORT_KINDS:
        raise ValidationError(f"未知的导出类型：{kind}")
    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        n = int(uow.session.scalar(select(func.count()).select_from(Sample).where(Sample.task_id == task.id)) or 0)
        c = _consent(uow.session, task.id)
        what = f"{EXPORT_KINDS[kind]}：任务 {task.number} {task.title}（共 {n} 个样品）"
        return ExportDescription(what, _info(uow.session, c) if c is not None else None)
