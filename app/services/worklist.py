"""工作清单与待我处理: the samples waiting for work at the bench, and what waits for the signed-in user.

* :func:`count` / :func:`page` (and :func:`list_work`, :func:`first_page`) — the work list of the
  检验与判定 page: every sample between receipt and the report's approval or reporting
  (``WORK_STATUSES``), filtered and sorted in SQL so that it opens as fast on 100,000 samples as on
  ten. The order is the Article 18 deadline: completed samples by their reporting deadline (earliest
  first; the deadline rises with the completion date, so the database sorts by that date), then the
  samples still in testing or just received, oldest receipt first.
* The deadline colour filter keeps the samples whose Article 18 clock is in one state of the
  dashboard's traffic light (:func:`app.rules.calendar.clock_state`, deadline by
  :meth:`app.rules.calendar.WorkingCalendar.deadline`). Because the deadline never falls when the
  completion date rises, each state is one range of completion dates; the range's ends are found
  with those same functions and the filter is a range condition on the indexed ``completed_date``.
* "Mine" (我的): samples the user registered, received, started or completed — every one of those
  steps is a change of the sample's row, and the audit log records who made it (the model keeps no
  receiver or tester column on the sample) — or an item of which the user entered
  (``item_results.tested_by_id``).
* :func:`inbox` — 待我处理: reports to review or approve (never one the user compiled: separation
  of duties, as :mod:`app.services.reports` enforces), items of samples in testing that no standard
  covers and that still need an expert panel (Article 5), notices not yet delivered (Article 18 ¶2)
  and uploads that failed. Each list is for the roles that may act on it.
* :func:`counts` — the numbers the navigation bar shows; :func:`find_by_code` — the sample a scanned
  label names (:func:`code_pattern` tells a sample number from other text by the lab's pattern).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import ColumnElement, String, and_, bindparam, case, cast, exists, func, or_, select
from sqlalchemy.sql import Select

from app import clock as lab_clock
from app.errors import ValidationError
from app.ruledata import default_calendar
from app.rules import calendar as calendar_rules
from app.rules.calendar import clock_state
from app.services import permissions  # not notifications/upload: start-up
from app.services._common import search_text
from app.services.calendar import calendar_rows
from app.services.context import Context
from app.store import tables
from app.store.queries import Likelihood, get_setting, get_settings, lab_zone, open_clock

#: the statuses of a sample waiting for work at the bench: from receipt until the approved report
#: was reported to the regulator
WORK_STATUSES = ("received", "testing", "completed", "compiled", "reviewed", "approved")
#: the deadline colours of the filter: the dashboard's states, and "none" (not yet complete)
DEADLINE_STATES = ("overdue", "due_soon", "ok", "none")
SORT_KEYS = ("deadline", "number", "task", "product", "status", "received_date")
DEFAULT_SORT = "deadline"
PAGE_LIMIT_MAX = 5000
INBOX_LIMIT = 200  # rows of each kind the inbox lists (its counts are exact)
SCAN_MAX = 64  # a sample number is at most 64 characters


@dataclass(frozen=True)
class WorkQuery:
    """What the work list shows: every field left empty means "any"."""

    mine: bool = False
    status: str | None = None
    task_id: int | None = None
    deadline: str | None = None  # one of DEADLINE_STATES


class WorkRow(NamedTuple):
    """One line of the work list (a named tuple: a page of them is made fast)."""

    id: int
    number: str
    task_number: str
    product_name: str
    status: str
    received_date: dt.date | None
    completed_date: dt.date | None
    deadline: dt.date | None
    days_left: int | None  # working days after today up to the deadline; negative: late
    state: str  # overdue | due_soon | ok | reported | none
    provisional: bool
    problems_found: bool
    major_hazard: bool
    version: int


@dataclass(frozen=True)
class FirstPage:
    total: int
    rows: list[WorkRow]


# ----------------------------------------------------------------------------------- the deadline
@dataclass(frozen=True)
class DeadlineBounds:
    """The completion dates of each clock state on ``today``: overdue before ``due_soon_from``,
    due soon from it up to (not including) ``ok_from``, green from ``ok_from`` on."""

    today: dt.date
    due_soon_from: dt.date
    ok_from: dt.date


def _state(cal, n: int, completed: dt.date, today: dt.date) -> str:
    d = cal.deadline(completed, n)
    left = cal.working_days_left(d.deadline, today)
    return clock_state(left, not calendar_rules.is_on_time(d.deadline, today))


def deadline_bounds(cal, n: int, today: dt.date) -> DeadlineBounds:
    """Where the clock's states change along the completion date (the deadline of a later
    completion is never earlier). Found with the dashboard's own functions, by bisection."""

    def first(wanted: set[str]) -> dt.date:
        lo, hi = today - dt.timedelta(days=14 * n + 60), today + dt.timedelta(days=30)
        while _state(cal, n, lo, today) in wanted:  # far in the past: never in practice
            lo -= dt.timedelta(days=366)
        # invariant: lo is not in `wanted`, hi is (a sample completed a month from now is green)
        while (hi - lo).days > 1:
            mid = lo + dt.timedelta(days=(hi - lo).days // 2)
            if _state(cal, n, mid, today) in wanted:
                hi = mid
            else:
                lo = mid
        return hi

    return DeadlineBounds(today, first({"due_soon", "ok"}), first({"ok"}))


# ----------------------------------------------------------------------------------- filtering
def _check(query: WorkQuery) -> None:
    errors: dict[str, str] = {}
    if query.status is not None and query.status not in WORK_STATUSES:
        errors["status"] = "未知的样品状态。"
    if query.deadline is not None and query.deadline not in DEADLINE_STATES:
        errors["deadline"] = "未知的期限状态。"
    if errors:
        raise ValidationError(errors)


def _mine(user_id: int | None, username: str) -> ColumnElement[bool]:
    s = tables.samples.c
    a = tables.audit_log.c
    r = tables.item_results.c
    # the user's own entries are few beside the log (index on actor): one lookup, not one per sample
    touched = s.id.in_(select(a.row_id).where(
        Likelihood(a.actor == username, 0.001), a.table_name == "samples"))
    if user_id is None:
        return touched
    return or_(touched, s.id.in_(select(r.sample_id).where(r.tested_by_id == user_id)))


def _conditions(query: WorkQuery, user_id: int | None, username: str,
                bounds: DeadlineBounds | None) -> list[ColumnElement[bool]]:
    s = tables.samples.c
    conds: list[ColumnElement[bool]] = [
        s.status.in_((query.status,) if query.status else WORK_STATUSES)
    ]
    if query.task_id is not None:
        conds.append(s.task_id == query.task_id)
    if query.deadline == "none":
        conds.append(s.completed_date.is_(None))
    elif query.deadline is not None:
        assert bounds is not None
        conds += open_clock()
        if query.deadline == "overdue":
            conds.append(s.completed_date < bounds.due_soon_from)
        elif query.deadline == "due_soon":
            conds += [s.completed_date >= bounds.due_soon_from, s.completed_date < bounds.ok_from]
        else:
            conds.append(s.completed_date >= bounds.ok_from)
    if query.mine:
        conds.append(_mine(user_id, username))
    return conds


# A statement costs about a fifth of the list's time to build: each shape is built once and kept
# (the arguments are all hashable values; paging keeps a few entries per filter).
@functools.lru_cache(maxsize=128)
def count_statement(query: WorkQuery, user_id: int | None = None, username: str = "",
                    bounds: DeadlineBounds | None = None) -> Select:
    """The ``SELECT count(*)`` of :func:`count` (for benchmarks and EXPLAIN)."""
    return select(func.count()).select_from(tables.samples).where(
        and_(*_conditions(query, user_id, username, bounds))
    )


def _order(sort_key: str, descending: bool, task) -> list:
    s = tables.samples.c
    if sort_key not in SORT_KEYS:
        raise ValidationError(f"不能按“{sort_key}”排序。")
    if sort_key == "deadline":
        # completed first, by completion date (= by deadline); then the rest by receipt
        keys = [case((s.completed_date.is_(None), 1), else_=0), s.completed_date, s.received_date]
    else:
        keys = [{
            "number": s.number,
            "task": task.c.number,
            "product": s.product_name,
            "status": case({st: i for i, st in enumerate(WORK_STATUSES)}, value=s.status),
            "received_date": s.received_date,
        }[sort_key]]
    if sort_key != "number":  # the id makes the order total, so pages never overlap
        keys.append(s.id)
    return [k.desc() for k in keys] if descending else [k.asc() for k in keys]


_TASK = tables.monitoring_tasks.alias("t")


@functools.lru_cache(maxsize=128)
def page_statement(query: WorkQuery, sort_key: str = DEFAULT_SORT, descending: bool = False, offset: int = 0,
                   limit: int = 200, user_id: int | None = None, username: str = "",
                   bounds: DeadlineBounds | None = None) -> Select:
    """The select of :func:`page`: the window of ids is chosen first (a deferred join), then only
    those rows are joined to their task."""
    s = tables.samples
    task = _TASK
    source = s.join(task, task.c.id == s.c.task_id) if sort_key == "task" else s
    window = (
        select(s.c.id).select_from(source)
        .where(and_(*_conditions(query, user_id, username, bounds)))
        .order_by(*_order(sort_key, descending, task))
        .offset(offset)
        .limit(limit)
    )
    return (
        select(s.c.id, s.c.number, task.c.number, s.c.product_name, s.c.status, s.c.received_date,
               s.c.completed_date, s.c.reported_date, s.c.problems_found, s.c.major_hazard, s.c.version)
        .select_from(s.join(task, task.c.id == s.c.task_id))
        .where(s.c.id.in_(window.scalar_subquery()))
        .order_by(*_order(sort_key, descending, task))
    )


class _Clock:
    """What the list needs to know of the Article 18 clock, read once per call: today, the number of
    working days and the lab's calendar. The calendar is read as rows (a few small queries); what is
    worked out from them — the deadline of each completion date, the filter's bounds — is kept for
    the next call while the rows, the number of days and today are the same (:data:`_WORKED`)."""

    def __init__(self, session, today: dt.date | None = None) -> None:
        self.session = session
        settings = get_settings(session, "display_timezone", "deadline_working_days")  # one statement
        self.today = today or lab_clock.today(lab_zone(settings["display_timezone"]))
        self.n = int(settings["deadline_working_days"] or 5)
        self._worked: _Worked | None = None

    @property
    def worked(self) -> _Worked:
        if self._worked is None:
            rows, years = calendar_rows(self.session)
            key = (tuple(rows), years, self.n, self.today)
            found = _WORKED.get(key)
            if found is None:
                if len(_WORKED) >= 8:
                    _WORKED.clear()
                found = _WORKED[key] = _Worked(default_calendar(rows, years))
            self._worked = found
        return self._worked

    @property
    def cal(self):
        return self.worked.cal

    def bounds(self, query: WorkQuery) -> DeadlineBounds | None:
        if query.deadline in (None, "none"):
            return None
        w = self.worked
        if w.bounds is None:
            w.bounds = deadline_bounds(w.cal, self.n, self.today)
        return w.bounds

    def open(self, completed: dt.date) -> tuple[dt.date, bool, int, str]:
        """(deadline, provisional, working days left, state) of a sample completed on ``completed``
        and not reported yet."""
        w = self.worked
        found = w.open.get(completed)
        if found is None:
            d = w.cal.deadline(completed, self.n)
            left = w.cal.working_days_left(d.deadline, self.today)
            found = (d.deadline, d.provisional, left,
                     clock_state(left, not calendar_rules.is_on_time(d.deadline, self.today)))
            w.open[completed] = found
        return found


class _Worked:
    """The calendar of one set of rows, and what was worked out with it for one today and n."""

    def __init__(self, cal) -> None:
        self.cal = cal
        self.bounds: DeadlineBounds | None = None
        self.open: dict[dt.date, tuple[dt.date, bool, int, str]] = {}


#: (calendar rows, complete years, n, today) → what was worked out: a few entries, cleared when full
_WORKED: dict[tuple, _Worked] = {}


def _count(session, ctx: Context, query: WorkQuery, clock: _Clock) -> int:
    return int(session.execute(
        count_statement(query, ctx.user.id, ctx.user.username, clock.bounds(query))).scalar_one())


def count(ctx: Context, query: WorkQuery) -> int:
    """How many samples waiting for work the filter gives."""
    _check(query)
    with ctx.reader() as unit:
        return _count(unit.conn, ctx, query, _Clock(unit.conn))


def _page(session, ctx: Context, query: WorkQuery, sort_key: str, descending: bool, offset: int, limit: int,
          clock: _Clock) -> list[WorkRow]:
    rows = session.execute(page_statement(query, sort_key, descending, offset, limit, ctx.user.id,
                                          ctx.user.username, clock.bounds(query))).all()
    out = []
    append, row, open_clock = out.append, WorkRow, clock.open
    for (sid, number, task_number, product, status, received, completed, reported, problems, hazard,
         version) in rows:
        if completed is None:
            deadline = left = None
            state, provisional = "none", False
        elif reported is None:
            deadline, provisional, left, state = open_clock(completed)
        else:
            d = clock.cal.deadline(completed, clock.n)
            deadline, provisional = d.deadline, d.provisional
            state, left = "reported", clock.cal.working_days_left(d.deadline, reported)
        append(row(sid, number, task_number, product, status, received, completed, deadline, left,
                   state, provisional, bool(problems), bool(hazard), version))
    return out


def page(ctx: Context, query: WorkQuery, sort_key: str = DEFAULT_SORT, descending: bool = False,
         offset: int = 0, limit: int = 200, *, total: int | None = None,
         today: dt.date | None = None) -> list[WorkRow]:
    """Rows ``offset`` … ``offset + limit - 1`` of the work list, each with its Article 18 clock."""
    _check(query)
    if offset < 0 or limit < 0:
        raise ValidationError("分页参数不能为负数。")
    limit = min(limit, PAGE_LIMIT_MAX)
    with ctx.reader() as unit:
        return _page(unit.conn, ctx, query, sort_key, descending, offset, limit, _Clock(unit.conn, today))


def first_page(ctx: Context, query: WorkQuery, sort_key: str = DEFAULT_SORT, descending: bool = False,
               limit: int = 200) -> FirstPage:
    """:func:`count` and the first :func:`page` in one call (one round trip from the GUI, one
    transaction: the count and the rows agree)."""
    _check(query)
    limit = min(max(limit, 0), PAGE_LIMIT_MAX)
    with ctx.reader() as unit:
        clock = _Clock(unit.conn)
        total = _count(unit.conn, ctx, query, clock)
        rows = _page(unit.conn, ctx, query, sort_key, descending, 0, limit, clock) if total else []
    return FirstPage(total, rows)


def list_work(ctx: Context, query: WorkQuery | None = None, offset: int = 0, limit: int = 200) -> list[WorkRow]:
    """The work list in deadline order, one window of it."""
    return page(ctx, query or WorkQuery(), DEFAULT_SORT, False, offset, limit)


def default_query(ctx: Context) -> WorkQuery:
    """A technician starts on their own samples; everyone else on all of them."""
    return WorkQuery(mine=ctx.user.has("technician"))


# ----------------------------------------------------------------------------------- the inbox
INBOX_KINDS = ("review", "approve", "panel", "notice", "upload")
KIND_LABELS = {
    "review": "待审核报告",
    "approve": "待批准报告",
    "panel": "待专家组评价",
    "notice": "待送达告知书",
    "upload": "上报失败",
}


class InboxItem(NamedTuple):
    """One thing waiting for the user; the ids say which page and record it opens (a named tuple:
    the inbox makes hundreds of them at a time)."""

    kind: str  # one of INBOX_KINDS
    title: str  # the report, sample or upload it is about
    subject: str  # product, recipient, …
    detail: str  # what is to be done, in Chinese
    since: dt.datetime | dt.date | None
    sample_id: int | None = None
    report_id: int | None = None
    task_id: int | None = None
    outbox_id: int | None = None
    item: str | None = None  # the test item of a panel

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Inbox:
    items: tuple[InboxItem, ...]
    counts: dict[str, int] = field(default_factory=dict)  # exact, per kind (items may be cut at INBOX_LIMIT)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _roles(ctx: Context) -> dict[str, bool]:
    """Which of the inbox's lists the user gets: those whose items' action the permission model
    (app.services.permissions) lets them take — the one function the item's own service checks."""
    user = ctx.user
    return {
        "review": permissions.report_actions(user, status="compiled", compiled_by_id=None).allowed("review"),
        "approve": permissions.report_actions(user, status="reviewed", compiled_by_id=None).allowed("approve"),
        "panel": permissions.sample_actions(user, status="testing").allowed("record_panel"),
        "notice": permissions.notice_actions(user).allowed("deliver"),
        "upload": permissions.upload_actions(user, state="failed").allowed("retry"),
    }


# The inbox's statements are built once (their values are bound parameters): building a statement
# costs about as much as running it on the few rows of a queue.
@functools.cache
def _reports_select(counting: bool) -> Select:
    """Reports of status ``:status`` not compiled by ``:user_id`` (separation of duties: never one's
    own report; 0 for nobody)."""
    r = tables.reports.c
    conds = [r.status == bindparam("status"), r.kind != "monthly",
             or_(r.compiled_by_id.is_(None), r.compiled_by_id != bindparam("user_id"))]
    if counting:
        return select(func.count()).select_from(tables.reports).where(*conds)
    s = tables.samples.c
    t = tables.monitoring_tasks.c
    return (
        select(r.id, r.kind, r.number, r.sample_id, r.task_id, r.compiled_at, r.reviewed_at, s.number,
               s.product_name, t.number)
        .select_from(tables.reports.outerjoin(tables.samples, s.id == r.sample_id)
                     .outerjoin(tables.monitoring_tasks, t.id == r.task_id))
        .where(*conds)
        .order_by(r.id)
        .limit(INBOX_LIMIT + 1)
    )


def _reports_statement(status: str, user_id: int | None, *, counting: bool = False) -> Select:
    return _reports_select(counting).params(status=status, user_id=user_id if user_id is not None else 0)


@functools.cache
def _notices_statement(*, counting: bool = False) -> Select:
    n = tables.notifications.c
    r = tables.reports.c
    # the few undelivered notices first (index on sent_date), then each one's report by its key: never
    # the list of every approved report
    source = tables.notifications.join(tables.reports, r.id == n.report_id)
    conds = [n.sent_date.is_(None), r.status == "approved"]
    if counting:
        return select(func.count()).select_from(source).where(*conds)
    s = tables.samples.c
    return (
        select(n.id, n.sample_id, n.recipient_name, n.document_number, n.created_at, s.number, s.task_id)
        .select_from(source.join(tables.samples, s.id == n.sample_id))
        .where(*conds)
        .order_by(n.id)
        .limit(INBOX_LIMIT + 1)
    )


@functools.cache
def _uploads_statement(*, counting: bool = False) -> Select:
    o = tables.sync_outbox.c
    if counting:
        return select(func.count()).select_from(tables.sync_outbox).where(o.state == "failed")
    return (
        select(o.id, o.kind, o.sample_id, o.task_id, o.report_id, o.next_attempt_at, o.last_error, o.updated_at)
        .where(o.state == "failed")
        .order_by(o.next_attempt_at.is_not(None), o.id)
        .limit(INBOX_LIMIT + 1)
    )


@functools.cache
def _panels_statement(*, counting: bool = False) -> Select:
    """The unjudged items of samples in testing that no standard covers (the basis is missing, or is
    an expert panel's) and that have no panel evaluation yet — decided in SQL: only those rows come
    back. Rows: (sample id, number, product, item, started)."""
    s = tables.samples.c
    r = tables.item_results.c
    p = tables.panel_evaluations.c
    source = tables.samples.join(tables.item_results, r.sample_id == s.id)
    conds = [s.status == "testing", r.judgement.is_(None),
             or_(r.basis.is_(None), cast(r.basis, String) == "null", r.basis["source"].as_string() == "panel"),
             ~exists().where(p.sample_id == s.id, p.item == r.item)]
    if counting:
        return select(func.count()).select_from(source).where(*conds)
    return (
        select(s.id, s.number, s.product_name, r.item, s.test_started_date)
        .select_from(source)
        .where(*conds)
        .order_by(s.test_started_date, s.id, r.seq)
        .limit(INBOX_LIMIT + 1)
    )


UPLOAD_KIND_LABELS = {"result": "检验结果", "notice": "告知书", "analysis_report": "分析报告",
                      "task_results": "任务结果", "hazard": "重大风险隐患报告"}


def _listed(session, stmt: Select, count_stmt: Select) -> tuple[list, int]:
    """The first ``INBOX_LIMIT`` rows of a list and how many there are (counted only when cut)."""
    rows = session.execute(stmt).all()
    if len(rows) <= INBOX_LIMIT:
        return rows, len(rows)
    return rows[:INBOX_LIMIT], int(session.scalar(count_stmt) or 0)


def inbox(ctx: Context) -> Inbox:
    """待我处理: what waits for the signed-in user, by the roles they hold."""
    allowed = _roles(ctx)
    items: list[InboxItem] = []
    counts: dict[str, int] = {}
    with ctx.reader() as unit:
        session = unit.conn
        for kind, status in (("review", "compiled"), ("approve", "reviewed")):
            if not allowed[kind]:
                continue
            rows, counts[kind] = _listed(session, _reports_statement(status, ctx.user.id),
                                         _reports_statement(status, ctx.user.id, counting=True))
            for rid, rkind, number, sid, tid, compiled_at, reviewed_at, snumber, product, tnumber in rows:
                what = "检验报告" if rkind == "test" else "分析报告"
                action = "审核" if kind == "review" else "批准"
                items.append(InboxItem(
                    kind, f"{what} {number}", f"{snumber or tnumber or ''} {product or ''}".strip(),
                    f"请{action}{what}（本人编制的报告不会列出）",
                    compiled_at if kind == "review" else reviewed_at, sample_id=sid, report_id=rid, task_id=tid))
        if allowed["panel"]:
            rows, counts["panel"] = _listed(session, _panels_statement(), _panels_statement(counting=True))
            for sid, number, product, item, started in rows:
                items.append(InboxItem("panel", number, product, f"检验项目“{item}”无可依据的标准，需专家组验证评价（第五条）",
                                       started, sample_id=sid, item=item))
        if allowed["notice"]:
            rows, counts["notice"] = _listed(session, _notices_statement(), _notices_statement(counting=True))
            for _nid, sid, recipient, document, created, snumber, tid in rows:
                items.append(InboxItem("notice", snumber, recipient,
                                       f"告知书{(' ' + document) if document else ''}尚未登记送达（第十八条第二款）",
                                       created, sample_id=sid, task_id=tid))
        if allowed["upload"]:
            rows, counts["upload"] = _listed(session, _uploads_statement(), _uploads_statement(counting=True))
            for oid, okind, sid, tid, rid, next_at, error, updated in rows:
                waiting = "需人工处理" if next_at is None else "将自动重试"
                items.append(InboxItem("upload", f"上传项 #{oid}", UPLOAD_KIND_LABELS.get(okind, okind),
                                       f"上传失败，{waiting}：{(error or '').strip()[:120]}", updated,
                                       sample_id=sid, task_id=tid, report_id=rid, outbox_id=oid))
    return Inbox(tuple(items), counts)


# ----------------------------------------------------------------------------------- the badges
@dataclass(frozen=True)
class Counts:
    work: int  # samples of the work list's default filter (:func:`default_query`)
    inbox: int


def counts(ctx: Context) -> Counts:
    """What the navigation bar shows beside 检验与判定 and 待我处理 (counts only: no rows are read)."""
    allowed = _roles(ctx)
    work = count(ctx, default_query(ctx))
    total = 0
    with ctx.reader() as unit:
        session = unit.conn
        for kind, status in (("review", "compiled"), ("approve", "reviewed")):
            if allowed[kind]:
                total += int(session.scalar(_reports_statement(status, ctx.user.id, counting=True)) or 0)
        if allowed["panel"]:
            total += int(session.scalar(_panels_statement(counting=True)) or 0)
        if allowed["notice"]:
            total += int(session.scalar(_notices_statement(counting=True)) or 0)
        if allowed["upload"]:
            total += int(session.scalar(_uploads_statement(counting=True)) or 0)
    return Counts(work, total)


# ----------------------------------------------------------------------------------- scanned labels
_FIELD_RES = {"task": r".+?", "year": r"\d{4}"}


def code_pattern(pattern: str) -> re.Pattern[str] | None:
    """A regular expression that a sample number made by the lab's ``sample_number_pattern`` matches
    (``{task}-{seq:04d}`` → ``.+?-\\d{4,}``); None for a pattern that cannot be read."""
    out = []
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return None
    for literal, name, spec, _conv in parts:
        out.append(re.escape(literal))
        if name is None:
            continue
        if name in _FIELD_RES:
            out.append(_FIELD_RES[name])
        elif name in ("seq", "month", "day"):
            width = re.fullmatch(r"0?(\d+)d", spec or "")
            out.append(rf"\d{{{width.group(1)},}}" if width else r"\d+")
        else:
            return None
    return re.compile("".join(out))


def scan_pattern(ctx: Context) -> str:
    """The regular expression (text) of the lab's sample numbers, for telling a scanned label."""
    with ctx.reader() as unit:
        pattern = str(get_setting(unit.conn, "sample_number_pattern") or "")
    compiled = code_pattern(pattern)
    return compiled.pattern if compiled is not None else ""


@dataclass(frozen=True)
class ScanResult:
    code: str
    sample_id: int | None

    @property
    def message(self) -> str:
        return "" if self.sample_id is not None else f"未找到样品编号 {self.code}"


def find_by_code(ctx: Context, code: str) -> ScanResult:
    """The sample whose number is exactly ``code`` (as a barcode reader types a label's content)."""
    code = search_text(code)[:SCAN_MAX]
    if not code:
        raise ValidationError("请扫描或输入样品编号。")
    with ctx.reader() as unit:
        sid = unit.conn.scalar(select(tables.samples.c.id).where(tables.samples.c.number == code))
    return ScanResult(code, sid)
