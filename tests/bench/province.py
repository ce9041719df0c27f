"""A province's worth of samples for the benchmarks: the demo lab, then samples copied in SQL.

:func:`build` makes (or reuses) a SQLite database of N samples: the demo lab through the services
(users, tasks, enterprises, a few real samples), then 20,000 enterprises of Hubei's cities and
districts, 200 closed tasks of earlier rounds and N samples made by one ``INSERT … SELECT`` over
a counter (the triggers of the text index fill it as they go), then the queues a lab has at that
size (:func:`_queues`: reports, item results, notices, uploads). 1,000,000 samples take about a
minute.

The data is shaped for the filters the benchmark times:

* ``武汉市江岸`` names 1 in 250 enterprises; samples are sampled from Hubei enterprises and name
  producers of outside the province, so it matches under 1 % of the samples (selective);
* ``电热水`` is in the product name of a third of the samples (broad);
* the open work is the same at every size (1,500 samples not yet completed or not yet reported,
  in the demo's active tasks); everything older was reported, 8 % of it with problems, and the
  notices of those were sent but for some of the newest;
* the work list and the 待我处理 inbox have what a lab has waiting: reports to review and to approve,
  items needing an expert panel, notices to deliver, failed uploads (:func:`_queues`).

Copied rows have no audit entries: the benchmark database is not for ``audit verify``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from app.services import demo
from app.store import notice_backlog
from app.store.db import DB_FILENAME, bootstrap

BUILD = 3  # the shape of the data: a database built by another shape is built again
ENTERPRISES = 20_000
HISTORY_TASKS = 200
OPEN_WORK = 1_500
ACTIVE_SAMPLES = 5_000  # the newest samples belong to the demo's active tasks
PROBLEM_EVERY = 12  # about 8 %

CITIES = {
    "武汉市": ["江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "蔡甸区", "江夏区", "黄陂区",
             "新洲区", "汉南区"],
    "黄石市": ["黄石港区", "西塞山区", "下陆区", "铁山区", "大冶市", "阳新县"],
    "十堰市": ["茅箭区", "张湾区", "郧阳区", "丹江口市", "竹山县", "房县"],
    "宜昌市": ["西陵区", "伍家岗区", "点军区", "猇亭区", "夷陵区", "宜都市", "当阳市", "枝江市"],
    "襄阳市": ["襄城区", "樊城区", "襄州区", "老河口市", "枣阳市", "宜城市", "南漳县"],
    "鄂州市": ["鄂城区", "华容区", "梁子湖区"],
    "荆门市": ["东宝区", "掇刀区", "京山市", "钟祥市", "沙洋县"],
    "孝感市": ["孝南区", "应城市", "安陆市", "汉川市", "云梦县", "大悟县"],
    "荆州市": ["沙市区", "荆州区", "石首市", "洪湖市", "松滋市", "监利市", "公安县"],
    "黄冈市": ["黄州区", "麻城市", "武穴市", "团风县", "红安县", "罗田县", "蕲春县"],
    "咸宁市": ["咸安区", "赤壁市", "嘉鱼县", "通城县", "崇阳县"],
    "随州市": ["曾都区", "广水市", "随县"],
    "恩施州": ["恩施市", "利川市", "建始县", "巴东县", "宣恩县"],
    "": ["仙桃市", "潜江市", "天门市"],
}
TRADES = ["康达", "美佳", "鑫源", "华兴", "恒通", "宏泰", "永安", "金鼎", "顺和", "佳美", "立信", "众诚", "天成", "博远",
          "荣昌", "新华", "盛世", "优品", "汇通", "长江"]
KINDS = ["电器有限公司", "家电商行", "服饰有限公司", "日用品店", "商贸有限公司", "电子科技有限公司", "五金交电经营部"]
OUTSIDE = ["广东省佛山市顺德区", "浙江省宁波市慈溪市", "广东省中山市小榄镇", "浙江省杭州市余杭区", "福建省泉州市晋江市",
           "江苏省苏州市吴江区", "广东省广州市番禺区", "浙江省金华市永康市"]
KETTLES = ["电热水壶", "不锈钢电热水壶", "玻璃电热水壶", "电热水器"]
OTHERS = ["儿童针织套装", "儿童连帽卫衣", "婴幼儿连体衣", "儿童睡衣", "养生壶", "电饭锅", "电吹风", "转换器插座",
          "儿童羽绒服", "电磁炉"]
BRANDS = ["康泰", "美佳", "鑫达", "华艺", "美厨", "小贝", "童华", "飞顺", "裕润", "Midea", "SUPOR", "Joyoung"]


def _values(rows: list[str]) -> str:
    return ", ".join(rows)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _case(expr: str, choices: list[str]) -> str:
    """SQL choosing ``choices[expr % len(choices)]``."""
    whens = " ".join(f"WHEN {i} THEN {_q(c)}" for i, c in enumerate(choices))
    return f"CASE ({expr}) % {len(choices)} {whens} END"


def _enterprise_rows() -> list[str]:
    hubei = [(city, d) for city, ds in CITIES.items() for d in ds]
    rows = []
    for k in range(ENTERPRISES):
        if k % 2 == 1:  # producers outside the province (nominal producers)
            place = OUTSIDE[k // 2 % len(OUTSIDE)]
            region = "440606"
        elif k % 500 == 0:  # 1 in 250 Hubei ones: 武汉市江岸区
            place, region = "武汉市江岸区", "420102"
        else:
            city, district = hubei[k // 2 % len(hubei)]
            place, region = city + district, f"4201{k % 90:02d}"
        name = f"{place}{TRADES[k // 7 % len(TRADES)]}{TRADES[k // 131 % len(TRADES)]}{KINDS[k % len(KINDS)]}{k // 140 or ''}"
        uscc = f"9{'2' if k % 3 else '1'}{region}MA{k:08d}X"
        rows.append(f"({_q(name)}, {_q(uscc)}, {_q(region)}, 'small')")
    return rows


def _fill(path: Path, n: int) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-400000")
        stamp = conn.execute("SELECT created_at FROM samples ORDER BY id LIMIT 1").fetchone()[0]
        active = [r[0] for r in conn.execute("SELECT id FROM monitoring_tasks WHERE status IN ('draft','active') "
                                             "ORDER BY id")]
        first_ent = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM enterprises").fetchone()[0]
        platforms = [r[0] for r in conn.execute("SELECT id FROM enterprises WHERE uscc IN "
                                                "('91330100MA27ABCD4M', '91110108MA01XY211M') ORDER BY id")]
        with conn:
            conn.execute("INSERT INTO enterprises (name, uscc, region_code, size, version, created_at, updated_at) "
                         f"SELECT column1, column2, column3, column4, 1, {_q(stamp)}, {_q(stamp)} FROM (VALUES "
                         + _values(_enterprise_rows()) + ")")
            first_task = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM monitoring_tasks").fetchone()[0]
            conn.execute(
                "INSERT INTO monitoring_tasks (number, title, authority_level, plan_year, batches_planned, status, "
                "version, created_at, updated_at) "
                "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ?) "
                "SELECT printf('HBFX-%d-LS-%03d', 2015 + i / 20, i), printf('往期风险监测任务 %d', i), 'provincial', "
                f"2015 + i / 20, 5000, 'closed', 1, {_q(stamp)}, {_q(stamp)} FROM c",
                (HISTORY_TASKS - 1,),
            )
            # the samples and notices with the notice backlog's triggers off, the backlog filled from its
            # definition after (faster than a trigger per row); the text index's triggers stay on
            triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                                    (notice_backlog.TABLE + "%",)).fetchall()
            for name, _sql in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            first_sample = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM samples").fetchone()[0]
            open_from = n - min(n, OPEN_WORK)  # i >= open_from: the open work
            active_from = n - min(n, ACTIVE_SAMPLES)
            h = "((i * 2654435761) % 4294967291)"  # a fixed scramble of the counter
            day = f"date('2026-11-20', '-' || ((({n} - i) * 3650) / {n}) || ' days')"
            task = (f"CASE WHEN i >= {active_from} THEN {_case('i', [str(t) for t in active])} "
                    f"ELSE {first_task} + (i * {HISTORY_TASKS}) / {max(active_from, 1)} END")
            place = "CASE i % 3 WHEN 0 THEN 'producer' WHEN 1 THEN 'physical_seller' ELSE 'e_platform' END"
            hubei_party = f"{first_ent} + 2 * ({h} % {ENTERPRISES // 2})"
            outside = f"{first_ent} + 1 + 2 * (({h} / 7) % {ENTERPRISES // 2})"
            status = (f"CASE WHEN i < {open_from} THEN 'reported' ELSE "
                      + _case(h, ["registered", "received", "testing", "completed", "completed", "compiled",
                                  "reviewed", "approved"]) + " END")
            conn.execute(
                "INSERT INTO samples (task_id, number, status, place_type, sampled_party_id, nominal_producer_id, "
                "platform_operator_id, product_name, brand, model_spec, batch_number, sampling_date, "
                "received_date, completed_date, reported_date, problems_found, major_hazard, declared_standards, "
                "version_evidence, claims, samplers, seal_numbers, sampling_record_number, test_category, version, "
                "created_at, updated_at) "
                f"SELECT task, printf('HB%07d', i), status, place, party, CASE WHEN place = 'producer' THEN NULL "
                f"ELSE {outside} END, CASE WHEN place = 'e_platform' THEN {_case('i', [str(p) for p in platforms])} END, product, "
                f"brand, printf('XH-%03d', {h} % 900 + 100), strftime('%Y%m', day) || printf('%02d', i % 97), day, "
                f"date(day, '+1 day'), CASE WHEN status IN ('registered','received','testing') THEN NULL "
                f"ELSE date(day, '+9 days') END, CASE WHEN status = 'reported' THEN date(day, '+14 days') END, "
                f"({h} % {PROBLEM_EVERY}) = 0, 0, '[]', '{{}}', '[]', '[\"王建\", \"刘洋\"]', '[]', "
                f"printf('CY-H%08d', i), '风险监测', 1, {_q(stamp)}, {_q(stamp)} "
                f"FROM (SELECT i, {task} AS task, {status} AS status, {place} AS place, {hubei_party} AS party, "
                f"{day} AS day, CASE WHEN i % 3 = 0 THEN {_case(h + ' / 3', KETTLES)} "
                f"ELSE {_case(h + ' / 5', OTHERS)} END AS product, {_case(h + ' / 11', BRANDS)} AS brand "
                f"FROM (WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ?) "
                "SELECT i FROM c))",
                (n - 1,),
            )
            _queues(conn, first_sample, first_sample + open_from, first_sample + active_from, stamp)
            conn.execute(f"DELETE FROM {notice_backlog.TABLE}")
            conn.execute(f"INSERT INTO {notice_backlog.TABLE} (sample_id) {notice_backlog.DEFINITION}")
            for _name, sql in triggers:
                conn.execute(sql)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


ITEMS = ["泄漏电流", "温升", "额定功率", "耐潮湿", "标志和说明", "结构"]
RECENT_REPORTED = 3_000  # the newest reported samples: one in three of their notices not yet delivered
FAILED_EVERY = 60  # uploads that failed


def _queues(conn: sqlite3.Connection, first: int, open_from: int, active_from: int, stamp: str) -> None:
    """What waits in a lab of this size besides the samples (ids ≥ ``first``; the open work from
    ``open_from``, the active tasks' samples from ``active_from``):

    * a test report for every sample past completion: the compiled ones wait for review, the
      reviewed ones for approval, the rest are approved (compiled by the two technicians, reviewed
      and approved by the demo's reviewer and signatory);
    * six item results for each of the active tasks' samples in testing or later, entered by the two
      technicians; a sample in testing has its later items open, and one in eight of them has an
      item that no standard covers (an expert panel is needed, Article 5);
    * notices to the history's problem samples, delivered — except one in three of the newest
      ``RECENT_REPORTED`` reported samples' — and two undelivered notices for each approved problem
      sample of the open work (Article 18 ¶2);
    * an upload for each approved report of the active tasks: accepted, or pending for the open
      work; one in ``FAILED_EVERY`` failed (half waiting for a person, half to be retried).
    """
    uid = dict(conn.execute("SELECT username, id FROM users"))
    tech = f"CASE s.id % 2 WHEN 0 THEN {uid['wangjian']} ELSE {uid['liuyang']} END"
    now = _q(stamp)
    signed = "s.status IN ('approved', 'reported')"
    conn.execute(
        "INSERT INTO reports (kind, sample_id, task_id, number, status, compiled_by_id, compiled_at, reviewed_by_id, "
        "reviewed_at, approved_by_id, approved_at, file_sha256, version, created_at, updated_at) "
        "SELECT 'test', s.id, s.task_id, 'BG-' || s.number, "
        "CASE s.status WHEN 'reported' THEN 'approved' ELSE s.status END, " + tech + f", {now}, "
        f"CASE WHEN s.status != 'compiled' THEN {uid['chenjing']} END, CASE WHEN s.status != 'compiled' THEN {now} END, "
        f"CASE WHEN {signed} THEN {uid['zhaomin']} END, CASE WHEN {signed} THEN {now} END, "
        f"CASE WHEN {signed} THEN printf('%064d', s.id) END, 1, {now}, {now} "
        "FROM samples s WHERE s.id >= ? AND s.status IN ('compiled', 'reviewed', 'approved', 'reported')",
        (first,),
    )
    judged = "(s.status != 'testing' OR k.seq < s.id % 5)"
    basis = '{"code": "GB 4706.1-2005", "clause": "13.2", "requirement": {"op": "<=", "value": 0.75, "unit": "mA"}}'
    conn.execute(
        "INSERT INTO item_results (sample_id, item, seq, value_text, value_num, unit, requirement, basis, method, "
        "rule_trace, warnings, judgement, tested_by_id, tested_at, version, created_at, updated_at) "
        f"SELECT s.id, {_case('k.seq', ITEMS)}, k.seq, "
        f"CASE WHEN {judged} THEN printf('%.2f', 0.1 + ((s.id * 7 + k.seq) % 50) / 100.0) END, "
        f"CASE WHEN {judged} THEN 0.1 + ((s.id * 7 + k.seq) % 50) / 100.0 END, 'mA', NULL, "
        f"CASE WHEN s.status = 'testing' AND s.id % 8 = 0 AND k.seq = 5 THEN NULL ELSE {_q(basis)} END, NULL, "
        f"'[\"16.1\"]', '[]', CASE WHEN NOT {judged} THEN NULL WHEN s.problems_found AND k.seq = 0 THEN 'fail' "
        f"ELSE 'pass' END, CASE WHEN {judged} THEN " + tech + f" END, CASE WHEN {judged} THEN {now} END, 1, "
        f"{now}, {now} "
        "FROM samples s CROSS JOIN (WITH RECURSIVE c(seq) AS (SELECT 0 UNION ALL SELECT seq + 1 FROM c WHERE seq < ?) "
        "SELECT seq FROM c) k WHERE s.id >= ? AND s.status NOT IN ('registered', 'received')",
        (len(ITEMS) - 1, active_from),
    )
    # the history's problem samples were notified; the newest reported ones' notices partly not yet
    recent = f"(s.id >= {open_from - RECENT_REPORTED} AND s.id % 3 = 0)"
    conn.execute(
        "INSERT INTO notifications (sample_id, report_id, recipient_name, roles, out_of_province, confidential, "
        "document_number, sent_date, method, issued_at, version, created_at, updated_at) "
        "SELECT s.id, r.id, '被抽样单位', '[\"sampled_producer\"]', 0, 1, 'GZ-' || s.number, "
        f"CASE WHEN {recent} THEN NULL ELSE s.reported_date END, CASE WHEN {recent} THEN NULL ELSE 'post' END, "
        f"{now}, 1, s.created_at, s.updated_at "
        "FROM samples s JOIN reports r ON r.sample_id = s.id "
        "WHERE s.id >= ? AND s.problems_found AND s.status = 'reported'",
        (first,),
    )
    for role, name, suffix in (("sampled_producer", "被抽样单位", "1"), ("nominal_producer", "标称生产企业", "2")):
        conn.execute(
            "INSERT INTO notifications (sample_id, report_id, recipient_name, roles, out_of_province, confidential, "
            "document_number, issued_at, version, created_at, updated_at) "
            f"SELECT s.id, r.id, {_q(name)}, {_q(json.dumps([role]))}, 0, 1, "
            f"'GZ-' || s.number || '-{suffix}', {now}, 1, s.created_at, s.updated_at "
            "FROM samples s JOIN reports r ON r.sample_id = s.id "
            "WHERE s.id >= ? AND s.problems_found AND s.status = 'approved'",
            (open_from,),
        )
    failed = f"r.id % {FAILED_EVERY} = 0"
    conn.execute(
        "INSERT INTO sync_outbox (kind, task_id, report_id, sample_id, idempotency_key, state, attempts, "
        "next_attempt_at, last_error, accepted_at, version, created_at, updated_at) "
        "SELECT 'result', r.task_id, r.id, r.sample_id, 'result-' || r.id, "
        f"CASE WHEN {failed} THEN 'failed' WHEN s.status = 'approved' THEN 'pending' ELSE 'accepted' END, "
        f"CASE WHEN {failed} THEN 3 ELSE 1 END, "
        f"CASE WHEN {failed} AND r.id % 2 = 0 THEN datetime({now}, '+1 hour') END, "
        f"CASE WHEN {failed} THEN '省级系统返回 503：服务暂不可用' END, "
        f"CASE WHEN s.status = 'reported' AND NOT {failed} THEN {now} END, 1, {now}, {now} "
        "FROM reports r JOIN samples s ON s.id = r.sample_id WHERE r.status = 'approved' AND s.id >= ?",
        (active_from,),
    )


def build(home: Path, n: int, *, quiet: bool = False) -> Path:
    """The database of ``n`` generated samples in ``home`` (built once, reused after)."""
    from app.store.db import head_revision

    path = home / DB_FILENAME
    done = home / "built"
    stamp = f"{n} {head_revision()} {BUILD}"
    if path.exists() and done.exists() and done.read_text() == stamp:
        return path
    home.mkdir(parents=True, exist_ok=True)
    for p in home.glob(DB_FILENAME + "*"):
        p.unlink()
    t0 = time.perf_counter()
    db = bootstrap(None, home=home)
    db.upgrade()
    demo.load_demo(db, actor="bench")
    db.dispose()
    t1 = time.perf_counter()
    _fill(path, n)
    if not quiet:
        print(f"built {n:,} samples in {home}: demo lab {t1 - t0:.1f} s, SQL copies {time.perf_counter() - t1:.1f} s",
              flush=True)
    done.write_text(stamp)
    return path
