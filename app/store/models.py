"""SQLAlchemy 2 models: the lab's records, portable across SQLite and PostgreSQL.

Conventions
-----------
* Every mutable table has an integer ``id`` key, a ``version`` column used as the mapper's
  ``version_id_col`` (optimistic concurrency: a stale write raises, see ``uow.py``) and
  ``created_at``/``updated_at`` (timezone-aware UTC).
* Enumerated values are plain strings guarded by CHECK constraints; the allowed values are the
  tuples below (``SAMPLE_STATUSES`` …) so services and the GUI share one list.
* Lists and dicts are JSON. Dates are ``datetime.date``; timestamps ``UTCDateTime``.
* "who" columns (``*_by_id``) point at ``users``; the audit log records the acting user name.
* Large binary content (attachments, report PDFs, outbox packages) is deferred: it is loaded
  only when the attribute is read, so lists stay light.
* ``audit_log`` is append-only and not versioned; it is written by ``audit.py`` only.
"""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    declared_attr,
    mapped_column,
    relationship,
)

from app.rules.standards import KINDS as STANDARD_KIND_NAMES
from app.store.search_index import INDEX_TABLES as SEARCH_INDEX_TABLES
from app.store.types import UTCDateTime, utcnow

# --------------------------------------------------------------------------------------------
# Allowed values
# --------------------------------------------------------------------------------------------

ROLES = ("technician", "reviewer", "signatory", "administrator")
ENTERPRISE_SIZES = ("large", "medium", "small", "micro")
AUTHORITY_LEVELS = ("national", "provincial", "municipal", "county")
TASK_STATUSES = ("draft", "active", "completed", "closed")
#: 风险监测方案 (Article 14): drafted, submitted for internal review (审核), reviewed or returned with a
#: comment, confirmed by the authority that issued the task (确认); ``superseded`` once a revision of
#: it is confirmed.
SCHEME_STATUSES = ("draft", "submitted", "reviewed", "returned", "confirmed", "superseded")
#: the steps kept in a scheme's history (``scheme_events``); migration 0007 writes them for what an
#: older database knew only from the scheme's columns
SCHEME_EVENT_KINDS = ("drafted", "submitted", "returned", "reviewed", "confirmed", "revised", "superseded")
SCHEME_STANDARD_ROLES = ("similar", "mandatory")
STANDARD_KINDS = STANDARD_KIND_NAMES  # from app.rules.standards: the rules own the names
PLACE_TYPES = ("producer", "physical_seller", "e_platform")
CLAIM_SOURCES = ("label", "instructions", "advertising", "sample")
SAMPLE_STATUSES = (
    "registered",
    "received",
    "testing",
    "completed",
    "compiled",
    "reviewed",
    "approved",
    "reported",
)
ATTACHMENT_KINDS = ("photo", "unpacking", "other")
JUDGEMENTS = ("pass", "fail", "undetermined", "panel")
REPORT_KINDS = ("test", "analysis", "monthly")
REPORT_STATUSES = ("draft", "compiled", "reviewed", "approved", "superseded")
NOTIFICATION_METHODS = ("post", "email", "hand", "platform", "other")
RISK_INFO_STATUSES = ("open", "assessing", "reported", "closed")
CALENDAR_KINDS = ("holiday", "workday")
#: ``result``: one approved test report with its structured results and the notices issued with it;
#: ``notice``: notices issued after their report's approval; ``analysis_report``: the task's approved
#: analysis report; ``task_results``: a whole-task package (schema 0001, kept as history only);
#: ``hazard``: a 重大质量安全风险隐患报告 (Article 18 ¶3), claimed ahead of every other kind.
OUTBOX_KINDS = ("result", "notice", "analysis_report", "task_results", "hazard")
OUTBOX_STATES = ("pending", "sending", "accepted", "failed", "cancelled", "delivered_by_hand", "superseded")
AUDIT_ACTIONS = ("insert", "update", "delete")
LAB_ASSET_KINDS = ("cma_mark", "seal", "signature")
HAZARD_STATUSES = ("draft", "reported")
#: an amendment of an issued result waits for an authorised signatory (a second person) to approve it
AMENDMENT_STATUSES = ("pending", "approved", "rejected")
#: how a major hazard was reported: 上传省级系统 / 电话 / 当面或书面送达
HAZARD_METHODS = ("upload", "phone", "hand")
#: how major risk information went out at once (即时报送, Article 11): as a hazard is reported, or by e-mail
IMMEDIATE_REPORT_METHODS = ("upload", "phone", "hand", "email")
#: how an issued report went to its recipient (报送): 上传省级系统 / 电子邮件 / 邮寄 / 当面送达 / 其他
SUBMISSION_METHODS = ("upload", "email", "post", "hand", "other")

#: Lab-wide settings with their declared defaults (the ``settings`` table stores overrides).
SETTING_DEFAULTS: dict[str, Any] = {
    "sample_number_pattern": "{task}-{seq:04d}",
    "report_number_pattern": "{year}-BG-{seq:04d}",
    "provincial_url": "",
    "provincial_user": "",
    "deadline_working_days": 5,  # Article 18: report within five working days
    "display_timezone": "Asia/Shanghai",
    "lab_region_code": "42",  # Hubei; used to tell out-of-province recipients
    "hazard_report_hours": 24,  # Article 18 ¶3: a major hazard is reported at once; red after this
}


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join("'" + v + "'" for v in values)
    return f"{column} IN ({quoted})"


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        Decimal: Numeric(14, 3),
    }


class Versioned:
    """Integer key, optimistic-lock version and creation/update timestamps."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-10)
    version: Mapped[int] = mapped_column(Integer, nullable=False, sort_order=10)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, nullable=False, sort_order=10
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False, sort_order=10
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id!r} v{self.version!r}>"


def _user_fk(**kw: Any) -> Any:
    return mapped_column(ForeignKey("users.id"), nullable=True, **kw)


# --------------------------------------------------------------------------------------------
# Lab, settings, users
# --------------------------------------------------------------------------------------------


class Organisation(Versioned, Base):
    """The lab itself (检验检测机构); exactly one row, id 1."""

    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    name: Mapped[str] = mapped_column(String(200))
    cma_number: Mapped[str | None] = mapped_column(String(64))  # CMA证书编号
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(64))


class Setting(Versioned, Base):
    """Lab-wide setting: key → JSON value. Missing keys take ``SETTING_DEFAULTS``."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class User(Versioned, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2
    roles: Mapped[list[Any]] = mapped_column(default=list)  # subset of ROLES
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None]

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])


class Enterprise(Versioned, Base):
    """A producer, seller or platform operator (企业)."""

    __tablename__ = "enterprises"
    __table_args__ = (CheckConstraint(_in("size", ENTERPRISE_SIZES), name="size"),)

    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    address: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)  # 行政区划代码
    size: Mapped[str | None] = mapped_column(String(10))


# --------------------------------------------------------------------------------------------
# Tasks and schemes
# --------------------------------------------------------------------------------------------


class MonitoringTask(Versioned, Base):
    """风险监测任务 received from the organising market regulator."""

    __tablename__ = "monitoring_tasks"
    __table_args__ = (
        CheckConstraint(_in("authority_level", AUTHORITY_LEVELS), name="authority_level"),
        CheckConstraint(_in("status", TASK_STATUSES), name="status"),
    )

    number: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    issuing_authority: Mapped[str | None] = mapped_column(String(200))
    #: where objections and re-test applications go (异议受理单位); by default the issuing authority
    objection_authority: Mapped[str | None] = mapped_column(String(200))
    authority_level: Mapped[str | None] = mapped_column(String(12))
    product_category: Mapped[str | None] = mapped_column(String(200))
    plan_year: Mapped[int | None] = mapped_column(Integer, index=True)
    batches_planned: Mapped[int | None] = mapped_column(Integer)
    sampling_deadline: Mapped[date | None] = mapped_column(Date)
    report_deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    schemes: Mapped[list[Scheme]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Scheme.id"
    )


class Scheme(Versioned, Base):
    """风险监测方案 for one product of a task."""

    __tablename__ = "schemes"
    __table_args__ = (CheckConstraint(_in("status", SCHEME_STATUSES), name="status"),)

    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_tasks.id"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    #: 版本: 1 for the first scheme; a revision of a confirmed scheme is a new row with the next number
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("schemes.id"), index=True)  # the version it revises
    drafted_by_id: Mapped[int | None] = _user_fk()
    submitted_by_id: Mapped[int | None] = _user_fk()
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = _user_fk()
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    #: the authority's confirmation (任务下达部门确认), as recorded by a lab user
    confirmed_by_id: Mapped[int | None] = _user_fk()
    confirmed_at: Mapped[datetime | None]
    authority_document: Mapped[str | None] = mapped_column(String(100))  # 确认文号
    authority_date: Mapped[date | None] = mapped_column(Date)  # 确认日期

    task: Mapped[MonitoringTask] = relationship(back_populates="schemes")
    items: Mapped[list[SchemeItem]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeItem.seq"
    )
    standards: Mapped[list[SchemeStandard]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeStandard.seq"
    )
    events: Mapped[list[SchemeEvent]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeEvent.id"
    )
    previous: Mapped[Scheme | None] = relationship(remote_side="Scheme.id", foreign_keys=[previous_id])


class SchemeEvent(Versioned, Base):
    """One step of a scheme's history, never changed once written: a submission, a return with
    the reviewer's comment, the internal review, the authority's confirmation (document number,
    date and the file it sent, kept here), a revision, the version it replaced being superseded."""

    __tablename__ = "scheme_events"
    __table_args__ = (CheckConstraint(_in("kind", SCHEME_EVENT_KINDS), name="kind"),)

    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = _user_fk()
    at: Mapped[datetime]
    comment: Mapped[str | None] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(String(100))  # 确认文号
    document_date: Mapped[date | None] = mapped_column(Date)
    filename: Mapped[str | None] = mapped_column(String(255))
    mime: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)

    scheme: Mapped[Scheme] = relationship(back_populates="events")


class SchemeItem(Versioned, Base):
    """A test item of a scheme."""

    __tablename__ = "scheme_items"
    __table_args__ = (UniqueConstraint("scheme_id", "name"),)

    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    important: Mapped[bool] = mapped_column(Boolean, default=False)  # 重要性能指标
    unit: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    #: 危害类别: a code of the hazard class table (``resources/rules/hazard_classes.json``), from
    #: which the risk-level proposal suggests 危害程度; set from the table when the item is added,
    #: changed by a person in the scheme; None when not classified
    hazard_class: Mapped[str | None] = mapped_column(String(40))

    scheme: Mapped[Scheme] = relationship(back_populates="items")


class SchemeStandard(Versioned, Base):
    """A candidate standard of a scheme: a same/similar product standard or a mandatory one."""

    __tablename__ = "scheme_standards"
    __table_args__ = (
        UniqueConstraint("scheme_id", "code"),
        CheckConstraint(_in("role", SCHEME_STANDARD_ROLES), name="role"),
    )

    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(10), default="similar")
    seq: Mapped[int] = mapped_column(Integer, default=0)

    scheme: Mapped[Scheme] = relationship(back_populates="standards")


# --------------------------------------------------------------------------------------------
# Standards catalog (RULES.md §2)
# --------------------------------------------------------------------------------------------


class Standard(Versioned, Base):
    """One version of a standard. ``code`` carries the year (``GB/T 14561-2019``);
    ``base_code`` is the code without it (``GB/T 14561``), for version resolution."""

    __tablename__ = "standards"
    __table_args__ = (CheckConstraint(_in("kind", STANDARD_KINDS), name="kind"),)

    code: Mapped[str] = mapped_column(String(64), unique=True)
    base_code: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(24))
    effective: Mapped[date | None] = mapped_column(Date)
    abolished: Mapped[date | None] = mapped_column(Date)

    items: Mapped[list[StandardItem]] = relationship(
        back_populates="standard", cascade="all, delete-orphan", order_by="StandardItem.id"
    )


class StandardItem(Versioned, Base):
    """What a standard requires for one item, and the test method it names."""

    __tablename__ = "standard_items"
    __table_args__ = (UniqueConstraint("standard_id", "item"),)

    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), index=True)
    item: Mapped[str] = mapped_column(String(200), index=True)
    clause: Mapped[str | None] = mapped_column(String(32))
    requirement: Mapped[dict[str, Any] | None]  # RULES.md §2 requirement object
    #: per-grade requirements (质量等级): {"合格品": requirement, …}; a declared grade picks its own
    grades: Mapped[dict[str, Any] | None]
    method_code: Mapped[str | None] = mapped_column(String(64))
    method_clause: Mapped[str | None] = mapped_column(String(32))

    standard: Mapped[Standard] = relationship(back_populates="items")


# --------------------------------------------------------------------------------------------
# Samples
# --------------------------------------------------------------------------------------------


#: the samples whose Article 18 clock runs (the dashboard's deadline list)
_OPEN_CLOCK = "completed_date IS NOT NULL AND reported_date IS NULL"
#: partial on both backends; its PostgreSQL predicate is attached by :func:`postgresql_options` when a
#: PostgreSQL database is opened: naming ``postgresql_where`` here would load SQLAlchemy's whole
#: PostgreSQL dialect (its asyncio drivers included) into every start-up on SQLite
_OPEN_CLOCK_INDEX = Index("ix_samples_open_clock", "completed_date", "id", sqlite_where=text(_OPEN_CLOCK))


def postgresql_options() -> None:
    """Attach the models' PostgreSQL-only index options (idempotent; before any DDL or schema
    comparison on PostgreSQL)."""
    _OPEN_CLOCK_INDEX.dialect_kwargs["postgresql_where"] = text(_OPEN_CLOCK)


class Sample(Versioned, Base):
    """样品: one sampled batch, from a producer, a physical seller or an e-commerce platform."""

    __tablename__ = "samples"
    __table_args__ = (
        CheckConstraint(_in("place_type", PLACE_TYPES), name="place_type"),
        CheckConstraint(_in("status", SAMPLE_STATUSES), name="status"),
        Index("ix_samples_task_id_status", "task_id", "status"),
        Index("ix_samples_status_completed_date", "status", "completed_date"),
        # the dashboard reads open work only (migration 0011): the samples whose Article 18 clock
        # runs, and per task the samples and problems counted from an index alone
        _OPEN_CLOCK_INDEX,
        Index("ix_samples_task_id_problems_found", "task_id", "problems_found"),
        UniqueConstraint("task_id", "sampling_record_number"),  # 抽样单编号 unique within a task
    )

    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_tasks.id"))
    #: the scheme version (方案版本) the sample was registered under and is tested under: a sample
    #: not yet tested follows a revision once it is confirmed, a tested one keeps its version
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("schemes.id"), index=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)  # 样品编号, from the pattern
    status: Mapped[str] = mapped_column(String(12), default="registered")

    # Where and from whom (抽样场所 / 被抽样单位)
    place_type: Mapped[str] = mapped_column(String(16))
    sampled_party_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    nominal_producer_id: Mapped[int | None] = mapped_column(  # 标称生产企业
        ForeignKey("enterprises.id"), index=True
    )
    platform_operator_id: Mapped[int | None] = mapped_column(  # 电商平台经营者
        ForeignKey("enterprises.id"), index=True
    )
    shop_name: Mapped[str | None] = mapped_column(String(200))  # 网店名称
    shop_url: Mapped[str | None] = mapped_column(String(500))
    order_number: Mapped[str | None] = mapped_column(String(100))
    logistics_number: Mapped[str | None] = mapped_column(String(100))
    unpacking_evidence: Mapped[str | None] = mapped_column(Text)

    # The product as found
    product_name: Mapped[str] = mapped_column(String(200), index=True)
    brand: Mapped[str | None] = mapped_column(String(100), index=True)
    model_spec: Mapped[str | None] = mapped_column(String(200))  # 规格型号
    batch_number: Mapped[str | None] = mapped_column(String(100))
    production_date: Mapped[date | None] = mapped_column(Date)
    grade: Mapped[str | None] = mapped_column(String(50))
    declared_standards: Mapped[list[Any]] = mapped_column(default=list)  # 明示标准, as printed
    version_evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)  # code → version
    published_enterprise_standard: Mapped[str | None] = mapped_column(String(64))
    claims: Mapped[list[Any]] = mapped_column(default=list)  # [{item, source, requirement}]

    # Sampling (抽样)
    sampling_date: Mapped[date | None] = mapped_column(Date, index=True)
    sampling_place: Mapped[str | None] = mapped_column(String(300))
    samplers: Mapped[list[Any]] = mapped_column(default=list)  # at least two names
    lot_size: Mapped[Decimal | None]  # 抽样基数
    test_quantity: Mapped[Decimal | None]  # 检验样品数量
    backup_quantity: Mapped[Decimal | None]  # 备用样品数量
    quantity_unit: Mapped[str | None] = mapped_column(String(16))
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    seal_numbers: Mapped[list[Any]] = mapped_column(default=list)  # 封条编号
    sampling_record_number: Mapped[str | None] = mapped_column(String(64))  # 抽样单编号
    condition_on_receipt: Mapped[str | None] = mapped_column(String(300))  # 样品状态 (收样时)
    test_category: Mapped[str] = mapped_column(String(32), default="风险监测", server_default="风险监测")  # 检验类别

    # Progress
    received_date: Mapped[date | None] = mapped_column(Date, index=True)
    test_started_date: Mapped[date | None] = mapped_column(Date)
    completed_date: Mapped[date | None] = mapped_column(Date, index=True)  # 初次风险监测完成日期
    reported_date: Mapped[date | None] = mapped_column(Date, index=True)
    problems_found: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    major_hazard: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # 重大风险隐患
    major_hazard_note: Mapped[str | None] = mapped_column(Text)
    major_hazard_reported_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)

    task: Mapped[MonitoringTask] = relationship()
    scheme: Mapped[Scheme | None] = relationship()
    sampled_party: Mapped[Enterprise | None] = relationship(foreign_keys=[sampled_party_id])
    nominal_producer: Mapped[Enterprise | None] = relationship(foreign_keys=[nominal_producer_id])
    platform_operator: Mapped[Enterprise | None] = relationship(foreign_keys=[platform_operator_id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    results: Mapped[list[ItemResult]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="ItemResult.seq"
    )
    panel_evaluations: Mapped[list[PanelEvaluation]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="PanelEvaluation.id"
    )


class Attachment(Versioned, Base):
    """A photo, unpacking record or other file of a sample; content kept in the database."""

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint(_in("kind", ATTACHMENT_KINDS), name="kind"),)

    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="photo")
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    uploaded_by_id: Mapped[int | None] = _user_fk()
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    sample: Mapped[Sample] = relationship(back_populates="attachments")


# --------------------------------------------------------------------------------------------
# Results, amendments, expert panels
# --------------------------------------------------------------------------------------------


class ItemResult(Versioned, Base):
    """The result of one test item of a sample, with the basis chosen by Articles 16–17.

    Once the sample's report is approved a result is never edited in place: a
    ``ResultAmendment`` keeps the original, the amended values, the reason, who and when.
    """

    __tablename__ = "item_results"
    __table_args__ = (
        CheckConstraint(_in("judgement", JUDGEMENTS), name="judgement"),
        Index("ix_item_results_sample_id_seq", "sample_id", "seq"),
    )

    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"))
    item: Mapped[str] = mapped_column(String(200), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    value_text: Mapped[str | None] = mapped_column(String(200))  # as reported, exact
    value_num: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    requirement: Mapped[dict[str, Any] | None]
    basis: Mapped[dict[str, Any] | None]  # RULES.md §2 basis (standard clause or claim)
    method: Mapped[dict[str, Any] | None]  # {"code", "clause"}
    rule_trace: Mapped[list[Any]] = mapped_column(default=list)  # ["16.3", "16.1", …]
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    judgement: Mapped[str | None] = mapped_column(String(14), index=True)
    judgement_reason: Mapped[str | None] = mapped_column(Text)
    tested_by_id: Mapped[int | None] = _user_fk()
    tested_at: Mapped[datetime | None]

    sample: Mapped[Sample] = relationship(back_populates="results")
    #: every amendment asked for, whatever became of it
    amendment_requests: Mapped[list[ResultAmendment]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="ResultAmendment.id"
    )
    #: the amendments in effect: approved by a signatory (read only; write ``amendment_requests``)
    amendments: Mapped[list[ResultAmendment]] = relationship(
        primaryjoin="and_(ItemResult.id == ResultAmendment.result_id, ResultAmendment.status == 'approved')",
        order_by="ResultAmendment.id", viewonly=True,
    )


class ResultAmendment(Versioned, Base):
    """An amendment of an approved result (ISO/IEC 17025 7.8.8).

    Asked for by a technician (``pending``: the result is unchanged), it takes effect only when an
    authorised signatory other than the amender approves it with their password (``approved``,
    ``decided_by``/``decided_at``); a refusal keeps the request with the signatory's comment."""

    __tablename__ = "result_amendments"
    __table_args__ = (CheckConstraint(_in("status", AMENDMENT_STATUSES), name="status"),)

    result_id: Mapped[int] = mapped_column(ForeignKey("item_results.id"), index=True)
    original: Mapped[dict[str, Any]]
    amended: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(Text)
    amended_by_id: Mapped[int | None] = _user_fk()
    amended_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="approved", index=True)
    decided_by_id: Mapped[int | None] = _user_fk()  # the signatory who approved or refused it
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(Text)  # why it was refused

    result: Mapped[ItemResult] = relationship(back_populates="amendment_requests")


class PanelEvaluation(Versioned, Base):
    """专家组验证评价 (Article 5) of an item that cannot be tested; at least three members,
    or a ``justification`` when fewer."""

    __tablename__ = "panel_evaluations"

    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    conclusion: Mapped[str] = mapped_column(Text)
    justification: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = _user_fk()

    sample: Mapped[Sample] = relationship(back_populates="panel_evaluations")
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", order_by="PanelMember.seq"
    )


class PanelMember(Versioned, Base):
    __tablename__ = "panel_members"

    evaluation_id: Mapped[int] = mapped_column(ForeignKey("panel_evaluations.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(100))
    affiliation: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))  # 职称
    opinion: Mapped[str | None] = mapped_column(Text)

    evaluation: Mapped[PanelEvaluation] = relationship(back_populates="members")


# --------------------------------------------------------------------------------------------
# Reports and notifications
# --------------------------------------------------------------------------------------------


class Report(Versioned, Base):
    """A test report (per sample), analysis report (per task) or monthly report (per period).

    Compiled, reviewed and approved (编制/审核/批准). A corrected report ``replaces`` the earlier
    one, which becomes ``superseded``; ``amendment_reason`` says why.
    """

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(_in("kind", REPORT_KINDS), name="kind"),
        CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
    )

    kind: Mapped[str] = mapped_column(String(10), index=True)
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("samples.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_tasks.id"), index=True)
    period: Mapped[str | None] = mapped_column(String(7))  # monthly: "2026-03"
    number: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    compiled_by_id: Mapped[int | None] = _user_fk()
    compiled_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = _user_fk()
    reviewed_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = _user_fk()
    approved_at: Mapped[datetime | None]
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    amendment_reason: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    #: analysis report: the data frozen when it was compiled (approved results, issued notices and
    #: the saved risk-level proposal), so review and approval sign exactly what was compiled
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True)
    return_comment: Mapped[str | None] = mapped_column(Text)  # the reviewer's, when returned to the compiler
    #: monthly report: the Excel workbook frozen with the PDF on approval (the same data, as a table)
    workbook: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    workbook_sha256: Mapped[str | None] = mapped_column(String(64))

    sample: Mapped[Sample | None] = relationship()
    task: Mapped[MonitoringTask | None] = relationship()
    replaces: Mapped[Report | None] = relationship(remote_side="Report.id")
    submissions: Mapped[list[ReportSubmission]] = relationship(
        back_populates="report", order_by="ReportSubmission.id"
    )


class ReportSubmission(Versioned, Base):
    """报送: an issued report went to its recipient — when, to whom, how, and the receipt (回执).

    Kept for the monthly risk-information report (Article 11: 风险信息报送实行月报制); a report may
    be sent more than once (again after a loss, or to a second authority), each a row."""

    __tablename__ = "report_submissions"
    __table_args__ = (CheckConstraint(_in("method", SUBMISSION_METHODS), name="method"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)  # 报送日期
    recipient: Mapped[str] = mapped_column(String(200))  # 报送对象
    method: Mapped[str] = mapped_column(String(10))  # 报送方式
    receipt: Mapped[str | None] = mapped_column(String(200))  # 回执: the recipient's number or a note
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = _user_fk()

    report: Mapped[Report] = relationship(back_populates="submissions")


class Notification(Versioned, Base):
    """告知: a notice of problems found, to one recipient (Article 18 ¶2)."""

    __tablename__ = "notifications"
    __table_args__ = (CheckConstraint(_in("method", NOTIFICATION_METHODS), name="method"),)

    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[Any]] = mapped_column(default=list)  # sampled_party, nominal_producer, …
    out_of_province: Mapped[bool] = mapped_column(Boolean, default=False)
    document_number: Mapped[str | None] = mapped_column(String(64))  # 告知书文号
    confidential: Mapped[bool] = mapped_column(Boolean, default=True)
    sent_date: Mapped[date | None] = mapped_column(Date, index=True)
    method: Mapped[str | None] = mapped_column(String(10))
    acknowledged_date: Mapped[date | None] = mapped_column(Date)
    ack_note: Mapped[str | None] = mapped_column(Text)
    #: the letter as issued (frozen): every later view, export or upload reads these bytes
    issued_at: Mapped[datetime | None]
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)

    sample: Mapped[Sample] = relationship()
    report: Mapped[Report | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()


class PublicationConsent(Versioned, Base):
    """公开同意 (Article 8): the organising regulator agreed that the task's monitoring information
    may be made public — which authority, its document number and date, recorded by an
    administrator. Only then can a copy without 内部资料 注意保密 be exported."""

    __tablename__ = "publication_consents"

    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_tasks.id"), unique=True)
    authority: Mapped[str] = mapped_column(String(100))
    document_number: Mapped[str] = mapped_column(String(64))
    consent_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = _user_fk()

    task: Mapped[MonitoringTask] = relationship()


# --------------------------------------------------------------------------------------------
# Risk analysis and risk information
# --------------------------------------------------------------------------------------------


class RiskProposal(Versioned, Base):
    """A proposed warning level for a task (Articles 19–20): level 1 = Ⅰ … 4 = Ⅳ."""

    __tablename__ = "risk_proposals"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level"),)

    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_tasks.id"), index=True)
    factors: Mapped[dict[str, Any]]
    risk: Mapped[str | None] = mapped_column(String(2))  # matrix outcome S/H/M/L
    level: Mapped[int] = mapped_column(Integer)
    model_name: Mapped[str] = mapped_column(String(100))
    model_version: Mapped[str] = mapped_column(String(32))
    proposed_by_id: Mapped[int | None] = _user_fk()
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    task: Mapped[MonitoringTask] = relationship()


class RiskInformation(Versioned, Base):
    """风险信息 register entry (Articles 10–12)."""

    __tablename__ = "risk_information"
    __table_args__ = (
        CheckConstraint("source BETWEEN 1 AND 9", name="source"),
        CheckConstraint(_in("status", RISK_INFO_STATUSES), name="status"),
        CheckConstraint(_in("report_method", IMMEDIATE_REPORT_METHODS), name="report_method"),
    )

    received_date: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[int] = mapped_column(Integer)  # Article 10 (一)…(九)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(String(200), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    key_risk: Mapped[bool] = mapped_column(Boolean, default=False)  # 重点风险信息 (Article 12)
    key_reasons: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_by_id: Mapped[int | None] = _user_fk()
    #: 即时报送 (Article 11: 重大质量安全风险信息及时报送): when, to whom and how major information
    #: went out at once. An entry linked to a reported major hazard takes these from the hazard record.
    reported_at: Mapped[datetime | None]
    reported_to: Mapped[str | None] = mapped_column(String(200))
    report_method: Mapped[str | None] = mapped_column(String(10))

    sample_links: Mapped[list[RiskInformationSample]] = relationship(
        back_populates="risk_information", cascade="all, delete-orphan"
    )


class RiskInformationSample(Versioned, Base):
    """Link between a risk-information entry and a sample (a mapped class, so it is audited)."""

    __tablename__ = "risk_information_samples"
    __table_args__ = (UniqueConstraint("risk_information_id", "sample_id"),)

    risk_information_id: Mapped[int] = mapped_column(ForeignKey("risk_information.id"), index=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)

    risk_information: Mapped[RiskInformation] = relationship(back_populates="sample_links")
    sample: Mapped[Sample] = relationship()


class HistoryCount(Versioned, Base):
    """往期监测数据: an earlier round's counts the lab imported (Articles 12, 13), for the
    product category of its tasks, one plan year and one region (the sampled party's city).

    ``item`` empty: the region's batches of the round (``problems`` = batches with any problem);
    otherwise the batches tested for that item and those that failed it. Aggregates only — the
    samples themselves were never in this database.
    """

    __tablename__ = "history_counts"
    __table_args__ = (
        UniqueConstraint("category", "year", "item", "region"),
        CheckConstraint("tested >= 0 AND problems >= 0 AND problems <= tested", name="counts"),
    )

    category: Mapped[str] = mapped_column(String(200))  # 产品类别, as the tasks name it
    year: Mapped[int] = mapped_column(Integer)  # 计划年度: the round
    item: Mapped[str] = mapped_column(String(200), default="")  # 检验项目; "" = all items
    region: Mapped[str] = mapped_column(String(100))  # 武汉市 … / 省外
    tested: Mapped[int] = mapped_column(Integer)
    problems: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(255))  # the imported file's name
    imported_by_id: Mapped[int | None] = _user_fk()


class HazardReport(Versioned, Base):
    """重大质量安全风险隐患报告 (Article 18 ¶3): a major hazard found in a sample, reported at once
    to the organising authority.

    ``draft`` while it is being written; ``reported`` once it went out — uploaded (``method``
    ``upload``, with its own ``hazard`` outbox item) or told by phone or by hand (``contact_person``
    and ``reported_at``). The letter is frozen (``pdf``/``file_sha256``) when it is reported.
    ``affected_items`` are the sample's nonconforming or panel-flagged items; a hazard on a sample
    without any needs a ``reason``. ``risk_information`` is its 即时报送 entry in the register.
    """

    __tablename__ = "hazard_reports"
    __table_args__ = (
        CheckConstraint(_in("status", HAZARD_STATUSES), name="status"),
        CheckConstraint(_in("method", HAZARD_METHODS), name="method"),
    )

    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_tasks.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    found_by_id: Mapped[int | None] = _user_fk()
    found_at: Mapped[datetime]  # discovery: the clock of "at once" starts here
    description: Mapped[str] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)  # 已采取的措施
    affected_items: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str | None] = mapped_column(Text)  # why, when no item is nonconforming
    recipient: Mapped[str | None] = mapped_column(String(200))  # the organising authority
    method: Mapped[str | None] = mapped_column(String(10))
    contact_person: Mapped[str | None] = mapped_column(String(100))  # who was told (phone / by hand)
    receipt: Mapped[str | None] = mapped_column(String(200))  # the province's number or a note
    reported_at: Mapped[datetime | None]
    reported_by_id: Mapped[int | None] = _user_fk()
    issued_at: Mapped[datetime | None]
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    risk_information_id: Mapped[int | None] = mapped_column(ForeignKey("risk_information.id"), index=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("sync_outbox.id"), index=True)
    created_by_id: Mapped[int | None] = _user_fk()

    sample: Mapped[Sample] = relationship()
    task: Mapped[MonitoringTask] = relationship()
    risk_information: Mapped[RiskInformation | None] = relationship()
    outbox: Mapped[SyncOutbox | None] = relationship()


# --------------------------------------------------------------------------------------------
# Calendar, outbox, counters
# --------------------------------------------------------------------------------------------


class CalendarOverride(Versioned, Base):
    """A day that differs from the statutory calendar data: extra holiday or working day."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (CheckConstraint(_in("kind", CALENDAR_KINDS), name="kind"),)

    date: Mapped[_dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(200))  # e.g. the State Council notice


class CalendarYear(Versioned, Base):
    """A year whose State Council holiday notice (放假通知) the lab entered.

    ``complete`` (通知已完整录入): the whole notice is in ``calendar_overrides``, so the year is
    announced; otherwise its entered rows override the days they name and every deadline that
    depends on the year stays provisional (``spec/RULES.md`` §1). Set by a full-notice import or
    by an administrator; changes are audited like every table.
    """

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(String(200))  # the notice's number or the file it came from


class SyncOutbox(Versioned, Base):
    """A package waiting to go to (or gone to) the provincial information system.

    The upload unit is the approved report: one ``result`` item per approved test report, one
    ``notice`` item for notices issued after their report's approval, one ``analysis_report`` item
    per approved analysis report. An item whose report was replaced before it was sent becomes
    ``superseded`` (never sent) and ``note`` says why.
    """

    __tablename__ = "sync_outbox"
    __table_args__ = (
        CheckConstraint(_in("kind", OUTBOX_KINDS), name="kind"),
        CheckConstraint(_in("state", OUTBOX_STATES), name="state"),
        Index("ix_sync_outbox_state_next_attempt_at", "state", "next_attempt_at"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_tasks.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("samples.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    package: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    #: instead of ``package``: how to make it again from the stored documents (a few kilobytes;
    #: ``app.formats.package.PackageRecipe``), so an upload keeps no second copy of them
    recipe: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    package_ref: Mapped[str | None] = mapped_column(String(500))
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    receipt_number: Mapped[str | None] = mapped_column(String(100))
    accepted_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # e.g. why the item was superseded


class LabAsset(Versioned, Base):
    """An image the lab's documents carry: the CMA mark, the lab's seal (检验检测专用章) or a
    signatory's signature (``user_id``). Checked for type and size when stored."""

    __tablename__ = "lab_assets"
    __table_args__ = (
        CheckConstraint(_in("kind", LAB_ASSET_KINDS), name="kind"),
        UniqueConstraint("kind", "user_id"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = _user_fk()
    media_type: Mapped[str] = mapped_column(String(32))  # image/png | image/jpeg
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class LabKey(Versioned, Base):
    """The lab's signing key: a certificate and its private key as PKCS#12, encrypted with a
    password that is never stored here (the OS keyring, or asked once per session). One key is
    active; earlier ones stay so that what they signed can still be verified."""

    __tablename__ = "lab_keys"

    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the certificate
    subject: Mapped[str] = mapped_column(Text)
    certificate: Mapped[bytes] = mapped_column(LargeBinary)  # DER
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # encrypted
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    self_signed: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)  # 演示: not for real reports
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by_id: Mapped[int | None] = _user_fk()


class SampleNumberCounter(Versioned, Base):
    """Next sequence value per scope (e.g. a task number); versioned, so two workstations that
    draw the same value conflict instead of duplicating a number. See ``sequences.py``."""

    __tablename__ = "sample_number_counters"

    scope: Mapped[str] = mapped_column(String(100), unique=True)
    next_value: Mapped[int] = mapped_column(Integer, default=1)


class LoginThrottle(Versioned, Base):
    """Failed sign-ins per user name, so that a second workstation sees the same delay.

    After :data:`app.services.users.THROTTLE_FREE_FAILURES` failures in a row, each further
    failure pushes ``locked_until`` out (5 s, 10 s, 20 s … up to 15 min); a successful sign-in
    or an administrator's unlock clears the row. Changes are audited like every table, but the
    counters are not business records (``audit verify`` does not compare them).
    """

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]


# --------------------------------------------------------------------------------------------
# Audit log
# --------------------------------------------------------------------------------------------


class AuditCheckpoint(Base):
    """The audit chain's head, signed with the lab key (``riskmon audit checkpoint``).

    ``statement`` is the exact text signed (lab, sequence, hash, time, key fingerprint);
    ``signature`` is the lab key's RSA signature of it. Copies leave the database in every
    upload package's manifest and in ``audit checkpoint --export`` files, so a rewrite of the
    chain after a checkpoint shows, even if this table is rewritten too.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))  # manual | daily | upload | demo

# --------------------------------------------------------------------------------------------
# Audit log
# --------------------------------------------------------------------------------------------


class AuditLog(Base):
    """Append-only, hash-chained record of every change (see ``audit.py``).

    ``hash = sha256(prev_hash + canonical JSON of the entry)``; ``seq`` is contiguous from 1.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="action"),
        Index("ix_audit_log_table_name_row_id", "table_name", "row_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(6))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


#: Tables whose changes the audit log records (every mapped table except the log and its
#: checkpoints).
AUDITED_TABLES = frozenset(t for t in Base.metadata.tables if t not in ("audit_log", "audit_checkpoints"))

#: Tables that are not business records: ``audit verify`` does not compare their rows with the
#: log's after-images (README, "Reliability"). ``alembic_version`` is not mapped at all, nor are
#: the tables of the sample list's text index and the dashboard's notice backlog
#: (``app.store.search_index``, ``app.store.notice_backlog``: kept by triggers).
NON_BUSINESS_TABLES = frozenset({"sample_number_counters", "login_throttle", "audit_checkpoints"}) | SEARCH_INDEX_TABLES
#: The outbox's delivery bookkeeping: columns that change with each attempt (the upload worker
#: writes them without audit entries, so the row's version and update time are not compared either).
NON_BUSINESS_COLUMNS = {
    "sync_outbox": frozenset({"state", "attempts", "next_attempt_at", "last_error", "version", "updated_at"}),
}
