"""The sample list's text index: kept current, never changes a result, checked and rebuilt.

The index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) only pre-filters candidates; the list's
``LIKE`` conditions decide. So a filter gives the same rows with and without it, on any data.
"""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text

from app.cli import main as cli_main
from app.services import sample_list, samples
from app.services.sample_list import SampleQuery
from app.store import search_index
from app.store.models import Enterprise, MonitoringTask, Sample
from app.store.uow import UnitOfWork
from tests.services.conftest import TODAY, ready_task

KETTLE_MAKER = samples.PartyInput("武汉市江岸区顺和家电商行", "92420102MA4K0ABC8E")
PRODUCER = samples.PartyInput("孝感美佳电器制造有限公司", "91420900MA49C3D41U")


def _input(task_id: int, scheme_id: int, i: int, product: str, brand: str = "康泰",
           seller: samples.PartyInput = KETTLE_MAKER) -> samples.SampleInput:
    return samples.SampleInput(
        task_id=task_id, scheme_id=scheme_id, place_type="physical_seller", sampled=seller,
        nominal_producer=PRODUCER, product_name=product, brand=brand, model_spec=f"XH-{100 + i}",
        batch_number=f"B{i:03d}", sampling_date=TODAY - dt.timedelta(days=i % 5), sampling_place="仓库",
        samplers=("王建", "刘洋"), sampling_record_number=f"CY-{i:04d}",
    )


def _ids(ctx, text_: str) -> set[int]:
    query = SampleQuery(text=text_)
    rows = sample_list.page(ctx, query, "number", False, 0, 1000)
    assert sample_list.count(ctx, query) == len(rows)
    return {r.id for r in rows}


def _scan_ids(db, text_: str) -> set[int]:
    """The same filter without the index: the scan of the base table."""
    postgres = db.backend == "postgresql"
    stmt = sample_list.page_statement(SampleQuery(text=text_), "number", False, 0, 5000, postgres)
    with UnitOfWork(db, actor="test") as uow:
        return {r[0] for r in uow.session.execute(stmt)}


def _index_ok(db) -> bool:
    with db.engine.connect() as conn:
        found = search_index.check(conn)
        conn.rollback()
    return found.ok


def test_index_follows_inserts_updates_and_deletes(any_lab):
    lab = any_lab
    ctx = lab.tech
    task_id, scheme_id = ready_task(lab)
    made = samples.register_samples(ctx, [_input(task_id, scheme_id, i, p) for i, p in
                                          enumerate(["电热水壶", "养生壶", "不锈钢电热水壶", "儿童睡衣"])])
    with UnitOfWork(lab.db, actor="test") as uow:
        assert search_index.ready(uow.session)
    assert _ids(ctx, "电热水") == {made[0].id, made[2].id}
    assert _ids(ctx, "顺和家电") == {m.id for m in made}  # the sampled party's name
    assert _ids(ctx, "92420102MA4K") == {m.id for m in made}  # its USCC
    assert _ids(ctx, "XH-101") == {made[1].id}  # the model (规格型号)

    # update through the service: the old words go, the new ones come
    detail = samples.get_sample(ctx, made[1].id)
    samples.update_sample(ctx, made[1].id, detail.version, samples.copy_input(detail, product_name="电热水瓶"))
    assert _ids(ctx, "电热水") == {made[0].id, made[1].id, made[2].id}
    assert _ids(ctx, "养生壶") == set()

    # an enterprise renamed (the register brought up to date in a unit of work)
    with UnitOfWork(lab.db, actor="test") as uow:
        ent = uow.session.scalar(select(Enterprise).where(Enterprise.uscc == PRODUCER.uscc))
        ent.name = "孝感鑫源电器有限公司"
        uow.commit()
    assert _ids(ctx, "鑫源电器") == {m.id for m in made}
    assert _ids(ctx, "美佳电器") == set()

    # a new enterprise with a new sample, then the sample deleted
    extra = samples.register_sample(ctx, _input(task_id, scheme_id, 9, "电热水壶", "美厨",
                                                samples.PartyInput("黄石裕润纺织品有限公司", "91420200MA4A9K0L96")))
    assert _ids(ctx, "裕润纺织") == {extra.id}
    with UnitOfWork(lab.db, actor="test") as uow:
        uow.session.delete(uow.session.get(Sample, extra.id))
        uow.commit()
    assert _ids(ctx, "裕润纺织") == set()
    assert _ids(ctx, "电热水") == {made[0].id, made[1].id, made[2].id}
    for word in ("电热水", "顺和家电", "鑫源电器", "XH-10", "B00"):
        assert _ids(ctx, word) == _scan_ids(lab.db, word), word
    assert _index_ok(lab.db)

    # the index is no business record: the audit log and the rows still agree
    from app.services import integrity

    assert integrity.verify_integrity(lab.db).ok


def test_short_words_never_ask_the_index_and_still_find(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    made = samples.register_samples(lab.tech, [_input(task_id, scheme_id, i, p) for i, p in
                                               enumerate(["电热水壶", "养生壶", "儿童睡衣"])])
    assert sample_list.index_word(["电热", "壶"]) is None
    assert sample_list.index_word(["电热", "电热水", "b"]) == "电热水"
    # a two-character CJK word: SQLite 3.40's trigram LIKE would wrongly find nothing
    assert _ids(lab.tech, "电热") == {made[0].id}
    assert _ids(lab.tech, "壶") == {made[0].id, made[1].id}
    assert _ids(lab.tech, "睡 儿童") == {made[2].id}
    assert _ids(lab.tech, "电热水壶 康") == {made[0].id}  # an indexed word and a short one


@pytest.mark.parametrize("blank", ["", "   ", "\t\n ", "\x00\x01\x7f", " \x00 \u2028 ", "\ud800"])
def test_a_filter_of_only_spaces_or_control_characters_is_no_filter(any_lab, blank):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    samples.register_samples(lab.tech, [_input(task_id, scheme_id, i, "电热水壶") for i in range(3)])
    assert sample_list.count(lab.tech, SampleQuery(text=blank)) == 3
    assert len(sample_list.first_page(lab.tech, SampleQuery(text=blank)).rows) == 3


# ----------------------------------------------------------------------------------- index vs scan
# Texts from a small alphabet, so that queries hit: CJK, ASCII of both cases, letters whose case
# only trigrams fold (É/é, Σ/σ, Ä/ä, the Kelvin sign and k), and LIKE's own characters (% _ \) and a quote.
ALPHABET = "电热水壶江岸武汉，abckABC01ÉéΣσÄä\u212a%_\\\"'-"
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=12)


def _fill(db, rows: list[tuple[str, str, str, str, str, int]], parties: list[tuple[str, str]]) -> None:
    stamp = dt.datetime.now(dt.UTC)
    with db.engine.begin() as conn:  # straight to the tables: the triggers keep the index, not the ORM
        conn.execute(delete(Sample.__table__))
        conn.execute(delete(Enterprise.__table__))
        task_id = conn.execute(select(MonitoringTask.__table__.c.id)).scalars().first()
        if task_id is None:
            task_id = conn.execute(insert(MonitoringTask.__table__).values(
                number="P-1", title="性质测试", status="active", version=1, created_at=stamp, updated_at=stamp
            )).inserted_primary_key[0]
        ent_ids = []
        for k, (name, uscc) in enumerate(parties):
            ent_ids.append(conn.execute(insert(Enterprise.__table__).values(
                name=name or "-", uscc=f"{uscc[:8]}{k:010d}", version=1, created_at=stamp, updated_at=stamp
            )).inserted_primary_key[0])
        for i, (number, product, brand, model, batch, party) in enumerate(rows):
            conn.execute(insert(Sample.__table__).values(
                task_id=task_id, number=f"{number}#{i}", status="registered", place_type="physical_seller",
                product_name=product, brand=brand or None, model_spec=model or None, batch_number=batch or None,
                sampled_party_id=ent_ids[party % len(ent_ids)] if ent_ids else None,
                nominal_producer_id=ent_ids[(party + 1) % len(ent_ids)] if len(ent_ids) > 1 and i % 2 else None,
                declared_standards=[], version_evidence={}, claims=[], samplers=[], seal_numbers=[],
                problems_found=False, major_hazard=False, version=1, created_at=stamp, updated_at=stamp,
            ))


def _both(db, query: SampleQuery) -> tuple[list[int], list[int], int, int]:
    postgres = db.backend == "postgresql"
    with UnitOfWork(db, actor="test") as uow:
        s = uow.session
        assert search_index.ready(s)
        scan = [r[0] for r in s.execute(sample_list.page_statement(query, "number", False, 0, 5000, postgres))]
        indexed = [r[0] for r in s.execute(sample_list.page_statement(query, "number", False, 0, 5000, postgres,
                                                                      walk_index=False, indexed=True))]
        probed = [r[0] for r in s.execute(sample_list.page_statement(query, "number", False, 0, 5000, postgres,
                                                                     indexed=True, probe=True))]
        assert probed == indexed, query.text
        n_scan = s.execute(sample_list.count_statement(query, postgres)).scalar_one()
        n_indexed = s.execute(sample_list.count_statement(query, postgres, indexed=True)).scalar_one()
    return scan, indexed, n_scan, n_indexed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(texts, texts, texts, texts, texts, st.integers(0, 5)), min_size=1, max_size=12),
    parties=st.lists(st.tuples(texts, st.text(alphabet=string.digits + "ABCMX", min_size=8, max_size=8)),
                     max_size=4),
    data=st.data(),
)
def test_index_and_scan_give_the_same_rows(db, rows, parties, data):
    _fill(db, rows, parties)
    stored = [t for row in rows for t in row[:5] if t] + [p[0] for p in parties if p[0]]
    for _ in range(6):
        if stored and data.draw(st.booleans()):  # a piece of a stored text, its case perhaps changed
            source = data.draw(st.sampled_from(stored))
            start = data.draw(st.integers(0, max(0, len(source) - 1)))
            word = source[start:start + data.draw(st.integers(1, 6))]
            if data.draw(st.booleans()):
                word = word.swapcase()
        else:
            word = data.draw(texts)
        extra = data.draw(st.sampled_from(["", " ", " 电", " a%", " Éé_x"]))
        query = SampleQuery(text=word + extra)
        assume(query.words())
        scan, indexed, n_scan, n_indexed = _both(db, query)
        assert indexed == scan, query.text
        assert n_indexed == n_scan == len(scan), query.text


def test_exact_words_are_counted_from_the_index_and_party_matches_once(db):
    # the sampled party's name holds the word: with the product (counted once) and without it
    # (a NULL brand and model must not hide the row)
    _fill(db, [("A1", "电热水壶", "", "", "", 0), ("A2", "儿童睡衣", "", "", "", 0), ("A3", "电热水壶", "x", "y", "z", 1),
               ("A4", "养生壶", "", "", "", 1)],
          [("武汉电热水器厂", "91420100"), ("孝感美佳", "91420900")])
    for word in ("电热水", "热水器厂", "9142010", "电热水壶", "A1", "%电热"):
        scan, indexed, n_scan, n_indexed = _both(db, SampleQuery(text=word))
        assert indexed == scan and n_indexed == n_scan == len(scan), word
    assert search_index.exact("电热水") and search_index.exact("2026-01") and search_index.exact("，。、")
    assert not search_index.exact("电热") and not search_index.exact("kettle") and not search_index.exact("电热é")


# ----------------------------------------------------------------------------------- db check / reindex
def test_db_check_finds_a_corrupted_index_and_reindex_rebuilds_it(sqlite_db, capsys):
    from tests.services.conftest import make_lab

    lab = make_lab(sqlite_db)
    task_id, scheme_id = ready_task(lab)
    made = samples.register_samples(lab.tech, [_input(task_id, scheme_id, i, p) for i, p in
                                               enumerate(["电热水壶", "养生壶"])])
    home = ["--home", str(sqlite_db.home)]
    assert cli_main([*home, "db", "check"]) == 0
    assert "文字索引完好" in capsys.readouterr().out

    # the index and the table disagree: an entry of the index deleted with the wrong text
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO samples_fts(samples_fts, rowid, number, product_name, brand, model_spec, "
                          "batch_number) VALUES ('delete', :id, 'x', '不是这个', 'y', 'z', 'w')"), {"id": made[0].id})
    assert cli_main([*home, "db", "check"]) == 1
    out = capsys.readouterr().out
    assert "samples_fts" in out and "riskmon db reindex" in out

    # and a trigger lost (as a later migration that rebuilds the table would lose it)
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER enterprises_fts_au")
    assert cli_main([*home, "db", "check"]) == 1
    assert "enterprises_fts_au" in capsys.readouterr().out

    # and the notice backlog out of step with the samples
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO notice_backlog (sample_id) VALUES (:id)"), {"id": made[1].id})
    assert cli_main([*home, "db", "check"]) == 1
    assert "待告知样品表" in capsys.readouterr().out

    assert cli_main([*home, "db", "reindex"]) == 0
    assert "已重建文字索引" in capsys.readouterr().out
    assert cli_main([*home, "db", "check"]) == 0
    capsys.readouterr()
    assert _ids(lab.tech, "电热水") == {made[0].id}
    assert cli_main([*home, "audit", "verify"]) == 0  # the index is no business record


def test_db_check_reports_a_broken_index_table(sqlite_db, capsys):
    with sqlite_db.engine.begin() as conn:  # the index's own data overwritten
        conn.exec_driver_sql("UPDATE samples_fts_data SET block = x'00ff00ff' WHERE id = 1")
    home = ["--home", str(sqlite_db.home)]
    assert cli_main([*home, "db", "check"]) == 1
    assert "samples_fts" in capsys.readouterr().out
    assert cli_main([*home, "db", "reindex"]) == 0
    assert cli_main([*home, "db", "check"]) == 0


# ----------------------------------------------------------------------------------- PostgreSQL without pg_trgm
@pytest.mark.postgres
def test_postgresql_without_pg_trgm_says_so_and_filters_the_same(pg_empty_url, tmp_path, monkeypatch, caplog):
    from app.store.db import bootstrap
    from tests.services.conftest import make_lab

    # the extension cannot be created (as for a role without the privilege): same path, other name
    monkeypatch.setattr(search_index, "PG_EXTENSION", "pg_trgm_not_installed_here")
    db = bootstrap(pg_empty_url, home=tmp_path)
    try:
        db.upgrade()
        assert any("pg_trgm" in n and "结果不变" in n for n in db.notices)
        assert "pg_trgm" in caplog.text
        with db.engine.connect() as conn:
            found = search_index.check(conn)
        assert not found.ok and "pg_trgm" in found.problems[0]
        lab = make_lab(db)
        task_id, scheme_id = ready_task(lab)
        made = samples.register_samples(lab.tech, [_input(task_id, scheme_id, i, p) for i, p in
                                                   enumerate(["电热水壶", "养生壶", "Kettle"])])
        with UnitOfWork(db, actor="test") as uow:
            assert not search_index.ready(uow.session)
        assert _ids(lab.tech, "电热水") == {made[0].id}
        assert _ids(lab.tech, "KETTLE") == {made[2].id}
        assert _ids(lab.tech, "顺和家电") == {m.id for m in made}
    finally:
        db.dispose()


# ----------------------------------------------------------------------------------- the notice backlog
def _backlog(db) -> tuple[set[int], set[int]]:
    from app.store import notice_backlog

    with db.engine.connect() as conn:
        kept = set(conn.exec_driver_sql(f"SELECT sample_id FROM {notice_backlog.TABLE}").scalars())
        wanted = set(conn.exec_driver_sql(notice_backlog.DEFINITION).scalars())
    return kept, wanted


def test_the_notice_backlog_follows_samples_and_notices(db):
    """The dashboard's problem samples awaiting a notice: kept by triggers through every change
    that can alter the answer, always equal to the question asked of the samples."""
    from app.services import dashboard
    from app.store.models import Notification

    _fill(db, [(f"N{i}", "电热水壶", "", "", "", 0) for i in range(4)], [("武汉电热水器厂", "91420100")])
    stamp = dt.datetime.now(dt.UTC)
    s, n = Sample.__table__, Notification.__table__
    with db.engine.connect() as conn:
        ids = list(conn.execute(select(s.c.id).order_by(s.c.id)).scalars())

    def notice(conn, sample_id: int, sent: dt.date | None) -> int:
        return conn.execute(insert(n).values(sample_id=sample_id, recipient_name="被抽样单位", roles=["sampled"],
                                             out_of_province=False, confidential=True, sent_date=sent, version=1,
                                             created_at=stamp, updated_at=stamp)).inserted_primary_key[0]

    steps = [
        lambda c: c.execute(s.update().where(s.c.id.in_(ids[:3])).values(problems_found=True, status="approved")),
        lambda c: notice(c, ids[0], None),  # issued, not sent: still awaiting
        lambda c: notice(c, ids[1], dt.date(2026, 11, 2)),  # sent: no longer
        lambda c: c.execute(n.update().where(n.c.sample_id == ids[0]).values(sent_date=dt.date(2026, 11, 3))),
        lambda c: c.execute(n.update().where(n.c.sample_id == ids[1]).values(sample_id=ids[3])),  # moved
        lambda c: c.execute(s.update().where(s.c.id == ids[3]).values(problems_found=True, status="reported")),
        lambda c: c.execute(delete(n).where(n.c.sample_id == ids[3])),
        lambda c: c.execute(s.update().where(s.c.id == ids[2]).values(status="compiled")),  # amended: not issued
        lambda c: c.execute(delete(s).where(s.c.id == ids[3])),
    ]
    seen = []
    for step in steps:
        with db.engine.begin() as conn:
            step(conn)
        kept, wanted = _backlog(db)
        assert kept == wanted
        seen.append(len(kept))
        with UnitOfWork(db, actor="test") as uow:
            assert dashboard._awaiting_notification(uow.session) == len(kept)
    assert seen == [3, 3, 2, 1, 2, 2, 3, 2, 1]
    assert _index_ok(db)


@pytest.mark.postgres
def test_db_check_and_reindex_on_postgresql(pg_empty_url, tmp_path, capsys):
    from app.store.db import bootstrap

    db = bootstrap(pg_empty_url, home=tmp_path)
    try:
        db.upgrade()
        where = ["--home", str(tmp_path), "--database-url", pg_empty_url]
        assert cli_main([*where, "db", "check"]) == 0
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_samples_product_name_trgm")
            conn.exec_driver_sql("DROP TRIGGER notice_backlog_notifications ON notifications")
        capsys.readouterr()
        assert cli_main([*where, "db", "check"]) == 1
        out = capsys.readouterr().out
        assert "ix_samples_product_name_trgm" in out and "notice_backlog_notifications" in out
        assert cli_main([*where, "db", "reindex"]) == 0
        assert cli_main([*where, "db", "check"]) == 0
    finally:
        db.dispose()


def test_a_sqlite_without_trigram_upgrades_with_a_notice_and_filters_the_same(tmp_path, monkeypatch):
    from app.store.db import bootstrap
    from tests.services.conftest import make_lab

    # as on a system whose SQLite is older than 3.34 (no trigram tokenizer)
    monkeypatch.setattr(search_index, "_sqlite_without_trigram", lambda conn: "SQLite 3.31.1：no such tokenizer")
    db = bootstrap(None, home=tmp_path)
    try:
        db.upgrade()
        assert any("FTS5 trigram" in n and "结果不变" in n for n in db.notices)
        lab = make_lab(db)
        task_id, scheme_id = ready_task(lab)
        made = samples.register_samples(lab.tech, [_input(task_id, scheme_id, i, p) for i, p in
                                                   enumerate(["电热水壶", "养生壶"])])
        with UnitOfWork(db, actor="test") as uow:
            assert not search_index.ready(uow.session)
        assert _ids(lab.tech, "电热水") == {made[0].id}
        assert _ids(lab.tech, "顺和家电") == {m.id for m in made}
    finally:
        db.dispose()
