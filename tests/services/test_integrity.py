"""Tamper evidence: rows against the log, signed checkpoints, anchors outside the database.

Each case is something a person with write access to the database file can do with ``sqlite3``:
edit, insert or delete a business row; delete the last audit entries; delete one in the middle
and recompute every hash after it with the public hash function; rewrite the checkpoints too.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import demo, integrity, users
from app.services.context import Context
from app.store.audit import entry_hash
from app.store.db import DB_FILENAME, bootstrap

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("demo-lab")
    db = bootstrap(None, home=home)
    db.upgrade()
    demo.load_demo(db, actor="test")
    db.dispose()
    return home


@pytest.fixture
def lab(demo_home, tmp_path):
    shutil.copyfile(demo_home / DB_FILENAME, tmp_path / DB_FILENAME)
    db = bootstrap(None, home=tmp_path)
    yield db
    db.dispose()


def _admin(db) -> Context:
    return Context(db, users.authenticate(db, demo.DEMO_USER, demo.DEMO_PASSWORD))


def _sql(db, *statements: str) -> None:
    db.dispose()
    con = sqlite3.connect(db.sqlite_path)
    try:
        for st in statements:
            con.execute(st)
        con.commit()
    finally:
        con.close()


def _recompute_from(db, seq: int) -> None:
    """What a forger does after deleting entry ``seq``: renumber and re-hash everything after it."""
    db.dispose()
    con = sqlite3.connect(db.sqlite_path)
    try:
        con.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
        rows = con.execute("SELECT seq, at, actor, action, table_name, row_id, before, after FROM audit_log "
                           "WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
        prev = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq - 1,)).fetchone()[0]
        con.execute("UPDATE audit_log SET seq = -seq, hash = 'x' || seq WHERE seq > ?", (seq,))
        from datetime import UTC, datetime

        for old, at, actor, action, table, row_id, before, after in rows:
            new = old - 1
            when = datetime.fromisoformat(at).replace(tzinfo=UTC)
            digest = entry_hash(prev, seq=new, at=when, actor=actor, action=action, table_name=table,
                                row_id=row_id, before=json.loads(before) if before else None,
                                after=json.loads(after) if after else None)
            con.execute("UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                        (new, prev, digest, -old))
            prev = digest
        con.commit()
    finally:
        con.close()


def test_a_clean_demo_lab_verifies_and_the_demo_made_a_checkpoint(lab):
    report = integrity.verify_integrity(lab)
    assert report.ok, report.problems
    assert report.entries > 100 and report.head_seq == report.entries
    assert report.latest_checkpoint is not None  # the demo lab checkpoints its history
    text = "\n".join(report.lines())
    assert report.head_hash in text and "未发现篡改" in text


@pytest.mark.parametrize(("statement", "table", "field"), [
    ("UPDATE samples SET product_name = '改过的名称' WHERE id = 2", "samples", "product_name"),
    ("UPDATE item_results SET value_num = value_num + 1 WHERE id = "
     "(SELECT min(id) FROM item_results WHERE value_num IS NOT NULL)", "item_results", "value_num"),
])
def test_a_business_row_edited_outside_the_program_is_named(lab, statement, table, field):
    _sql(lab, statement)
    report = integrity.verify_integrity(lab)
    assert not report.ok
    [m] = report.rows
    assert (m.table, m.kind, m.fields) == (table, "edited", (field,))
    assert f"表 {table}" in m.message() and field in m.message()


def test_rows_inserted_or_deleted_outside_the_program_are_named(lab):
    _sql(lab,
         "INSERT INTO enterprises (name, version, created_at, updated_at) "
         "SELECT '冒名企业', 1, created_at, updated_at FROM enterprises LIMIT 1",
         "DELETE FROM panel_members WHERE id = (SELECT max(id) FROM panel_members)")
    kinds = {(m.table, m.kind) for m in integrity.verify_integrity(lab).rows}
    assert ("enterprises", "unlogged") in kinds
    assert ("panel_members", "deleted") in kinds


def test_bookkeeping_tables_are_not_business_rows(lab):
    _sql(lab, "UPDATE sample_number_counters SET next_value = next_value + 5",
         "UPDATE sync_outbox SET attempts = attempts + 1, last_error = '网络' ")
    assert integrity.verify_integrity(lab).ok


def test_deleting_the_last_entries_is_caught_by_the_checkpoint(lab):
    head = integrity.verify_integrity(lab).head_seq
    _sql(lab, f"DELETE FROM audit_log WHERE seq > {head - 3}")
    report = integrity.verify_integrity(lab)
    assert not report.ok
    assert any("有记录被删除" in p for p in report.problems)


def test_a_middle_entry_deleted_and_the_chain_recomputed_is_caught(lab, tmp_path):
    anchor = tmp_path / "anchor.json"
    anchor.write_bytes(_export(lab))
    _recompute_from(lab, 10)  # before the demo lab's first checkpoint
    report = integrity.verify_integrity(lab)
    assert report.chain_ok  # the chain alone looks intact: that is what the checkpoint is for
    assert any("日志被改写" in p for p in report.problems)
    # the forger also empties the checkpoints table: the exported copy still tells
    _sql(lab, "DELETE FROM audit_checkpoints")
    alone = integrity.verify_integrity(lab)
    assert not any("日志被改写" in p for p in alone.problems)
    anchored = integrity.verify_anchor_file(lab, anchor)
    assert any(p.startswith("外部检查点") and "日志被改写" in p for p in anchored.problems)


def test_a_forged_checkpoint_is_refused(lab):
    _sql(lab, "UPDATE audit_checkpoints SET head_hash = 'ab' || substr(head_hash, 3)")
    report = integrity.verify_integrity(lab)
    assert any("签名内容与检查点的序号或哈希不符" in p or "签名无效" in p for p in report.problems)


def test_a_checkpoint_is_not_signed_over_a_broken_chain(lab):
    _sql(lab, "UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT max(seq) FROM audit_log)")
    with pytest.raises(Exception, match="不能签署检查点"):
        integrity.make_checkpoint(_admin(lab))


def test_checkpoints_by_hand_daily_and_their_export(lab, tmp_path):
    ctx = _admin(lab)
    assert integrity.checkpoint_if_due(lab, actor="t", reason="daily") is None  # head unchanged
    users.change_own_password(ctx, demo.DEMO_PASSWORD, "another-password")  # the chain grows
    assert integrity.checkpoint_if_due(lab, actor="t", reason="daily") is None  # one a day
    cp = integrity.checkpoint_if_due(lab, actor="t", reason="upload")
    assert cp is not None and cp.seq == integrity.verify_integrity(lab).head_seq
    made = integrity.make_checkpoint(ctx)
    assert made.seq == cp.seq
    path = integrity.export_file(ctx, tmp_path / "cp.json")
    points = integrity.read_anchor(path.read_bytes())
    assert [p.seq for p in points][-2:] == [cp.seq, cp.seq] and all(p.certificate for p in points)
    assert integrity.verify_anchor_file(lab, path).ok


def test_upload_manifests_carry_the_latest_checkpoint(lab):
    from sqlalchemy import select

    from app.store.models import SyncOutbox
    from app.sync.packages import package_of

    with lab.session() as s:
        item = s.scalar(select(SyncOutbox).where(SyncOutbox.recipe.is_not(None)).order_by(SyncOutbox.id.desc()))
        import io
        import zipfile

        data = package_of(s, item)
        manifest = zipfile.ZipFile(io.BytesIO(data)).read("manifest.json")
    [point] = integrity.read_anchor(manifest, source="manifest.json")
    assert point.certificate is not None
    report = integrity.verify_integrity(lab, anchors=[point])
    assert report.ok and report.anchors_checked == 1


def _export(db) -> bytes:
    with db.session() as s:
        return integrity.export_checkpoints(s)


def _cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "--home", str(home), *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_command_prints_the_head_and_exits_non_zero_on_tampering(lab, tmp_path):
    home = lab.sqlite_path.parent
    lab.dispose()
    ok = _cli(home, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "链头" in ok.stdout and "未发现篡改" in ok.stdout
    done = _cli(home, "audit", "checkpoint", "--export", str(tmp_path / "a.json"))
    assert done.returncode == 0 and "已签署审计检查点" in done.stdout, done.stderr
    _sql(lab, "UPDATE samples SET product_name = 'x' WHERE id = 1")
    bad = _cli(home, "audit", "verify", "--anchor", str(tmp_path / "a.json"))
    assert bad.returncode == 1
    assert "表 samples 第 1 行" in bad.stdout and "Traceback" not in bad.stderr
