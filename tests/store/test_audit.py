"""The audit log: what each change records, and that tampering with it is detected."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, date
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, text, update

from app.store.audit import GENESIS_HASH, entry_hash, verify_chain
from app.store.db import Database
from app.store.models import Attachment, AuditLog, MonitoringTask, Sample
from app.store.uow import UnitOfWork

audit = AuditLog.__table__


def _entries(db: Database) -> list[AuditLog]:
    with db.session() as s:
        return list(s.scalars(select(AuditLog).order_by(AuditLog.seq)))


def _verify(db: Database):
    with db.session() as s:
        return verify_chain(s)


def _history(db: Database) -> int:
    """Make a short history: insert task+sample+attachment, edit the sample, delete the photo."""
    with UnitOfWork(db, "alice") as uow:
        task = MonitoringTask(number="T-1", title="电器")
        sample = Sample(
            task=task,
            number="T-1-0001",
            place_type="e_platform",
            product_name="电热水壶",
            declared_standards=["GB 4706.19"],
            unit_price=Decimal("59.90"),
        )
        sample.attachments.append(
            Attachment(filename="p.jpg", sha256="-", size=4, content=b"\x89PNG", kind="photo")
        )
        uow.session.add(sample)
        uow.commit()
        sample_id = sample.id
    with UnitOfWork(db, "bob") as uow:
        sample = uow.session.get(Sample, sample_id)
        sample.brand = "美的"
        sample.sampling_date = date(2026, 3, 10)
        sample.claims = [{"item": "甲醛释放量", "source": "label"}]
        uow.commit()
    with UnitOfWork(db, "carol") as uow:
        photo = uow.session.scalar(select(Attachment))
        uow.session.delete(photo)
        uow.commit()
    return sample_id


def test_entries_record_who_what_before_after(db: Database) -> None:
    sample_id = _history(db)
    entries = _entries(db)
    summary = [(e.seq, e.actor, e.action, e.table_name) for e in entries]
    assert summary == [
        (1, "alice", "insert", "monitoring_tasks"),
        (2, "alice", "insert", "samples"),
        (3, "alice", "insert", "attachments"),
        (4, "bob", "update", "samples"),
        (5, "carol", "delete", "attachments"),
    ]
    ins = entries[1]
    assert ins.row_id == sample_id and ins.before is None
    assert ins.after["number"] == "T-1-0001"
    assert ins.after["declared_standards"] == ["GB 4706.19"]
    assert ins.after["unit_price"] == "59.90"
    assert ins.after["version"] == 1
    assert entries[2].after["content"] == "sha256:" + hashlib.sha256(b"\x89PNG").hexdigest()

    upd = entries[3]
    assert upd.before == {"brand": None, "sampling_date": None, "claims": []}
    assert {k: upd.after[k] for k in ("brand", "sampling_date", "claims", "version")} == {
        "brand": "美的",
        "sampling_date": "2026-03-10",
        "claims": [{"item": "甲醛释放量", "source": "label"}],
        "version": 2,
    }
    assert "updated_at" in upd.after and "product_name" not in upd.after

    dele = entries[4]
    assert dele.after is None
    assert dele.before["filename"] == "p.jpg"
    assert dele.before["content"].startswith("sha256:")  # deferred column loaded before the delete
    assert all(e.at.tzinfo is not None for e in entries)
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(entries[i].prev_hash == entries[i - 1].hash for i in range(1, len(entries)))


def test_intact_chain_verifies(db: Database) -> None:
    assert _verify(db).ok and _verify(db).count == 0
    _history(db)
    result = _verify(db)
    assert result.ok, result
    assert (result.count, result.first_bad_seq) == (5, None)
    assert result.head_hash == _entries(db)[-1].hash
    assert "校验通过" in result.message()


def test_hash_matches_documented_formula(db: Database) -> None:
    """``sha256(prev_hash + canonical JSON)``, the JSON written out by hand: keys sorted, no
    spaces, Chinese as it is, the time in UTC (docs: the audit chain)."""
    _history(db)
    e = _entries(db)[3]  # bob's edit of the sample
    at = e.at.astimezone(UTC).isoformat()
    updated = e.after["updated_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", at)
    canonical = (
        '{"action":"update","actor":"bob",'
        '"after":{"brand":"美的","claims":[{"item":"甲醛释放量","source":"label"}],"sampling_date":"2026-03-10",'
        f'"updated_at":"{updated}","version":2}},'
        f'"at":"{at}",'
        '"before":{"brand":null,"claims":[],"sampling_date":null},'
        f'"row_id":{e.row_id},"seq":4,"table_name":"samples"}}'
    )
    assert e.prev_hash == _entries(db)[2].hash
    assert e.hash == hashlib.sha256((e.prev_hash + canonical).encode("utf-8")).hexdigest()


def test_rolled_back_work_leaves_no_entries(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(MonitoringTask(number="T-1", title="x"))
        uow.flush()
        assert uow.session.scalar(select(func.count()).select_from(audit)) == 1
    assert _entries(db) == []


def test_no_op_change_writes_no_entry(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(MonitoringTask(number="T-1", title="x"))
        uow.commit()
    with UnitOfWork(db, "alice") as uow:
        task = uow.session.scalar(select(MonitoringTask))
        task.title = "x"  # same value
        uow.commit()
    assert len(_entries(db)) == 1


def _tamper(db: Database, stmt) -> None:
    with db.engine.begin() as conn:
        conn.execute(stmt)


@pytest.mark.parametrize(
    ("how", "bad_seq", "reason"),
    [
        ("after_json", 2, "内容与哈希不符"),
        ("actor", 4, "内容与哈希不符"),
        ("timestamp", 3, "内容与哈希不符"),
        ("delete_row", 3, "缺失"),
        ("hash", 2, "内容与哈希不符"),
        ("rehash_one", 3, "前序哈希"),
    ],
)
def test_tampering_is_detected(db: Database, how: str, bad_seq: int, reason: str) -> None:
    _history(db)
    entries = _entries(db)
    if how == "after_json":  # a business-visible field of the recorded state
        after = dict(entries[1].after)
        after["product_name"] = "别的产品"
        _tamper(db, update(audit).where(audit.c.seq == 2).values(after=after))
    elif how == "actor":
        _tamper(db, text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4"))
    elif how == "timestamp":
        _tamper(db, update(audit).where(audit.c.seq == 3).values(at=entries[2].at.replace(year=2020)))
    elif how == "delete_row":
        _tamper(db, text("DELETE FROM audit_log WHERE seq = 3"))
    elif how == "hash":
        _tamper(db, text("UPDATE audit_log SET hash = :h WHERE seq = 2").bindparams(h="f" * 64))
    elif how == "rehash_one":
        # A forger edits entry 2 and recomputes its own hash: entry 3 no longer links to it.
        e = entries[1]
        after = dict(e.after, product_name="别的产品")
        forged = entry_hash(
            e.prev_hash,
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            table_name=e.table_name,
            row_id=e.row_id,
            before=e.before,
            after=after,
        )
        _tamper(db, update(audit).where(audit.c.seq == 2).values(after=after, hash=forged))
    result = _verify(db)
    assert not result.ok
    assert result.first_bad_seq == bad_seq
    assert reason in (result.reason or "")
    assert f"第 {bad_seq} 条" in result.message()


def test_bulk_statements_on_audited_tables_are_refused(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(MonitoringTask(number="T-1", title="x"))
        uow.commit()
    with UnitOfWork(db, "alice") as uow:
        with pytest.raises(RuntimeError, match="bypass the audit"):
            uow.session.execute(update(MonitoringTask).values(title="y"))
        with pytest.raises(RuntimeError, match="bypass the audit"):
            uow.session.execute(delete(AuditLog))
    assert _verify(db).ok


def test_concurrent_writers_keep_one_chain(db: Database) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with UnitOfWork(db, f"user{n}") as uow:
                    uow.session.add(MonitoringTask(number=f"T-{n}-{i}", title="并发"))
                    uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    result = _verify(db)
    assert result.ok, result
    assert result.count == 20


def test_password_hash_is_not_kept_in_the_log(db: Database) -> None:
    from app.store.models import User

    secret = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
    with UnitOfWork(db, "admin") as uow:
        uow.session.add(User(username="zhang", display_name="张三", password_hash=secret, roles=["technician"]))
        uow.commit()
    with UnitOfWork(db, "admin") as uow:
        user = uow.session.scalar(select(User))
        user.password_hash = secret + "2"
        uow.commit()
    entries = _entries(db)
    assert [e.action for e in entries] == ["insert", "update"]
    for e in entries:
        assert "argon2" not in str(e.before) + str(e.after)
    assert entries[1].after["password_hash"] == "sha256:" + hashlib.sha256((secret + "2").encode()).hexdigest()
    assert entries[1].before["password_hash"] != entries[1].after["password_hash"]


def test_replacing_deferred_content_records_the_old_value(db: Database) -> None:
    _history(db)
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(
            Attachment(sample_id=1, filename="q.jpg", sha256="-", size=1, content=b"old", kind="other")
        )
        uow.commit()
    with UnitOfWork(db, "bob") as uow:
        att = uow.session.scalar(select(Attachment).where(Attachment.filename == "q.jpg"))
        att.content = b"new"  # not loaded before: the old bytes are fetched for the log
        uow.commit()
    last = _entries(db)[-1]
    assert last.action == "update"
    assert last.before == {"content": "sha256:" + hashlib.sha256(b"old").hexdigest()}
    assert last.after["content"] == "sha256:" + hashlib.sha256(b"new").hexdigest()
