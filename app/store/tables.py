"""The database's tables as SQLAlchemy Core ``Table`` objects: the one definition of the schema,
portable across SQLite and PostgreSQL.

``app.store.models`` maps the ORM classes onto these tables (``__table__``) and adds what only the
ORM needs (relationships, deferred loading, the version counter). This module imports SQLAlchemy's
Core and nothing of its ORM, so what reads and writes with Core statements (sign-in, the first
page, the upload worker) can work without loading the ORM.

Conventions
-----------
* Every mutable table has an integer ``id`` key, a ``version`` column (the ORM's
  ``version_id_col``: optimistic concurrency, a stale write raises, see ``uow.py``) and
  ``created_at``/``updated_at`` (timezone-aware UTC).
* Enumerated values are plain strings guarded by CHECK constraints; the allowed values are the
  tuples below (``SAMPLE_STATUSES`` …) so services and the GUI share one list.
* Lists and dicts are JSON. Dates are ``datetime.date``; timestamps ``UTCDateTime``.
* "who" columns (``*_by_id``) point at ``users``; the audit log records the acting user name.
* ``audit_log`` is append-only and not versioned; it is written by ``audit.py`` only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
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



metadata = MetaData(naming_convention=NAMING_CONVENTION)


# the columns every versioned table has: the key first, the version and the time stamps last
def _id() -> Column[Any]:
    return Column("id", Integer, primary_key=True)


def _version() -> Column[Any]:
    return Column("version", Integer, nullable=False)


def _created_at() -> Column[Any]:
    return Column("created_at", UTCDateTime(), default=utcnow, nullable=False)


def _updated_at() -> Column[Any]:
    return Column("updated_at", UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)



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



# Organisation
organisation = Table(
    "organisation",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("cma_number", String(64)),
    Column("address", String(300)),
    Column("phone", String(64)),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint("id = 1", name="single_row"),
)


# Setting
settings = Table(
    "settings",
    metadata,
    _id(),
    Column("key", String(100), unique=True, nullable=False),
    Column("value", JSON, nullable=True),
    _version(),
    _created_at(),
    _updated_at(),
)


# User
users = Table(
    "users",
    metadata,
    _id(),
    Column("username", String(64), unique=True, nullable=False),
    Column("display_name", String(100), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("roles", JSON(), default=list, nullable=False),
    Column("active", Boolean, default=True, nullable=False),
    Column("last_login_at", UTCDateTime()),
    _version(),
    _created_at(),
    _updated_at(),
)


# Enterprise
enterprises = Table(
    "enterprises",
    metadata,
    _id(),
    Column("name", String(200), index=True, nullable=False),
    Column("uscc", String(18), unique=True),
    Column("address", String(300)),
    Column("contact", String(100)),
    Column("phone", String(64)),
    Column("region_code", String(12), index=True),
    Column("size", String(10)),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("size", ENTERPRISE_SIZES), name="size"),
)


# MonitoringTask
monitoring_tasks = Table(
    "monitoring_tasks",
    metadata,
    _id(),
    Column("number", String(64), unique=True, nullable=False),
    Column("title", String(300), nullable=False),
    Column("issuing_authority", String(200)),
    Column("objection_authority", String(200)),
    Column("authority_level", String(12)),
    Column("product_category", String(200)),
    Column("plan_year", Integer, index=True),
    Column("batches_planned", Integer),
    Column("sampling_deadline", Date),
    Column("report_deadline", Date),
    Column("status", String(12), default="draft", index=True, nullable=False),
    Column("notes", Text),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("authority_level", AUTHORITY_LEVELS), name="authority_level"),
    CheckConstraint(_in("status", TASK_STATUSES), name="status"),
)


# Scheme
schemes = Table(
    "schemes",
    metadata,
    _id(),
    Column("task_id", Integer(), ForeignKey("monitoring_tasks.id"), index=True, nullable=False),
    Column("product", String(200), nullable=False),
    Column("status", String(12), default="draft", nullable=False),
    Column("revision", Integer, default=1, server_default="1", nullable=False),
    Column("previous_id", Integer(), ForeignKey("schemes.id"), index=True),
    Column("drafted_by_id", Integer(), ForeignKey("users.id")),
    Column("submitted_by_id", Integer(), ForeignKey("users.id")),
    Column("submitted_at", UTCDateTime()),
    Column("reviewed_by_id", Integer(), ForeignKey("users.id")),
    Column("reviewed_at", UTCDateTime()),
    Column("review_comment", Text),
    Column("confirmed_by_id", Integer(), ForeignKey("users.id")),
    Column("confirmed_at", UTCDateTime()),
    Column("authority_document", String(100)),
    Column("authority_date", Date),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("status", SCHEME_STATUSES), name="status"),
)


# SchemeEvent
scheme_events = Table(
    "scheme_events",
    metadata,
    _id(),
    Column("scheme_id", Integer(), ForeignKey("schemes.id"), index=True, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("actor_id", Integer(), ForeignKey("users.id")),
    Column("at", UTCDateTime(), nullable=False),
    Column("comment", Text),
    Column("document_number", String(100)),
    Column("document_date", Date),
    Column("filename", String(255)),
    Column("mime", String(100)),
    Column("sha256", String(64)),
    Column("size", Integer),
    Column("content", LargeBinary, nullable=True),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("kind", SCHEME_EVENT_KINDS), name="kind"),
)


# SchemeItem
scheme_items = Table(
    "scheme_items",
    metadata,
    _id(),
    Column("scheme_id", Integer(), ForeignKey("schemes.id"), index=True, nullable=False),
    Column("seq", Integer, default=0, nullable=False),
    Column("name", String(200), nullable=False),
    Column("important", Boolean, default=False, nullable=False),
    Column("unit", String(32)),
    Column("notes", Text),
    Column("hazard_class", String(40)),
    _version(),
    _created_at(),
    _updated_at(),
    UniqueConstraint("scheme_id", "name"),
)


# SchemeStandard
scheme_standards = Table(
    "scheme_standards",
    metadata,
    _id(),
    Column("scheme_id", Integer(), ForeignKey("schemes.id"), index=True, nullable=False),
    Column("code", String(64), nullable=False),
    Column("role", String(10), default="similar", nullable=False),
    Column("seq", Integer, default=0, nullable=False),
    _version(),
    _created_at(),
    _updated_at(),
    UniqueConstraint("scheme_id", "code"),
    CheckConstraint(_in("role", SCHEME_STANDARD_ROLES), name="role"),
)


# Standard
standards = Table(
    "standards",
    metadata,
    _id(),
    Column("code", String(64), unique=True, nullable=False),
    Column("base_code", String(64), index=True, nullable=False),
    Column("title", String(300)),
    Column("kind", String(24), nullable=False),
    Column("effective", Date),
    Column("abolished", Date),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("kind", STANDARD_KINDS), name="kind"),
)


# StandardItem
standard_items = Table(
    "standard_items",
    metadata,
    _id(),
    Column("standard_id", Integer(), ForeignKey("standards.id"), index=True, nullable=False),
    Column("item", String(200), index=True, nullable=False),
    Column("clause", String(32)),
    Column("requirement", JSON()),
    Column("grades", JSON()),
    Column("method_code", String(64)),
    Column("method_clause", String(32)),
    _version(),
    _created_at(),
    _updated_at(),
    UniqueConstraint("standard_id", "item"),
)


# Sample
samples = Table(
    "samples",
    metadata,
    _id(),
    Column("task_id", Integer(), ForeignKey("monitoring_tasks.id"), nullable=False),
    Column("scheme_id", Integer(), ForeignKey("schemes.id"), index=True),
    Column("number", String(64), unique=True, nullable=False),
    Column("status", String(12), default="registered", nullable=False),
    Column("place_type", String(16), nullable=False),
    Column("sampled_party_id", Integer(), ForeignKey("enterprises.id"), index=True),
    Column("nominal_producer_id", Integer(), ForeignKey("enterprises.id"), index=True),
    Column("platform_operator_id", Integer(), ForeignKey("enterprises.id"), index=True),
    Column("shop_name", String(200)),
    Column("shop_url", String(500)),
    Column("order_number", String(100)),
    Column("logistics_number", String(100)),
    Column("unpacking_evidence", Text),
    Column("product_name", String(200), index=True, nullable=False),
    Column("brand", String(100), index=True),
    Column("model_spec", String(200)),
    Column("batch_number", String(100)),
    Column("production_date", Date),
    Column("grade", String(50)),
    Column("declared_standards", JSON(), default=list, nullable=False),
    Column("version_evidence", JSON(), default=dict, nullable=False),
    Column("published_enterprise_standard", String(64)),
    Column("claims", JSON(), default=list, nullable=False),
    Column("sampling_date", Date, index=True),
    Column("sampling_place", String(300)),
    Column("samplers", JSON(), default=list, nullable=False),
    Column("lot_size", Numeric(14, 3)),
    Column("test_quantity", Numeric(14, 3)),
    Column("backup_quantity", Numeric(14, 3)),
    Column("quantity_unit", String(16)),
    Column("unit_price", Numeric(12, 2)),
    Column("seal_numbers", JSON(), default=list, nullable=False),
    Column("sampling_record_number", String(64)),
    Column("condition_on_receipt", String(300)),
    Column("test_category", String(32), default="风险监测", server_default="风险监测", nullable=False),
    Column("received_date", Date, index=True),
    Column("test_started_date", Date),
    Column("completed_date", Date, index=True),
    Column("reported_date", Date, index=True),
    Column("problems_found", Boolean, default=False, index=True, nullable=False),
    Column("major_hazard", Boolean, default=False, index=True, nullable=False),
    Column("major_hazard_note", Text),
    Column("major_hazard_reported_at", UTCDateTime()),
    Column("notes", Text),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("place_type", PLACE_TYPES), name="place_type"),
    CheckConstraint(_in("status", SAMPLE_STATUSES), name="status"),
    Index("ix_samples_task_id_status", "task_id", "status"),
    Index("ix_samples_status_completed_date", "status", "completed_date"),
    _OPEN_CLOCK_INDEX,
    Index("ix_samples_task_id_problems_found", "task_id", "problems_found"),
    UniqueConstraint("task_id", "sampling_record_number"),
)


# Attachment
attachments = Table(
    "attachments",
    metadata,
    _id(),
    Column("sample_id", Integer(), ForeignKey("samples.id"), index=True, nullable=False),
    Column("kind", String(12), default="photo", nullable=False),
    Column("filename", String(255), nullable=False),
    Column("mime", String(100)),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by_id", Integer(), ForeignKey("users.id")),
    Column("uploaded_at", UTCDateTime(), default=utcnow, nullable=False),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("kind", ATTACHMENT_KINDS), name="kind"),
)


# ItemResult
item_results = Table(
    "item_results",
    metadata,
    _id(),
    Column("sample_id", Integer(), ForeignKey("samples.id"), nullable=False),
    Column("item", String(200), index=True, nullable=False),
    Column("seq", Integer, default=0, nullable=False),
    Column("value_text", String(200)),
    Column("value_num", Float),
    Column("unit", String(32)),
    Column("requirement", JSON()),
    Column("basis", JSON()),
    Column("method", JSON()),
    Column("rule_trace", JSON(), default=list, nullable=False),
    Column("warnings", JSON(), default=list, nullable=False),
    Column("judgement", String(14), index=True),
    Column("judgement_reason", Text),
    Column("tested_by_id", Integer(), ForeignKey("users.id")),
    Column("tested_at", UTCDateTime()),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("judgement", JUDGEMENTS), name="judgement"),
    Index("ix_item_results_sample_id_seq", "sample_id", "seq"),
)


# ResultAmendment
result_amendments = Table(
    "result_amendments",
    metadata,
    _id(),
    Column("result_id", Integer(), ForeignKey("item_results.id"), index=True, nullable=False),
    Column("original", JSON(), nullable=False),
    Column("amended", JSON(), nullable=False),
    Column("reason", Text, nullable=False),
    Column("amended_by_id", Integer(), ForeignKey("users.id")),
    Column("amended_at", UTCDateTime(), default=utcnow, nullable=False),
    Column("status", String(10), default="pending", server_default="approved", index=True, nullable=False),
    Column("decided_by_id", Integer(), ForeignKey("users.id")),
    Column("decided_at", UTCDateTime()),
    Column("decision_comment", Text),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("status", AMENDMENT_STATUSES), name="status"),
)


# PanelEvaluation
panel_evaluations = Table(
    "panel_evaluations",
    metadata,
    _id(),
    Column("sample_id", Integer(), ForeignKey("samples.id"), index=True, nullable=False),
    Column("item", String(200), nullable=False),
    Column("conclusion", Text, nullable=False),
    Column("justification", Text),
    Column("created_by_id", Integer(), ForeignKey("users.id")),
    _version(),
    _created_at(),
    _updated_at(),
)


# PanelMember
panel_members = Table(
    "panel_members",
    metadata,
    _id(),
    Column("evaluation_id", Integer(), ForeignKey("panel_evaluations.id"), index=True, nullable=False),
    Column("seq", Integer, default=0, nullable=False),
    Column("name", String(100), nullable=False),
    Column("affiliation", String(200)),
    Column("title", String(100)),
    Column("opinion", Text),
    _version(),
    _created_at(),
    _updated_at(),
)


# Report
reports = Table(
    "reports",
    metadata,
    _id(),
    Column("kind", String(10), index=True, nullable=False),
    Column("sample_id", Integer(), ForeignKey("samples.id"), index=True),
    Column("task_id", Integer(), ForeignKey("monitoring_tasks.id"), index=True),
    Column("period", String(7)),
    Column("number", String(64), unique=True, nullable=False),
    Column("status", String(12), default="draft", index=True, nullable=False),
    Column("compiled_by_id", Integer(), ForeignKey("users.id")),
    Column("compiled_at", UTCDateTime()),
    Column("reviewed_by_id", Integer(), ForeignKey("users.id")),
    Column("reviewed_at", UTCDateTime()),
    Column("approved_by_id", Integer(), ForeignKey("users.id")),
    Column("approved_at", UTCDateTime()),
    Column("replaces_id", Integer(), ForeignKey("reports.id"), index=True),
    Column("amendment_reason", Text),
    Column("file_sha256", String(64)),
    Column("pdf", LargeBinary, nullable=True),
    Column("snapshot", JSON, nullable=True),
    Column("return_comment", Text),
    Column("workbook", LargeBinary, nullable=True),
    Column("workbook_sha256", String(64)),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("kind", REPORT_KINDS), name="kind"),
    CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
)


# ReportSubmission
report_submissions = Table(
    "report_submissions",
    metadata,
    _id(),
    Column("report_id", Integer(), ForeignKey("reports.id"), index=True, nullable=False),
    Column("submitted_on", Date, nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("method", String(10), nullable=False),
    Column("receipt", String(200)),
    Column("note", Text),
    Column("recorded_by_id", Integer(), ForeignKey("users.id")),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("method", SUBMISSION_METHODS), name="method"),
)


# Notification
notifications = Table(
    "notifications",
    metadata,
    _id(),
    Column("sample_id", Integer(), ForeignKey("samples.id"), index=True, nullable=False),
    Column("report_id", Integer(), ForeignKey("reports.id"), index=True),
    Column("enterprise_id", Integer(), ForeignKey("enterprises.id"), index=True),
    Column("recipient_name", String(200), nullable=False),
    Column("roles", JSON(), default=list, nullable=False),
    Column("out_of_province", Boolean, default=False, nullable=False),
    Column("document_number", String(64)),
    Column("confidential", Boolean, default=True, nullable=False),
    Column("sent_date", Date, index=True),
    Column("method", String(10)),
    Column("acknowledged_date", Date),
    Column("ack_note", Text),
    Column("issued_at", UTCDateTime()),
    Column("file_sha256", String(64)),
    Column("pdf", LargeBinary, nullable=True),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("method", NOTIFICATION_METHODS), name="method"),
)


# PublicationConsent
publication_consents = Table(
    "publication_consents",
    metadata,
    _id(),
    Column("task_id", Integer(), ForeignKey("monitoring_tasks.id"), unique=True, nullable=False),
    Column("authority", String(100), nullable=False),
    Column("document_number", String(64), nullable=False),
    Column("consent_date", Date, nullable=False),
    Column("note", Text),
    Column("recorded_by_id", Integer(), ForeignKey("users.id")),
    _version(),
    _created_at(),
    _updated_at(),
)


# RiskProposal
risk_proposals = Table(
    "risk_proposals",
    metadata,
    _id(),
    Column("task_id", Integer(), ForeignKey("monitoring_tasks.id"), index=True, nullable=False),
    Column("factors", JSON(), nullable=False),
    Column("risk", String(2)),
    Column("level", Integer, nullable=False),
    Column("model_name", String(100), nullable=False),
    Column("model_version", String(32), nullable=False),
    Column("proposed_by_id", Integer(), ForeignKey("users.id")),
    Column("proposed_at", UTCDateTime(), default=utcnow, nullable=False),
    Column("note", Text),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint("level BETWEEN 1 AND 4", name="level"),
)


# RiskInformation
risk_information = Table(
    "risk_information",
    metadata,
    _id(),
    Column("received_date", Date, index=True, nullable=False),
    Column("source", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("description", Text),
    Column("product", String(200), index=True),
    Column("region", String(100)),
    Column("key_risk", Boolean, default=False, nullable=False),
    Column("key_reasons", JSON(), default=list, nullable=False),
    Column("status", String(12), default="open", index=True, nullable=False),
    Column("created_by_id", Integer(), ForeignKey("users.id")),
    Column("reported_at", UTCDateTime()),
    Column("reported_to", String(200)),
    Column("report_method", String(10)),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint("source BETWEEN 1 AND 9", name="source"),
    CheckConstraint(_in("status", RISK_INFO_STATUSES), name="status"),
    CheckConstraint(_in("report_method", IMMEDIATE_REPORT_METHODS), name="report_method"),
)


# RiskInformationSample
risk_information_samples = Table(
    "risk_information_samples",
    metadata,
    _id(),
    Column("risk_information_id", Integer(), ForeignKey("risk_information.id"), index=True, nullable=False),
    Column("sample_id", Integer(), ForeignKey("samples.id"), index=True, nullable=False),
    _version(),
    _created_at(),
    _updated_at(),
    UniqueConstraint("risk_information_id", "sample_id"),
)


# HistoryCount
history_counts = Table(
    "history_counts",
    metadata,
    _id(),
    Column("category", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("item", String(200), default="", nullable=False),
    Column("region", String(100), nullable=False),
    Column("tested", Integer, nullable=False),
    Column("problems", Integer, nullable=False),
    Column("source", String(255)),
    Column("imported_by_id", Integer(), ForeignKey("users.id")),
    _version(),
    _created_at(),
    _updated_at(),
    UniqueConstraint("category", "year", "item", "region"),
    CheckConstraint("tested >= 0 AND problems >= 0 AND problems <= tested", name="counts"),
)


# HazardReport
hazard_reports = Table(
    "hazard_reports",
    metadata,
    _id(),
    Column("sample_id", Integer(), ForeignKey("samples.id"), index=True, nullable=False),
    Column("task_id", Integer(), ForeignKey("monitoring_tasks.id"), index=True, nullable=False),
    Column("number", String(64), unique=True),
    Column("status", String(10), default="draft", index=True, nullable=False),
    Column("found_by_id", Integer(), ForeignKey("users.id")),
    Column("found_at", UTCDateTime(), nullable=False),
    Column("description", Text, nullable=False),
    Column("measures", Text),
    Column("affected_items", JSON(), default=list, nullable=False),
    Column("reason", Text),
    Column("recipient", String(200)),
    Column("method", String(10)),
    Column("contact_person", String(100)),
    Column("receipt", String(200)),
    Column("reported_at", UTCDateTime()),
    Column("reported_by_id", Integer(), ForeignKey("users.id")),
    Column("issued_at", UTCDateTime()),
    Column("file_sha256", String(64)),
    Column("pdf", LargeBinary, nullable=True),
    Column("risk_information_id", Integer(), ForeignKey("risk_information.id"), index=True),
    Column("outbox_id", Integer(), ForeignKey("sync_outbox.id"), index=True),
    Column("created_by_id", Integer(), ForeignKey("users.id")),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("status", HAZARD_STATUSES), name="status"),
    CheckConstraint(_in("method", HAZARD_METHODS), name="method"),
)


# CalendarOverride
calendar_overrides = Table(
    "calendar_overrides",
    metadata,
    _id(),
    Column("date", Date, unique=True, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("name", String(100)),
    Column("source", String(200)),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("kind", CALENDAR_KINDS), name="kind"),
)


# CalendarYear
calendar_years = Table(
    "calendar_years",
    metadata,
    _id(),
    Column("year", Integer, unique=True, nullable=False),
    Column("complete", Boolean, default=False, nullable=False),
    Column("source", String(200)),
    _version(),
    _created_at(),
    _updated_at(),
)


# SyncOutbox
sync_outbox = Table(
    "sync_outbox",
    metadata,
    _id(),
    Column("kind", String(20), nullable=False),
    Column("task_id", Integer(), ForeignKey("monitoring_tasks.id"), index=True),
    Column("report_id", Integer(), ForeignKey("reports.id"), index=True),
    Column("sample_id", Integer(), ForeignKey("samples.id"), index=True),
    Column("idempotency_key", String(100), unique=True, nullable=False),
    Column("package", LargeBinary, nullable=True),
    Column("recipe", LargeBinary, nullable=True),
    Column("package_ref", String(500)),
    Column("package_sha256", String(64)),
    Column("state", String(20), default="pending", nullable=False),
    Column("attempts", Integer, default=0, nullable=False),
    Column("next_attempt_at", UTCDateTime()),
    Column("last_error", Text),
    Column("receipt_number", String(100)),
    Column("accepted_at", UTCDateTime()),
    Column("note", Text),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("kind", OUTBOX_KINDS), name="kind"),
    CheckConstraint(_in("state", OUTBOX_STATES), name="state"),
    Index("ix_sync_outbox_state_next_attempt_at", "state", "next_attempt_at"),
)


# LabAsset
lab_assets = Table(
    "lab_assets",
    metadata,
    _id(),
    Column("kind", String(16), nullable=False),
    Column("user_id", Integer(), ForeignKey("users.id")),
    Column("media_type", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    _version(),
    _created_at(),
    _updated_at(),
    CheckConstraint(_in("kind", LAB_ASSET_KINDS), name="kind"),
    UniqueConstraint("kind", "user_id"),
)


# LabKey
lab_keys = Table(
    "lab_keys",
    metadata,
    _id(),
    Column("fingerprint", String(64), unique=True, nullable=False),
    Column("subject", Text, nullable=False),
    Column("certificate", LargeBinary, nullable=False),
    Column("pkcs12", LargeBinary, nullable=False),
    Column("not_before", UTCDateTime(), nullable=False),
    Column("not_after", UTCDateTime(), nullable=False),
    Column("self_signed", Boolean, default=True, nullable=False),
    Column("demo", Boolean, default=False, nullable=False),
    Column("active", Boolean, default=True, index=True, nullable=False),
    Column("created_by_id", Integer(), ForeignKey("users.id")),
    _version(),
    _created_at(),
    _updated_at(),
)


# SampleNumberCounter
sample_number_counters = Table(
    "sample_number_counters",
    metadata,
    _id(),
    Column("scope", String(100), unique=True, nullable=False),
    Column("next_value", Integer, default=1, nullable=False),
    _version(),
    _created_at(),
    _updated_at(),
)


# LoginThrottle
login_throttle = Table(
    "login_throttle",
    metadata,
    _id(),
    Column("username", String(64), unique=True, nullable=False),
    Column("failures", Integer, default=0, nullable=False),
    Column("last_failure_at", UTCDateTime()),
    Column("locked_until", UTCDateTime()),
    _version(),
    _created_at(),
    _updated_at(),
)


# AuditCheckpoint
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, index=True, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("key_fingerprint", String(64), nullable=False),
    Column("statement", Text, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", String(16), nullable=False),
)


# AuditLog
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime(), index=True, nullable=False),
    Column("actor", String(64), index=True, nullable=False),
    Column("action", String(6), nullable=False),
    Column("table_name", String(64), nullable=False),
    Column("row_id", Integer, nullable=False),
    Column("before", JSON()),
    Column("after", JSON()),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), unique=True, nullable=False),
    CheckConstraint(_in("action", AUDIT_ACTIONS), name="action"),
    Index("ix_audit_log_table_name_row_id", "table_name", "row_id"),
)


#: Tables whose changes the audit log records (every mapped table except the log and its
#: checkpoints).
AUDITED_TABLES = frozenset(t for t in metadata.tables if t not in ("audit_log", "audit_checkpoints"))

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
