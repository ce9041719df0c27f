"""The big sample list (样品列表): counting, filtering, sorting and paging in SQL.

The desktop list shows any number of samples without loading them: it asks :func:`count` for the
number of rows a filter gives and :func:`page` for the rows it shows, one page at a time. Both
are SQLAlchemy Core selects of only the columns the list needs, so a page of 200 rows costs the
same at the start and at the end of 100,000 samples.

* The text filter splits on white space; every word must occur (case-insensitively) in one of
  the sample number, product name, brand, model (规格型号), batch number, or the name or USCC of
  the sampled party, nominal producer (标称生产企业) or platform operator (电商平台经营者).
  Enterprise names are matched in the ``enterprises`` table first and the samples are then
  tested by their indexed keys, so without the text index the filter scans the samples table
  once without a join.
* With the text index (:mod:`app.store.search_index`: FTS5 trigram on SQLite, pg_trgm on
  PostgreSQL), the longest word of three or more characters first gives the *candidates* (the
  samples whose own texts, or whose parties' names and USCCs, contain its trigrams), and the
  conditions above are applied to those rows only: the index never decides a result, so the
  rows are exactly those of the scan. Words of one or two characters never ask the index.
* Every sort key ends with the sample id, so pages never overlap or skip rows when values tie.

Also here: :func:`find_enterprise`, the lookup of a known enterprise by its USCC that the sampling
form offers to fill the name, address and contact from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    union,
    union_all,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.errors import ValidationError
from app.rules import uscc as uscc_rules
from app.services._common import like_pattern, search_words
from app.services.context import Context
from app.services.records import amendment_states
from app.store import search_index
from app.store.models import PLACE_TYPES, SAMPLE_STATUSES, Enterprise, MonitoringTask, Sample

#: 样品状态 in Chinese, in the order of the work.
STATUS_LABELS = {
    "registered": "已登记",
    "received": "已收样",
    "testing": "检验中",
    "completed": "已完成",
    "compiled": "已编制",
    "reviewed": "已审核",
    "approved": "已批准",
    "reported": "已报送",
}

#: statuses a sample with an issued (approved) test report can be in
_ISSUED = ("completed", "compiled", "reviewed", "approved", "reported")

#: The list's columns, in the order shown (``app.ui.models.sample_table``); each one sorts it.
SORT_KEYS = (
    "number",
    "task",
    "product",
    "brand",
    "batch",
    "place",
    "sampled_party",
    "sampling_date",
    "received_date",
    "status",
)
DEFAULT_SORT = "sampling_date"
PAGE_LIMIT_MAX = 5000
SORT_BELOW = 5000  # a text filter keeping fewer rows is sorted, not walked in index order (SQLite)
TEXT_MAX = 100  # longer filters are cut: nobody types a 100-character search
WALK_MAX = 20_000  # index entries walked to fill a page of a text filter's candidates (SQLite)
_WALKABLE = ("number", "product", "brand", "sampling_date", "received_date")  # orders an index gives


@dataclass(frozen=True)
class SampleQuery:
    """What the list shows: every field left empty means "any"."""

    text: str = ""
    task_id: int | None = None
    status: str | None = None
    place_type: str | None = None
    date_from: dt.date | None = None  # sampling date, inclusive
    date_to: dt.date | None = None  # sampling date, inclusive

    def words(self) -> list[str]:
        return search_words(self.text, TEXT_MAX)  # no NUL or other control character reaches SQL


@dataclass(frozen=True)
class SampleRow:
    """One line of the list."""

    id: int
    number: str
    task_number: str
    product_name: str
    brand: str
    batch_number: str
    place_type: str
    sampled_party: str
    sampling_date: dt.date | None
    received_date: dt.date | None
    status: str
    problems_found: bool
    version: int
    #: an issued report amended and its replacement, or an amendment awaiting a signatory (in words)
    state_note: str = ""


@dataclass(frozen=True)
class EnterpriseInfo:
    """A known enterprise of the lab's register (企业), for filling a sampling form."""

    id: int
    name: str
    uscc: str
    address: str
    contact: str
    phone: str
    size: str | None


# ----------------------------------------------------------------------------------- filtering
def _contains(column, pattern: str, postgres: bool) -> ColumnElement[bool]:
    # SQLite's LIKE ignores ASCII case already (and lower() would cost a call per row);
    # PostgreSQL's LIKE does not, ILIKE does.
    if postgres:
        return column.ilike(pattern, escape="\\")
    return column.like(pattern, escape="\\")


def _check(query: SampleQuery) -> None:
    errors: dict[str, str] = {}
    if query.status is not None and query.status not in SAMPLE_STATUSES:
        errors["status"] = "未知的样品状态。"
    if query.place_type is not None and query.place_type not in PLACE_TYPES:
        errors["place_type"] = "未知的抽样场所类型。"
    if query.date_from and query.date_to and query.date_from > query.date_to:
        errors["date_to"] = "结束日期不能早于开始日期。"
    if errors:
        raise ValidationError(errors)


def _match(fts: str, word: str) -> ColumnElement[bool]:
    """``fts MATCH '"word"'`` (SQLite FTS5): the word as one phrase of trigrams."""
    return literal_column(fts).op("MATCH")(bindparam(None, search_index.fts_phrase(word), unique=True))


#: the samples table under another name, for subqueries that must not correlate with the outer one
#: (made once: the column collection of an alias of this wide table costs milliseconds to build)
_CAND = Sample.__table__.alias("cand")


def _candidates(word: str, postgres: bool):
    """The ids of the samples the text index says may contain ``word`` (a superset of the rows
    the word's ``LIKE`` conditions keep), as a select for ``samples.id IN (…)``."""
    other = _CAND  # not the outer samples: no correlation
    if postgres:  # the pg_trgm indexes serve ILIKE itself
        pattern = like_pattern(word)
        e = Enterprise.__table__.c
        own = select(other.c.id).where(or_(*(_contains(other.c[c], pattern, True)
                                             for c in search_index.SAMPLE_COLUMNS)))
        companies = select(e.id).where(or_(_contains(e.name, pattern, True), _contains(e.uscc, pattern, True)))
    else:
        fts = table(search_index.SAMPLES_FTS, column("rowid"))
        efts = table(search_index.ENTERPRISES_FTS, column("rowid"))
        own = select(fts.c.rowid).where(_match(search_index.SAMPLES_FTS, word))
        companies = select(efts.c.rowid).where(_match(search_index.ENTERPRISES_FTS, word))
    return union_all(
        own,
        select(other.c.id).where(other.c.sampled_party_id.in_(companies)),
        select(other.c.id).where(other.c.nominal_producer_id.in_(companies)),
        select(other.c.id).where(other.c.platform_operator_id.in_(companies)),
    )


def index_word(words: list[str]) -> str | None:
    """The word that asks the text index: the longest of three or more characters, or None."""
    long = [w for w in words if len(w) >= search_index.MIN_INDEXED]
    return max(long, key=len) if long else None


def _conditions(query: SampleQuery, postgres: bool, indexed: bool = False, candidates: str = "lookup"
                ) -> list[ColumnElement[bool]]:
    """The WHERE of the filter. ``indexed``: the text index exists — the enterprises a word names
    are found through it, and the samples are restricted to the candidates of the longest word
    before the ``LIKE`` conditions: ``candidates`` "lookup" (the rows are fetched by id), "probe"
    (an order's index is walked and each id tested against the candidates before its row is
    read), or "none" (walking an order's index with many matching rows: the first ones come at
    once, and a candidate set would only cost its building)."""
    s = Sample.__table__.c
    conds: list[ColumnElement[bool]] = []
    if query.task_id is not None:
        conds.append(s.task_id == query.task_id)
    if query.status is not None:
        conds.append(s.status == query.status)
    if query.place_type is not None:
        conds.append(s.place_type == query.place_type)
    if query.date_from is not None:
        conds.append(s.sampling_date >= query.date_from)
    if query.date_to is not None:
        conds.append(s.sampling_date <= query.date_to)
    e = Enterprise.__table__.c
    words = query.words()
    driver = index_word(words) if indexed and candidates != "none" else None
    if driver is not None:
        ident = _unindexed(s.id) if candidates == "probe" and not postgres else s.id
        conds.append(ident.in_(_candidates(driver, postgres)))
    for word in words:
        pattern = like_pattern(word)
        companies = select(e.id).where(
            or_(_contains(e.name, pattern, postgres), _contains(e.uscc, pattern, postgres))
        )
        if indexed and not postgres and len(word) >= search_index.MIN_INDEXED:
            # the enterprises the index names, then the same LIKE: the same ids without a scan
            efts = table(search_index.ENTERPRISES_FTS, column("rowid"))
            companies = companies.where(
                e.id.in_(select(efts.c.rowid).where(_match(search_index.ENTERPRISES_FTS, word)))
            )
        conds.append(
            or_(
                _contains(s.number, pattern, postgres),
                _contains(s.product_name, pattern, postgres),
                _contains(s.brand, pattern, postgres),
                _contains(s.model_spec, pattern, postgres),
                _contains(s.batch_number, pattern, postgres),
                s.sampled_party_id.in_(companies),
                s.nominal_producer_id.in_(companies),
                s.platform_operator_id.in_(companies),
            )
        )
    return conds


def _is_postgres(ctx: Context) -> bool:
    return getattr(ctx.db, "backend", "sqlite") == "postgresql"


def _only_text(query: SampleQuery) -> bool:
    return (query.task_id is None and query.status is None and query.place_type is None
            and query.date_from is None and query.date_to is None)


def _exact_count(word: str) -> Select:
    """The count of one word the SQLite index answers exactly (:func:`search_index.exact`), from
    indexes alone: the samples whose own texts contain the word (the text index), plus those whose
    sampled party, nominal producer or platform operator has it in its name or USCC (the enterprise
    text index, then the samples' indexes on the three keys), less those counted twice. No row of
    the samples table is read, which is what makes a word found in a third of a million samples,
    or a district's enterprises' few thousand, cheap."""
    s = _CAND
    fts = table(search_index.SAMPLES_FTS, column("rowid"))
    efts = table(search_index.ENTERPRISES_FTS, column("rowid"))
    companies = select(efts.c.rowid).where(_match(search_index.ENTERPRISES_FTS, word))
    by_party = union(
        select(s.c.id).where(s.c.sampled_party_id.in_(companies)),
        select(s.c.id).where(s.c.nominal_producer_id.in_(companies)),
        select(s.c.id).where(s.c.platform_operator_id.in_(companies)),
    ).subquery("by_party")
    own = select(fts.c.rowid).where(_match(search_index.SAMPLES_FTS, word))
    n_own = select(func.count()).select_from(own.subquery()).scalar_subquery()
    n_party = select(func.count()).select_from(by_party).scalar_subquery()
    # evaluated only when some sample is found by its party (the list of own rows is built lazily)
    n_both = select(func.count()).select_from(by_party).where(by_party.c.id.in_(own)).scalar_subquery()
    return select(n_own + n_party - n_both)


def count_statement(query: SampleQuery, postgres: bool = False, *, indexed: bool = False) -> Select:
    """The ``SELECT count(*)`` of :func:`count` (for benchmarks and EXPLAIN); ``indexed``: the
    text index pre-filters the candidates (see the module's docstring), or, for a single word
    the SQLite index answers exactly and no other filter, counts alone (:func:`_exact_count`)."""
    words = query.words()
    if indexed and not postgres and len(words) == 1 and _only_text(query) and search_index.exact(words[0]):
        return _exact_count(words[0])
    s = Sample.__table__
    stmt = select(func.count()).select_from(s)
    conds = _conditions(query, postgres, indexed)
    return stmt.where(and_(*conds)) if conds else stmt


def _unindexed(column):
    """``+column``: the same value, but SQLite will not walk an index to produce the order."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def _order(sort_key: str, descending: bool, task, party, *, walk_index: bool = True) -> list:
    s = Sample.__table__.c
    if sort_key not in SORT_KEYS:
        raise ValidationError(f"不能按“{sort_key}”排序。")
    key = {
        "number": s.number,
        "task": task.c.number,
        "product": s.product_name,
        "brand": s.brand,
        "batch": s.batch_number,
        "place": case({p: i for i, p in enumerate(PLACE_TYPES)}, value=s.place_type),
        "sampled_party": party.c.name,
        "sampling_date": s.sampling_date,
        "received_date": s.received_date,
        "status": case({st: i for i, st in enumerate(SAMPLE_STATUSES)}, value=s.status),
    }[sort_key]
    ident = s.id
    if not walk_index:
        key, ident = (key if sort_key in ("place", "status") else _unindexed(key)), _unindexed(ident)
    # Empty values (no brand, not yet received) sort where the database puts NULL by default
    # (SQLite: first ascending; PostgreSQL: last ascending): asking otherwise would keep both
    # from walking the column's index.
    out = [key.desc(), ident.desc()] if descending else [key.asc(), ident.asc()]
    if sort_key == "number":  # unique: the id adds nothing (and would keep the index from being used)
        out = out[:1]
    return out


def page_statement(query: SampleQuery, sort_key: str = DEFAULT_SORT, descending: bool = True,
                   offset: int = 0, limit: int = 200, postgres: bool = False, *,
                   walk_index: bool = True, indexed: bool = False, probe: bool = False) -> Select:
    """The select of :func:`page`: only the list's columns, sorted, one window.

    The window is chosen first, on the sample ids alone (a deferred join): skipping 99,800 rows
    then walks an index instead of joining every skipped row to its task and enterprise.
    ``walk_index=False`` makes SQLite sort the filtered rows instead of walking the order's
    index, which is much faster when a filter keeps only a few rows (see :func:`page`).
    """
    s = Sample.__table__
    task = MonitoringTask.__table__.alias("t")
    party = Enterprise.__table__.alias("sp")
    source = s
    if sort_key == "task":
        source = source.join(task, task.c.id == s.c.task_id)
    elif sort_key == "sampled_party":
        source = source.outerjoin(party, party.c.id == s.c.sampled_party_id)
    window = select(s.c.id).select_from(source)
    conds = _conditions(query, postgres, indexed,
                        candidates="probe" if probe else "none" if walk_index else "lookup")
    if conds:
        window = window.where(and_(*conds))
    window = (
        window.order_by(*_order(sort_key, descending, task, party, walk_index=walk_index or postgres))
        .offset(offset)
        .limit(limit)
    )
    return (
        select(
            s.c.id,
            s.c.number,
            task.c.number,
            s.c.product_name,
            s.c.brand,
            s.c.batch_number,
            s.c.place_type,
            party.c.name,
            s.c.sampling_date,
            s.c.received_date,
            s.c.status,
            s.c.problems_found,
            s.c.version,
        )
        .select_from(
            s.join(task, task.c.id == s.c.task_id).outerjoin(party, party.c.id == s.c.sampled_party_id)
        )
        .where(s.c.id.in_(window.scalar_subquery()))
        .order_by(*_order(sort_key, descending, task, party))
    )


# ----------------------------------------------------------------------------------- the list
def count(ctx: Context, query: SampleQuery) -> int:
    """How many samples the filter gives."""
    _check(query)
    with ctx.uow() as uow:
        indexed = bool(query.words()) and search_index.ready(uow.session)
        return int(uow.session.execute(count_statement(query, _is_postgres(ctx), indexed=indexed)).scalar_one())


def page(ctx: Context, query: SampleQuery, sort_key: str = DEFAULT_SORT, descending: bool = True,
         offset: int = 0, limit: int = 200, *, total: int | None = None) -> list[SampleRow]:
    """Rows ``offset`` … ``offset + limit - 1`` of the filtered list in the given order.

    ``total``, the filter's :func:`count` when the caller has it, lets SQLite choose the plan: a
    text filter that keeps few rows (under ``SORT_BELOW``) is answered by one scan and a sort,
    instead of walking the whole order's index past rows that do not match.
    """
    _check(query)
    if offset < 0 or limit < 0:
        raise ValidationError("分页参数不能为负数。")
    limit = min(limit, PAGE_LIMIT_MAX)
    walk = not (query.words() and total is not None and total < SORT_BELOW)
    postgres = _is_postgres(ctx)
    with ctx.uow() as uow:
        # many rows: walk the order's index; few: sort the index's candidates, or, when the rows
        # walked to fill the page are few (the matches are not too rare), walk it testing each id
        # against the candidates before its row is read (see _conditions)
        indexed = bool(query.words()) and search_index.ready(uow.session)
        probe = False
        if indexed and not walk and not postgres and sort_key in _WALKABLE and total:
            rows = uow.session.scalar(select(func.max(Sample.id))) or 0  # about the table's size, at once
            probe = (offset + limit) * rows / total <= WALK_MAX
        stmt = page_statement(query, sort_key, descending, offset, limit, postgres, walk_index=walk or probe,
                              indexed=indexed, probe=probe)
        rows = uow.session.execute(stmt).all()
        # only the page's samples that have a test report: one small query, never the whole list
        notes = amendment_states(uow.session, [r[0] for r in rows if r[10] in _ISSUED]) if rows else {}
    return [
        SampleRow(
            id=r[0],
            number=r[1],
            task_number=r[2],
            product_name=r[3],
            brand=r[4] or "",
            batch_number=r[5] or "",
            place_type=r[6],
            sampled_party=r[7] or "",
            sampling_date=r[8],
            received_date=r[9],
            status=r[10],
            problems_found=bool(r[11]),
            version=r[12],
            state_note=notes.get(r[0], ""),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class FirstPage:
    """What opening (or re-filtering) the list needs at once: the total and the first rows."""

    total: int
    rows: list[SampleRow]


def first_page(ctx: Context, query: SampleQuery, sort_key: str = DEFAULT_SORT, descending: bool = True,
               limit: int = 200) -> FirstPage:
    """:func:`count` and the first :func:`page` in one call (one round trip from the GUI)."""
    total = count(ctx, query)
    rows = page(ctx, query, sort_key, descending, 0, limit, total=total) if total else []
    return FirstPage(total, rows)


# ----------------------------------------------------------------------------------- enterprises
def find_enterprise(ctx: Context, uscc: str) -> EnterpriseInfo | None:
    """The enterprise the lab already knows under this 统一社会信用代码, or None.

    An invalid or incomplete code gives None (the form marks the code itself).
    """
    result = uscc_rules.validate(uscc or "")
    if not result.valid:
        return None
    e = Enterprise.__table__.c
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(e.id, e.name, e.uscc, e.address, e.contact, e.phone, e.size).where(e.uscc == result.code)
        ).first()
    if row is None:
        return None
    return EnterpriseInfo(row[0], row[1], row[2] or "", row[3] or "", row[4] or "", row[5] or "", row[6])
